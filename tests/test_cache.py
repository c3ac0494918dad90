"""The read cache keeps what it caches (status, content type, the application's headers),
never keeps an answer that is not the same for every client, and stays within its memory
bound however many distinct queries arrive."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import Request, Response

from app.core.settings import Settings
from app.main import create_app
from tests.conftest import client_of, engine_independent, running_service

CSV = "text/csv; charset=utf-8"


@pytest.fixture
async def custom_client(seeded_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, list[str]]]:
    """A client of the application with two extra routes under /v1: one answering CSV with
    a Link header, one answering per client (it depends on Authorization). Each records
    its calls, so a test can tell a cache hit from a miss."""
    app = create_app(Settings(database_url=seeded_url))
    calls: list[str] = []

    async def csv(request: Request) -> Response:
        calls.append("csv")
        return Response(
            "iso3,name\nIND,India\n",
            media_type=CSV,
            headers={"Link": '</v1/test-csv?page=2>; rel="next"', "ETag": '"csv-1"'},
        )

    async def private(request: Request) -> Response:
        calls.append("private")
        who = request.headers.get("authorization", "nobody")
        return Response(
            who, media_type="text/plain", headers={"Cache-Control": "private, no-store"}
        )

    async def by_language(request: Request) -> Response:
        calls.append("language")
        language = request.headers.get("accept-language", "en")
        return Response(language, media_type="text/plain", headers={"Vary": "Accept-Language"})

    async def by_key(request: Request) -> Response:
        calls.append("key")
        who = request.headers.get("authorization", "nobody")
        return Response(who, media_type="text/plain", headers={"Vary": "Authorization"})

    async def slow(request: Request) -> Response:
        calls.append("slow")
        await asyncio.sleep(0.2)  # long enough for the others to arrive meanwhile
        return Response("made once", media_type="text/plain")

    app.add_api_route("/v1/test-slow", slow, include_in_schema=False)
    app.add_api_route("/v1/test-csv", csv, include_in_schema=False)
    app.add_api_route("/v1/test-private", private, include_in_schema=False)
    app.add_api_route("/v1/test-language", by_language, include_in_schema=False)
    app.add_api_route("/v1/test-key", by_key, include_in_schema=False)
    async with client_of(app) as c:
        yield c, calls


@pytest.mark.anyio
@engine_independent
class TestWhatIsKept:
    async def test_requests_that_arrive_while_an_answer_is_made_share_it(
        self, custom_client: tuple[httpx.AsyncClient, list[str]]
    ) -> None:
        """After a write every connection asks for the same answers at once: the
        application makes each once, and the requests that came meanwhile wait for it."""
        client, calls = custom_client
        answers = await asyncio.gather(*(client.get("/v1/test-slow") for _ in range(10)))
        assert [a.text for a in answers] == ["made once"] * 10
        assert calls == ["slow"]
        private = await asyncio.gather(*(client.get("/v1/test-private") for _ in range(3)))
        assert [a.status_code for a in private] == [200] * 3
        assert calls.count("private") == 3  # not kept: each asked for itself

    async def test_a_cached_answer_keeps_its_content_type_and_headers(
        self, custom_client: tuple[httpx.AsyncClient, list[str]]
    ) -> None:
        client, calls = custom_client
        first = await client.get("/v1/test-csv")
        second = await client.get("/v1/test-csv")
        assert calls == ["csv"], "the second answer came from the cache"
        for response in (first, second):
            assert response.status_code == 200
            assert response.headers["content-type"] == CSV
            assert response.headers["link"] == '</v1/test-csv?page=2>; rel="next"'
            assert response.headers["etag"] == '"csv-1"'
            assert response.text == "iso3,name\nIND,India\n"
        not_modified = await client.get("/v1/test-csv", headers={"If-None-Match": '"csv-1"'})
        assert not_modified.status_code == 304
        assert not_modified.headers["etag"] == '"csv-1"'
        assert "link" not in not_modified.headers

    @pytest.mark.parametrize(
        ("path", "call"),
        [("/v1/test-private", "private"), ("/v1/test-key", "key")],
        ids=["cache-control-private", "vary-authorization"],
    )
    async def test_an_answer_that_differs_per_client_is_never_kept(
        self, custom_client: tuple[httpx.AsyncClient, list[str]], path: str, call: str
    ) -> None:
        client, calls = custom_client
        mine = await client.get(path, headers={"Authorization": "Bearer a"})
        anonymous = await client.get(path)
        assert (mine.text, anonymous.text) == ("Bearer a", "nobody")
        assert calls == [call, call]

    async def test_the_key_includes_what_the_answer_varies_by(
        self, custom_client: tuple[httpx.AsyncClient, list[str]]
    ) -> None:
        client, calls = custom_client
        answers = [
            (await client.get("/v1/test-language", headers={"Accept-Language": lang})).text
            for lang in ("ru", "zh", "ru", "zh")
        ]
        assert answers == ["ru", "zh", "ru", "zh"]
        assert calls == ["language", "language"], "one miss per language, then hits"


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.fixture
def server(seeded_copy_url: str) -> Iterator[tuple[str, int]]:
    """`sco-api serve` in a process of its own, one worker, with a 1 MiB cache."""
    with running_service(seeded_copy_url, "serve", SCO_CACHE_MB="1", SCO_MAX_TARGET="8000") as (
        base,
        process,
    ):
        yield base, process.pid


@engine_independent
@pytest.mark.serial  # measures a worker's memory
def test_distinct_long_queries_grow_a_worker_by_no_more_than_its_bound(
    server: tuple[str, int],
) -> None:
    """3,000 distinct long query strings (6 KB each), each a tiny answer (an empty page) the
    cache keeps: a bound that counted only bodies would keep them all and grow the worker by
    some 80 MB (seen with a 1,000 MB cache); one that counts keys and headers keeps about
    150. A long, valid `fields` list on the cheapest collection keeps the server's work per
    request small."""
    base, pid = server
    fields = ",".join(["id"] * 2000)  # a valid, long `fields` list
    with httpx.Client(base_url=base, timeout=10) as client:
        for offset in range(9000, 9300):  # warm up: the dataset, the routes, the allocator
            response = client.get(f"/v1/summits?offset={offset}&fields={fields}")
            assert response.status_code == 200
        before = _rss_kib(pid)
        for offset in range(10_000, 13_000):
            response = client.get(f"/v1/summits?limit=1&offset={offset}&fields={fields}")
            assert response.status_code == 200
            assert response.json()["items"] == []
        after = _rss_kib(pid)
    growth_mib = (after - before) / 1024
    print(f"worker RSS {before / 1024:.1f} -> {after / 1024:.1f} MiB (+{growth_mib:.1f} MiB)")
    assert growth_mib <= 1 + 6, f"grew {growth_mib:.1f} MiB with a 1 MiB cache"


@pytest.mark.anyio
async def test_the_front_answers_what_the_stack_cached_and_counts_it(seeded_url: str) -> None:
    """In the application itself (as ASGI, as every in-process client and other servers
    call it), a hit is answered by the front (app.http.front) with the stack's headers,
    for requests with and without Origin, and counted in the metrics as the stack counts."""
    # The version stays confirmed for the whole test, however slow the machine (freshness
    # is not what it checks: with the default 1 s a slow run found no hit at its end).
    app = create_app(Settings(database_url=seeded_url, stale_seconds=60))
    path, query = "/v1/member-states", "limit=77&offset=1"
    sent = {"accept": "*/*", "accept-encoding": "identity"}
    async with client_of(app) as client:
        for origin in ({}, {"origin": "https://example.org"}):
            miss = await client.get(f"{path}?{query}", headers={**sent, **origin})
            hits = _hits(await client.get("/metrics"))
            hit = await client.get(f"{path}?{query}", headers={**sent, **origin})
            assert (hit.status_code, hit.content) == (200, miss.content)
            varying = {"x-request-id", "date"}
            assert {k: v for k, v in hit.headers.items() if k not in varying} == {
                k: v for k, v in miss.headers.items() if k not in varying
            }
            assert _hits(await client.get("/metrics")) == hits + 1
        raw = {k.encode(): v.encode() for k, v in sent.items()}
        assert app.state.front.find("GET", path, query.encode(), raw, 0.0) is not None


def _hits(metrics: httpx.Response) -> float:
    """The read cache's hits, as /metrics says."""
    for line in metrics.text.splitlines():
        if line.startswith('sco_read_cache_lookups_total{result="hit"}'):
            return float(line.rpartition(" ")[2])
    return 0.0
