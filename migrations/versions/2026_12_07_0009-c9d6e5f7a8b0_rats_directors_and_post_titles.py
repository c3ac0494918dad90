"""The RATS directors and the titles of posts: the table `post_title` (a post's title by
language, as it stood) and its column on `citation`; a person's nationality may be unknown
(no source gives it for four of the RATS directors). The terms of one post never overlap:
the guard of the initial schema is per post already.

Revision ID: c9d6e5f7a8b0
Revises: b8c5d4e6f7a9
Create Date: 2026-12-07 08:06:27.432076
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "c9d6e5f7a8b0"
down_revision: str | None = "b8c5d4e6f7a9"
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
    "body_id",
    "seat_id",
)
NEW_CITED = (*OLD_CITED, "post_title_id")


def _one_fact(columns: Sequence[str]) -> str:
    return " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns) + " = 1"


def upgrade() -> None:
    op.create_table(
        "post_title",
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("start_precision", sa.String(length=20), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("end_precision", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("inferred", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sqlmodel.sql.sqltypes.AutoString(length=96), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("post", sa.String(length=20), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name=op.f("ck_post_title_end_after_start")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_title")),
    )
    with op.batch_alter_table("post_title", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_title_public_id"), ["public_id"], unique=True)

    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_citation_exactly_one_fact"), type_="check")
        batch_op.add_column(sa.Column("post_title_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_citation_post_title_id"), ["post_title_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_citation_post_title_id_post_title"),
            "post_title",
            ["post_title_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint(op.f("ck_citation_exactly_one_fact"), _one_fact(NEW_CITED))

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.alter_column("nationality_iso3", existing_type=sa.VARCHAR(length=3), nullable=True)


def downgrade() -> None:
    # The earlier code knew no RATS director and no person without a nationality: their rows
    # go (the change log keeps them; an import of an earlier file brings the rest back).
    for sql in (
        "UPDATE body SET head_post = NULL WHERE head_post = 'rats_director'",
        "DELETE FROM citation WHERE post_title_id IS NOT NULL",
        "DELETE FROM citation WHERE term_id IN (SELECT id FROM term WHERE post = 'rats_director')",
        "DELETE FROM term WHERE post = 'rats_director'",
        "DELETE FROM citation WHERE person_id IN "
        "(SELECT id FROM person WHERE nationality_iso3 IS NULL)",
        "DELETE FROM citation WHERE term_id IN (SELECT id FROM term WHERE person_id IN "
        "(SELECT id FROM person WHERE nationality_iso3 IS NULL))",
        "DELETE FROM term WHERE person_id IN (SELECT id FROM person WHERE nationality_iso3 IS NULL)",
        "DELETE FROM person WHERE nationality_iso3 IS NULL",
    ):
        op.execute(sql)
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.alter_column(
            "nationality_iso3", existing_type=sa.VARCHAR(length=3), nullable=False
        )

    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_citation_exactly_one_fact"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_citation_post_title_id_post_title"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_citation_post_title_id"))
        batch_op.drop_column("post_title_id")
        batch_op.create_check_constraint(op.f("ck_citation_exactly_one_fact"), _one_fact(OLD_CITED))

    with op.batch_alter_table("post_title", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_title_public_id"))

    op.drop_table("post_title")
