"""The one write service: every change to the dataset — the seed, an import, any later
channel — is a change set that goes through `commit`.

Writers take turns: each waits in the writers' queue (app.storage.turns, bounded in count
and time), then the writer lock is taken (SQLite `BEGIN IMMEDIATE`, a PostgreSQL advisory
lock), then the current facts are read, the change set is planned against them,
the candidate dataset is built in memory and checked by the one rule set (app.domain.rules), and
only then are the changed rows and their change-log rows written, in one transaction
that also moves the dataset version to the new change set's seq.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)

from app.core import metrics
from app.core.db import advisory_lock
from app.core.errors import AppError
from app.domain.dataset import Dataset
from app.domain.facts import Facts
from app.domain.fields import Doc
from app.domain.kind import Kind
from app.domain.kinds import KINDS
from app.domain.rules import Problem, check
from app.domain.tables import ChangeSet, DatasetVersion, FactChange, table_of
from app.domain.text import text_fault
from app.storage import beacon, rows
from app.storage.turns import turns_of
from app.writes.dataset_file import SeedError

Op = Literal["create", "update", "delete"]
MAX_ACTOR = 200
MAX_REASON = 10_000
# Channels whose change sets an import may overwrite without --force.
IMPORT_CHANNELS = ("seed", "import", "migration")


@dataclass(frozen=True)
class Operation:
    """One fact's change: its new document (create, update) or none (delete)."""

    op: Op
    kind: Kind
    id: str
    doc: Doc | None = None


@dataclass(frozen=True)
class Change:
    kind: str
    id: str
    op: Op
    revision: int
    before: Doc | None
    after: Doc | None
    fields: tuple[str, ...] = ()  # the fields an update changed


@dataclass
class Outcome:
    """What a change set did (or, in a dry run, would do)."""

    seq: int | None
    changes: list[Change] = field(default_factory=list)
    committed: bool = False
    dataset: "Dataset | None" = None  # the dataset the change set made (or would make)
    # Once committed: the dataset as it now stands in the database, stamped with its epoch,
    # its version (seq) and the time of its commit, as a fresh read of the tables makes it.
    committed_dataset: "Dataset | None" = None

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {"create": 0, "update": 0, "delete": 0}
        for c in self.changes:
            found[c.op] += 1
        return found


class Refused(SeedError):
    """A change set was refused whole; nothing was written."""

    def __init__(self, problems: Sequence[Problem | str], status: int = 422) -> None:
        super().__init__([str(p) for p in problems])
        self.details = list(problems)
        self.status = status


Plan = Callable[[Facts, Connection], list[Operation]]
# Run inside the change set's transaction once it is recorded, before it commits: what
# must be written with it or not at all (the answer an idempotent request replays).
After = Callable[[Connection, Outcome], None]


def _turn(engine: Engine) -> AbstractContextManager[float]:
    """This writer's turn among the writers of `engine`'s database (app.storage.turns)."""
    url = engine.url
    file = url.database if url.get_backend_name() == "sqlite" else None
    return turns_of(
        url.render_as_string(), file if file not in (None, "", ":memory:") else None
    ).turn()


