"""Failed API-key checks are throttled and visible, on both engines: past the limit a client
is refused (429, Retry-After) on every operation that needs a key, even with a valid one,
until the time passes; other clients are not; a forwarded address counts only from a
trusted proxy; the count is in the database, shared by every worker; each failure is a
metric and a warning naming the client, never the key."""

import asyncio
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY
from prometheus_client.mmap_dict import MmapedDict
from sqlalchemy import text

from app.api.example_bodies import EXAMPLE_SOURCE
from app.core.db import make_engine
from app.core.settings import Settings
from app.main import create_app
from app.storage import keys
from tests.conftest import running_service
from tests.test_writes import REASON, make_keys

pytestmark = pytest.mark.anyio

PROXY = "127.0.0.1"  # trusted by default (SCO_TRUSTED_PROXIES)
STRANGER = "192.0.2.9"  # a peer that is no proxy of ours


def wrong_key() -> str:
    """A well-formed key this service never made (each one different)."""
    return keys.PREFIX + secrets.token_urlsafe(32)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", **REASON}


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@dataclass
class Service:
    """One application on a copy of the shipped dataset, with the keys of test_writes;
    `client(peer)` talks to it from the peer address given."""

    app: FastAPI
    url: str
    secrets: dict[str, str]
    stack: AsyncExitStack

    async def client(self, peer: str = PROXY) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app, client=(peer, 4321))
        return await self.stack.enter_async_context(
            httpx.AsyncClient(transport=transport, base_url="http://test")
        )

    def auth(self, name: str = "writer") -> dict[str, str]:
        return bearer(self.secrets[name])


OpenService = Callable[..., Awaitable[Service]]


@pytest.fixture
async def service(seeded_copy_url: str) -> AsyncIterator[OpenService]:
    """Opens applications on one database (with settings of the test's choosing): each is a
    worker process of its own, sharing nothing but the database."""
    made = make_keys(seeded_copy_url)
    async with AsyncExitStack() as stack:

        async def open_service(**settings: Any) -> Service:
            app = create_app(Settings(database_url=seeded_copy_url, **settings))
            await stack.enter_async_context(app.router.lifespan_context(app))
            return Service(app, seeded_copy_url, made, stack)

        yield open_service


