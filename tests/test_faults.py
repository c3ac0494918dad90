"""A database that stalls, breaks or goes away: every request still answers within 2 s,
503 with Retry-After saying what is wrong (and one line in the log), and the service
recovers by itself when the database is back."""

import asyncio
import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from app.writes.importing import import_file
from tests.conftest import (
    Databases,
    OpenClient,
    _seeded,
    free_port,
    postgresql_only,
    running_service,
    sqlite_only,
)
from tests.test_seed import copy_seed, correct_astana_city

# Seconds: the 2 s, with room for a collector pass. Measured on the server's side
# (its access log's duration), so a loaded machine's scheduling of the client does not count.
BOUND = 2.5
pytestmark = [pytest.mark.anyio, pytest.mark.serial]
# SCO_STALE_SECONDS in these tests: a worker takes the version it last read for that long,
# unless the beacon rings (app.storage.store), so a fault the beacon is not told of (a file
# broken, a server stopped, a row changed by hand) is met by the first request after it.
STALE = 0.2


@pytest.fixture(autouse=True)
def _stale_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCO_STALE_SECONDS", str(STALE))


async def past_stale() -> None:
    """Wait until the version a worker last read is no longer taken as it stands."""
    await asyncio.sleep(STALE * 1.5)


class ServerTimes:
    """How long the service took over each request, read from its access log (the time the
    Observe middleware logs as duration_ms), by request id."""

    def __init__(self, lines: Callable[[], list[str]]) -> None:
        self.lines = lines

    async def line(self, request_id: str) -> dict[str, Any]:
        # The line is written once the answer is sent: it may follow the answer by a moment.
        for _ in range(50):
            for line in self.lines():
                if f'"request_id": "{request_id}"' in line:
                    found: dict[str, Any] = json.loads(line)
                    return found
            await asyncio.sleep(0.05)
        raise AssertionError(f"no access log line for request {request_id}")

    async def of(self, request_id: str) -> float:
        return float((await self.line(request_id))["duration_ms"]) / 1000

    async def span(self, request_ids: list[str]) -> float:
        """From the first of these requests reaching the service to the last answered."""
        ends, starts = [], []
        for request_id in request_ids:
            line = await self.line(request_id)
            ends.append(datetime.fromisoformat(line["time"]).timestamp())
            starts.append(ends[-1] - line["duration_ms"] / 1000)
        return max(ends) - min(starts)


@pytest.fixture
def server_times(caplog: pytest.LogCaptureFixture) -> ServerTimes:
    """The times of the applications this test serves in its own process."""
    caplog.set_level(logging.INFO, logger="app.access")
    return ServerTimes(lambda: [r.getMessage() for r in caplog.records if r.name == "app.access"])


async def timed(
    client: httpx.AsyncClient, path: str, times: ServerTimes, request_id: str | None = None
) -> tuple[httpx.Response, float]:
    """The answer to GET `path`, and the time the service took over it."""
    request_id = request_id or uuid.uuid4().hex
    started = time.monotonic()
    response = await client.get(path, headers={"X-Request-ID": request_id})
    waited = time.monotonic() - started
    took = await times.of(request_id)
    print(f"{path} -> {response.status_code} in {took:.3f} s (the client waited {waited:.3f} s)")
    return response, took


