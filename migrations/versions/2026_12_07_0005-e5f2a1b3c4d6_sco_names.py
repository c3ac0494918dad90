"""States' names as the SCO writes them: the names given in the dataset (`sco_names`, where
ISO 3166's translations differ) and ISO's names they replace (`iso_names`, derived). An
existing database gets them by importing the shipped file.

Revision ID: e5f2a1b3c4d6
Revises: d4e1f0a2b3c5
Create Date: 2026-12-07 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e5f2a1b3c4d6"
down_revision: str | None = "d4e1f0a2b3c5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("state") as b:
        b.add_column(sa.Column("sco_names", sa.JSON(), nullable=False, server_default="{}"))
        b.add_column(sa.Column("iso_names", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("state") as b:
        b.alter_column("sco_names", server_default=None)
        b.alter_column("iso_names", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("state") as b:
        b.drop_column("iso_names")
        b.drop_column("sco_names")
