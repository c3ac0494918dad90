"""The site's routes: `/` (the organisation on a day; a client asking for JSON gets an
index of links instead) and the stylesheet. Not in the OpenAPI document: they are pages."""

import hashlib
from collections.abc import Callable
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.api.params import ChangesQuery, DayQuery, Recorded, Versioned
from app.api.responding import dataset_for
from app.api.routers import changes
from app.api.routers.states import StateCode
from app.core.dates import today
from app.domain.dataset import Dataset
from app.domain.tables import MAX_INT
from app.http.negotiation import negotiate
from app.reads import answers as queries
from app.reads import meetings
from app.site import things
from app.site.day import day_page
from app.site.errors import PageRoute
from app.site.render import keeping, language, page
from app.site.speech import tongue
from app.site.timeline import timeline

router = APIRouter(include_in_schema=False, route_class=PageRoute)
# What `/` answers a client that asks for JSON: where to go.
INDEX = {
    "api": "/v1",
    "docs": "/docs",
    "redoc": "/redoc",
    "openapi": "/openapi.json",
    "site": "/",
}

# What the change log's JSON keeps of a page's query: it shows every name as recorded, so
# it takes no `lang`.
UNNAMED = ("version", "as_recorded")


async def _show(
    request: Request,
    q: DayQuery,
    template: str,
    build: Callable[[Dataset, date], dict[str, object]],
    json_href: str,
    csv_href: str | None = None,
) -> Response:
    """The page `template` for the dataset and day the request asks for (`as_of`, default
    today: then the page changes at midnight too, and is never immutable)."""
    ds = await dataset_for(request, q)
    of_today = q.as_of is None
    day = q.as_of or today()
    fixed = q.pinned and not of_today
    context = {"csv_href": csv_href, **build(ds, day)}  # a page may know its CSV itself
    context["day"] = day
    return await _render(request, q, ds, template, fixed, of_today, json_href, context)


async def _render(
    request: Request,
    q: Recorded,
    ds: Dataset,
    template: str,
    fixed: bool,
    of_today: bool,
    json_href: str,
    context: dict[str, object],
    api_keeps: tuple[str, ...] = ("lang", "version", "as_recorded"),
) -> Response:
    """A page, with what every page shows: the version, its links (keeping the query),
    its JSON and CSV (keeping what of it the API takes: `api_keeps`), and the banner of a
    page shown as recorded."""
    api = keeping(request, api_keeps)
    if isinstance(context.get("csv_href"), str):
        context["csv_href"] = api(str(context["csv_href"]))
    return page(
        request,
        template,
        ds,
        fixed,
        of_today=of_today,
        version=ds.version,
        json_href=api(json_href),
        href=keeping(request),
        recorded=await _recorded(request, q, ds),
        **context,
    )


async def _recorded(request: Request, q: Recorded, ds: Dataset) -> dict[str, object] | None:
    """For a page shown as recorded at a past version or day: that version, when it was
    committed, and the latest (the banner at its top says so, with what changed since)."""
    if not q.pinned:
        return None
    latest = await request.app.state.store.dataset()
    return {"version": ds.version, "committed_at": ds.committed_at, "latest": latest.version}


@router.get("/")
async def home(request: Request, q: Annotated[DayQuery, Query()]) -> Response:
    """The organisation on a day (`as_of`, default today) as a page; JSON: the index."""
    offers = (("html", ("text/html",)), ("json", ("application/json",)))
    if negotiate(request.headers.get("accept"), offers) == "json":
        return Response(
            content=_index(),
            media_type="application/json",
            headers={"Vary": "Accept", "Cache-Control": "public, max-age=3600"},
        )
    day = q.as_of or today()
    href = keeping(request)
    t = tongue(language(request))
    return await _show(
        request,
        q,
        "day.html",
        lambda ds, day: {
            "page": day_page(ds, day, q.as_of is None, t),
            "tl": timeline(ds, day, href, t),
        },
        f"/v1/snapshot?as_of={day.isoformat()}",
        f"/v1/states?as_of={day.isoformat()}&format=csv",
    )


@router.get("/timeline")
async def history(request: Request, q: Annotated[DayQuery, Query()]) -> Response:
    """The history at a glance: an SVG drawn here and a table of the same facts."""
    href = keeping(request)
    t = tongue(language(request))
    return await _show(
        request,
        q,
        "timeline.html",
        lambda ds, day: {"tl": timeline(ds, day, href, t)},
        "/v1/timeline",
        "/v1/states?format=csv&limit=1000",  # the table's status periods
    )


