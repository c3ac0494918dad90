"""The examples of the OpenAPI document, recorded from real answers.

For each operation, a few requests (app.api.example_reads, app.api.example_writes): one
answered 200 on the shipped dataset, and the ones that show its 404 and 422; the 503 is the
answer of a database migrated, not seeded. The
answers are kept (lists cut to two items, long texts shortened, so the document stays
readable) in app/api/openapi_examples.json. Run `./dev python -m app.openapi_examples` after
changing an answer's shape or the dataset; tests/test_openapi.py fails until the file
matches what the service answers.
"""

import asyncio
import contextlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from app.api.example_reads import NEGOTIATED, NOTHING_ACCEPTABLE, REQUESTS, UNAVAILABLE
from app.api.example_writes import STALE_TAG, SUCCESS, THROTTLED, WRITES, Write, refusals
from app.api.openapi import EDGES, EXAMPLES_FILE
from app.api.write_requests import MERGE_PATCH
from app.core.settings import get_settings
from app.http.server import EdgeProtocol

BASE_URL = "http://127.0.0.1:8000"
SHOWN_ITEMS = 2
SHOWN_CHARS = 300


def _request_body(w: Write) -> tuple[bytes | None, dict[str, str]]:
    if w.method == "DELETE":
        return None, {}
    media = w.content_type or (MERGE_PATCH if w.method == "PATCH" else "application/json")
    body = w.raw if w.raw is not None else json.dumps(w.body).encode()
    return body, {"Content-Type": media}


async def _current_etag(client: httpx.AsyncClient, path: str, seeded: bool) -> str:
    """The ETag the fact at `path` has now (a stale one where there is no such fact, or no
    dataset). On the seeded copy a read may answer 503 on a loaded machine (its wait on
    the database is bounded): it is asked again, since the examples record answers, not
    the machine's load."""
    for _ in range(5):
        response = await client.get(path, headers={"Accept-Encoding": "identity"})
        if response.status_code != 503 or not seeded:
            return str(response.headers.get("ETag", STALE_TAG))
        await asyncio.sleep(0.5)
    raise AssertionError(f"GET {path} answered 503 five times: {response.text}")


async def record_writes(
    writable: httpx.AsyncClient,
    empty: httpx.AsyncClient,
    throttled: httpx.AsyncClient,
    secrets: dict[str, str],
) -> dict[str, dict[str, Any]]:
    """The answers of WRITES and their refusals: on a copy of the shipped dataset (`writable`,
    with a "writer" key of every scope and a "reader" one of audit:read alone), and on a
    database not seeded (`empty`, with an "empty" key); the 429s through `throttled`, a
    client of the copy that failed too often. Each operation's success also records its
    request body, under "request"."""
    recorded: dict[str, dict[str, Any]] = {}
    for w in [*refusals(), *WRITES]:
        client = throttled if w.status == THROTTLED else empty if w.key == "empty" else writable
        body, headers = _request_body(w)
        if w.key is not None:
            headers["Authorization"] = f"Bearer {secrets[w.key]}"
        if w.method != "GET" and w.operation != "createChangeSet":
            headers["Change-Reason"] = quote(f"Example: {w.operation}")
        if w.if_match == "current":
            headers["If-Match"] = await _current_etag(client, w.path, w.key != "empty")
        elif w.if_match is not None:
            headers["If-Match"] = STALE_TAG if w.if_match == "stale" else w.if_match
        response = await client.request(w.method, w.path, content=body, headers=headers)
        if str(response.status_code) != w.status:
            raise AssertionError(
                f"{w.method} {w.path} answered {response.status_code}, not {w.status}: "
                f"{response.text[:500]}"
            )
        answers = recorded.setdefault(w.operation, {})
        answers[w.status] = shrink(response.json()) if response.content else None
        if w.status in SUCCESS and w.body is not None:
            answers["request"] = shrink(w.body)
    return recorded


def shrink(value: Any) -> Any:
    """An answer cut down to an example: lists to their first items, texts shortened."""
    if isinstance(value, list):
        return [shrink(v) for v in value[:SHOWN_ITEMS]]
    if isinstance(value, dict):
        return {k: shrink(v) for k, v in value.items()}
    if isinstance(value, str) and len(value) > SHOWN_CHARS:
        return value[:SHOWN_CHARS] + "…"
    return value


