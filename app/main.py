"""The FastAPI application."""

import contextlib
import re
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import anyio.to_thread
from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline
from starlette.types import Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.api import openapi, redoc
from app.api.routers import (
    changes,
    curation,
    export,
    monitoring,
    organisation,
    problems,
    service,
    sources,
    states,
    structure,
)
from app.core import errors
from app.core.errors import AppError
from app.core.settings import Settings, get_settings
from app.http.access import AccessLog, Tally
from app.http.answers import Answers
from app.http.front import Front
from app.http.middleware import (
    CompressOthers,
    HeadAsGet,
    Observe,
    RouteLabels,
    SecurityHeaders,
    Unexpected,
)
from app.http.ports import Ports
from app.http.read_cache import ReadCache, revalidated
from app.site import routes as site
from app.storage.store import Store
from app.storage.throttle import Limit

DESCRIPTION = """
Dated, cited facts about the Shanghai Cooperation Organisation: which states are members,
observers, dialogue partners and partners and since when, who served as Secretary-General,
which state held the rotating presidency and where each summit met.

* Dates are ISO 8601. A date a source gives only to the month or year is shown as
  `YYYY-MM` or `YYYY`, with its precision beside it; no day is invented.
* `end_date` is the last day a fact held (inclusive); `null` means it still holds.
* `as_of=YYYY-MM-DD` keeps the facts holding on that day.
* Every fact lists its `sources`; `/v1/sources/{id}` shows a source's text and the claims
  it makes, checked against the data.
* Errors are `application/problem+json` (RFC 9457).
* People read the same facts as pages: [the SCO on a day](/).
"""
# How fresh an answer is, through a shared cache or not (the bound: SCO_SHARED_MAX_AGE).
FRESHNESS = """* Every answer under `/v1` has an `ETag` and a `Dataset-Version`. One fixed by
  `version=` (or `as_recorded=`) never changes and is cached for a year. Any other is revalidated by
  clients and private caches on every reuse (a `304` is cheap), and {shared}
* A write's answer carries the new `Dataset-Version`: read with `version=` that number to
  see the write at once, through any cache.
"""
SHARED = {
    True: "a shared cache (a proxy, a CDN) may answer from its copy for {seconds} s "
    "(`s-maxage`) before it revalidates it: through one, an answer is never older than "
    "{seconds} s.",
    False: "so is it by shared caches: no answer is ever stale.",
}


def description(shared_max_age: int) -> str:
    """The API's description, with the freshness of its answers as configured."""
    shared = SHARED[shared_max_age > 0].format(seconds=shared_max_age)
    return DESCRIPTION + FRESHNESS.format(shared=shared)


# CORS: what browser apps on other origins may send and read. The write methods and
# headers are for the curators' write API; credentials (cookies) are never allowed.
CORS_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
CORS_REQUEST_HEADERS = [
    "If-None-Match",
    "If-Modified-Since",
    "If-Match",
    "Authorization",
    "Content-Type",
    "Idempotency-Key",
    "Change-Reason",
    "X-Request-ID",
]
CORS_EXPOSED_HEADERS = [
    "ETag",
    "Link",
    "Dataset-Version",
    "X-Request-ID",
    "Retry-After",
    "Content-Disposition",
    "Coverage-Until",
    # The write API's: where a new fact is, what to send, why a key was refused.
    "Location",
    "Accept-Post",
    "Accept-Patch",
    "WWW-Authenticate",
    "Idempotent-Replayed",
]
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def valid_id(value: str) -> bool:
    """A client's X-Request-ID is echoed when it is a plain token of at most 128 characters
    (a UUID, a trace id); anything else is replaced by a fresh id, so ids stay loggable."""
    return bool(_REQUEST_ID.match(value))


SWITCH_INTERVAL = 0.001  # seconds