@router.get("/states/{code}")
async def state(request: Request, code: StateCode, q: Annotated[DayQuery, Query()]) -> Response:
    """One state: its names and codes, its status on the day, its whole status history."""
    return await _show(
        request,
        q,
        "state.html",
        lambda ds, day: {"state": queries.state_detail(ds, code, day)},
        f"/v1/states/{code}",
    )


# The pages of things named by an id (a slug), each with what it shows and its JSON.
Thing = Callable[[Dataset, date, str], dict[str, object]]
THINGS: dict[str, tuple[str, Thing]] = {
    "people": ("person.html", things.person_page),
    "sources": ("source.html", lambda ds, day, i: {"source": queries.one(ds, "source", i)}),
    "bodies": ("body.html", things.body_page),
    "meetings": ("meeting.html", lambda ds, day, i: {"meeting": meetings.one(ds, i)}),
    "documents": ("document.html", things.document_page),
}
ThingId = Annotated[str, Path(pattern="^[a-z0-9-]{1,96}$", description="Its id")]


def _thing_route(collection: str, template: str, build: Thing) -> None:
    async def show(
        request: Request, thing_id: ThingId, q: Annotated[DayQuery, Query()]
    ) -> Response:
        return await _show(
            request,
            q,
            template,
            lambda ds, day: build(ds, day, thing_id),
            f"/v1/{collection}/{thing_id}",
        )

    show.__doc__ = f"The page of one of /v1/{collection}."
    router.add_api_route(f"/{collection}/{{thing_id}}", show, methods=["GET"], name=collection)


for _collection, (_template, _build) in THINGS.items():
    _thing_route(_collection, _template, _build)


@router.get("/change-sets/{seq}")
async def change_set(
    request: Request,
    seq: Annotated[int, Path(ge=1, le=MAX_INT, description="The change set's seq")],
    q: Annotated[Versioned, Query()],
) -> Response:
    """One change set: who made it, when and why, and each fact it changed, field by
    field. A committed change set never changes: the page is fixed whatever the version."""
    ds = await dataset_for(request, q)
    found = await changes.change_set(request, ds, seq)
    json_href = f"/v1/change-sets/{seq}"
    context = things.change_set_page(found)
    return await _render(
        request, q, ds, "change_set.html", True, False, json_href, context, UNNAMED
    )


class ChangesPage(ChangesQuery, Versioned):
    """The change log's query, and the page's language."""


@router.get("/changes")
async def what_changed(request: Request, q: Annotated[ChangesPage, Query()]) -> Response:
    """The change log as a page: the change sets after `since` (default: the latest
    `limit`), oldest first, each with its changes and its updates field by field."""
    ds = await dataset_for(request, q)
    if "since" not in request.query_params:
        q = q.model_copy(update={"since": max(ds.version - q.limit, 0)})
    records, next_url = await changes.feed_page(request, q, ds.version)
    shown = [changes.public(r) for r in records]
    return await _render(
        request,
        q,
        ds,
        "changes.html",
        False,
        False,
        f"/v1/changes?since={q.since}&limit={q.limit}",
        {
            "since": q.since,
            "next_url": next_url,
            "change_sets": [things.change_set_page(found) for found in shown],
        },
        UNNAMED,
    )


@cache
def _index() -> bytes:
    import json

    return json.dumps(INDEX).encode()


# The files the pages load: their one stylesheet and their icon (without one, a browser
# asks /favicon.ico and notes a 404).
STATIC = {"site.css": "text/css; charset=utf-8", "favicon.svg": "image/svg+xml"}


@cache
def _static(name: str) -> tuple[bytes, str]:
    body = files("app.site").joinpath(f"static/{name}").read_bytes()
    return body, f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'


def _static_route(name: str, media_type: str) -> None:
    async def serve(request: Request) -> Response:
        body, etag = _static(name)
        headers = {"ETag": etag, "Cache-Control": "public, max-age=3600"}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=media_type, headers=headers)

    serve.__doc__ = f"The pages' {name}."
    router.add_api_route(f"/{name}", serve, methods=["GET"], name=name)


for _name, _media_type in STATIC.items():
    _static_route(_name, _media_type)
