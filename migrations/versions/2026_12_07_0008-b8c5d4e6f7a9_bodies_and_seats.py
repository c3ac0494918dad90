"""The organisation's bodies and their seats: the tables `body` and `seat` (with the
database's own guard against two seats of one body at once), their columns on `citation`,
and the Secretariat moved from `permanent_body` to `body`, keeping its id and citations,
recorded as a change set of its own (so that earlier change sets still replay, revert and
answer `version=`).

Revision ID: b8c5d4e6f7a9
Revises: a7b4c3d5e6f8
Create Date: 2026-12-07 07:42:02.245799
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "b8c5d4e6f7a9"
down_revision: str | None = "a7b4c3d5e6f8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_CITED = (
    "state_iso3",
    "person_id",
    "status_period_id",
    "term_id",
    "summit_id",
    "presidency_id",
    "permanent_body_id",
    "document_id",
    "organisation_id",
    "language_id",
    "standing_id",
)
NEW_CITED = (*OLD_CITED, "body_id", "seat_id")
REASON = (
    "issue 17: the Secretariat, a permanent body, becomes one of the organisation's bodies "
    "(kind body), keeping its id and its sources"
)


def _one_fact(columns: Sequence[str]) -> str:
    return " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns) + " = 1"


def _seat_guard() -> None:
    """Two seats of one body may not overlap (as terms of one post may not)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE seat ADD CONSTRAINT ex_seat_no_overlap EXCLUDE USING gist "
            "(body_id WITH =, daterange(start_date, end_date, '[]') WITH &&)"
        )
        return
    clash = (
        "SELECT 1 FROM seat p WHERE p.body_id = NEW.body_id "
        "AND p.start_date <= COALESCE(NEW.end_date, '9999-12-31') "
        "AND NEW.start_date <= COALESCE(p.end_date, '9999-12-31')"
    )
    for event, other in (("INSERT", ""), ("UPDATE", " AND p.id <> NEW.id")):
        op.execute(
            f"CREATE TRIGGER trg_seat_no_overlap_{event.lower()} "
            f"BEFORE {event} ON seat WHEN EXISTS ({clash}{other}) "
            "BEGIN SELECT RAISE(ABORT, 'overlapping period: a body has one seat at a time'); END"
        )


def _latest(conn: sa.Connection, kind: str, fact_id: str) -> Any:
    return conn.execute(
        sa.text(
            "SELECT seq, op, revision, after, before FROM fact_change "
            "WHERE kind = :kind AND fact_id = :id ORDER BY seq DESC, ordinal DESC LIMIT 1"
        ),
        {"kind": kind, "id": fact_id},
    ).first()


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


