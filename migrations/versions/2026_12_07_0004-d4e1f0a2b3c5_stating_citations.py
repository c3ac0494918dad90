"""Every fact stands on a quote that states it: a citation records the words of its quote
that state its fact (`states`), and a summit the other names of its place (`aliases`).

Revision ID: d4e1f0a2b3c5
Revises: c93d5a1e7f20
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d4e1f0a2b3c5"
down_revision: str | None = "c93d5a1e7f20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("citation") as b:
        b.add_column(sa.Column("states", sa.JSON(), nullable=True))
    with op.batch_alter_table("summit") as b:
        b.add_column(sa.Column("aliases", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("summit") as b:
        b.alter_column("aliases", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("summit") as b:
        b.drop_column("aliases")
    with op.batch_alter_table("citation") as b:
        b.drop_column("states")
