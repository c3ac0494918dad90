"""The HTTP conventions client developers expect, through HTTP: HEAD, compression,
conditional requests, CORS, security headers, request ids, the access log, metrics, and
problem types that resolve. Those whose answers carry data run on both engines; those of
the HTTP layer alone (marked engine_independent) on SQLite."""

import gzip
import json
import logging
import os
import re
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import brotli
import httpx
import pytest
from prometheus_client import REGISTRY, CollectorRegistry, Histogram
from sqlalchemy import Engine, text

from app.core import metrics
from app.core.logs import BatchedStreamHandler
from app.core.settings import Settings
from app.http import answers
from app.http.access import Tally
from app.http.middleware import UNMATCHED, RouteLabels
from app.main import CORS_EXPOSED_HEADERS, CORS_REQUEST_HEADERS, create_app
from app.writes.dataset_file import SeedError
from app.writes.importing import import_file
from tests.conftest import (
    REVALIDATE,
    SEED_DIR,
    OpenClient,
    client_with,
    engine_independent,
    running_service,
)

pytestmark = pytest.mark.anyio

# One path of each GET operation, with the ids of real facts (checked against the OpenAPI
# document below, so a new operation cannot be missed).
GET_PATHS = [
    "/v1",
    "/v1/states",
    "/v1/member-states?as_of=2020-01-01",
    "/v1/observer-states",
    "/v1/dialogue-partners",
    "/v1/partners",
    "/v1/states/IND",
    "/v1/states/IND/timeline",
    "/v1/status-periods/ind-member-2017-06-09",
    "/v1/secretaries-general",
    "/v1/terms/zhang-ming-secretary-general-2022-01-01",
    "/v1/people",
    "/v1/people/zhang-ming",
    "/v1/presidencies",
    "/v1/presidencies/ind-presidency-2022-09-17",
    "/v1/summits",
    "/v1/summits/2022-samarkand",
    "/v1/snapshot?as_of=2022-03-17",
    "/v1/timeline",
    "/v1/organisation",
    "/v1/meetings",
    "/v1/meetings/council-of-foreign-ministers-2022-07-28",
    "/v1/terms",
    "/v1/rats-directors",
    "/v1/post-titles",
    "/v1/post-titles/secretary-general-zh-2004-01-15",
    "/v1/bodies",
    "/v1/bodies/secretariat",
    "/v1/seats/rats-tashkent-2003-09-05",
    "/v1/documents",
    "/v1/documents/charter",
    "/v1/languages",
    "/v1/languages/zh-2003-09-19",
    "/v1/standings",
    "/v1/standings/cis-observer-2025-10-10",
    "/v1/sources",
    "/v1/sources/indian-awaaz-2022-03-20",
    "/v1/sources/indian-awaaz-2022-03-20/claims/indian-awaaz-2022-03-20-d8a6038e",
    "/v1/changes",
    "/v1/change-sets/1",
    "/v1/audit",  # 401 without a key, HEAD as GET
    "/v1/export",
    "/v1/export/popolo",
    "/healthz",
    "/readyz",
    "/openapi.json",
    "/problems",
    "/problems/not-found",
    "/metrics",
    "/docs",
    "/",
    "/site.css",
    "/favicon.svg",
    "/timeline",
]
# Served, but not operations of the OpenAPI document: the document itself and its pages,
# and the site's.
NOT_IN_THE_DOCUMENT = {"/openapi.json", "/docs", "/", "/site.css", "/favicon.svg", "/timeline"}
IDENTITY = {"Accept-Encoding": "identity"}


@pytest.mark.parametrize("path", GET_PATHS)
async def test_head_answers_as_get_without_a_body(client: httpx.AsyncClient, path: str) -> None:
    get = await client.get(path, headers=IDENTITY)
    head = await client.head(path, headers=IDENTITY)
    expected = 401 if path == "/v1/audit" else 200
    assert get.status_code == expected, get.text
    assert head.status_code == expected
    assert head.content == b""
    if path != "/metrics":  # the metrics count the GET itself
        assert head.headers["content-length"] == str(len(get.content))
    for name in ("content-type", "etag", "cache-control", "dataset-version"):
        assert head.headers.get(name) == get.headers.get(name), name


