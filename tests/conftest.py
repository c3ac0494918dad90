"""Fixtures: every test runs against SQLite and against the real PostgreSQL server, each in
a fresh database that the tests create (schema by Alembic) and drop afterwards.

PostgreSQL is reached at SCO_TEST_POSTGRES_URL (default postgresql+psycopg://postgres@
127.0.0.1:5432/postgres). A server that cannot be reached fails the run; set
SCO_TEST_SKIP_POSTGRES=1 to run on SQLite alone, knowingly (never in CI).
"""

import atexit
import logging
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import fastapi.dependencies.models
import httpx
import psycopg
import pytest
from alembic import command
from fastapi import FastAPI
from hypothesis import settings as hypothesis_settings
from hypothesis.database import DirectoryBasedExampleDatabase
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from app.cli import alembic_config, cli
from app.core.db import make_engine
from app.core.settings import ROOT, Settings, get_settings
from app.main import create_app
from app.writes.importing import seed

# The suite makes and drops hundreds of applications in one process: a freeze of the heap
# (app.core.heap) would keep their cycles (tests/test_heap.py tests it on its own).
os.environ.setdefault("SCO_GC_FREEZE", "false")
# The beacons (app.storage.beacon) of the suite's databases, in a folder of the run's own
# rather than /dev/shm, where hundreds of databases made and dropped would leave theirs. Set
# before any settings are read; worker processes and the services tests start inherit it.
if "SCO_BEACON_DIR" not in os.environ:
    os.environ["SCO_BEACON_DIR"] = tempfile.mkdtemp(prefix="sco-beacons-")
    atexit.register(shutil.rmtree, os.environ["SCO_BEACON_DIR"], ignore_errors=True)

