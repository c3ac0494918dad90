"""How soon a worker serves a change (app.storage.beacon, app.storage.store), on both
engines: two applications on one database stand for two workers (or two hosts, when their
beacons are apart).

* A write through this host's service is served by every worker from the moment its answer
  is sent: the beacon tells them.
* A change the beacon does not tell of (made by hand, or on another host) is served within
  SCO_STALE_SECONDS, and not later; a writer reads its own write at once by the version its
  answer gave, wherever it wrote.
* Without a beacon (a folder that cannot hold one), every request reads the version."""

import asyncio
import json
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from app.api.example_bodies import EXAMPLE_SOURCE, PARTNER
from app.core.db import make_engine
from app.core.settings import Settings
from app.domain.facts import to_file
from app.main import create_app
from app.storage import beacon
from app.storage.store import Store, load
from tests.conftest import client_of, client_with
from tests.test_writes import MERGE, REASON, make_keys

pytestmark = pytest.mark.anyio
SUMMIT = "/v1/summits/2022-samarkand"


async def note_of(client: object, path: str = SUMMIT, **params: str) -> str:
    response = await client.get(path, params=params)  # type: ignore[attr-defined]
    assert response.status_code == 200, response.text
    return str(response.json()["note"])


async def write_note(client: object, secret: str, note: str) -> int:
    """PATCH the summit's note; the version the write's answer names."""
    response = await client.patch(  # type: ignore[attr-defined]
        SUMMIT,
        content=json.dumps({"note": note}),
        headers={
            "Authorization": f"Bearer {secret}",
            "Content-Type": MERGE,
            "If-Match": "*",
            **REASON,
        },
    )
    assert response.status_code == 200, response.text
    return int(response.headers["Dataset-Version"])


def by_hand(url: str, note: str) -> None:
    """A change the service is not told of: the summit's note and the version moved in SQL."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE summit SET note = :note WHERE id = '2022-samarkand'"), {"note": note}
            )
            conn.execute(text("UPDATE dataset_version SET version = version + 1 WHERE id = 1"))
    finally:
        engine.dispose()


async def test_a_write_through_one_worker_is_served_by_another_at_once(
    seeded_copy_url: str,
) -> None:
    secret = make_keys(seeded_copy_url)["writer"]
    one, other = Settings(database_url=seeded_copy_url), Settings(database_url=seeded_copy_url)
    async with client_with(one) as writer, client_with(other) as reader:
        before = await note_of(reader)
        assert await note_of(reader) == before  # now a cached answer in the reader
        for n in range(3):
            await write_note(writer, secret, f"written {n}")
            assert await note_of(reader) == f"written {n}"  # no wait: the beacon rang


async def test_a_change_the_beacon_is_not_told_of_is_served_within_the_bound(
    seeded_copy_url: str,
) -> None:
    bound = 1.5
    settings = Settings(database_url=seeded_copy_url, stale_seconds=bound)
    opened = time.monotonic()  # the version is read after this: it stands until read + bound
    async with client_with(settings) as client:
        before = await note_of(client)
        by_hand(seeded_copy_url, "changed by hand")
        changed = time.monotonic()
        while (seen := await note_of(client)) != "changed by hand":
            assert seen == before
            assert time.monotonic() - changed < bound + 0.5, "not served within the bound"
            await asyncio.sleep(0.05)
        # Not before the bound was over: the bound is what made the change seen.
        assert time.monotonic() - opened >= bound


async def test_a_writer_on_another_host_reads_its_own_write_by_its_version(
    seeded_copy_url: str, tmp_path: Path
) -> None:
    """Hosts apart (beacons in folders apart), a reader that takes its version for a minute:
    the version a write's answer names is read at once."""
    secret = make_keys(seeded_copy_url)["writer"]
    here = Settings(database_url=seeded_copy_url, beacon_dir=tmp_path / "here")
    there = Settings(database_url=seeded_copy_url, beacon_dir=tmp_path / "there", stale_seconds=60)
    for folder in (tmp_path / "here", tmp_path / "there"):
        folder.mkdir()
    beacon._beacon.cache_clear()
    try:
        async with client_with(here) as writer, client_with(there) as reader:
            before = await note_of(reader)
            version = await write_note(writer, secret, "written on another host")
            assert await note_of(reader) == before  # the bound allows it: a minute here
            assert await note_of(reader, version=str(version)) == "written on another host"
            assert await note_of(reader) == "written on another host"  # and it moved on
    finally:
        beacon._beacon.cache_clear()