@engine_independent
async def test_the_paths_walked_are_every_get_operation(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    operations = {path for path, item in document["paths"].items() if "get" in item}
    walked = [path.split("?")[0] for path in GET_PATHS if path not in NOT_IN_THE_DOCUMENT]

    def operation_of(path: str) -> list[str]:
        return [
            template
            for template in operations
            if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path)
            # a fixed path wins over a template that also matches it
            and (template == path or path not in operations)
        ]

    matched = {path: operation_of(path) for path in walked}
    assert all(len(found) == 1 for found in matched.values()), matched
    assert {found[0] for found in matched.values()} == operations


@engine_independent
async def test_each_documented_path_is_its_own_route_label(seeded_url: str) -> None:
    """Logs and metrics label a request by its operation's path template: the labels are
    found from the routes, and must be the OpenAPI document's paths, one for one."""
    app = create_app(Settings(database_url=seeded_url))
    labels = RouteLabels()
    for template in app.openapi()["paths"]:
        path = re.sub(r"\{[^}]+\}", "x", template)
        assert labels({"app": app, "path": path}) == template, path
    assert labels({"app": app, "path": "/v1/nowhere/at/all"}) == UNMATCHED


@engine_independent
async def test_a_large_answer_is_compressed_and_a_small_one_is_not(
    client: httpx.AsyncClient,
) -> None:
    plain = await client.get("/v1/states", headers=IDENTITY)
    assert "content-encoding" not in plain.headers
    assert len(plain.content) > 100_000
    for coding, decode in (("gzip", gzip.decompress), ("br", brotli.decompress)):
        request = client.build_request("GET", "/v1/states", headers={"Accept-Encoding": coding})
        response = await client.send(request, stream=True)
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
        await response.aclose()
        assert response.headers["content-encoding"] == coding
        assert "Accept-Encoding" in response.headers["vary"]
        assert len(raw) * 4 < len(plain.content)  # JSON shrinks well over four times
        assert decode(raw) == plain.content
        # Another representation, another strong validator; each revalidates.
        assert response.headers["etag"] == plain.headers["etag"][:-1] + f'-{coding}"'
        again = await client.get(
            "/v1/states",
            headers={"Accept-Encoding": coding, "If-None-Match": response.headers["etag"]},
        )
        assert again.status_code == 304
    # br is preferred when both are accepted, q-values are honoured.
    both = await client.get("/v1/states", headers={"Accept-Encoding": "gzip, br"})
    assert both.headers["content-encoding"] == "br"
    weighed = await client.get("/v1/states", headers={"Accept-Encoding": "br;q=0.1, gzip"})
    assert weighed.headers["content-encoding"] == "gzip"
    small = await client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers


