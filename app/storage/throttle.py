"""Failed API-key checks, counted by client in the service's database, so that every worker
process and every replica on the database sees the same count.

A client whose failures within the window (a minute by default) reach the limit is
throttled: its key is not looked at, valid or not, until the oldest failure counted leaves
the window. A throttled request is not a failure (no key was checked). Requests that
arrive together just under the limit may each have their key looked at before any of
their failures is recorded, so a client may try a few keys more than `limit` at once; each
of them then counts.

Recording a failure is one short write transaction, serialised per client (an advisory lock
on PostgreSQL, `BEGIN IMMEDIATE` on SQLite): the count is taken and the failure added
together, so concurrent requests from one client are never all let through. The same
transaction deletes the failures that have left the window (the client's own, and a few of
the others'), so the table holds little more than the last window's failures.
"""

import ipaddress
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, delete, insert, select

from app.core.db import advisory_lock
from app.domain.tables import AuthFailure, table_of

# The longest client identifier kept (an IPv6 address with a zone is at most 45 characters;
# a trusted proxy may forward anything).
MAX_CLIENT = 255
# Expired failures of other clients deleted with each failure recorded: more than one, so
# the table shrinks while failures come; bounded, so that no request pays for a sweep.
SWEEP = 100


@dataclass(frozen=True)
class Limit:
    """At most `failures` failed key checks per client within `window` seconds."""

    failures: int = 20
    window: int = 60


@dataclass(frozen=True)
class Tally:
    """A client's standing: its failures in the window, and the seconds until it may be
    checked again (0: it may be now)."""

    failures: int
    retry_after: int

    @property
    def throttled(self) -> bool:
        return self.retry_after > 0


def client_key(host: str | None) -> str:
    """How a client is counted: its IPv4 address, or its IPv6 /64 network (a host is given
    a whole /64, so a client could otherwise take a new address for every 20 tries);
    anything else (a name a proxy forwards) as it is, cut to the column's size; "-": none
    known."""
    try:
        address = ipaddress.ip_address((host or "").split("%")[0])
    except ValueError:
        return (host or "-")[:MAX_CLIENT]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _utc(value: datetime) -> datetime:
    # SQLite gives back the UTC times it was given without their zone.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _tally(conn: Connection, client: str, limit: Limit, now: datetime) -> Tally:
    """The client's failures in the window (at most `limit.failures` are read, newest
    first), and how long until fewer than the limit remain in it."""
    table = table_of(AuthFailure)
    since = now - timedelta(seconds=limit.window)
    times = [
        _utc(t)
        for t in conn.execute(
            select(table.c.failed_at)
            .where(table.c.client == client, table.c.failed_at > since)
            .order_by(table.c.failed_at.desc())
            .limit(limit.failures)
        ).scalars()
    ]
    if len(times) < limit.failures:
        return Tally(len(times), 0)
    # Under the limit again once the oldest of the last `limit` failures leaves the window.
    leaves = times[-1] + timedelta(seconds=limit.window)
    return Tally(len(times), max(1, math.ceil((leaves - now).total_seconds())))


def standing(engine: Engine, client: str, limit: Limit) -> Tally:
    """The client's standing before its key is looked at (a read)."""
    with engine.connect() as conn:
        return _tally(conn, client, limit, datetime.now(UTC))


def fail(engine: Engine, client: str, limit: Limit) -> tuple[bool, Tally]:
    """Record a failed key check of `client`: whether it was recorded, and the client's
    standing after it. A client found throttled already (by requests checked at the same
    time as this one) is not recorded: its key counts as not checked, and is refused as
    throttled."""
    table = table_of(AuthFailure)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.execution_options(sqlite_begin="BEGIN IMMEDIATE")
        with conn.begin():
            if conn.dialect.name == "postgresql":
                advisory_lock(conn, "sco-auth " + client)
            now = datetime.now(UTC)
            before = _tally(conn, client, limit, now)
            if before.throttled:
                return False, before
            cutoff = now - timedelta(seconds=limit.window)
            conn.execute(delete(table).where(table.c.client == client, table.c.failed_at <= cutoff))
            # Others' expired failures, a few at a time; rows another transaction is deleting
            # are skipped rather than waited for (PostgreSQL; SQLite has one writer at once).
            expired = (
                select(table.c.id)
                .where(table.c.failed_at <= cutoff)
                .limit(SWEEP)
                .with_for_update(skip_locked=True)
            )
            conn.execute(delete(table).where(table.c.id.in_(expired.scalar_subquery())))
            conn.execute(insert(table).values(client=client, failed_at=now))
            return True, _tally(conn, client, limit, now)
