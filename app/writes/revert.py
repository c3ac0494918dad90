"""Undoing a change set: its inverse, applied as a change set of its own (channel `revert`).

Each fact the change set touched goes back to the document it had before it: a fact it
created is deleted, one it deleted comes back under its old id (its revision continuing
from its last), one it updated gets its earlier fields again. Refused when a later change
set touched any of the same facts (undo those first, or correct by hand), and for the
change sets that made the dataset in the first place (the seed, the migration's record).
"""

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.core.errors import Conflict, InvalidParam, InvalidParameters, NotFound
from app.domain.facts import Facts
from app.domain.kinds import BY_NAME
from app.domain.tables import FactChange
from app.storage import changelog
from app.writes import service as writes

UNREVERTABLE = ("seed", "migration")  # the change sets the record starts from


def plan(seq: int) -> writes.Plan:
    """The write service's plan of the inverse of change set `seq`."""

    def run(current: Facts, conn: Connection) -> list[writes.Operation]:
        del current
        found = changelog.change_sets(conn, seq - 1, 1)
        if not found or found[0].seq != seq:
            raise NotFound(
                f"No change set has the seq {seq} (GET /v1/changes lists them)",
                [InvalidParam(name="revert", reason="no such change set")],
            )
        record = found[0]
        if record.channel in UNREVERTABLE:
            raise InvalidParameters(
                f"Change set {seq} is the {record.channel} the record starts from: it cannot "
                "be reverted (correct its facts with a new change instead)",
                [InvalidParam(name="revert", reason=f"the {record.channel} change set")],
            )
        touched = {(c["kind"], c["id"]) for c in record.changes}
        fc = FactChange.__table__.c  # type: ignore[attr-defined]
        later = conn.execute(
            select(fc.seq, fc.kind, fc.fact_id).where(fc.seq > seq).order_by(fc.seq)
        ).all()
        clashes = sorted(
            {(r.seq, r.kind, r.fact_id) for r in later if (r.kind, r.fact_id) in touched}
        )
        if clashes:
            named = ", ".join(f"{kind} {fact_id} (change set {s})" for s, kind, fact_id in clashes)
            raise Conflict(
                f"Change set {seq} cannot be reverted: later change sets changed the same "
                f"facts: {named}. Revert those first, or correct the facts with a new change",
                [InvalidParam(name="revert", reason="later change sets touched its facts")],
                conflicts_with=sorted({f"/v1/change-sets/{s}" for s, _, _ in clashes}),
            )
        ops = []
        for change in reversed(record.changes):
            kind = BY_NAME[change["kind"]]
            if change["op"] == "create":
                ops.append(writes.Operation("delete", kind, change["id"]))
            elif change["op"] == "delete":
                ops.append(writes.Operation("create", kind, change["id"], change["before"]))
            else:
                ops.append(writes.Operation("update", kind, change["id"], change["before"]))
        return ops

    return run


def reason_for(seq: int, reason: str | None) -> str:
    return reason or f"revert of change set {seq}"