@engine_independent
async def test_a_cached_answer_is_compressed_once(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = answers.COMPRESSORS[b"gzip"]

    def counted(body: bytes) -> bytes:
        calls.append(len(body))
        return real(body)

    monkeypatch.setitem(answers.COMPRESSORS, b"gzip", counted)
    path = "/v1/timeline?limit=500"
    bodies = [
        (await client.get(path, headers={"Accept-Encoding": "gzip"})).content for _ in range(3)
    ]
    assert bodies[0] == bodies[1] == bodies[2]
    assert len(calls) == 1


async def test_last_modified_and_if_modified_since(client: httpx.AsyncClient) -> None:
    first = await client.get("/v1/member-states")
    modified = parsedate_to_datetime(first.headers["last-modified"])
    info = (await client.get("/v1")).json()
    committed = info["committed_at"].replace("Z", "+00:00")
    assert modified.isoformat() == committed.split(".")[0] + "+00:00"
    same = await client.get(
        "/v1/member-states", headers={"If-Modified-Since": first.headers["last-modified"]}
    )
    assert same.status_code == 304
    assert same.headers["etag"] == first.headers["etag"]
    earlier = format_datetime(modified.replace(year=modified.year - 1), usegmt=True)
    older = await client.get("/v1/member-states", headers={"If-Modified-Since": earlier})
    assert older.status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
    both = await client.get(
        "/v1/member-states",
        headers={"If-None-Match": '"other"', "If-Modified-Since": first.headers["last-modified"]},
    )
    assert both.status_code == 200
    junk = await client.get("/v1/member-states", headers={"If-Modified-Since": "yesterday"})
    assert junk.status_code == 200


async def test_the_openapi_document_has_an_etag(client: httpx.AsyncClient) -> None:
    first = await client.get("/openapi.json")
    assert first.headers["etag"].startswith('"')
    assert first.headers["cache-control"] == REVALIDATE
    again = await client.get("/openapi.json", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


async def test_unversioned_reads_revalidate(client: httpx.AsyncClient) -> None:
    """Clients revalidate every reuse; a shared cache may keep an answer for 5 s."""
    response = await client.get("/v1/member-states")
    assert response.headers["cache-control"] == REVALIDATE
    hit = await client.get("/v1/member-states")  # from the read cache, with the same header
    assert hit.headers["cache-control"] == REVALIDATE
    revalidated = await client.get(
        "/v1/member-states", headers={"If-None-Match": response.headers["etag"]}
    )
    assert revalidated.status_code == 304
    assert revalidated.headers["cache-control"] == REVALIDATE
    pinned = await client.get("/v1/member-states?version=1")
    assert pinned.headers["cache-control"] == "public, max-age=31536000, immutable"


@engine_independent
async def test_the_shared_caches_bound_is_a_setting(seeded_url: str) -> None:
    """SCO_SHARED_MAX_AGE sets the bound, says so in the API's description, and at 0 every
    cache revalidates every reuse."""
    for seconds, expected in (
        (30, "public, max-age=0, s-maxage=30, must-revalidate"),
        (0, "public, no-cache"),
    ):
        settings = Settings(database_url=seeded_url, shared_max_age=seconds)
        async with client_with(settings) as client:
            for path in ("/v1/member-states", "/v1/timeline?format=csv", "/openapi.json"):
                response = await client.get(path)
                assert response.status_code == 200
                assert response.headers["cache-control"] == expected, path
            described = (await client.get("/openapi.json")).json()["info"]["description"]
            if seconds:
                assert "never older than 30 s" in described
            else:
                assert "no answer is ever stale" in described


@engine_independent
async def test_a_cors_preflight_for_revalidation_and_writes(client: httpx.AsyncClient) -> None:
    preflight = await client.options(
        "/v1/member-states",
        headers={
            "Origin": "http://app.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match, x-request-id",
        },
    )
    assert preflight.status_code == 200
    allowed = {
        h.strip().lower() for h in preflight.headers["access-control-allow-headers"].split(",")
    }
    assert {h.lower() for h in CORS_REQUEST_HEADERS} <= allowed
    methods = preflight.headers["access-control-allow-methods"]
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
        assert method in methods
    assert "access-control-allow-credentials" not in preflight.headers
    write = await client.options(
        "/v1/member-states",
        headers={
            "Origin": "http://app.example",
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "if-match, idempotency-key, change-reason, "
            "authorization, content-type",
        },
    )
    assert write.status_code == 200
    answer = await client.get("/v1/member-states", headers={"Origin": "http://app.example"})
    assert answer.headers["access-control-allow-origin"] == "*"
    exposed = {h.strip() for h in answer.headers["access-control-expose-headers"].split(",")}
    assert set(CORS_EXPOSED_HEADERS) <= exposed


@engine_independent
async def test_cors_lets_browsers_send_and_read_every_declared_header(
    client: httpx.AsyncClient,
) -> None:
    """Every header an operation of the OpenAPI document takes is allowed in a cross-origin
    request, and every header an answer declares is exposed (but those the Fetch standard
    exposes anyway)."""
    spec = (await client.get("/openapi.json")).json()
    taken, declared = set(), set()
    for operations in spec["paths"].values():
        for operation in operations.values():
            taken |= {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            for answer in operation["responses"].values():
                declared |= set(answer.get("headers", {}))
    safelisted = {
        *("Cache-Control", "Content-Language", "Content-Length", "Content-Type"),
        *("Expires", "Last-Modified", "Pragma"),
    }
    assert taken
    assert declared
    assert taken <= set(CORS_REQUEST_HEADERS), taken - set(CORS_REQUEST_HEADERS)
    assert declared - safelisted <= set(CORS_EXPOSED_HEADERS)


@engine_independent
async def test_security_headers_everywhere(client: httpx.AsyncClient) -> None:
    for path in ("/v1/states/IND", "/v1/nope", "/healthz", "/docs", "/redoc", "/openapi.json"):
        response = await client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"] == "no-referrer", path
        assert response.headers["x-frame-options"] == "DENY", path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
        assert "server" not in response.headers, path
    api = await client.get("/v1/states/IND")
    assert api.headers["content-security-policy"].startswith("default-src 'none'")
    docs = await client.get("/docs")
    policy = docs.headers["content-security-policy"]
    # The docs page's inline script runs by its hash, and no other inline script does.
    inline = re.findall(r"<script>(.*?)</script>", docs.text, re.S)
    assert inline
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert policy.count("'sha256-") == len(inline)


@engine_independent
async def test_the_request_id_is_echoed_or_made(client: httpx.AsyncClient) -> None:
    made = await client.get("/v1")
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    given = await client.get("/v1", headers={"X-Request-ID": "trace-42.a:b"})
    assert given.headers["x-request-id"] == "trace-42.a:b"
    bad = await client.get("/v1", headers={"X-Request-ID": "x" * 200})
    assert re.fullmatch(r"[0-9a-f]{32}", bad.headers["x-request-id"])
    unknown = await client.get("/nope", headers={"X-Request-ID": "abc"})
    assert unknown.headers["x-request-id"] == "abc"


@engine_independent
async def test_one_json_access_log_line_per_request(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="app.access"):
        await client.get("/v1/states/IND?lang=xx", headers={"X-Request-ID": "log-1"})
        await client.get("/v1/states/IND", headers={"X-Request-ID": "log-2"})
        await client.head("/v1/states/IND", headers={"X-Request-ID": "log-3"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "app.access"]
    by_id = {line["request_id"]: line for line in lines}
    assert set(by_id) >= {"log-1", "log-2", "log-3"}
    ok = by_id["log-2"]
    assert ok["method"] == "GET"
    assert ok["route"] == "/v1/states/{code}"
    assert ok["path"] == "/v1/states/IND"
    assert ok["status"] == 200
    assert ok["bytes"] > 100
    assert ok["duration_ms"] >= 0
    assert set(ok) == {
        "time",
        "request_id",
        "method",
        "route",
        "path",
        "status",
        "duration_ms",
        "bytes",
    }
    assert by_id["log-1"]["status"] == 422
    assert by_id["log-3"]["method"] == "HEAD"
    assert by_id["log-3"]["route"] == "/v1/states/{code}"  # a cache hit knows its route


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in a Prometheus exposition (0 when absent)."""
    for line in text.splitlines():
        sample = re.fullmatch(r"(\w+)\{(.*)\} (\S+)", line)
        if sample is None or sample[1] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', sample[2]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(sample[3])
    return 0.0


async def test_metrics_count_requests_cache_and_reloads(client: httpx.AsyncClient) -> None:
    before = (await client.get("/metrics")).text
    for _ in range(3):
        await client.get("/v1/summits/2022-samarkand")
    await client.get("/v1/summits/no-such-summit")
    after = await client.get("/metrics")
    assert after.headers["content-type"].startswith("text/plain")
    text = after.text
    route = {"route": "/v1/summits/{summit_id}", "method": "GET"}
    delta = _sample(text, "sco_http_requests_total", status="200", **route) - _sample(
        before, "sco_http_requests_total", status="200", **route
    )
    assert delta == 3
    assert _sample(text, "sco_http_requests_total", status="404", **route) >= 1
    assert _sample(text, "sco_read_cache_lookups_total", result="hit") > _sample(
        before, "sco_read_cache_lookups_total", result="hit"
    )
    assert _sample(text, "sco_http_request_duration_seconds_count", route=route["route"]) >= 3
    assert _sample(text, "sco_dataset_reloads_total", kind="current") >= 1
    assert "sco_version_read_seconds_bucket" in text
    assert "# TYPE sco_writes_total counter" in text


@engine_independent
async def test_problem_types_resolve(client: httpx.AsyncClient) -> None:
    problem = await client.get("/v1/states/XX")
    kind = problem.json()["type"]
    assert kind == "http://test/problems/not-found"
    explained = await client.get(kind)
    assert explained.status_code == 200
    assert explained.json()["status"] == 404
    assert explained.json()["type"] == kind
    page = await client.get(kind, headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in page.text
    index = await client.get("/problems")
    names = {item["name"] for item in index.json()["items"]}
    assert {"not-found", "invalid-parameters", "unavailable", "not-acceptable"} <= names
    for name in names:
        assert (await client.get(f"/problems/{name}")).status_code == 200
    unknown = await client.get("/problems/nonsense")
    assert unknown.status_code == 404
    assert unknown.json()["type"] == "http://test/problems/not-found"
    invalid = await client.get("/v1/member-states?as_of=soon")
    assert invalid.json()["type"] == "http://test/problems/invalid-parameters"
    refused = await client.get("/problems/not-found", headers={"Accept": "image/png"})
    assert refused.status_code == 406
    method = await client.post("/v1/states")
    assert method.status_code == 405
    assert method.json()["type"] == "http://test/problems/method-not-allowed"


@engine_independent
async def test_problem_types_are_built_on_the_public_url(seeded_url: str) -> None:
    settings = Settings(database_url=seeded_url, public_url="https://sco.example.org/api/")
    async with client_with(settings) as client:
        problem = await client.get("/v1/states/XX")
        assert problem.json()["type"] == "https://sco.example.org/api/problems/not-found"


@engine_independent
def test_the_server_sends_no_version(seeded_url: str) -> None:
    with running_service(seeded_url) as (base, _):
        response = httpx.get(f"{base}/v1/states/IND")
        assert "server" not in response.headers
        assert response.headers["x-request-id"]


@engine_independent
async def test_no_coding_the_client_refuses_and_one_vary(client: httpx.AsyncClient) -> None:
    refused = await client.get("/v1/member-states", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers
    vary = [v.strip() for v in refused.headers["vary"].split(",")]
    assert len(vary) == len(set(vary)), vary
    docs = await client.get("/redoc/redoc.standalone.js", headers={"Accept-Encoding": "gzip"})
    assert docs.headers["content-encoding"] == "gzip"
    plain = await client.get("/redoc/redoc.standalone.js", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in plain.headers
    assert b"cdn.redoc.ly" not in plain.content


async def test_an_answer_of_today_is_modified_since_midnight(
    seeded_copy_url: str, engine_for: Callable[[str], Engine], client_for: OpenClient
) -> None:
    """On a database last written days ago, an answer of today changed at midnight (the
    day it is computed for moved on); one of a given day changed when the data did."""
    written = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    with engine_for(seeded_copy_url).begin() as conn:
        conn.execute(text("UPDATE change_set SET committed_at = :at"), {"at": written})
    client = await client_for(seeded_copy_url)
    midnight = datetime.combine(datetime.now(UTC).date(), datetime.min.time(), UTC)
    for of_today in ("/v1/states/IND", "/v1/snapshot"):
        answer = await client.get(of_today)
        assert parsedate_to_datetime(answer.headers["last-modified"]) == midnight, of_today
    for of_a_day in ("/v1/snapshot?as_of=2020-01-01", "/v1/member-states", "/v1/summits"):
        answer = await client.get(of_a_day)
        assert parsedate_to_datetime(answer.headers["last-modified"]) == written, of_a_day


@engine_independent
async def test_405_allows_head_and_lang_only_where_names_are_shown(
    client: httpx.AsyncClient,
) -> None:
    refused = await client.delete("/v1/states/IND")
    assert refused.status_code == 405
    assert {m.strip() for m in refused.headers["allow"].split(",")} == {"GET", "HEAD"}
    for path in ("/v1/changes?lang=ru", "/v1/export?lang=ru", "/healthz?lang=ru"):
        assert (await client.get(path)).status_code == 422, path


@engine_independent
async def test_an_unexpected_error_is_a_problem_with_every_header(seeded_url: str) -> None:
    async with client_with(Settings(database_url=seeded_url)) as client:
        app = client._transport.app  # type: ignore[attr-defined]

        async def broken() -> None:
            raise RuntimeError("boom")

        app.add_api_route("/v1/test-broken", broken, include_in_schema=False)
        response = await client.get(
            "/v1/test-broken", headers={"Origin": "http://app.example", "X-Request-ID": "e-1"}
        )
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "http://test/problems/internal-error"
    assert response.headers["x-request-id"] == "e-1"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["access-control-allow-origin"] == "*"


async def test_writes_are_counted_by_outcome(
    seeded_copy_url: str, client_for: OpenClient, engine_for: Callable[[str], Engine]
) -> None:
    client = await client_for(seeded_copy_url)
    before = (await client.get("/metrics")).text
    engine = engine_for(seeded_copy_url)
    outcome = import_file(engine, SEED_DIR, actor="t", reason="nothing to change")
    assert not outcome.committed
    with pytest.raises(SeedError):
        import_file(engine, SEED_DIR, actor="", reason="")
    after = (await client.get("/metrics")).text
    for result in ("unchanged", "refused"):
        counted = _sample(after, "sco_writes_total", channel="import", outcome=result)
        assert counted == _sample(before, "sco_writes_total", channel="import", outcome=result) + 1


def test_request_metrics_tallied_in_batches_read_as_observed_one_by_one() -> None:
    """The front's tally (app.http.access.Tally) hands the Prometheus client its counts in
    batches (app.core.metrics.observe_many): /metrics reads as though each request had been
    observed on its own."""
    durations = [0.0001, 0.0005, 0.0007, 0.003, 0.02, 0.4, 7.0, 30.0]
    registry = CollectorRegistry()
    alone = Histogram(
        "alone", "d", ["route"], buckets=metrics.LATENCY_BUCKETS, registry=registry
    ).labels("/t")
    for duration in durations:
        alone.observe(duration)
    tally = Tally()
    route = f"/test-tally-{uuid.uuid4().hex}"
    for duration in durations:
        tally.count("GET", route, 200, duration)
    tally.flush()

    def samples(family: str, labels: dict[str, str]) -> dict[str, float]:
        found = {}
        for metric in family_of(family):
            for sample in metric.samples:
                if all(sample.labels.get(k) == v for k, v in labels.items()):
                    le = sample.labels.get("le", "")
                    found[sample.name.rpartition("_")[2] + le] = sample.value
        return {k: v for k, v in found.items() if not k.startswith("created")}

    def family_of(name: str) -> list[Any]:
        return [m for m in REGISTRY.collect() if m.name == name] + [
            m for m in registry.collect() if m.name == name
        ]

    assert samples("sco_http_request_duration_seconds", {"route": route}) == samples(
        "alone", {"route": "/t"}
    )
    requests = samples("sco_http_requests", {"route": route, "status": "200"})
    assert requests["total"] == len(durations)


def test_the_access_log_is_written_in_whole_lines() -> None:
    """Lines written in batches (app.core.logs.BatchedStreamHandler), each write whole lines
    and no more than a pipe takes whole: with no event loop, at once."""
    read, write = os.pipe()
    received: list[str] = []

    def reading() -> None:
        with os.fdopen(read, "rb") as pipe:
            received.extend(pipe.read().decode().splitlines())

    reader = threading.Thread(target=reading)
    reader.start()
    stream = os.fdopen(write, "w", encoding="utf-8")
    handler = BatchedStreamHandler(stream)
    lines = [json.dumps({"n": n, "pad": "é" * (n % 300)}) for n in range(2000)]
    for line in lines:
        handler.write_line(line)
    handler.flush()
    stream.close()
    reader.join(timeout=10)
    assert received == lines
