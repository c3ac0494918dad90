"""The change log: reading change sets, and rebuilding the facts at any version from it.

Append-only: a change set is written once, with the fact changes it made (the whole
document before and after), in the transaction that made them. Replaying the changes of
seq 1..N gives the dataset right after change set N.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from app.domain.facts import Facts
from app.domain.tables import ChangeSet, FactChange


@dataclass(frozen=True)
class ChangeSetRecord:
    seq: int
    committed_at: datetime
    actor: str
    channel: str
    reason: str
    changes: list[dict[str, Any]]
    request_id: str | None = None
    api_key: str | None = None  # the curator's key (shown in the audit only)


def replay(conn: Connection, upto: int | None = None) -> Facts:
    """The facts right after change set `upto` (default: the latest)."""
    facts = Facts()
    query = select(FactChange).order_by(FactChange.seq, FactChange.ordinal)  # type: ignore[arg-type]
    if upto is not None:
        query = query.where(FactChange.seq <= upto)  # type: ignore[arg-type]
    for row in conn.execute(query).all():
        docs = facts.docs[row.kind]
        if row.op == "delete":
            docs.pop(row.fact_id, None)
            facts.revisions.pop((row.kind, row.fact_id), None)
        else:
            docs[row.fact_id] = row.after
            facts.revisions[(row.kind, row.fact_id)] = row.revision
    return facts


def _filled(value: Any) -> Any:
    """A document with its empty fields left out (None, [], {}), in its citations too: one
    logged before a field existed lacks it, and reads as empty there."""
    if isinstance(value, dict):
        return {k: _filled(v) for k, v in value.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_filled(v) for v in value]
    return value


def differences(conn: Connection, facts: Facts) -> list[str]:
    """Rows that differ from a replay of the log: writes made around the write service
    (direct SQL edits), which the change log does not record."""
    logged = replay(conn)
    found = []
    for kind in facts.docs:
        mine, theirs = facts.docs[kind], logged.docs[kind]
        for fact_id in sorted(set(mine) | set(theirs)):
            a, b = _filled(mine.get(fact_id)), _filled(theirs.get(fact_id))
            if a == b and facts.revisions.get((kind, fact_id)) == logged.revisions.get(
                (kind, fact_id)
            ):
                continue
            if b is None:
                found.append(f"{kind} {fact_id} is in the tables but not in the change log")
            elif a is None:
                found.append(f"{kind} {fact_id} is in the change log but missing from the tables")
            else:
                fields = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k)) or ["revision"]
                found.append(
                    f"{kind} {fact_id} differs from the change log in {', '.join(fields)} "
                    "(edited outside the write service?)"
                )
    return found


def latest(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(ChangeSet.seq), 0))).scalar_one())


def recorded_by(conn: Connection, day: date) -> int:
    """The version at the end of UTC day `day`: the last change set committed by then (0:
    none)."""
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)
    return int(
        conn.execute(
            select(func.coalesce(func.max(ChangeSet.seq), 0)).where(ChangeSet.committed_at < end)  # type: ignore[arg-type]
        ).scalar_one()
    )


def change_sets(
    conn: Connection, since: int, limit: int, upto: int | None = None
) -> list[ChangeSetRecord]:
    """Change sets after `since` (and up to `upto`), oldest first, whole."""
    query = select(ChangeSet).where(ChangeSet.seq > since).order_by(ChangeSet.seq).limit(limit)  # type: ignore[arg-type]
    if upto is not None:
        query = query.where(ChangeSet.seq <= upto)  # type: ignore[arg-type]
    sets = conn.execute(query).all()
    if not sets:
        return []
    seqs = [s.seq for s in sets]
    changes: dict[int, list[dict[str, Any]]] = {s: [] for s in seqs}
    rows = conn.execute(
        select(FactChange)
        .where(FactChange.seq.in_(seqs))  # type: ignore[attr-defined]
        .order_by(FactChange.seq, FactChange.ordinal)  # type: ignore[arg-type]
    ).all()
    for r in rows:
        changes[r.seq].append(
            {
                "kind": r.kind,
                "id": r.fact_id,
                "op": r.op,
                "revision": r.revision,
                "before": r.before,
                "after": r.after,
            }
        )
    return [
        ChangeSetRecord(
            seq=s.seq,
            committed_at=utc(s.committed_at),
            actor=s.actor,
            channel=s.channel,
            reason=s.reason,
            changes=changes[s.seq],
            request_id=s.request_id,
            api_key=s.api_key,
        )
        for s in sets
    ]


def utc(value: datetime) -> datetime:
    # SQLite hands timestamps back without their zone; they were written in UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
