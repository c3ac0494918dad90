"""Reading the dataset version: one indexed row, read for every request without the ORM or
a threadpool hop. SQLite through the standard library's driver, which answers in
microseconds; PostgreSQL through one asynchronous psycopg connection, shared by the
requests that arrive while a read is under way.
"""

import asyncio
import contextlib
import logging
import sqlite3
import time
from pathlib import Path
from typing import Protocol

import psycopg
from sqlalchemy.engine import make_url

from app.dataset import Stamp
from app.db import is_sqlite
from app.errors import Unavailable

VERSION_SQL = "SELECT epoch, version FROM dataset_version WHERE id = 1"
NOT_READY = "The database is not migrated and seeded: run `sco-api migrate` and `sco-api seed`"
UNREACHABLE = "The database cannot be reached; the error was logged"
READ_TIMEOUT = 5.0  # seconds a version read may take before the request answers 503
log = logging.getLogger("app")


class VersionProbe(Protocol):
    async def version(self) -> Stamp: ...

    async def close(self) -> None: ...


class SqliteProbe:
    """Reads the version on one stdlib connection; a local read takes microseconds, so it
    runs on the event loop itself."""

    def __init__(self, path: str) -> None:
        # A URI, so that a path holding `#`, `?` or `%` still names its file.
        self._uri = Path(path).resolve().as_uri() + "?mode=ro"
        self._conn: sqlite3.Connection | None = None

    async def version(self) -> Stamp:
        try:
            if self._conn is None:
                self._conn = sqlite3.connect(
                    self._uri,
                    uri=True,
                    check_same_thread=False,
                    isolation_level=None,
                )
            row = self._conn.execute(VERSION_SQL).fetchone()
        except sqlite3.Error as exc:
            await self.close()
            raise Unavailable(NOT_READY) from exc
        if row is None:
            raise Unavailable(NOT_READY)
        return str(row[0]), int(row[1])

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class PostgresProbe:
    """Reads the version on one async connection. A request joins a read that began after
    it arrived (so it sees every write committed before it); one that arrives while an
    earlier read is under way waits for it, and then shares the next read with every other
    request that waited: one round trip serves all the requests of a moment."""

    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo
        self._conn: psycopg.AsyncConnection[tuple[str, int]] | None = None
        self._read: asyncio.Task[Stamp] | None = None
        self._read_started = 0.0

    async def version(self) -> Stamp:
        arrived = time.monotonic()
        while True:
            read = self._read
            if read is not None and self._read_started >= arrived:
                return await asyncio.shield(read)  # began after we arrived: it will do
            if read is not None and not read.done():
                # Began before we arrived, so it may miss a write we must see. Wait for it;
                # then one of the waiters starts the next read and the others share it.
                with contextlib.suppress(Exception):
                    await asyncio.shield(read)
                continue
            self._read_started = time.monotonic()
            self._read = asyncio.ensure_future(self._fetch())

    async def _fetch(self) -> Stamp:
        for attempt in (1, 2):
            try:
                async with asyncio.timeout(READ_TIMEOUT):
                    return await self._read_once()
            except psycopg.errors.UndefinedTable as exc:
                raise Unavailable(NOT_READY) from exc
            except (psycopg.OperationalError, TimeoutError) as exc:
                # A dropped or stalled connection (a server restart, a network cut): start
                # afresh once, then answer 503 rather than keep every request waiting.
                await self._discard()
                if attempt == 2:
                    log.error("dataset version read failed: %r", exc)
                    raise Unavailable(UNREACHABLE) from exc
            except psycopg.Error as exc:
                await self._discard()
                log.error("dataset version read failed: %r", exc)
                raise Unavailable(UNREACHABLE) from exc
        raise AssertionError("unreachable")

    async def _read_once(self) -> Stamp:
        if self._conn is None or self._conn.closed:
            self._conn = await psycopg.AsyncConnection.connect(
                self._conninfo, autocommit=True, connect_timeout=max(1, round(READ_TIMEOUT))
            )
        cursor = await self._conn.execute(VERSION_SQL)
        row = await cursor.fetchone()
        if row is None:
            raise Unavailable(NOT_READY)
        return str(row[0]), int(row[1])

    async def _discard(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), 1)

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None


def make_probe(url: str) -> VersionProbe:
    parsed = make_url(url)
    if is_sqlite(url):
        return SqliteProbe(parsed.database or "")
    conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    return PostgresProbe(conninfo)