ADMIN_URL = os.environ.get(
    "SCO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ["sqlite", "postgresql"]
SEED_DIR = ROOT / "seed"
# The Cache-Control of an answer not fixed by a version (SCO_SHARED_MAX_AGE of 5 s): a public
# contract, written out.
REVALIDATE = "public, max-age=0, s-maxage=5, must-revalidate"


def _admin_conninfo() -> str:
    return make_url(ADMIN_URL).set(drivername="postgresql").render_as_string(hide_password=False)


class Databases:
    """Makes and drops uniquely named databases on one backend. A test's own database is
    dropped once the test is over, by a thread of its own while the next tests run
    (PostgreSQL checkpoints at each DROP DATABASE: some 0.1 s of waiting on the disk)."""

    def __init__(self, backend: str, tmp: Path) -> None:
        self.backend = backend
        self.tmp = tmp
        self.made: list[str] = []
        self.released: list[str] = []  # by tests still tearing down
        self.dropping: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self.dropper = threading.Thread(target=self._drop_queued, daemon=True)
        if backend == "postgresql":
            self.dropper.start()

    def _url(self, name: str) -> str:
        return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    def new(self) -> str:
        name = f"sco_test_{uuid.uuid4().hex[:12]}"
        if self.backend == "sqlite":
            return f"sqlite:///{self.tmp / (name + '.db')}"
        with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return self._url(name)

    def copy(self, template: str) -> str:
        name = f"sco_test_{uuid.uuid4().hex[:12]}"
        if self.backend == "sqlite":
            target = self.tmp / (name + ".db")
            shutil.copyfile(make_url(template).database or "", target)
            return f"sqlite:///{target}"
        source = make_url(template).database
        with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        self.made.append(name)
        return self._url(name)

    def release(self, url: str) -> None:
        """A test is done with the database at `url`: drop it once the test has torn down."""
        name = make_url(url).database
        if name in self.made:
            self.made.remove(name)
            self.released.append(name)

    def torn_down(self) -> None:
        """The test that released databases has torn down: drop them, in the background."""
        for name in self.released:
            self.dropping.put(name)
        self.released.clear()

    def _drop_queued(self) -> None:
        """Drop what is queued until told to stop. A database that cannot be dropped now goes
        back to `made`, for `drop_all` to try again (and to report)."""
        while (name := self.dropping.get()) is not None:
            try:
                with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except psycopg.Error:
                self.made.append(name)

    def drop_all(self) -> None:
        """Drop every database made (waiting for those already queued)."""
        self.made.extend(self.released)
        self.released.clear()
        if self.dropper.is_alive():
            self.dropping.put(None)
            self.dropper.join()
        if self.made:
            with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
                for name in self.made:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


IN_USE: list[Databases] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """Once a test's fixtures are torn down, the databases it released may go."""
    try:
        return (yield)
    finally:
        for databases in IN_USE:
            databases.torn_down()


# Property-based tests draw the same examples on every run and every machine ("fixed", the
# default: derandomised, no example database); `--hypothesis-profile=search` runs a longer,
# random search and keeps what it finds (.hypothesis/examples). A failing example found
# either way is kept as an explicit test case. Both start from Hypothesis's "default"
# profile, not from whatever it loaded itself (its own "ci" profile when CI is set).
hypothesis_settings.register_profile(
    "fixed",
    parent=hypothesis_settings.get_profile("default"),
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=30,
    print_blob=True,
)
hypothesis_settings.register_profile(
    "search",
    parent=hypothesis_settings.get_profile("default"),
    derandomize=False,
    database=DirectoryBasedExampleDatabase(str(ROOT / ".hypothesis" / "examples")),
    deadline=None,
    max_examples=300,
    print_blob=True,
)
hypothesis_settings.load_profile("fixed")


def on(*engines: str) -> pytest.MarkDecorator:
    """Runs a test (class, module) on the engines named only, instead of on both."""
    return pytest.mark.parametrize("backend", list(engines), indirect=True, scope="session")


# A test whose outcome does not depend on the engine runs on SQLite alone; everything about
# storage, writes, versions and faults runs on both. A test of one engine's own behaviour
# (an SQLite file, a PostgreSQL lock) runs on that engine.
engine_independent = on("sqlite")
sqlite_only = on("sqlite")
postgresql_only = on("postgresql")


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if name == "postgresql":
        if os.environ.get("SCO_TEST_SKIP_POSTGRES") == "1" and not os.environ.get("CI"):
            pytest.skip("SCO_TEST_SKIP_POSTGRES=1")
        try:
            psycopg.connect(_admin_conninfo(), connect_timeout=5).close()
        except psycopg.OperationalError as exc:
            pytest.fail(
                f"PostgreSQL is not reachable at {ADMIN_URL}: {exc}\n"
                "Start it (or point SCO_TEST_POSTGRES_URL at one), or run on SQLite alone: "
                "SCO_TEST_SKIP_POSTGRES=1 ./dev test",
                pytrace=False,
            )
    return name


@pytest.fixture(scope="session")
def databases(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    dbs = Databases(backend, tmp_path_factory.mktemp(backend))
    IN_USE.append(dbs)
    yield dbs
    IN_USE.remove(dbs)
    dbs.drop_all()


def migrate(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


@pytest.fixture
def empty_url(databases: Databases) -> Iterator[str]:
    """A fresh database with no schema at all."""
    url = databases.new()
    yield url
    databases.release(url)


@pytest.fixture
def migrated_url(empty_url: str) -> str:
    """A fresh database, migrated to head, with no data."""
    migrate(empty_url)
    return empty_url


@pytest.fixture
def engine_for() -> Iterator[Callable[[str], Engine]]:
    engines: list[Engine] = []

    def make(url: str) -> Engine:
        engines.append(make_engine(url))
        return engines[-1]

    yield make
    for engine in engines:
        engine.dispose()


def _seeded(url: str) -> str:
    migrate(url)
    engine = make_engine(url)
    try:
        seed(engine, SEED_DIR)
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def template_url(databases: Databases) -> str:
    """A seeded database never served, only copied: seeding once per run keeps the suite
    fast as it grows."""
    return _seeded(databases.new())


@pytest.fixture(scope="session")
def seeded_url(databases: Databases, template_url: str) -> str:
    """One database per backend, migrated and seeded with the real dataset (a copy of the
    template), shared by the read-only tests. Tests that write use a copy of their own
    (`seeded_copy_url`)."""
    return databases.copy(template_url)


@pytest.fixture
def seeded_copy_url(databases: Databases, template_url: str) -> Iterator[str]:
    """A fresh copy of the seeded template, for a test that writes (a file copy on SQLite,
    CREATE DATABASE … TEMPLATE on PostgreSQL)."""
    url = databases.copy(template_url)
    yield url
    databases.release(url)


def release_applications() -> None:
    """Let the applications a test made be freed. FastAPI keeps an LRU cache (4,096 entries)
    of the endpoint callables it inspected; the closures made for each application (its
    docs routes, FastAPI's and fastapi-offline's) hold it, and with it its routes and store:
    some 14,000 objects each, for most of the session. The collector's full passes then
    grew from 0.1 s to over 1 s by the end of the suite and pushed requests past the
    store's 1.5 s bound (one process serves one application, so only tests need this)."""
    for cached in vars(fastapi.dependencies.models).values():
        if callable(getattr(cached, "cache_clear", None)):
            cached.cache_clear()


@pytest.fixture(autouse=True)
def _released_applications() -> Iterator[None]:
    yield
    release_applications()


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


async def _client(url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with client_with(Settings(database_url=url)) as client:
        yield client


@asynccontextmanager
async def client_with(
    settings: Settings, base_url: str = "http://test"
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of an application made with `settings` (its lifespan included)."""
    async with client_of(create_app(settings), base_url) as client:
        yield client


@asynccontextmanager
async def client_of(
    app: FastAPI, base_url: str = "http://test"
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of `app`, its lifespan included."""
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url) as client,
    ):
        yield client


@pytest.fixture(scope="session")
async def client(seeded_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the API over the shared seeded database."""
    async for c in _client(seeded_url):
        yield c


OpenClient = Callable[[str], Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def client_for() -> AsyncIterator[OpenClient]:
    """Opens clients on other databases (closed at the end of the test)."""
    stack = AsyncExitStack()

    async def open_client(url: str) -> httpx.AsyncClient:
        return await stack.enter_async_context(asynccontextmanager(_client)(url))

    async with stack:
        yield open_client


@dataclass(frozen=True)
class Ran:
    """What a run of `sco-api` ended with: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(url: str, *args: str) -> Ran:
    """`sco-api ARGS` on the database at `url`, run in this process through Click's runner
    (a new Python process would spend ~1.8 s importing the command). An exception the
    command lets out is written to stderr as a traceback, as the real command would."""
    get_settings.cache_clear()  # read from the environment the runner sets, then let go
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        result = CliRunner().invoke(cli, list(args), env={"SCO_DATABASE_URL": url})
    finally:
        get_settings.cache_clear()
        # `migrate` configures logging (Alembic's env.py) onto the runner's stderr, which is
        # closed now: give the process its own logging back.
        root.handlers[:] = handlers
        root.setLevel(level)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return Ran(result.exit_code, result.stdout, stderr)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def running_service(
    url: str,
    command: str = "serve",
    wait_for: str = "/readyz",
    output: Path | None = None,
    errors: Path | None = None,
    **env: str,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`sco-api COMMAND` (serve or start) in a process of its own on a free port, once it
    answers `wait_for` with 200 (by default: is ready); stopped at the end. What it prints
    on stdout goes to `output` when given, on stderr (the logs) to `errors`."""
    port = free_port()
    with open(output or os.devnull, "wb") as out, open(errors or os.devnull, "wb") as err:
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from app.cli import main; main()",
                command,
                "--port",
                str(port),
            ],
            env={**os.environ, "SCO_DATABASE_URL": url, **env},
            stdout=out,
            stderr=err,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}{wait_for}", timeout=3).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, f"sco-api {command} exited with {process.returncode}"
            assert time.monotonic() < deadline, f"sco-api {command} did not start"
            time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=30)
