"""Inferred facts say so: a status period, a term or a presidency no source states carries
the rule it is inferred by (`inferred`); null: a source states it.

Revision ID: f6a3b2c4d5e7
Revises: e5f2a1b3c4d6
Create Date: 2026-12-07 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f6a3b2c4d5e7"
down_revision: str | None = "e5f2a1b3c4d6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DATED = ("status_period", "term", "presidency")


def upgrade() -> None:
    for table in DATED:
        with op.batch_alter_table(table) as b:
            b.add_column(sa.Column("inferred", sa.Text(), nullable=True))


def downgrade() -> None:
    for table in DATED:
        with op.batch_alter_table(table) as b:
            b.drop_column("inferred")
