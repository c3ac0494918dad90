"""The organisation and its founding acts: the organisation itself (its names, founding and
predecessor), its languages, its standings in other organisations and its founding
documents, each a kind of fact a citation may point at.

Revision ID: a7b4c3d5e6f8
Revises: f6a3b2c4d5e7
Create Date: 2026-12-07 08:11:18
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "a7b4c3d5e6f8"
down_revision: str | None = "f6a3b2c4d5e7"
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
)
NEW_CITED = (*OLD_CITED, "document_id", "organisation_id", "language_id", "standing_id")


def _one_fact(columns: Sequence[str]) -> str:
    return " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns) + " = 1"


def upgrade() -> None:
    op.create_table(
        "language",
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("start_precision", sa.String(length=20), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("end_precision", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("inferred", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sqlmodel.sql.sqltypes.AutoString(length=96), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name=op.f("ck_language_end_after_start")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_language")),
    )
    with op.batch_alter_table("language", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_language_language"), ["language"], unique=False)
        batch_op.create_index(batch_op.f("ix_language_public_id"), ["public_id"], unique=True)

    op.create_table(
        "standing",
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("start_precision", sa.String(length=20), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("end_precision", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("inferred", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sqlmodel.sql.sqltypes.AutoString(length=96), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("organisation", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("organisation_names", sa.JSON(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("instrument", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name=op.f("ck_standing_end_after_start")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standing")),
    )
    with op.batch_alter_table("standing", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_standing_organisation"), ["organisation"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_standing_public_id"), ["public_id"], unique=True)

    op.create_table(
        "document",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("titles", sa.JSON(), nullable=False),
        sa.Column("short_title", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("signed_precision", sa.String(length=20), nullable=False),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("place_iso3", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
        sa.Column("in_force_on", sa.Date(), nullable=True),
        sa.Column("in_force_precision", sa.String(length=20), nullable=True),
        sa.Column("amends", sa.JSON(), nullable=False),
        sa.Column("text_source_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["place_iso3"], ["state.iso3"], name=op.f("fk_document_place_iso3_state")
        ),
        sa.ForeignKeyConstraint(
            ["text_source_id"], ["source.id"], name=op.f("fk_document_text_source_id_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
    )
    op.create_table(
        "organisation",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("short_names", sa.JSON(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("founded_on", sa.Date(), nullable=False),
        sa.Column("founded_precision", sa.String(length=20), nullable=False),
        sa.Column(
            "founding_document_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True
        ),
        sa.Column("predecessor_names", sa.JSON(), nullable=False),
        sa.Column("predecessor_first_met_on", sa.Date(), nullable=True),
        sa.Column("predecessor_first_met_precision", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["founding_document_id"],
            ["document.id"],
            name=op.f("fk_organisation_founding_document_id_document"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
    )
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_citation_exactly_one_fact"), type_="check")
        batch_op.add_column(
            sa.Column("document_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(
            sa.Column("organisation_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("language_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("standing_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_citation_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_citation_language_id"), ["language_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_citation_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_citation_standing_id"), ["standing_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_citation_standing_id_standing"),
            "standing",
            ["standing_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_citation_document_id_document"),
            "document",
            ["document_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_citation_language_id_language"),
            "language",
            ["language_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_citation_organisation_id_organisation"),
            "organisation",
            ["organisation_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint(op.f("ck_citation_exactly_one_fact"), _one_fact(NEW_CITED))


def downgrade() -> None:
    op.execute(
        "DELETE FROM citation WHERE document_id IS NOT NULL OR organisation_id IS NOT NULL "
        "OR language_id IS NOT NULL OR standing_id IS NOT NULL"
    )
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_citation_exactly_one_fact"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_citation_organisation_id_organisation"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_citation_language_id_language"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_citation_document_id_document"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_citation_standing_id_standing"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_citation_standing_id"))
        batch_op.drop_index(batch_op.f("ix_citation_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_citation_language_id"))
        batch_op.drop_index(batch_op.f("ix_citation_document_id"))
        batch_op.drop_column("standing_id")
        batch_op.drop_column("language_id")
        batch_op.drop_column("organisation_id")
        batch_op.drop_column("document_id")
        batch_op.create_check_constraint(op.f("ck_citation_exactly_one_fact"), _one_fact(OLD_CITED))

    op.drop_table("organisation")
    op.drop_table("document")
    with op.batch_alter_table("standing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_standing_public_id"))
        batch_op.drop_index(batch_op.f("ix_standing_organisation"))

    op.drop_table("standing")
    with op.batch_alter_table("language", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_language_public_id"))
        batch_op.drop_index(batch_op.f("ix_language_language"))

    op.drop_table("language")
