"""The dataset held in memory, as of the version stored in the database.

The write service moves the version to the seq of each change set in the transaction that
writes it, and rings the database's beacon (app/storage/beacon.py) once it has committed,
before it answers. A request takes the version the store last read from the database
(app/storage/probes.py) as long as the beacon has not rung since and that read is at most
SCO_STALE_SECONDS old; otherwise it reads the version again. So on one host no worker
answers from data older than a write whose answer was sent, and changes the beacon does not
tell of (another host's writes) are seen within SCO_STALE_SECONDS. When the version moves,
the dataset is read again, in a thread. An earlier version is rebuilt from the change log on
demand and kept in a small bounded cache.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from cachetools import LRUCache
from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from app.core import heap, metrics
from app.core.db import make_reader, snapshot
from app.core.errors import NotFound, Unavailable
from app.core.tasks import background
from app.domain.building import build
from app.domain.dataset import Dataset, Stamp
from app.domain.tables import ChangeSet, DatasetVersion
from app.storage import changelog
from app.storage.beacon import Beacon, beacon_of
from app.storage.probes import NOT_MIGRATED, NOT_SEEDED, SqliteProbe, VersionProbe, make_probe
from app.storage.rows import read
from app.storage.sqlite_file import FileFault

log = logging.getLogger("app")
T = TypeVar("T")
# Seconds one request may spend waiting on the database in all (the version read, then a
# dataset read if the version moved), so that it answers within 2 s whatever the database
# does. A read still under way then is left to finish in the background: a dataset it
# reads is kept, and requests that come later share it rather than start another.
REQUEST_BUDGET = 1.5


@dataclass
class _Budget:
    deadline: float
    failure: Unavailable | None = None  # the database failed this request already


_BUDGET: ContextVar[_Budget | None] = ContextVar("database_budget", default=None)


def load(engine: Engine, version: int | None = None) -> Dataset:
    """The dataset as it stands (from the tables), or right after change set `version`
    (rebuilt from the change log), read in one consistent snapshot."""
    with snapshot(engine) as session:
        conn = session.connection()
        meta = conn.execute(select(DatasetVersion.epoch, DatasetVersion.version)).first()  # type: ignore[call-overload]
        if meta is None:
            raise Unavailable(NOT_MIGRATED)  # the schema is there, its version row is not
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

    def __init__(
        self,
        engine: Engine,
        probe: VersionProbe,
        beacon: Beacon,
        stale_seconds: float,
        gc_freeze: bool = True,
    ) -> None:
        self._engine = engine
        self._settle = heap.settle if gc_freeze else lambda: None
        self._probe = probe
        self._beacon = beacon
        self._stale = stale_seconds
        # The version last read, when the request that read it arrived, and the beacon's
        # word noted before that read: it holds while the word is unchanged, for _stale s.
        self._stamp: Stamp | None = None
        self._read_at = float("-inf")
        self._word = -1
        self._dataset: Dataset | None = None
        self._loading: asyncio.Task[Dataset] | None = None  # the current dataset, being read
        # Its turning points, being worked out: held so that the task is not dropped.
        self._pointing: asyncio.Task[tuple[str, ...]] | None = None
        self._past: LRUCache[Stamp, Dataset] = LRUCache(maxsize=self.PAST_VERSIONS)
        # Past versions being rebuilt: one task per version, shared by every request that
        # asks for it, its dataset kept even when those requests stopped waiting.
        self._building: dict[Stamp, asyncio.Task[Dataset]] = {}
        self._problem: str | None = None  # what was last logged as wrong with the database
        probe.on_reopen(engine.dispose)  # a replaced SQLite file: the engine's go too

    @classmethod
    def open(
        cls,
        url: str,
        stale_seconds: float = 1.0,
        beacon_dir: Path | None = None,
        gc_freeze: bool = True,
    ) -> "Store":
        """The store of a serving process: a read-only engine, a probe and the beacon of one
        database."""
        probe = make_probe(url)
        connect = probe.file.connection if isinstance(probe, SqliteProbe) else None
        reader, beacon = make_reader(url, connect), beacon_of(url, beacon_dir)
        return cls(reader, probe, beacon, stale_seconds, gc_freeze)

    def turning_points(self, stamp: Stamp) -> tuple[str, ...] | None:
        """The turning points of the dataset at `stamp` (app.domain.turning), if it is the
        one held; None if it is not (yet)."""
        ds = self._dataset
        return ds.turning_points if ds is not None and ds.stamp == stamp else None

    def install(self, ds: Dataset) -> None:
        """Hold `ds`, the dataset a write of this process committed (built from the facts
        it read within its transaction, with its changes), unless a later one is held: the
        next request finds it current rather than read it again. Called in the write's
        thread, which works out the dataset's turning points too, off the event loop, and
        puts it out of the garbage collector's passes (app.core.heap)."""
        held = self._dataset
        if held is None or (held.epoch == ds.epoch and held.version < ds.version):
            _ = ds.turning_points
            self._dataset = ds
            metrics.RELOADS.labels("written").inc()
            self._settle()

    def ring(self) -> None:
        """Tell every worker on this host that the database changed (this process's writes
        do, after they commit and before they answer)."""
        self._beacon.ring()

    def confirmed(self) -> Stamp | None:
        """The version, when the last one read still holds (the beacon has not rung since,
        and it is at most SCO_STALE_SECONDS old); None when it must be read again. Reads
        nothing: the cached answers' front (app.http.front) asks it on every request."""
        if (
            self._beacon.read() == self._word >= 0
            and time.monotonic() - self._read_at <= self._stale
        ):
            return self._stamp
        return None

    @contextlib.contextmanager
    def budget(self) -> Iterator[None]:
        """One request: its waits on the database share one bound (REQUEST_BUDGET), and a
        failure of the database is not asked about again within it."""
        token = _BUDGET.set(_Budget(time.monotonic() + REQUEST_BUDGET))
        try:
            yield
        finally:
            _BUDGET.reset(token)

    async def version(self, *, fresh: bool = False) -> Stamp:
        """The (epoch, version) committed when this request arrived (or later), as far as
        the beacon and SCO_STALE_SECONDS tell; with `fresh`, read from the database now."""
        budget = _BUDGET.get()
        if budget is not None and budget.failure is not None:
            raise Unavailable(budget.failure.detail)
        if not fresh:
            stamp = self.confirmed()
            if stamp is not None:
                return stamp
        arrived, word = time.monotonic(), self._beacon.read()  # noted before the read
        try:
            with metrics.VERSION_READ.time():
                if self._probe.local:
                    stamp = await self._reported(self._probe.version())
                else:
                    stamp = await self._bounded(self._probe.version(), "the version")
        except Unavailable as exc:
            self._stamp = None  # a database that failed is asked again by the next request
            if budget is not None:
                budget.failure = exc
            raise
        if arrived >= self._read_at:  # a read that began later may have finished first
            self._stamp, self._read_at, self._word = stamp, arrived, word
        return stamp

    async def dataset(self) -> Dataset:
        """The dataset as of this request's arrival, read again only when it changed."""
        version = await self.version()
        ds = self._dataset
        fresh = False  # a read begun after our version read: whatever it reads will do
        while ds is None or (not fresh and ds.stamp != version):
            # A read under way began earlier and may be older: join it, and read again if
            # it is (within the request's bound, like every wait here).
            fresh = self._loading is None
            if self._loading is None:
                self._loading = background(self._reload())
            ds = await self._bounded(asyncio.shield(self._loading), "the dataset")
        if not ds.seeded:
            self._report(NOT_SEEDED)
            raise Unavailable(NOT_SEEDED)
        self._report(None)
        return ds

    async def dataset_at(self, version: int) -> Dataset:
        """The dataset right after change set `version`; 404 for one not recorded yet."""
        current = await self.dataset()
        if version > current.version and self.confirmed() is not None:
            # Perhaps written on another host since the version was last read (a writer
            # reading its own write by the version its answer gave): read it now.
            await self.version(fresh=True)
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
        if ds is not None:
            return ds
        task = self._building.get(key)
        if task is None:
            self._deadline_left("a past dataset")
            task = self._building[key] = background(run_in_threadpool(self._load, version))
            task.add_done_callback(lambda done: self._built(key, done))
        return await self._bounded(asyncio.shield(task), "a past dataset")

    def _built(self, key: Stamp, task: "asyncio.Task[Dataset]") -> None:
        del self._building[key]
        if not task.cancelled() and task.exception() is None:
            self._past[key] = task.result()
            metrics.RELOADS.labels("past").inc()

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
        except (SQLAlchemyError, FileFault) as exc:
            raise self._unavailable(exc) from exc

    async def read(self, fn: Callable[[Connection], T]) -> T:
        """Run `fn` on a connection in one consistent snapshot, in a thread."""
        return await self._in_thread("the change log", self._read, fn)

    def _load(self, version: int | None = None) -> Dataset:
        """A dataset read (in a thread), put out of the garbage collector's passes
        (app.core.heap)."""
        try:
            ds = load(self._engine, version)
        except (SQLAlchemyError, FileFault) as exc:
            raise self._unavailable(exc) from exc
        self._settle()
        return ds

    async def _reload(self) -> Dataset:
        try:
            ds = self._dataset = await run_in_threadpool(self._load)
            metrics.RELOADS.labels("current").inc()
            # Its turning points, for the first request for a new day, worked out in a
            # thread too, without holding back the requests waiting for the dataset (nor
            # the start: a second on a dataset 100 times today's).
            self._pointing = background(run_in_threadpool(lambda: ds.turning_points))
            return ds
        finally:
            self._loading = None

    async def _in_thread(self, what: str, fn: Callable[..., T], *args: Any) -> T:
        """`fn` in a thread, waited for within the request's bound; a thread that outlives
        it finishes on its own (a thread cannot be stopped, and anyio would make the
        request wait for it)."""
        self._deadline_left(what)
        task = background(run_in_threadpool(fn, *args))
        return await self._bounded(asyncio.shield(task), what)

    def _deadline_left(self, what: str) -> None:
        """503 at once, starting no thread, when the request's bound is already spent."""
        budget = _BUDGET.get()
        if budget is not None and budget.deadline <= time.monotonic():
            self._bounded_out(what, None)

    async def _bounded(self, read: Awaitable[T], what: str) -> T:
        """`read`, within what is left of the request's bound; 503 when it runs out or the
        database fails, said once in the log when what is wrong changes."""
        budget = _BUDGET.get()
        deadline = budget.deadline if budget else time.monotonic() + REQUEST_BUDGET
        try:
            async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                return await self._reported(read)
        except TimeoutError as exc:
            self._bounded_out(what, exc)

    async def _reported(self, read: Awaitable[T]) -> T:
        """`read`; a 503 it raises is said once in the log when what is wrong changes."""
        try:
            return await read
        except Unavailable as exc:
            self._report(exc.detail, exc.__cause__)
            raise

    def _bounded_out(self, what: str, exc: BaseException | None) -> NoReturn:
        detail = f"The database did not answer within {REQUEST_BUDGET:g} s (reading {what})"
        self._report(detail, exc)
        raise Unavailable(detail) from exc

    def _unavailable(self, exc: BaseException) -> Unavailable:
        return Unavailable(self._probe.explain(getattr(exc, "orig", None) or exc))

    def _report(self, problem: str | None, cause: BaseException | None = None) -> None:
        # One line when the database goes wrong (or wrong differently), one when it is back:
        # a stalled database must not write a line per request.
        if problem == self._problem:
            return
        if problem is None:
            log.warning("database available again")
        else:
            reason = " ".join(str(cause).split()) if cause is not None else ""
            said = f" [{reason}]" if reason and reason != problem else ""
            log.error("database unavailable: %s%s", problem, said)
        self._problem = problem

    async def close(self) -> None:
        await self._probe.close()
        self._engine.dispose()
