"""The dataset version stored in the database, and the dataset held in memory.

Every request reads the version (one indexed row) without the ORM or a threadpool hop:
SQLite through the standard library's driver, which answers in microseconds; PostgreSQL
through one asynchronous psycopg connection, shared by the requests that arrive while a
read is under way. The write service moves the version to the seq of each change set in
the transaction that writes it, so no worker ever answers from data older than the
request. When the version moves, the dataset is read again, in a thread. An earlier
version is rebuilt from the change log on demand and kept in a small bounded cache.
"""

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Protocol, TypeVar

import psycopg
from cachetools import LRUCache
from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from app import changelog, metrics
from app.dataset import Dataset, Stamp, build
from app.db import is_sqlite, snapshot
from app.errors import NotFound, Unavailable
from app.facts import read
from app.models import ChangeSet, DatasetVersion

VERSION_SQL = "SELECT epoch, version FROM dataset_version WHERE id = 1"
NOT_READY = "The database is not migrated and seeded: run `sco-api migrate` and `sco-api seed`"
UNREACHABLE = "The database cannot be reached; the error was logged"
READ_TIMEOUT = 5.0  # seconds a version read may take before the request answers 503
log = logging.getLogger("app")
T = TypeVar("T")


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


def load(engine: Engine, version: int | None = None) -> Dataset:
    """The dataset as it stands (from the tables), or right after change set `version`
    (rebuilt from the change log), read in one consistent snapshot."""
    with snapshot(engine) as session:
        conn = session.connection()
        meta = conn.execute(select(DatasetVersion.epoch, DatasetVersion.version)).first()  # type: ignore[call-overload]
        if meta is None:
            raise RuntimeError("dataset_version row missing: run `sco-api migrate`")
        at = version if version is not None else meta.version
        committed = conn.execute(
            select(ChangeSet.committed_at).where(ChangeSet.seq == at)  # type: ignore[call-overload]
        ).scalar()
        facts = read(conn) if version is None else changelog.replay(conn, version)
    when = changelog.utc(committed) if committed is not None else None
    return build(facts, meta.epoch, at, when)


class Store:
    """The dataset as of each request, and at any recorded version."""

    PAST_VERSIONS = 8  # datasets of earlier versions kept in memory, least recently used go

    def __init__(self, engine: Engine, probe: VersionProbe) -> None:
        self._engine = engine
        self._probe = probe
        self._dataset: Dataset | None = None
        self._reload = asyncio.Lock()
        self._past: LRUCache[Stamp, Dataset] = LRUCache(maxsize=self.PAST_VERSIONS)
        self._rebuild = asyncio.Lock()  # past versions: never in the way of the current one

    async def version(self) -> Stamp:
        """The (epoch, version) committed when this request arrived (or later)."""
        with metrics.VERSION_READ.time():
            return await self._probe.version()

    async def dataset(self) -> Dataset:
        """The dataset as of this request's arrival, read again only when it changed."""
        version = await self.version()
        ds = self._dataset
        if ds is None or ds.stamp != version:
            async with self._reload:
                ds = self._dataset
                if ds is None or ds.stamp != version:
                    ds = self._dataset = await run_in_threadpool(self._load)
                    metrics.RELOADS.labels("current").inc()
        if not ds.seeded:
            raise Unavailable(NOT_READY)
        return ds

    async def dataset_at(self, version: int) -> Dataset:
        """The dataset right after change set `version`; 404 for one not recorded yet."""
        current = await self.dataset()
        if version == current.version:
            return current
        if not 1 <= version < current.version:
            raise NotFound(
                f"Version {version} does not exist: the dataset is at version "
                f"{current.version} (GET /v1/changes lists every change set)"
            )
        key = (current.epoch, version)
        ds = self._past.get(key)
        if ds is None:
            async with self._rebuild:
                ds = self._past.get(key)
                if ds is None:
                    ds = self._past[key] = await run_in_threadpool(self._load, version)
                    metrics.RELOADS.labels("past").inc()
        return ds

    async def recorded_by(self, day: date) -> int:
        """The version at the end of UTC day `day`; 404 before the first change set."""
        version = await self.read(lambda conn: changelog.recorded_by(conn, day))
        if version == 0:
            raise NotFound(f"Nothing was recorded by the end of {day}: the record starts later")
        return version

    def _read(self, fn: Callable[[Connection], T]) -> T:
        try:
            with snapshot(self._engine) as session:
                return fn(session.connection())
        except SQLAlchemyError as exc:
            log.error("change log read failed: %s", exc)
            raise Unavailable(UNREACHABLE) from exc

    async def read(self, fn: Callable[[Connection], T]) -> T:
        """Run `fn` on a connection in one consistent snapshot, in a thread."""
        return await run_in_threadpool(self._read, fn)

    def _load(self, version: int | None = None) -> Dataset:
        try:
            return load(self._engine, version)
        except SQLAlchemyError as exc:
            log.error("dataset read failed: %s", exc)
            raise Unavailable(UNREACHABLE) from exc

    async def close(self) -> None:
        await self._probe.close()
        self._engine.dispose()
