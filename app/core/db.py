"""Engines, transactions and snapshots."""

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, QueuePool, event, func, select
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str) -> Engine:
    """An engine for `url`; for SQLite, its folder is made and foreign keys are enforced."""
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


# What bounds a serving process's reads of PostgreSQL, whatever the server or network does:
# libpq gives up connecting after 2 s; the server ends a statement after 1.5 s; a dead peer
# or a cut network is noticed by TCP keepalives (idle 5 s, then 2 probes 2 s apart) and by
# tcp_user_timeout (sent data unacknowledged for 5 s), so a thread stuck on one is freed; a
# request waits 1 s at most for a pooled connection. A server that is stopped but whose
# kernel still acknowledges (SIGSTOP) holds a thread until it runs again; the request
# itself never waits longer than the store's bound (app/storage/store.py).
READER_CONNECT_ARGS: dict[str, Any] = {
    "connect_timeout": 2,
    "options": "-c statement_timeout=1500 -c default_transaction_read_only=on",
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 2,
    "tcp_user_timeout": 5000,
}


def make_reader(url: str, sqlite_connect: Callable[[], sqlite3.Connection] | None) -> Engine:
    """The serving process's engine: it only reads, so SQLite is opened read-only (through
    `sqlite_connect`, which checks the file) and PostgreSQL reads are bounded (above)."""
    if not is_sqlite(url):
        return create_engine(
            url, pool_pre_ping=True, pool_timeout=1, connect_args=READER_CONNECT_ARGS
        )
    assert sqlite_connect is not None
    # QueuePool: SQLAlchemy would pick a pool of one connection per thread for "sqlite://".
    engine = create_engine("sqlite://", creator=sqlite_connect, poolclass=QueuePool)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver would start transactions itself, and only before writes, so a series of
    # SELECTs would each see a different moment. Let SQLAlchemy's BEGIN (below) do it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A writer asks for `BEGIN IMMEDIATE` (execution option `sqlite_begin`): it takes the
    # write lock before it reads, so writers take turns instead of failing at commit.
    connection.exec_driver_sql(connection.get_execution_options().get("sqlite_begin", "BEGIN"))


def advisory_lock(conn: Connection, name: str) -> None:
    """PostgreSQL: take the transaction-level advisory lock named `name` (waiting for it)."""
    conn.execute(select(func.pg_advisory_xact_lock(func.hashtext(name))))


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One session, one transaction: committed when the block ends, rolled back on error."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def snapshot(engine: Engine) -> Iterator[Session]:
    """A read-only transaction in which every query sees the same committed state."""
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    with Session(engine, expire_on_commit=False) as session, session.begin():
        if engine.dialect.name == "postgresql":
            session.connection().exec_driver_sql("SET TRANSACTION READ ONLY")
        yield session
