"""Reading the dataset version: one indexed row, read without the ORM or a threadpool hop
whenever the store must confirm it (the beacon rang, or SCO_STALE_SECONDS passed:
app/storage/store.py). SQLite through the standard library's driver, which answers in
microseconds; PostgreSQL through one asynchronous psycopg connection, shared by the
requests that arrive while a read is under way.

A probe answers or raises Unavailable saying what is wrong; the store bounds how long a
request waits for it (app/storage/store.py). A probe also says what an error of its database
means (`explain`), for the dataset reads the store runs in threads.
"""

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import Callable
from typing import Protocol

import psycopg
from sqlalchemy.engine import make_url

from app.core.db import is_sqlite
from app.core.errors import Unavailable
from app.core.tasks import background
from app.domain.dataset import Stamp
from app.storage.sqlite_file import FileFault, Identity, SqliteFile

VERSION_SQL = "SELECT epoch, version FROM dataset_version WHERE id = 1"
NOT_SEEDED = "The database is migrated but not seeded: run `sco-api seed`"
NOT_MIGRATED = "The database is not migrated: run `sco-api migrate` and `sco-api seed`"
UNREACHABLE = "The database cannot be reached; the error was logged"
# Seconds one attempt at reading the version may take (two attempts are made, the second on
# a fresh connection); a read under way for longer than STALLED is a stalled database, and
# requests that arrive meanwhile answer 503 at once instead of queueing behind it.
READ_TIMEOUT = 0.6
STALLED = 1.5
STALLED_DETAIL = f"The database did not answer within {STALLED:g} s (stalled or unreachable)"


class VersionProbe(Protocol):
    # Whether a read runs on the event loop (so no timeout can cut it short, and none is
    # set: the request's bound is for reads that can stall; a SQLite file's opening, and
    # its check, go to a thread).
    local: bool

    async def version(self) -> Stamp: ...

    def explain(self, exc: BaseException) -> str: ...

    def on_reopen(self, reopened: Callable[[], None]) -> None: ...

    async def close(self) -> None: ...


class SqliteProbe:
    """Reads the version on one stdlib connection; a local read takes microseconds, so it
    runs on the event loop itself. The file is checked first (app/storage/sqlite_file.py): when it
    is replaced or changed, the connection is opened again, and so are the engine's. The
    opening, with SQLite's check of every page (a second on a 150 MB file; a checkpoint
    changes the file too), runs in a thread, one at a time: the loop serves on meanwhile."""

    local = True

    def __init__(self, file: SqliteFile) -> None:
        self.file = file
        self._conn: sqlite3.Connection | None = None
        self._opened: Identity | None = None
        self._reopened: list[Callable[[], None]] = []
        self._opening = asyncio.Lock()

    def on_reopen(self, reopened: Callable[[], None]) -> None:
        self._reopened.append(reopened)

    async def version(self) -> Stamp:
        try:
            if self._conn is None or (self._opened is not None and self.file.changed(self._opened)):
                await self._open()
            assert self._conn is not None
            row = self._conn.execute(VERSION_SQL).fetchone()
        except (sqlite3.Error, FileFault) as exc:
            await self.close()
            raise Unavailable(self.explain(exc)) from exc
        if row is None:
            raise Unavailable(NOT_SEEDED)
        return str(row[0]), int(row[1])

    async def _open(self) -> None:
        """(Re)open the connection, in a thread; requests arriving meanwhile wait for it."""
        async with self._opening:
            if self._opened is not None and self.file.changed(self._opened):
                await self.close()
                for reopened in self._reopened:
                    reopened()
            if self._conn is None:
                self._conn, self._opened = await asyncio.to_thread(self.file.connect)

    def explain(self, exc: BaseException) -> str:
        return self.file.explain(exc)

    async def close(self) -> None:
        conn, self._conn, self._opened = self._conn, None, None
        if conn is not None:
            conn.close()


class PostgresProbe:
    """Reads the version on one async connection. A request joins a read that began after
    it arrived (so it sees every write committed before it); one that arrives while an
    earlier read is under way waits for it, and then shares the next read with every other
    request that waited: one round trip serves all the requests of a moment."""

    local = False

    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo
        self._conn: psycopg.AsyncConnection[tuple[str, int]] | None = None
        self._read: asyncio.Task[Stamp] | None = None
        self._read_started = 0.0

    def on_reopen(self, reopened: Callable[[], None]) -> None:
        """A server is not a file: nothing is ever reopened behind the engine's back."""

    async def version(self) -> Stamp:
        arrived = time.monotonic()
        while True:
            read = self._read
            if read is not None and not read.done() and arrived - self._read_started > STALLED:
                # psycopg may take seconds more to give up on a server that stopped
                # answering (it asks the server to cancel the query); don't wait for it.
                raise Unavailable(STALLED_DETAIL)
            if read is not None and self._read_started >= arrived:
                return await asyncio.shield(read)  # began after we arrived: it will do
            if read is not None and not read.done():
                # Began before we arrived, so it may miss a write we must see. Wait for it;
                # then one of the waiters starts the next read and the others share it.
                with contextlib.suppress(Exception):
                    await asyncio.shield(read)
                continue
            self._read_started = time.monotonic()
            self._read = background(self._fetch())

    async def _fetch(self) -> Stamp:
        for attempt in (1, 2):
            try:
                async with asyncio.timeout(READ_TIMEOUT):
                    return await self._read_once()
            except psycopg.errors.UndefinedTable as exc:
                raise Unavailable(NOT_MIGRATED) from exc
            except (psycopg.OperationalError, TimeoutError) as exc:
                # A dropped or stalled connection (a server restart, a network cut): start
                # afresh once, then answer 503 rather than keep every request waiting.
                await self._discard()
                if attempt == 2:
                    raise Unavailable(self.explain(exc)) from exc
            except psycopg.Error as exc:
                await self._discard()
                raise Unavailable(self.explain(exc)) from exc
        raise AssertionError("unreachable")

    async def _read_once(self) -> Stamp:
        if self._conn is None or self._conn.closed:
            # libpq's own bound (whole seconds, 2 at least); READ_TIMEOUT ends it sooner.
            self._conn = await psycopg.AsyncConnection.connect(
                self._conninfo, autocommit=True, connect_timeout=2
            )
        cursor = await self._conn.execute(VERSION_SQL)
        row = await cursor.fetchone()
        if row is None:
            raise Unavailable(NOT_SEEDED)
        return str(row[0]), int(row[1])

    def explain(self, exc: BaseException) -> str:
        if isinstance(exc, psycopg.errors.UndefinedTable):
            return NOT_MIGRATED
        if isinstance(exc, TimeoutError | psycopg.errors.QueryCanceled):
            return STALLED_DETAIL  # QueryCanceled: the reader's statement_timeout (app/core/db.py)
        return UNREACHABLE

    async def _discard(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), 1)

    async def close(self) -> None:
        await self._discard()


def make_probe(url: str) -> VersionProbe:
    parsed = make_url(url)
    if is_sqlite(url):
        return SqliteProbe(SqliteFile(parsed.database or ""))
    conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    return PostgresProbe(conninfo)