async def record(seeded: httpx.AsyncClient, empty: httpx.AsyncClient) -> dict[str, Any]:
    """The examples, from a client of the shipped dataset and one of an empty database."""
    recorded: dict[str, dict[str, Any]] = {}
    for operation, asked in REQUESTS.items():
        requests = dict(asked)
        if operation in NEGOTIATED:
            requests.setdefault("406", requests["200"])
        answers: dict[str, Any] = {}
        for status, path in requests.items():
            headers = NOTHING_ACCEPTABLE if status == "406" else None
            response = await seeded.get(path, headers=headers)
            if str(response.status_code) != status:
                raise AssertionError(f"{path} answered {response.status_code}, not {status}")
            answers[status] = shrink(response.json())
        unavailable = await empty.get(requests["200"]) if "200" in requests else None
        if unavailable is not None and unavailable.status_code == 503:
            answers[UNAVAILABLE] = unavailable.json()
        recorded[operation] = answers
    return recorded


def _keys(url: str, *names: tuple[str, list[str]]) -> dict[str, str]:
    from app.core.db import make_engine
    from app.storage import keys

    engine = make_engine(url)
    try:
        return {name: keys.create(engine, name, scopes) for name, scopes in names}
    finally:
        engine.dispose()


async def record_all(seeded_url: str, empty_url: str, writable_url: str) -> dict[str, Any]:
    """Every example: the reads on the shipped dataset (`seeded_url`) and on a database
    migrated, not seeded (`empty_url`); the writes on a copy of the shipped dataset that
    they change (`writable_url`). API keys are made for the writes."""
    from app.core.settings import Settings
    from app.main import create_app
    from app.storage.keys import SCOPES

    # "reader" may only manage keys: it lacks the scope of every operation here.
    secrets = _keys(writable_url, ("writer", list(SCOPES)), ("reader", ["keys:admin"]))
    secrets |= _keys(empty_url, ("empty", list(SCOPES)))
    # The recording clients' 401s must not get them throttled; the fourth app's client is
    # throttled after one (its 429s are recorded).
    settings = [
        *(
            Settings(database_url=u, auth_failure_limit=1_000_000)
            for u in (seeded_url, empty_url, writable_url)
        ),
        Settings(database_url=writable_url, auth_failure_limit=1),
    ]
    async with contextlib.AsyncExitStack() as stack:
        clients: list[httpx.AsyncClient] = []
        for setting in settings:
            app = create_app(setting)
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(app=app, client=(f"192.0.2.{len(clients) + 1}", 1))
            clients.append(
                await stack.enter_async_context(
                    httpx.AsyncClient(transport=transport, base_url=BASE_URL)
                )
            )
        seeded, empty, writable, throttled = clients
        failed = await throttled.get("/v1/audit")  # no key: the one failure it may make
        assert failed.status_code == 401, failed.text
        recorded = await record(seeded, empty)
        recorded |= await record_writes(writable, empty, throttled, secrets)
        recorded[EDGES] = await record_edges(create_app(settings[0]))
        return recorded


async def record_edges(app: Any) -> dict[str, Any]:
    """The server's own refusals (app.http.server), which every operation may answer alike:
    414 and 431 from a real server (`sco-api serve`'s protocol) on a free port of 127.0.0.1,
    asked as if on BASE_URL."""
    import socket

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, http=EdgeProtocol, log_level="error", access_log=False
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not serving.done(), "the example server did not start"
            await asyncio.sleep(0.01)
        host = {"Host": BASE_URL.removeprefix("http://")}
        limits = get_settings()
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            long = await client.get("/v1/states?q=" + "x" * limits.max_target, headers=host)
            large = await client.get(
                "/v1/states", headers={**host, "X-Padding": "x" * limits.max_header_bytes}
            )
    finally:
        server.should_exit = True
        await serving
    assert (long.status_code, large.status_code) == (414, 431), (long.text, large.text)
    # A target refused before its Host header is read names the server's own address:
    # this one's port is the free one it was given, not BASE_URL's.
    here = f"http://127.0.0.1:{port}"
    return {
        code: {k: v.replace(here, BASE_URL) if k == "type" else v for k, v in answer.items()}
        for code, answer in (("414", long.json()), ("431", large.json()))
    }


async def _record_anew() -> dict[str, Any]:
    from alembic import command

    from app.cli import alembic_config
    from app.core.db import make_engine
    from app.core.settings import ROOT
    from app.writes.importing import seed

    with tempfile.TemporaryDirectory() as folder:
        urls = {name: f"sqlite:///{Path(folder) / name}.db" for name in ("seeded", "empty", "copy")}
        for name, url in urls.items():
            command.upgrade(alembic_config(url), "head")
            if name != "empty":  # migrated, never seeded
                engine = make_engine(url)
                seed(engine, ROOT / "seed")
                engine.dispose()
        return await record_all(urls["seeded"], urls["empty"], urls["copy"])


def main() -> None:
    recorded = asyncio.run(_record_anew())
    EXAMPLES_FILE.write_text(
        json.dumps(recorded, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {EXAMPLES_FILE} ({len(recorded)} operations)", file=sys.stderr)


if __name__ == "__main__":
    main()
