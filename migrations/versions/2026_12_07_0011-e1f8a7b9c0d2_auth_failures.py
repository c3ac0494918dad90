"""Failed API-key checks by client, counted in the database so that every worker and replica
throttles a client alike: the table `auth_failure`.

Revision ID: e1f8a7b9c0d2
Revises: d0e7f6a8b9c1
Create Date: 2026-12-07 09:51:05.260682
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "e1f8a7b9c0d2"
down_revision: str | None = "d0e7f6a8b9c1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "auth_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_failure")),
    )
    op.create_index("ix_auth_failure_client_failed_at", "auth_failure", ["client", "failed_at"])
    op.create_index(op.f("ix_auth_failure_failed_at"), "auth_failure", ["failed_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_auth_failure_failed_at"), table_name="auth_failure")
    op.drop_index("ix_auth_failure_client_failed_at", table_name="auth_failure")
    op.drop_table("auth_failure")
