"""The meetings of the councils of Heads of Government and of Foreign Ministers: the table
`meeting` and its column on `citation`.

Revision ID: d0e7f6a8b9c1
Revises: c9d6e5f7a8b0
Create Date: 2026-12-07 08:29:38.008524
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "d0e7f6a8b9c1"
down_revision: str | None = "c9d6e5f7a8b0"
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
    "post_title_id",
)
NEW_CITED = (*OLD_CITED, "meeting_id")


def _one_fact(columns: Sequence[str]) -> str:
    return " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns) + " = 1"


def upgrade() -> None:
    op.create_table(
        "meeting",
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
        sa.Column("ordinal", sa.Integer(), nullable=True),
        sa.Column("extraordinary", sa.Boolean(), nullable=False),
        sa.Column("host_iso3", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("city", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("city_names", sa.JSON(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name=op.f("ck_meeting_end_after_start")
        ),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"], name=op.f("fk_meeting_body_id_body")),
        sa.ForeignKeyConstraint(
            ["host_iso3"], ["state.iso3"], name=op.f("fk_meeting_host_iso3_state")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_public_id"), ["public_id"], unique=True)

    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_citation_exactly_one_fact"), type_="check")
        batch_op.add_column(sa.Column("meeting_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_citation_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_citation_meeting_id_meeting"),
            "meeting",
            ["meeting_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint(op.f("ck_citation_exactly_one_fact"), _one_fact(NEW_CITED))


def downgrade() -> None:
    op.execute("DELETE FROM citation WHERE meeting_id IS NOT NULL")
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_citation_exactly_one_fact"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_citation_meeting_id_meeting"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_citation_meeting_id"))
        batch_op.drop_column("meeting_id")
        batch_op.create_check_constraint(op.f("ck_citation_exactly_one_fact"), _one_fact(OLD_CITED))

    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_public_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_body_id"))

    op.drop_table("meeting")
