"""The FastAPI application."""

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import RedirectResponse
from fastapi_offline import FastAPIOffline

from app import errors
from app.errors import AppError
from app.read_cache import ReadCache
from app.routers import changes, organisation, service, sources, states
from app.settings import Settings, get_settings
from app.store import Store

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
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = Store.open(settings.database_url)
        app.state.store = store
        # Read the dataset before the first request rather than during it; a database not
        # ready yet is fine here (requests answer 503 until it is).
        with contextlib.suppress(AppError):
            await store.dataset()
        try:
            yield
        finally:
            await store.close()

    app = FastAPIOffline(
        title="SCO Data API",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    errors.install(app)
    app.add_middleware(ReadCache, max_bytes=settings.cache_mb * 1024 * 1024)
    # Added last, so outermost: cached answers carry the CORS headers too.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET"],
        expose_headers=["ETag"],
    )
    for router in (states.router, organisation.router, sources.router, changes.router):
        app.include_router(router, prefix="/v1")
    app.include_router(service.router)

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/docs")

    return app