def _lock(conn: Connection, left: float) -> None:
    """The writers' lock across processes on PostgreSQL, waited for `left` seconds at most
    (SQLite's is taken by BEGIN IMMEDIATE, and the turn's file lock before it)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {max(int(left * 1000), 1)}")
        advisory_lock(conn, "sco-api write")
        conn.exec_driver_sql("SET LOCAL lock_timeout = 0")  # the bound was the wait's only


def changed_fields(before: Doc, after: Doc) -> tuple[str, ...]:
    return tuple(k for k in after if before.get(k) != after.get(k))


def apply(
    current: Facts, ops: Sequence[Operation], logged: dict[tuple[str, str], int] | None = None
) -> tuple[Facts, list[Change]]:
    """The candidate facts after `ops`, and the changes with their new revisions. A fact
    created again under an id it had before continues from its last logged revision, so
    (id, revision) never names two contents."""
    candidate = current.copy()
    changes = []
    for o in ops:
        docs = candidate.docs[o.kind.name]
        key = (o.kind.name, o.id)
        before = docs.get(o.id)
        if o.op == "create" and before is not None:
            raise Refused([f"{o.kind.name} {o.id} exists already"], 409)
        if o.op != "create" and before is None:
            raise Refused([f"no {o.kind.name} has the id {o.id!r} to {o.op}"], 404)
        if o.op == "delete":
            assert before is not None
            del docs[o.id]
            changes.append(
                Change(o.kind.name, o.id, "delete", candidate.revisions.pop(key), before, None)
            )
            continue
        assert o.doc is not None
        if o.op == "update":
            revision = candidate.revisions.get(key, 0) + 1
        else:
            revision = (logged or {}).get(key, 0) + 1
        docs[o.id] = o.doc
        candidate.revisions[key] = revision
        fields = changed_fields(before, o.doc) if before is not None else ()
        changes.append(Change(o.kind.name, o.id, o.op, revision, before, o.doc, fields))
    return candidate, changes


def _write_rows(
    conn: Connection, ops: Sequence[Operation], revisions: dict[tuple[str, str], int]
) -> None:
    """Write the changed rows in an order every constraint accepts at every step: the
    old rows of changed periods (whose ids are minted) go first, so no transient overlap;
    then each kind, parents first, is updated and inserted; deleted parents go last."""
    order = {k.name: i for i, k in enumerate(KINDS)}
    ops = sorted(ops, key=lambda o: order[o.kind.name])
    for o in reversed(ops):
        if o.kind.minted and o.op in ("delete", "update"):
            rows.delete_row(conn, o.kind, o.id)
    for o in ops:
        if o.op == "delete":
            continue
        assert o.doc is not None
        revision = revisions[(o.kind.name, o.id)]
        if o.op == "update" and not o.kind.minted:
            rows.update_row(conn, o.kind, o.doc, revision)
        else:
            rows.insert_row(conn, o.kind, o.doc, revision)
    for o in reversed(ops):
        if o.op == "delete" and not o.kind.minted:
            rows.delete_row(conn, o.kind, o.id)


def _record(
    conn: Connection,
    changes: list[Change],
    actor: str,
    reason: str,
    channel: str,
    request_id: str | None,
    api_key: str | None = None,
) -> tuple[int, datetime]:
    seq = int(conn.execute(select(func.coalesce(func.max(ChangeSet.seq), 0))).scalar_one()) + 1
    now = datetime.now(UTC)
    conn.execute(
        insert(ChangeSet).values(
            seq=seq,
            committed_at=now,
            actor=actor,
            channel=channel,
            reason=reason,
            request_id=request_id,
            api_key=api_key,
        )
    )
    conn.execute(
        insert(FactChange),
        [
            {
                "seq": seq,
                "ordinal": i,
                "kind": c.kind,
                "fact_id": c.id,
                "op": c.op,
                "revision": c.revision,
                "before": c.before,
                "after": c.after,
            }
            for i, c in enumerate(changes)
        ],
    )
    conn.execute(
        update(table_of(DatasetVersion))
        .where(table_of(DatasetVersion).c.id == 1)
        .values(version=seq)
    )
    return seq, now


def commit(
    engine: Engine,
    plan: Plan,
    *,
    actor: str,
    reason: str,
    channel: str,
    request_id: str | None = None,
    dry_run: bool = False,
    api_key: str | None = None,
    after: After | None = None,
    ring: Callable[[Outcome], None] | None = None,
) -> Outcome:
    """Plan a change set against the current facts, check the candidate, and write it with
    its change-log rows in one transaction; refuse it whole (Refused) on any problem. Once
    it is committed, `ring(outcome)` tells this host's workers (default: the beacon in
    SCO_BEACON_DIR, app.storage.beacon). Each outcome is counted (metric
    sco_writes_total). Whatever else `plan` or `after` raise
    leaves nothing written too."""
    try:
        outcome = _commit(
            engine, plan, _Record(actor, reason, channel, request_id, api_key), dry_run, after
        )
    except (Refused, AppError):  # refused by the rule set, or by the plan itself
        metrics.WRITES.labels(channel, "refused").inc()
        raise
    if outcome.committed:
        # Every worker on this host reads the new version from now on.
        if ring is None:
            beacon.ring(engine.url)
        else:
            ring(outcome)
    result = "committed" if outcome.committed else "dry_run" if dry_run else "unchanged"
    metrics.WRITES.labels(channel, result).inc()
    return outcome


@dataclass(frozen=True)
class _Record:
    """Who made a change set, how and why."""

    actor: str
    reason: str
    channel: str
    request_id: str | None
    api_key: str | None


def _commit(
    engine: Engine, plan: Plan, record: _Record, dry_run: bool, after: After | None
) -> Outcome:
    if not 1 <= len(record.actor) <= MAX_ACTOR or not 1 <= len(record.reason) <= MAX_REASON:
        raise Refused(
            [
                f"the actor (1 to {MAX_ACTOR} characters) and the reason (1 to {MAX_REASON}) "
                "must both be given"
            ]
        )
    for name, text in (("actor", record.actor), ("reason", record.reason)):
        fault = text_fault(text)
        if fault is not None:
            raise Refused([Problem(f"the change set's {name} holds {fault}", field=name)])
    with explained(), _turn(engine) as left, engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.execution_options(sqlite_begin="BEGIN IMMEDIATE")
        with conn.begin() as tx:
            _lock(conn, left)
            epoch = conn.execute(select(DatasetVersion.epoch)).scalar()  # type: ignore[call-overload]
            if epoch is None:
                raise Refused(["the database is not migrated: run `sco-api migrate` first"], 503)
            current = rows.read(conn)
            ops = plan(current, conn)
            candidate, changes = apply(current, ops, last_revisions(conn))
            if not changes:
                return Outcome(seq=None)
            ds, problems = check(candidate)
            if problems:
                # A clash with another record is a conflict, whatever else it causes
                # (a count a source gives that the clash now contradicts).
                clashes = any(p.conflict is not None for p in problems)
                raise Refused(problems, 409 if clashes else 422)
            if dry_run:
                tx.rollback()
                return Outcome(seq=None, changes=changes, dataset=ds)
            _write_rows(conn, ops, candidate.revisions)
            seq, at = _record(
                conn,
                changes,
                record.actor,
                record.reason,
                record.channel,
                record.request_id,
                record.api_key,
            )
            # Its facts were read within this transaction: with the changes, they are what
            # the database holds once it commits.
            stands = None if ds is None else replace(ds, epoch=epoch, version=seq, committed_at=at)
            outcome = Outcome(seq, changes, True, ds, stands)
            if after is not None:
                after(conn, outcome)
        return outcome


@contextmanager
def explained() -> Iterator[None]:
    """Database errors in the block raised as named refusals (`explain`); an error that is
    none of those (a defect here) is raised as it is, to be answered 500 and logged."""
    try:
        yield
    except DBAPIError as exc:
        refusal = explain(exc)
        if refusal is None:
            raise
        raise refusal from exc


def explain(exc: DBAPIError) -> Refused | None:
    """A database error as a named refusal: what it refused, or why it cannot be used. Only
    a database that cannot be reached or used is a 503 (worth retrying); a value it refuses
    is a 422; None for any other error."""
    if isinstance(exc, IntegrityError):
        return Refused([f"the database refused the change: {first_line(exc)}"], 409)
    if isinstance(exc, ProgrammingError | OperationalError) and (
        "no such table" in str(exc.orig) or "does not exist" in str(exc.orig)
    ):
        return Refused(
            [f"the database is not migrated: run `sco-api migrate` ({first_line(exc)})"], 503
        )
    if getattr(exc.orig, "sqlstate", None) == "55P03":  # lock_not_available: _lock's bound
        return Refused(
            [
                "the database did not take this write in time (other writes went first): send "
                "it again in a few seconds"
            ],
            503,
        )
    if isinstance(exc, DataError):
        return Refused([f"the database refused a value: {first_line(exc)}"], 422)
    if isinstance(exc, OperationalError | InterfaceError) or exc.connection_invalidated:
        return Refused([f"the database cannot be used: {first_line(exc)}"], 503)
    return None


def first_line(exc: DBAPIError) -> str:
    """The first line of what the database said (or the name of its error)."""
    return (
        str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
    )


def last_changes(conn: Connection) -> dict[tuple[str, str], tuple[int, str]]:
    """For every fact ever changed: (seq, channel) of the change set that changed it last."""
    fc, cs = table_of(FactChange).c, table_of(ChangeSet).c
    rows = conn.execute(
        select(fc.kind, fc.fact_id, fc.seq, cs.channel)
        .join(table_of(ChangeSet), cs.seq == fc.seq)
        .order_by(fc.seq)
    ).all()
    return {(r.kind, r.fact_id): (r.seq, r.channel) for r in rows}


def last_revisions(conn: Connection) -> dict[tuple[str, str], int]:
    """The last revision the log records for every fact it ever held."""
    fc = table_of(FactChange).c
    rows = conn.execute(
        select(fc.kind, fc.fact_id, func.max(fc.revision)).group_by(fc.kind, fc.fact_id)
    ).all()
    return {(r[0], r[1]): int(r[2]) for r in rows}


def used_ids(conn: Connection, kind: str) -> set[str]:
    """Every id a fact of `kind` has ever had: a minted id is never given twice."""
    fc = table_of(FactChange).c
    return set(conn.execute(select(fc.fact_id).where(fc.kind == kind).distinct()).scalars())


def latest_import(conn: Connection) -> int:
    return int(
        conn.execute(
            select(func.coalesce(func.max(ChangeSet.seq), 0)).where(
                ChangeSet.channel.in_(IMPORT_CHANNELS)  # type: ignore[attr-defined]
            )
        ).scalar_one()
    )


def any_change_set(conn: Connection) -> bool:
    return conn.execute(select(ChangeSet.seq).limit(1)).first() is not None  # type: ignore[call-overload]