def _lifespan(settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The store of datasets opened with the application, and closed (with the write API's
    engine) after it."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Writers waiting their turn (app.storage.turns) each hold a thread of the pool:
        # beside them, the pool keeps anyio's 40 for key checks and dataset loads.
        threads = anyio.to_thread.current_default_thread_limiter()
        threads.total_tokens = max(threads.total_tokens, 40 + settings.writers_waiting)
        # The event loop shares the interpreter with a write's thread and a dataset's load:
        # each time the loop gives the GIL up for a socket call, a thread busy in Python
        # keeps it up to the switch interval (5 ms by default). At 1 ms, a write in
        # progress costs the readers beside it less (bench/reads.py, the writer row).
        sys.setswitchinterval(SWITCH_INTERVAL)
        store = Store.open(
            settings.database_url, settings.stale_seconds, settings.beacon_dir, settings.gc_freeze
        )
        app.state.store = app.state.front.store = store
        # Read the dataset before the first request rather than during it; a database not
        # ready yet is fine here (requests answer 503 until it is).
        with contextlib.suppress(AppError):
            await store.dataset()
        try:
            yield
        finally:
            app.state.front.store = None
            await store.close()
            writer = getattr(app.state, "writer", None)
            if writer is not None:
                writer.dispose()

    return lifespan


def _cors_options(settings: Settings) -> dict[str, Any]:
    return {
        "allow_origins": settings.cors_origins,
        "allow_methods": CORS_METHODS,
        "allow_headers": CORS_REQUEST_HEADERS,
        "expose_headers": CORS_EXPOSED_HEADERS,
        "allow_credentials": False,
        "max_age": 600,
    }


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    """What every answer goes through on its way out (app.http.middleware), and in front
    of it all the cached answers' front (app.http.front)."""
    answers = Answers(settings.cache_mb * 1024 * 1024)
    route_of, access, tally = RouteLabels(), AccessLog(), Tally()
    # Each middleware added wraps those added before it; the last is outermost.
    app.add_middleware(Unexpected)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(
        ReadCache,
        answers=answers,
        route_of=route_of,
        tally=tally,
        revalidate=app.state.revalidate,
    )
    app.add_middleware(CompressOthers)
    app.add_middleware(HeadAsGet)
    # Outside the cache, so cached answers carry the CORS headers too.
    app.add_middleware(CORSMiddleware, **_cors_options(settings))
    app.add_middleware(Observe, route_of=route_of, access=access, tally=tally)
    app.add_middleware(
        CorrelationIdMiddleware,
        header_name="X-Request-ID",
        validator=valid_id,
        update_request_header=False,  # the id is read from its context variable
    )
    # Outermost: behind a trusted proxy, the client (throttled by app.api.auth, logged) and
    # the scheme (the base URL of links and problem types) are those it forwards. In the
    # application rather than uvicorn's own (`serve` turns that off), so that the setting
    # is the service's and in-process clients go through it too.
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    # In front of them all, the cached answers (built now: nothing is added later).
    cors = CORSMiddleware(_unused, **_cors_options(settings))
    front = Front(
        app.build_middleware_stack(),
        answers,
        cors,
        access,
        tally,
    )
    app.state.front = front  # the server's protocol asks it too
    # /metrics on a port of its own (app.http.ports), when one is set.
    port = settings.metrics_port
    app.middleware_stack = front if port is None else Ports(front, port)
    app.state.tally = tally  # /metrics hands it what it counted first


async def _unused(scope: Scope, receive: Receive, send: Send) -> None:
    """The application of the front's CORS middleware, which only ever adds headers."""
    raise AssertionError("never called")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    app = FastAPIOffline(
        title="SCO Data API",
        version="1",
        description=description(settings.shared_max_age),
        lifespan=_lifespan(settings),
        generate_unique_id_function=openapi.operation_id,
        redoc_url=None,  # app.api.redoc serves it, without ReDoc's CDN
        # FastAPI's OpenTelemetry hooks: off (app.core.metrics serves Prometheus); left on, they
        # look up the telemetry providers on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    redoc.install(app)
    app.state.public_url = settings.public_url
    # The Cache-Control of every answer not fixed by a version (app.http.read_cache).
    app.state.revalidate = revalidated(settings.shared_max_age)
    app.state.database_url = settings.database_url
    app.state.auth_limit = Limit(settings.auth_failure_limit, settings.auth_failure_window)
    errors.install(app)
    openapi.install(
        app,
        settings.public_url,
        curation.REQUEST_MODELS,
        curation.PATCH_MODELS,
        settings.contact,
    )
    for router in (
        states.router,
        organisation.router,
        structure.router,
        sources.router,
        changes.router,
        export.router,
        curation.router,
    ):
        app.include_router(router, prefix="/v1")
    app.include_router(service.router)
    app.include_router(problems.router)
    app.include_router(monitoring.router)
    app.include_router(site.router)  # the pages for people, at `/`

    _add_middleware(app, settings)
    return app
