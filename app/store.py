"""The dataset held in memory, as of the version stored in the database.

Every request reads the version (app/probes.py). The write service moves the version to
the seq of each change set in the transaction that writes it, so no worker ever answers
from data older than the request. When the version moves, the dataset is read again, in a
thread. An earlier version is rebuilt from the change log on demand and kept in a small
bounded cache.
"""

import asyncio
import logging
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from cachetools import LRUCache
from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from app import changelog
from app.dataset import Dataset, Stamp, build
from app.db import snapshot
from app.errors import NotFound, Unavailable
from app.facts import read
from app.models import ChangeSet, DatasetVersion
from app.probes import NOT_READY, UNREACHABLE, VersionProbe

log = logging.getLogger("app")
T = TypeVar("T")


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