async def test_without_a_beacon_every_request_reads_the_version(
    seeded_copy_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    settings = Settings(database_url=seeded_copy_url, beacon_dir=blocked, stale_seconds=60)
    beacon._beacon.cache_clear()
    try:
        async with client_with(settings) as client:
            await note_of(client)
            by_hand(seeded_copy_url, "changed by hand")
            assert await note_of(client) == "changed by hand"
        assert any("no beacon at" in r.getMessage() for r in caplog.records)
    finally:
        beacon._beacon.cache_clear()


def test_a_beacon_is_named_after_the_database_not_the_credentials(tmp_path: Path) -> None:
    base = "postgresql+psycopg://{}@db.example:5433/sco"
    assert beacon.path_for(base.format("alice:one"), tmp_path) == beacon.path_for(
        base.format("bob:two"), tmp_path
    )
    assert beacon.path_for(base.format("a"), tmp_path) != beacon.path_for(
        "postgresql+psycopg://a@db.example:5433/other", tmp_path
    )
    assert beacon.path_for(f"sqlite:///{tmp_path}/x/../a.db", tmp_path) == beacon.path_for(
        f"sqlite:///{tmp_path}/a.db", tmp_path
    )
    # One word, read and rung by any process that maps it.
    one, two = beacon.Beacon(tmp_path / "b"), beacon.Beacon(tmp_path / "b")
    word = two.read()
    one.ring()
    assert two.read() != word
    one.close()
    two.close()


async def test_an_answer_naming_a_version_outlives_later_writes(seeded_copy_url: str) -> None:
    """`version=N` never changes (immutable): it is kept under the database's epoch, not
    its current version, so a write does not make it again."""
    secret = make_keys(seeded_copy_url)["writer"]
    async with client_with(Settings(database_url=seeded_copy_url)) as client:
        pinned = {"version": "1"}
        first = await client.get(SUMMIT, params=pinned)
        assert first.headers["cache-control"].endswith("immutable")
        misses = _misses(await client.get("/metrics"))
        await write_note(client, secret, "written after")
        again = await client.get(SUMMIT, params=pinned)
        assert (again.status_code, again.content) == (200, first.content)
        assert again.headers["dataset-version"] == "1"
        assert _misses(await client.get("/metrics")) == misses  # a hit, after the write
        assert await note_of(client) == "written after"  # while the current one moved on


def _misses(metrics: object) -> float:
    for line in metrics.text.splitlines():  # type: ignore[attr-defined]
        if line.startswith('sco_read_cache_lookups_total{result="miss"}'):
            return float(line.rpartition(" ")[2])
    return 0.0


async def test_the_dataset_a_write_leaves_its_worker_is_the_one_the_tables_hold(
    seeded_copy_url: str,
) -> None:
    """A worker holds the dataset its write committed rather than read it again
    (app.storage.store.Store.install): after a create, updates, a delete and a revert, it
    is the dataset a fresh read of the tables makes: its records and citations (every
    answer's), its dataset file (the export's), revisions, stamp and time."""
    secret = make_keys(seeded_copy_url)["writer"]
    sent = {"Authorization": f"Bearer {secret}", **REASON}
    app = create_app(Settings(database_url=seeded_copy_url))
    async with client_of(app) as client:
        store = app.state.store
        await client.get("/v1")
        writes = [
            ("POST", "/v1/sources", EXAMPLE_SOURCE),
            ("POST", "/v1/status-periods", PARTNER),
            ("PATCH", SUMMIT, {"note": "changed", "format": "virtual"}),
            ("PATCH", "/v1/people/zhang-ming", {"names": {"zh": "張明"}, "aliases": ["张明"]}),
        ]
        for method, path, body in writes:
            kind = {"Content-Type": MERGE, "If-Match": "*"} if method == "PATCH" else {}
            response = await client.request(
                method,
                path,
                json=None if kind else body,
                content=json.dumps(body) if kind else None,
                headers={**sent, **kind},
            )
            assert response.status_code in (200, 201), response.text
            _same_as_read(store, int(response.headers["Dataset-Version"]))
        periods = (await client.get("/v1/partners")).json()["items"]
        made = next(p for p in periods if p["state"]["iso3"] == "IDN")
        deleted = await client.delete(
            f"/v1/status-periods/{made['id']}", headers={**sent, "If-Match": "*"}
        )
        assert deleted.status_code in (200, 204), deleted.text
        version = int((await client.get("/v1")).headers["Dataset-Version"])
        _same_as_read(store, version)
        undo = {"reason": "undo", "revert": version - 1}
        reverted = await client.post("/v1/change-sets", json=undo, headers=sent)
        assert reverted.status_code == 201, reverted.text
        _same_as_read(store, int(reverted.json()["seq"]))


def _same_as_read(store: Store, version: int) -> None:
    held = store._dataset  # what the write left, before any request reads anything
    assert held is not None
    assert held.version == version
    read = load(store._engine)
    assert held == read  # records, citations, claims, coverage: what every answer is made of
    # Its documents are read only to be exported: as the dataset file, they are the same
    # (a document made by a write may leave out an empty field its row gives back).
    assert to_file(held.facts)[0] == to_file(read.facts)[0]
    assert held.facts.revisions == read.facts.revisions
    assert (held.epoch, held.committed_at) == (read.epoch, read.committed_at)
