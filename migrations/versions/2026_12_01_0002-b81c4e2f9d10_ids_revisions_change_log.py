"""The database is the record: public ids, revisions, the change log.

Mints the public id of every existing status period, term and presidency from its natural
key, gives every fact revision 1, and records the rows already there (a database seeded by
earlier code) as the first change set, so the log replays to exactly what the tables hold.
The dataset version becomes the seq of the latest change set; the per-row version triggers
go (a direct SQL edit is outside the record: `sco-api check` reports it). Claim verdicts
are no longer stored: they are computed whenever the dataset is loaded.

Revision ID: b81c4e2f9d10
Revises: a72a2bf4a13d
Create Date: 2026-12-01 22:30:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "b81c4e2f9d10"
down_revision: str | None = "a72a2bf4a13d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FACT_TABLES = (
    "state",
    "person",
    "summit",
    "source",
    "permanent_body",
    "coverage",
    "status_period",
    "term",
    "presidency",
)
MINTED = ("status_period", "term", "presidency")
OLD_TRIGGER_TABLES = (
    "state",
    "status_period",
    "person",
    "term",
    "summit",
    "presidency",
    "permanent_body",
    "source",
    "coverage",
    "citation",
    "claim",
)
OLD_CITED = ("status_period_id", "term_id", "summit_id", "presidency_id", "permanent_body_id")
NEW_CITED = ("state_iso3", "person_id", *OLD_CITED)


def _one_fact(columns: Sequence[str]) -> str:
    return " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns) + " = 1"


def _drop_version_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION bump_dataset_version() CASCADE")
        return
    for table in OLD_TRIGGER_TABLES:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_bump_version_{event}")


def _slug(*parts: object) -> str:
    return "-".join(str(p).lower().replace("_", "-") for p in parts)


def _render(value: object, precision: str | None) -> str:
    text = str(value)[:10]
    return text[:4] if precision == "year" else text[:7] if precision == "month" else text


def _mint_ids(conn: sa.Connection) -> None:
    """The public id of each existing period, term and presidency, from its natural key."""
    keys = {
        "status_period": "SELECT id, state_iso3, status, start_date, start_precision FROM status_period",
        "term": "SELECT id, person_id, post, start_date, start_precision FROM term",
        "presidency": "SELECT id, chair_iso3, 'presidency', start_date, start_precision FROM presidency",
    }
    for table, sql in keys.items():
        taken: set[str] = set()
        for row in conn.execute(sa.text(sql + " ORDER BY id")).all():
            base = _slug(row[1], row[2], _render(row[3], row[4]))
            candidate, n = base, 2
            while candidate in taken:
                candidate, n = f"{base}-{n}", n + 1
            taken.add(candidate)
            conn.execute(
                sa.text(f"UPDATE {table} SET public_id = :p WHERE id = :i"),
                {"p": candidate, "i": row[0]},
            )


def upgrade() -> None:
    _drop_version_triggers()
    for table in FACT_TABLES:
        with op.batch_alter_table(table) as b:
            b.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))
    for table in MINTED:
        with op.batch_alter_table(table) as b:
            b.add_column(
                sa.Column(
                    "public_id",
                    sqlmodel.sql.sqltypes.AutoString(length=96),
                    nullable=False,
                    server_default="",
                )
            )
    for table in ("state", "person"):
        with op.batch_alter_table(table) as b:
            b.add_column(sa.Column("aliases", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("person") as b:
        b.add_column(
            sa.Column("wikidata_qid", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
    with op.batch_alter_table("citation") as b:
        b.drop_constraint(op.f("ck_citation_exactly_one_fact"), type_="check")
        b.add_column(
            sa.Column("state_iso3", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True)
        )
        b.add_column(
            sa.Column("person_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        b.create_foreign_key(
            op.f("fk_citation_state_iso3_state"),
            "state",
            ["state_iso3"],
            ["iso3"],
            ondelete="CASCADE",
        )
        b.create_foreign_key(
            op.f("fk_citation_person_id_person"),
            "person",
            ["person_id"],
            ["id"],
            ondelete="CASCADE",
        )
        b.create_index(b.f("ix_citation_state_iso3"), ["state_iso3"], unique=False)
        b.create_index(b.f("ix_citation_person_id"), ["person_id"], unique=False)
        b.create_check_constraint(op.f("ck_citation_exactly_one_fact"), _one_fact(NEW_CITED))
    with op.batch_alter_table("claim") as b:
        b.drop_column("verdict")
        b.drop_column("detail")
    with op.batch_alter_table("dataset_version") as b:
        b.drop_column("content_hash")
        b.drop_column("seeded_version")
        b.drop_column("loaded_at")
    op.create_table(
        "change_set",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("request_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_change_set")),
    )
    op.create_table(
        "fact_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("fact_id", sqlmodel.sql.sqltypes.AutoString(length=96), nullable=False),
        sa.Column("op", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["seq"], ["change_set.seq"], name=op.f("fk_fact_change_seq_change_set")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fact_change")),
    )
    with op.batch_alter_table("fact_change") as b:
        b.create_index("ix_fact_change_kind_fact_id", ["kind", "fact_id"], unique=False)
        b.create_index(b.f("ix_fact_change_seq"), ["seq"], unique=False)

    conn = op.get_bind()
    _mint_ids(conn)
    for table in MINTED:
        with op.batch_alter_table(table) as b:
            b.create_index(b.f(f"ix_{table}_public_id"), ["public_id"], unique=True)
    _record_existing_rows(conn)


def _record_existing_rows(conn: sa.Connection) -> None:
    """The rows already in the tables as change set 1, each a creation at revision 1."""
    from app.facts import read

    facts = read(conn)
    version = 0
    if facts.count():
        version = 1
        conn.execute(
            sa.text(
                "INSERT INTO change_set (seq, committed_at, actor, channel, reason) "
                "VALUES (1, :at, 'migration', 'migration', :reason)"
            ),
            {
                "at": datetime.now(UTC),
                "reason": "the rows of the database before the change log: recorded as they were",
            },
        )
        rows = [
            {"kind": kind.name, "fact_id": doc["id"], "ordinal": i, "after": doc}
            for i, (kind, doc) in enumerate(facts)
        ]
        table = sa.table(
            "fact_change",
            sa.column("seq", sa.Integer),
            sa.column("ordinal", sa.Integer),
            sa.column("kind", sa.String),
            sa.column("fact_id", sa.String),
            sa.column("op", sa.String),
            sa.column("revision", sa.Integer),
            sa.column("after", sa.JSON),
        )
        conn.execute(table.insert(), [{**r, "seq": 1, "op": "create", "revision": 1} for r in rows])
    conn.execute(sa.text("UPDATE dataset_version SET version = :v WHERE id = 1"), {"v": version})


def downgrade() -> None:
    # The change log goes; the verdicts and the hash of the old loader are not restored
    # (`sco-api seed` of the earlier code writes them again).
    for table in MINTED:
        with op.batch_alter_table(table) as b:
            b.drop_index(b.f(f"ix_{table}_public_id"))
    op.drop_table("fact_change")
    op.drop_table("change_set")
    with op.batch_alter_table("dataset_version") as b:
        b.add_column(sa.Column("loaded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        b.add_column(sa.Column("seeded_version", sa.Integer(), nullable=True))
        b.add_column(
            sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
    with op.batch_alter_table("claim") as b:
        b.add_column(sa.Column("detail", sa.Text(), nullable=False, server_default=""))
        b.add_column(
            sa.Column(
                "verdict", sa.String(length=20), nullable=False, server_default="undetermined"
            )
        )
    op.execute("DELETE FROM citation WHERE state_iso3 IS NOT NULL OR person_id IS NOT NULL")
    with op.batch_alter_table("citation") as b:
        b.drop_constraint(op.f("ck_citation_exactly_one_fact"), type_="check")
        b.drop_index(b.f("ix_citation_person_id"))
        b.drop_index(b.f("ix_citation_state_iso3"))
        b.drop_constraint(op.f("fk_citation_person_id_person"), type_="foreignkey")
        b.drop_constraint(op.f("fk_citation_state_iso3_state"), type_="foreignkey")
        b.drop_column("person_id")
        b.drop_column("state_iso3")
        b.create_check_constraint(op.f("ck_citation_exactly_one_fact"), _one_fact(OLD_CITED))
    with op.batch_alter_table("person") as b:
        b.drop_column("wikidata_qid")
    for table in ("state", "person"):
        with op.batch_alter_table(table) as b:
            b.drop_column("aliases")
    for table in MINTED:
        with op.batch_alter_table(table) as b:
            b.drop_column("public_id")
    for table in FACT_TABLES:
        with op.batch_alter_table(table) as b:
            b.drop_column("revision")
    _restore_version_triggers()


def _restore_version_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION bump_dataset_version() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN UPDATE dataset_version SET version = version + 1 WHERE id = 1; RETURN NULL; END $$"
        )
        for table in OLD_TRIGGER_TABLES:
            op.execute(
                f"CREATE TRIGGER trg_{table}_bump_version "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION bump_dataset_version()"
            )
        return
    for table in OLD_TRIGGER_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER trg_{table}_bump_version_{event.lower()} AFTER {event} ON {table} "
                "BEGIN UPDATE dataset_version SET version = version + 1 WHERE id = 1; END"
            )