async def post_source(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await client.post("/v1/sources", json=EXAMPLE_SOURCE, headers=headers)


def assert_throttled(response: httpx.Response, window: int = 60) -> int:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/problems/too-many-requests")
    assert response.headers["Cache-Control"] == "no-store"
    retry = int(response.headers["Retry-After"])
    assert 1 <= retry <= window
    return retry


async def test_the_21st_failure_is_429_even_with_a_valid_key(service: OpenService) -> None:
    s = await service()
    client = await s.client()
    sent = {
        "missing": dict(REASON),
        "malformed": {"Authorization": "Basic dXNlcjpwYXNz", **REASON},
        "unknown": bearer(wrong_key()),
        "revoked": s.auth("revoked"),
    }
    before = {reason: metric("sco_auth_failures_total", reason=reason) for reason in sent}
    throttled = metric("sco_auth_throttled_total")
    for attempt in range(20):
        reason = list(sent)[attempt % 4]
        refused = await post_source(client, sent[reason])
        assert refused.status_code == 401, (attempt, refused.text)
        assert "Retry-After" not in refused.headers
    for reason in sent:
        assert metric("sco_auth_failures_total", reason=reason) == before[reason] + 5, reason
    retry = assert_throttled(await post_source(client, bearer(wrong_key())))
    assert 1 <= retry <= 60  # when the oldest failure counted leaves the minute's window
    # Every operation that needs a key is refused, with the right key too; reads are open.
    assert_throttled(await post_source(client, s.auth()))
    assert_throttled(await client.get("/v1/audit", headers=s.auth("auditor")))
    assert_throttled(await post_source(client, {}))
    assert (await client.get("/v1/member-states", headers=s.auth())).status_code == 200
    assert metric("sco_auth_throttled_total") == throttled + 4
    # Refused before the key is looked at: no failure was counted for those.
    assert metric("sco_auth_failures_total", reason="unknown") == before["unknown"] + 5
    # Another client (forwarded by the trusted proxy, or connecting itself) is not affected.
    other = {"X-Forwarded-For": "203.0.113.7"}
    assert (await post_source(client, {**bearer(wrong_key()), **other})).status_code == 401
    assert (await post_source(client, {**s.auth(), **other})).status_code == 201
    elsewhere = await s.client("198.51.100.20")
    assert (await elsewhere.get("/v1/audit", headers=s.auth("auditor"))).status_code == 200


async def test_a_forwarded_address_counts_only_from_a_trusted_proxy(
    service: OpenService,
) -> None:
    s = await service(auth_failure_limit=3)
    stranger = await s.client(STRANGER)
    proxy = await s.client(PROXY)
    for i in range(3):
        # A peer that is no proxy cannot pass itself off as others: it is counted itself.
        forged = {"X-Forwarded-For": f"198.51.100.{i}"}
        refused = await post_source(stranger, {**bearer(wrong_key()), **forged})
        assert refused.status_code == 401
    assert_throttled(await post_source(stranger, {**s.auth(), "X-Forwarded-For": "10.9.9.9"}))
    # Through the trusted proxy, the stranger's address is the one throttled...
    via_proxy = {**s.auth(), "X-Forwarded-For": STRANGER}
    assert_throttled(await post_source(proxy, via_proxy))
    # ...and the addresses it forged were never charged, nor the proxy itself.
    created = await post_source(proxy, {**s.auth(), "X-Forwarded-For": "198.51.100.0"})
    assert created.status_code == 201, created.text
    assert (await proxy.get("/v1/audit", headers=s.auth("auditor"))).status_code == 200


async def test_a_configured_proxy_is_trusted_and_the_default_one_no_longer(
    service: OpenService,
) -> None:
    s = await service(trusted_proxies=["10.0.0.0/8"], auth_failure_limit=2)
    proxy, local = await s.client("10.1.2.3"), await s.client("127.0.0.1")
    for i in range(2):
        # From the configured network, each forwarded address is a client of its own.
        headers = {**bearer(wrong_key()), "X-Forwarded-For": f"203.0.113.{i}"}
        assert (await post_source(proxy, headers)).status_code == 401
    assert (await proxy.get("/v1/audit", headers=s.auth("auditor"))).status_code == 200
    for i in range(2):
        headers = {**bearer(wrong_key()), "X-Forwarded-For": f"203.0.113.{10 + i}"}
        assert (await post_source(local, headers)).status_code == 401
    # 127.0.0.1 is not trusted here: both failures were its own.
    assert_throttled(await local.get("/v1/audit", headers=s.auth("auditor")))


async def test_the_scheme_forwarded_by_a_trusted_proxy_still_makes_the_links(
    service: OpenService,
) -> None:
    """As uvicorn's proxy_headers did: X-Forwarded-Proto from a trusted proxy is the scheme
    of the base URL that problem types are built on; from anyone else it is ignored."""
    s = await service()
    forwarded = {"X-Forwarded-Proto": "https"}
    proxied = await (await s.client(PROXY)).get("/v1/states/XX", headers=forwarded)
    assert proxied.json()["type"] == "https://test/problems/not-found"
    direct = await (await s.client(STRANGER)).get("/v1/states/XX", headers=forwarded)
    assert direct.json()["type"] == "http://test/problems/not-found"


async def test_the_time_passing_lifts_it(service: OpenService) -> None:
    s = await service(auth_failure_limit=3, auth_failure_window=2)
    client = await s.client()
    for _ in range(3):
        assert (await post_source(client, bearer(wrong_key()))).status_code == 401
    assert_throttled(await client.get("/v1/audit", headers=s.auth("auditor")), window=2)
    await anyio.sleep(2.5)  # past the window: every failure in it has left, however slow
    # The failures have left the window: the key is checked again, and new failures count.
    assert (await client.get("/v1/audit", headers=s.auth("auditor"))).status_code == 200
    for _ in range(3):
        assert (await post_source(client, bearer(wrong_key()))).status_code == 401
    assert_throttled(await post_source(client, s.auth()), window=2)


async def test_failures_that_left_the_window_are_deleted(service: OpenService) -> None:
    """The table keeps little more than the window's failures: recording one deletes those
    that have left it, the client's own and others'."""
    s = await service(auth_failure_window=1)
    first, second = await s.client("198.51.100.1"), await s.client("198.51.100.2")
    for _ in range(3):
        assert (await post_source(first, bearer(wrong_key()))).status_code == 401
    assert (await post_source(second, bearer(wrong_key()))).status_code == 401
    await anyio.sleep(1.1)
    assert (await post_source(second, bearer(wrong_key()))).status_code == 401
    engine = make_engine(s.url)
    try:
        with engine.connect() as conn:
            left = conn.execute(text("SELECT client FROM auth_failure")).scalars().all()
    finally:
        engine.dispose()
    assert left == ["198.51.100.2"]


async def test_a_missing_scope_is_no_failure(service: OpenService) -> None:
    s = await service(auth_failure_limit=2)
    client = await s.client()
    for _ in range(5):  # a valid key lacking the scope: 403, not counted
        assert (await post_source(client, s.auth("auditor"))).status_code == 403
    assert (await post_source(client, bearer(wrong_key()))).status_code == 401
    assert (await post_source(client, s.auth())).status_code == 201


async def test_every_worker_sees_the_count(service: OpenService) -> None:
    """Two applications on one database are two worker processes: failures made through
    one throttle the client in the other (nothing is kept in a process's memory)."""
    first, second = await service(auth_failure_limit=4), await service(auth_failure_limit=4)
    a, b = await first.client(), await second.client()
    for i in range(4):
        assert (await post_source(a if i % 2 else b, bearer(wrong_key()))).status_code == 401
    assert_throttled(await post_source(a, first.auth()))
    assert_throttled(await post_source(b, second.auth()))


async def test_failures_at_once_let_no_more_than_the_limit_through(
    service: OpenService,
) -> None:
    s = await service(auth_failure_limit=5)
    client = await s.client()
    answers = await asyncio.gather(*(post_source(client, bearer(wrong_key())) for _ in range(15)))
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [401] * 5 + [429] * 10, statuses


async def test_each_failure_is_a_warning_naming_the_client_and_never_the_key(
    service: OpenService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="app")
    s = await service(auth_failure_limit=4)
    client = await s.client()
    forwarded = {"X-Forwarded-For": "203.0.113.44"}
    bad = wrong_key()
    sent = [
        ("missing", {}),
        ("malformed", {"Authorization": f"Basic {bad}"}),
        ("unknown", {"Authorization": f"Bearer {bad}"}),
        ("revoked", {"Authorization": f"Bearer {s.secrets['revoked']}"}),
    ]
    for _, headers in sent:
        refused = await post_source(client, {**REASON, **headers, **forwarded})
        assert refused.status_code == 401
    lines = [r.getMessage() for r in caplog.records if r.name == "app.auth"]
    refusals = [line for line in lines if line.startswith("API key refused")]
    assert len(refusals) == 4, lines
    for (reason, _), line in zip(sent, refusals, strict=True):
        assert "203.0.113.44" in line
        assert f": {reason} " in line
    assert [r.levelname for r in caplog.records if r.name == "app.auth"] == ["WARNING"] * 5
    assert any("203.0.113.44 is refused every request that needs a key" in line for line in lines)
    # Not the key, nor any part of it (its prefix, its first characters) anywhere.
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (bad, s.secrets["revoked"]):
        for part in (secret, keys.PREFIX, secret[len(keys.PREFIX) : len(keys.PREFIX) + 6]):
            assert part not in logged, part


async def test_a_database_that_cannot_answer_is_503(
    empty_url: str, client_for: Callable[[str], Awaitable[httpx.AsyncClient]]
) -> None:
    client = await client_for(empty_url)
    response = await post_source(client, bearer(wrong_key()))
    assert response.status_code == 503
    assert "sco-api migrate" in response.json()["detail"]


def worker_counts(folder: Path, name: str) -> dict[str, float]:
    """A counter's value in each worker process, from the files of the Prometheus client's
    multiprocess mode (one per process: counter_PID.db)."""
    counts: dict[str, float] = {}
    for path in folder.glob("counter_*.db"):
        values = MmapedDict.read_all_values_from_file(str(path))  # type: ignore[no-untyped-call]
        for key, value, *_ in values:
            if json.loads(key)[1] == name:
                pid = path.stem.removeprefix("counter_")
                counts[pid] = counts.get(pid, 0.0) + value
    return counts


def test_a_live_server_with_two_workers_shares_the_count(
    seeded_copy_url: str, tmp_path: Path
) -> None:
    """The 21st failure is refused by whichever worker takes it: requests are sent, a new
    connection each, until both workers have answered 429s."""
    secret = make_keys(seeded_copy_url)["writer"]
    limits = httpx.Limits(max_keepalive_connections=0)
    with (
        running_service(
            seeded_copy_url, SCO_WORKERS="2", PROMETHEUS_MULTIPROC_DIR=str(tmp_path)
        ) as (base, _),
        httpx.Client(base_url=base, timeout=30, limits=limits) as client,
        ThreadPoolExecutor(8) as pool,
    ):
        # The service is ready once one worker is; wait for the other to answer too.
        deadline = time.monotonic() + 60
        while len(worker_counts(tmp_path, "sco_http_requests_total")) < 2:
            assert time.monotonic() < deadline, "the second worker did not start"
            list(pool.map(lambda _: client.get("/healthz"), range(8)))
        for attempt in range(20):
            refused = client.post("/v1/sources", json=EXAMPLE_SOURCE, headers=bearer(wrong_key()))
            assert refused.status_code == 401, (attempt, refused.text)

        def post(headers: dict[str, str]) -> httpx.Response:
            return client.post("/v1/sources", json=EXAMPLE_SOURCE, headers=headers)

        sent = 0
        # At once, so that both workers are busy and each accepts some of the connections.
        while sent < 200:
            batch = [bearer(wrong_key()) if i % 2 else bearer(secret) for i in range(8)]
            for answer in pool.map(post, batch):
                assert_throttled(answer)
            sent += len(batch)
            throttled = worker_counts(tmp_path, "sco_auth_throttled_total")
            if len([n for n in throttled.values() if n > 0]) == 2:
                break
        assert len([n for n in throttled.values() if n > 0]) == 2, throttled
        # The address a local proxy forwards is a client of its own (uvicorn's proxy
        # headers, now the application's, still apply when served).
        other = {**bearer(secret), "X-Forwarded-For": "203.0.113.9"}
        created = client.post("/v1/sources", json=EXAMPLE_SOURCE, headers=other)
        assert created.status_code == 201, created.text
        problem = client.get("/v1/states/XX", headers={"X-Forwarded-Proto": "https"})
        assert problem.json()["type"].startswith("https://")
        exposed = client.get("/metrics").text
        assert 'sco_auth_failures_total{reason="unknown"} 20.0' in exposed
        assert f"sco_auth_throttled_total {float(sent)}" in exposed