def assert_unavailable(response: httpx.Response, detail: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    assert detail in response.json()["detail"]


def assert_logged(caplog: pytest.LogCaptureFixture, detail: str) -> None:
    lines = [r.getMessage() for r in caplog.records if r.name == "app"]
    matching = [line for line in lines if detail in line]
    assert matching, lines
    assert "\n" not in matching[0]


async def assert_fast_and_failing(
    client: httpx.AsyncClient, detail: str, label: str, times: ServerTimes
) -> None:
    """/v1 and /readyz answer 503 within the bound; /healthz, /docs and unknown paths as
    ever."""
    await past_stale()
    for path, status in [
        ("/v1/member-states", 503),
        ("/readyz", 503),
        ("/v1/nope", 404),
        ("/nope", 404),
        ("/healthz", 200),
        ("/docs", 200),
    ]:
        print(f"{label}: ", end="")
        response, took = await timed(client, path, times)
        assert response.status_code == status, (path, response.text)
        assert took < BOUND, (path, took)
        if status == 503:
            assert_unavailable(response, detail)


@contextlib.asynccontextmanager
async def silent_listener() -> AsyncIterator[int]:
    """A port that accepts connections and never answers: a stalled server or network."""
    held: list[asyncio.StreamWriter] = []

    async def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_a_database_that_never_answers_gives_503_within_the_bound(
    client_for: OpenClient, caplog: pytest.LogCaptureFixture, server_times: ServerTimes
) -> None:
    async with silent_listener() as port:
        started = time.monotonic()
        client = await client_for(f"postgresql+psycopg://postgres@127.0.0.1:{port}/sco")
        print(f"listener: startup took {time.monotonic() - started:.3f} s")
        await assert_fast_and_failing(client, "did not answer within", "listener", server_times)
        # A second round: requests do not queue behind the reads still under way.
        await assert_fast_and_failing(
            client, "did not answer within", "listener again", server_times
        )
    assert_logged(caplog, "database unavailable: The database did not answer within")


def file_of(url: str) -> Path:
    return Path(make_url(url).database or "")


async def test_an_empty_database_is_not_migrated(
    backend: str, empty_url: str, client_for: OpenClient, caplog: pytest.LogCaptureFixture
) -> None:
    if backend == "sqlite":
        file_of(empty_url).touch()  # an empty file: an empty database
    client = await client_for(empty_url)
    assert_unavailable(await client.get("/readyz"), "not migrated: run `sco-api migrate`")
    assert_logged(caplog, "not migrated: run `sco-api migrate`")


async def test_a_migrated_database_not_seeded_says_so(
    migrated_url: str, client_for: OpenClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = await client_for(migrated_url)
    assert_unavailable(await client.get("/readyz"), "migrated but not seeded: run `sco-api seed`")
    assert_logged(caplog, "migrated but not seeded")


@sqlite_only
async def test_a_missing_sqlite_file_is_not_made(empty_url: str, client_for: OpenClient) -> None:
    client = await client_for(empty_url)
    assert_unavailable(await client.get("/v1/member-states"), "does not exist")
    assert not file_of(empty_url).exists()


@postgresql_only
async def test_a_dataset_read_that_waits_on_a_lock_gives_503_within_the_bound(
    seeded_copy_url: str, client_for: OpenClient, server_times: ServerTimes
) -> None:
    """The version answers, the dataset read in a thread does not (a table locked): the
    request answers 503 in time, and the dataset is served once the lock is gone."""
    conninfo = make_url(seeded_copy_url).set(drivername="postgresql")
    client = await client_for(seeded_copy_url)
    assert (await client.get("/v1/member-states")).status_code == 200
    with psycopg.connect(conninfo.render_as_string(hide_password=False)) as locker:
        locker.execute("LOCK TABLE summit IN ACCESS EXCLUSIVE MODE")
        # The version moves (by hand: a write would wait on the lock), so the next request
        # reads the dataset again, and that read waits on the lock.
        with psycopg.connect(conninfo.render_as_string(hide_password=False)) as writer:
            writer.execute("UPDATE dataset_version SET version = version + 1")
        await past_stale()
        print("locked table: ", end="")
        response, took = await timed(client, "/v1/member-states", server_times)
        assert took < BOUND
        assert_unavailable(response, "did not answer within")
        locker.rollback()
    started = time.monotonic()
    while (await client.get("/v1/member-states")).status_code != 200:
        assert time.monotonic() - started < 10, "not served after the lock went"
        await asyncio.sleep(0.1)


# A PostgreSQL cluster of this module's own, to stop and start again.


def _cluster_pids(name: str) -> list[int]:
    data = Path(f"/var/lib/postgresql/15/{name}")
    postmaster = int((data / "postmaster.pid").read_text().split()[0])
    children = subprocess.run(
        ["pgrep", "-P", str(postmaster)], capture_output=True, text=True, check=False
    ).stdout.split()
    return [postmaster, *map(int, children)]


def _signal(name: str, sig: signal.Signals) -> None:
    for pid in _cluster_pids(name):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


@pytest.fixture(scope="module")
def own_cluster() -> Iterator[tuple[str, str]]:
    """A PostgreSQL 15 cluster on a free port, with a seeded database; (name, URL)."""
    if shutil.which("pg_createcluster") is None or os.geteuid() != 0:
        pytest.skip("needs Debian's postgresql-common and root")
    name, port = f"scofault{uuid.uuid4().hex[:6]}", free_port()
    subprocess.run(
        ["pg_createcluster", "15", name, "--port", str(port), "--", "--auth=trust"],
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", "15", name, "start"],
            check=True,
            capture_output=True,
        )
        admin = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("CREATE DATABASE sco")
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/sco"
        yield name, _seeded(url)
    finally:
        with contextlib.suppress(Exception):
            _signal(name, signal.SIGCONT)
        subprocess.run(["pg_dropcluster", "--stop", "15", name], check=False, capture_output=True)


async def test_a_stopped_server_gives_503_within_the_bound_and_is_served_again(
    own_cluster: tuple[str, str], tmp_path: Path
) -> None:
    name, url = own_cluster
    logs = tmp_path / "stderr.log"
    server_times = ServerTimes(lambda: logs.read_text(encoding="utf-8").splitlines())
    with running_service(url, errors=logs) as (base, _process):
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            assert (await client.get("/v1/member-states")).status_code == 200
            _signal(name, signal.SIGSTOP)
            try:
                await assert_fast_and_failing(
                    client, "did not answer within", "SIGSTOP", server_times
                )
                await assert_fast_and_failing(
                    client, "did not answer within", "SIGSTOP again", server_times
                )
                # Many at once: none waits longer, none is left hanging.
                paths = ["/v1/member-states", "/v1/changes", "/readyz", "/v1"] * 10
                ids = [uuid.uuid4().hex for _ in paths]
                print("SIGSTOP, at once: ", end="")
                burst = await asyncio.gather(
                    *(timed(client, p, server_times, i) for p, i in zip(paths, ids, strict=True))
                )
                assert {response.status_code for response, _ in burst} == {503}
                # All of them answered within the bound of the first arriving, not in turn.
                span = await server_times.span(ids)
                print(f"SIGSTOP: {len(paths)} requests at once answered within {span:.3f} s")
                assert span < BOUND
            finally:
                _signal(name, signal.SIGCONT)
            started = time.monotonic()
            while (await client.get("/v1/member-states")).status_code != 200:
                assert time.monotonic() - started < 30, "not served again after SIGCONT"
                await asyncio.sleep(0.2)
            print(f"SIGCONT: served again after {time.monotonic() - started:.3f} s")
            ready = await client.get("/readyz")
            assert (ready.status_code, ready.json()["version"]) == (200, 1)


# SQLite files that go wrong while served.


@pytest.fixture
def sqlite_file(backend: str, seeded_copy_url: str) -> Path:
    """The file of a copy of the seeded database (for tests marked sqlite_only)."""
    assert backend == "sqlite", "a test of an SQLite file is marked sqlite_only"
    return file_of(seeded_copy_url)


def truncate(path: Path) -> None:
    with path.open("r+b") as f:
        f.truncate(path.stat().st_size // 2)


def garbage_header(path: Path) -> None:
    with path.open("r+b") as f:
        f.write(os.urandom(100))


def garbage_page(path: Path) -> None:
    page = 4096
    with path.open("r+b") as f:
        f.seek((path.stat().st_size // page // 2) * page)
        f.write(b"\xa5" * page)


@pytest.mark.parametrize(
    ("fault", "detail"),
    [
        (truncate, "is truncated/corrupted"),
        (garbage_header, "is not a database"),
        (garbage_page, "is corrupted (database disk image is malformed"),
        (Path.unlink, "no longer exists"),
    ],
    ids=["truncated", "garbage-header", "garbage-page", "deleted"],
)
@sqlite_only
async def test_a_broken_sqlite_file_is_named_for_what_it_is(
    sqlite_file: Path,
    client_for: OpenClient,
    caplog: pytest.LogCaptureFixture,
    server_times: ServerTimes,
    fault: Callable[[Path], None],
    detail: str,
) -> None:
    client = await client_for(f"sqlite:///{sqlite_file}")
    assert (await client.get("/v1/member-states")).status_code == 200
    fault(sqlite_file)
    await assert_fast_and_failing(client, detail, detail, server_times)
    assert_logged(caplog, detail)


@sqlite_only
async def test_a_broken_sqlite_file_is_named_at_startup_too(
    sqlite_file: Path, client_for: OpenClient
) -> None:
    garbage_page(sqlite_file)
    client = await client_for(f"sqlite:///{sqlite_file}")
    assert_unavailable(await client.get("/readyz"), "is corrupted")


@sqlite_only
async def test_a_replaced_sqlite_file_is_reopened_and_served(
    sqlite_file: Path,
    databases: Databases,
    template_url: str,
    engine_for: Callable[[str], Engine],
    client_for: OpenClient,
    tmp_path: Path,
) -> None:
    client = await client_for(f"sqlite:///{sqlite_file}")
    assert (await client.get("/v1/summits/2017-astana")).json()["city"] == "Astana"
    other = databases.copy(template_url)
    engine = engine_for(other)
    import_file(engine, copy_seed(tmp_path, correct_astana_city))
    engine.dispose()
    os.replace(make_url(other).database or "", sqlite_file)
    await past_stale()
    summit = await client.get("/v1/summits/2017-astana")
    assert (summit.status_code, summit.json()["city"]) == (200, "Nur-Sultan")
    assert (await client.get("/readyz")).json()["version"] == 2


@sqlite_only
async def test_a_sqlite_file_replaced_by_garbage_is_named(
    sqlite_file: Path,
    client_for: OpenClient,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    server_times: ServerTimes,
) -> None:
    client = await client_for(f"sqlite:///{sqlite_file}")
    assert (await client.get("/v1/member-states")).status_code == 200
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(8192))
    os.replace(junk, sqlite_file)
    await assert_fast_and_failing(client, "is not a database", "replaced by garbage", server_times)
    assert_logged(caplog, "is not a database")


@contextlib.contextmanager
def immutable(*paths: Path) -> Iterator[None]:
    """Read-only even to root (the tests run as root, whom file modes do not stop)."""
    made: list[Path] = []
    try:
        for path in paths:
            if subprocess.run(["chattr", "+i", str(path)], check=False).returncode != 0:
                pytest.skip("chattr +i is not supported here")
            made.append(path)
        yield
    finally:
        for path in made:
            subprocess.run(["chattr", "-i", str(path)], check=False)


@sqlite_only
async def test_a_read_only_sqlite_file_in_wal_mode_is_served(
    sqlite_file: Path, client_for: OpenClient, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    path = folder / "sco.db"
    shutil.copyfile(sqlite_file, path)
    assert path.read_bytes()[18:20] == b"\x02\x02"  # WAL mode: the trap
    with immutable(path, folder):
        assert not os.access(folder, os.W_OK)
        client = await client_for(f"sqlite:///{path}")
        for route in ("/v1/member-states", "/readyz", "/v1/summits/2017-astana"):
            assert (await client.get(route)).status_code == 200, route
        assert list(folder.iterdir()) == [path]  # nothing written beside it
    assert any("read-only in WAL mode" in r.getMessage() for r in caplog.records)


@sqlite_only
async def test_a_read_only_sqlite_file_with_changes_in_its_wal_is_not_served_stale(
    sqlite_file: Path, client_for: OpenClient, tmp_path: Path
) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    path = folder / "sco.db"
    shutil.copyfile(sqlite_file, path)
    path.with_name("sco.db-wal").write_bytes(b"\x37\x7f\x06\x82" + bytes(28))
    with immutable(path, path.with_name("sco.db-wal"), folder):
        client = await client_for(f"sqlite:///{path}")
        assert_unavailable(await client.get("/readyz"), "changes not checkpointed")
