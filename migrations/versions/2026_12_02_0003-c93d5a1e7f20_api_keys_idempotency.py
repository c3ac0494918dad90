"""Curators' writes over HTTP: API keys, replayable idempotent requests, and the key each
change set was made with.

Revision ID: c93d5a1e7f20
Revises: b81c4e2f9d10
Create Date: 2026-12-02 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "c93d5a1e7f20"
down_revision: str | None = "b81c4e2f9d10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("secret_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_api_key")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_api_key_secret_hash")),
    )
    op.create_table(
        "idempotent_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("api_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("request_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotent_request")),
    )
    op.create_index(
        "uq_idempotent_request_key", "idempotent_request", ["api_key", "key"], unique=True
    )
    op.create_index(op.f("ix_idempotent_request_created_at"), "idempotent_request", ["created_at"])
    with op.batch_alter_table("change_set") as b:
        b.add_column(
            sa.Column("api_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        b.alter_column(
            "request_id",
            type_=sqlmodel.sql.sqltypes.AutoString(length=128),
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=64),
            existing_nullable=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("change_set") as b:
        b.alter_column(
            "request_id",
            type_=sqlmodel.sql.sqltypes.AutoString(length=64),
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=128),
            existing_nullable=True,
        )
        b.drop_column("api_key")
    op.drop_index(op.f("ix_idempotent_request_created_at"), table_name="idempotent_request")
    op.drop_index("uq_idempotent_request_key", table_name="idempotent_request")
    op.drop_table("idempotent_request")
    op.drop_table("api_key")
