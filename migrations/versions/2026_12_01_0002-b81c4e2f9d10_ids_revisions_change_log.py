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

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

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


def _rows(conn: sa.Connection, sql: str) -> list[sa.Row[Any]]:
    return list(conn.execute(sa.text(sql)).all())


def _json(value: Any) -> Any:
    # SQLite hands a JSON column back as its text; PostgreSQL as the value.
    return json.loads(value) if isinstance(value, str) else value


def _day(value: Any) -> str | None:
    return None if value is None else str(value)[:10]


def _documents(conn: sa.Connection) -> list[tuple[str, dict[str, Any]]]:
    """The facts of a database as the earlier code left it, as (kind, document) in the
    shape app.facts gives them — read here with this revision's own SQL, so that later
    changes to the models cannot break this upgrade."""
    cited: dict[tuple[str, Any], list[dict[str, Any]]] = {}
    columns = ("status_period_id", "term_id", "summit_id", "presidency_id", "permanent_body_id")
    for row in _rows(
        conn, f"SELECT source_id, quote, {', '.join(columns)} FROM citation ORDER BY id"
    ):
        column, value = next((c, v) for c, v in zip(columns, row[2:], strict=True) if v is not None)
        cited.setdefault((column, value), []).append({"source": row[0], "quote": row[1]})

    def sources(column: str, value: Any) -> list[dict[str, Any]]:
        return cited.get((column, value), [])

    claims: dict[str, list[dict[str, Any]]] = {}
    for r in _rows(conn, "SELECT source_id, statement, kind, params, note FROM claim ORDER BY id"):
        claims.setdefault(r[0], []).append(
            {"statement": r[1], "kind": r[2], "params": _json(r[3]), "note": r[4]}
        )

    def dated(r: Any, at: int) -> dict[str, Any]:
        end = _render(r[at + 2], r[at + 3]) if r[at + 2] is not None else None
        return {"start": _render(r[at], r[at + 1]), "end": end, "note": r[at + 4]}

    docs: list[tuple[str, dict[str, Any]]] = []
    for r in _rows(conn, "SELECT kind, since, until FROM coverage"):
        docs.append(("coverage", {"id": r[0], "since": _day(r[1]), "until": _day(r[2])}))
    for r in _rows(
        conn,
        "SELECT id, kind, title, publisher, published_on, published_precision, url, language, "
        "text, text_scope FROM source",
    ):
        published = _render(r[4], r[5]) if r[4] is not None else None
        docs.append(
            (
                "source",
                {
                    "id": r[0],
                    "kind": r[1],
                    "title": r[2],
                    "publisher": r[3],
                    "published": published,
                    "url": r[6],
                    "language": r[7],
                    "text": r[8],
                    "text_scope": r[9],
                    "claims": claims.get(r[0], []),
                },
            )
        )
    for r in _rows(conn, "SELECT iso3, wikidata_qid FROM state"):
        docs.append(("state", {"id": r[0], "wikidata": r[1], "aliases": [], "sources": []}))
    for r in _rows(conn, "SELECT id, name, name_ru, name_zh, nationality_iso3 FROM person"):
        docs.append(
            (
                "person",
                {
                    "id": r[0],
                    "name": r[1],
                    "name_ru": r[2],
                    "name_zh": r[3],
                    "nationality": r[4],
                    "wikidata": None,
                    "aliases": [],
                    "sources": [],
                },
            )
        )
    for r in _rows(
        conn, "SELECT id, host_iso3, city, start_date, end_date, format, note FROM summit"
    ):
        docs.append(
            (
                "summit",
                {
                    "id": r[0],
                    "host": r[1],
                    "city": r[2],
                    "start": _day(r[3]),
                    "end": _day(r[4]),
                    "format": r[5],
                    "note": r[6],
                    "sources": sources("summit_id", r[0]),
                },
            )
        )
    dates = "start_date, start_precision, end_date, end_precision, note"
    for r in _rows(
        conn,
        f"SELECT id, public_id, state_iso3, status, decided_on, decided_precision, {dates} "
        "FROM status_period",
    ):
        decided = _render(r[4], r[5]) if r[4] is not None else None
        docs.append(
            (
                "status_period",
                {
                    "id": r[1],
                    "state": r[2],
                    "status": r[3],
                    "decided": decided,
                    **dated(r, 6),
                    "sources": sources("status_period_id", r[0]),
                },
            )
        )
    for r in _rows(conn, f"SELECT id, public_id, person_id, post, {dates} FROM term"):
        docs.append(
            (
                "term",
                {
                    "id": r[1],
                    "person": r[2],
                    "post": r[3],
                    **dated(r, 4),
                    "sources": sources("term_id", r[0]),
                },
            )
        )
    for r in _rows(conn, f"SELECT id, public_id, chair_iso3, summit_id, {dates} FROM presidency"):
        docs.append(
            (
                "presidency",
                {
                    "id": r[1],
                    "chair": r[2],
                    "summit": r[3],
                    **dated(r, 4),
                    "sources": sources("presidency_id", r[0]),
                },
            )
        )
    for r in _rows(conn, "SELECT id, name, seat_city, seat_state_iso3, note FROM permanent_body"):
        docs.append(
            (
                "permanent_body",
                {
                    "id": r[0],
                    "name": r[1],
                    "seat_city": r[2],
                    "seat_state": r[3],
                    "note": r[4],
                    "sources": sources("permanent_body_id", r[0]),
                },
            )
        )
    return docs


def _record_existing_rows(conn: sa.Connection) -> None:
    """The rows already in the tables as change set 1, each a creation at revision 1."""
    docs = _documents(conn)
    version = 0
    if docs:
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
        conn.execute(
            table.insert(),
            [
                {
                    "seq": 1,
                    "ordinal": i,
                    "kind": kind,
                    "fact_id": doc["id"],
                    "op": "create",
                    "revision": 1,
                    "after": doc,
                }
                for i, (kind, doc) in enumerate(docs)
            ],
        )
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