FACT_CHANGE = sa.table(
    "fact_change",
    sa.column("seq", sa.Integer),
    sa.column("ordinal", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("fact_id", sa.String),
    sa.column("op", sa.String),
    sa.column("revision", sa.Integer),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
)


def _move_the_secretariat(conn: sa.Connection) -> None:
    """The permanent body `secretariat` becomes the body `secretariat`: the same names,
    note and citations (its seat, a dated period, comes with the shipped file's import)."""
    row = conn.execute(
        sa.text("SELECT id, revision, name, note FROM permanent_body WHERE id = 'secretariat'")
    ).first()
    latest = _latest(conn, "permanent_body", "secretariat")
    if row is None or latest is None or latest.op == "delete":
        return
    before = _json(latest.after)
    after = {
        "id": "secretariat",
        "names": {"en": row.name},
        "aliases": [],
        "kind": "permanent_body",
        "part_of": None,
        "head_post": "secretary_general",
        "decided": None,
        "start": None,
        "end": None,
        "inferred": None,
        "note": row.note,
        "sources": before.get("sources", []),
    }
    seq = conn.execute(sa.text("SELECT COALESCE(MAX(seq), 0) + 1 FROM change_set")).scalar_one()
    conn.execute(
        sa.text(
            "INSERT INTO change_set (seq, committed_at, actor, channel, reason) "
            "VALUES (:seq, :at, 'migration', 'migration', :reason)"
        ),
        {"seq": seq, "at": datetime.now(UTC), "reason": REASON},
    )
    conn.execute(
        FACT_CHANGE.insert(),
        [
            {
                "seq": seq,
                "ordinal": 0,
                "kind": "permanent_body",
                "fact_id": "secretariat",
                "op": "delete",
                "revision": row.revision,
                "before": before,
                "after": None,
            },
            {
                "seq": seq,
                "ordinal": 1,
                "kind": "body",
                "fact_id": "secretariat",
                "op": "create",
                "revision": 1,
                "before": None,
                "after": after,
            },
        ],
    )
    conn.execute(
        sa.text(
            "INSERT INTO body (id, revision, names, aliases, kind, head_post, note) "
            "VALUES ('secretariat', 1, :names, '[]', 'permanent_body', 'secretary_general', :note)"
        ),
        {"names": json.dumps(after["names"]), "note": row.note},
    )
    conn.execute(
        sa.text(
            "UPDATE citation SET body_id = 'secretariat', permanent_body_id = NULL "
            "WHERE permanent_body_id = 'secretariat'"
        )
    )
    conn.execute(sa.text("DELETE FROM permanent_body WHERE id = 'secretariat'"))
    conn.execute(sa.text("UPDATE dataset_version SET version = :v WHERE id = 1"), {"v": seq})


def upgrade() -> None:
    op.create_table(
        "body",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("part_of_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("head_post", sa.String(length=20), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_precision", sa.String(length=20), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("start_precision", sa.String(length=20), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("end_precision", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("inferred", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["part_of_id"], ["body.id"], name=op.f("fk_body_part_of_id_body")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body")),
    )
    op.create_table(
        "seat",
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("start_precision", sa.String(length=20), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("end_precision", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("inferred", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sqlmodel.sql.sqltypes.AutoString(length=96), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("body_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("city", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("state_iso3", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_precision", sa.String(length=20), nullable=True),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name=op.f("ck_seat_end_after_start")
        ),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"], name=op.f("fk_seat_body_id_body")),
        sa.ForeignKeyConstraint(
            ["state_iso3"], ["state.iso3"], name=op.f("fk_seat_state_iso3_state")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seat")),
    )
    with op.batch_alter_table("seat", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_seat_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_seat_public_id"), ["public_id"], unique=True)

    _seat_guard()
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_citation_exactly_one_fact"), type_="check")
        batch_op.add_column(
            sa.Column("body_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("seat_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_citation_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_citation_seat_id"), ["seat_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_citation_seat_id_seat"), "seat", ["seat_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_citation_body_id_body"), "body", ["body_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_check_constraint(op.f("ck_citation_exactly_one_fact"), _one_fact(NEW_CITED))
    _move_the_secretariat(op.get_bind())


def _move_it_back(conn: sa.Connection) -> None:
    """Undo the move, where the migration's change set is still the latest: the permanent
    body as it was, its citations back, the change set gone."""
    moved = conn.execute(
        sa.text(
            "SELECT f.seq, f.before FROM fact_change f JOIN change_set c ON c.seq = f.seq "
            "WHERE f.kind = 'permanent_body' AND f.fact_id = 'secretariat' AND f.op = 'delete' "
            "AND c.channel = 'migration' AND c.reason = :reason ORDER BY f.seq DESC LIMIT 1"
        ),
        {"reason": REASON},
    ).first()
    if moved is None:
        return
    last = conn.execute(sa.text("SELECT MAX(seq) FROM change_set")).scalar_one()
    if last != moved.seq:
        raise RuntimeError(
            "the Secretariat's move to the bodies is not the latest change set: export the "
            "dataset, downgrade an empty database and import it there instead"
        )
    before = _json(moved.before)
    revision = conn.execute(
        sa.text("SELECT revision FROM fact_change WHERE seq = :seq AND ordinal = 0"),
        {"seq": moved.seq},
    ).scalar_one()
    conn.execute(
        sa.text(
            "INSERT INTO permanent_body (id, revision, name, seat_city, seat_state_iso3, note) "
            "VALUES ('secretariat', :revision, :name, :city, :state, :note)"
        ),
        {
            "revision": revision,
            "name": before["name"],
            "city": before["seat_city"],
            "state": before["seat_state"],
            "note": before.get("note"),
        },
    )
    conn.execute(
        sa.text(
            "UPDATE citation SET permanent_body_id = 'secretariat', body_id = NULL "
            "WHERE body_id = 'secretariat'"
        )
    )
    conn.execute(sa.text("DELETE FROM citation WHERE body_id IS NOT NULL OR seat_id IS NOT NULL"))
    conn.execute(sa.text("DELETE FROM fact_change WHERE seq = :seq"), {"seq": moved.seq})
    conn.execute(sa.text("DELETE FROM change_set WHERE seq = :seq"), {"seq": moved.seq})
    conn.execute(
        sa.text("UPDATE dataset_version SET version = :v WHERE id = 1"), {"v": moved.seq - 1}
    )


def downgrade() -> None:
    _move_it_back(op.get_bind())
    op.execute("DELETE FROM citation WHERE body_id IS NOT NULL OR seat_id IS NOT NULL")
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_citation_exactly_one_fact"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_citation_body_id_body"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_citation_seat_id_seat"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_citation_seat_id"))
        batch_op.drop_index(batch_op.f("ix_citation_body_id"))
        batch_op.drop_column("seat_id")
        batch_op.drop_column("body_id")
        batch_op.create_check_constraint(op.f("ck_citation_exactly_one_fact"), _one_fact(OLD_CITED))
    with op.batch_alter_table("seat", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seat_public_id"))
        batch_op.drop_index(batch_op.f("ix_seat_body_id"))

    op.drop_table("seat")
    op.drop_table("body")
