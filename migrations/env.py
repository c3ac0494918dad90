"""Alembic environment: the URL comes from the service settings (or the caller's config)."""

from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import Connection, event, text

from app.core.db import make_engine
from app.core.settings import get_settings
from app.domain.kinds import metadata

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )


def _run(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Replicas starting at once on one database must not migrate concurrently; the
            # lock is held until this (transactional DDL) migration commits.
            connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('sco-api migrate'))"))
        context.run_migrations()


def _foreign_keys_off(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA foreign_keys = OFF")


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url") or get_settings().database_url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        # Batch migrations rebuild SQLite tables (copy, drop, rename): with foreign keys
        # enforced, dropping a table others refer to fails midway. Alembic's advice.
        event.listen(engine, "connect", _foreign_keys_off)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
