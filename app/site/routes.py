"""The site's routes: `/` (the organisation on a day; a client asking for JSON gets an
index of links instead) and the stylesheet. Not in the OpenAPI document: they are pages."""

import hashlib
from functools import cache
from importlib.resources import files
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.params import DayQuery
from app.api.responding import dataset_for
from app.core.dates import today
from app.http.negotiation import negotiate
from app.site.day import day_page
from app.site.render import page

router = APIRouter(include_in_schema=False)
# What `/` answers a client that asks for JSON: where to go.
INDEX = {
    "api": "/v1",
    "docs": "/docs",
    "redoc": "/redoc",
    "openapi": "/openapi.json",
    "site": "/",
}


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
    ds = await dataset_for(request, q)
    of_today = q.as_of is None
    day = q.as_of or today()
    json_href = f"/v1/snapshot?as_of={day.isoformat()}"
    return page(
        request,
        "day.html",
        ds,
        q.pinned and not of_today,
        of_today=of_today,
        page=day_page(ds, day, of_today),
        version=ds.version,
        json_href=json_href,
    )


@cache
def _index() -> bytes:
    import json

    return json.dumps(INDEX).encode()


@cache
def _stylesheet() -> tuple[bytes, str]:
    body = files("app.site").joinpath("static/site.css").read_bytes()
    return body, f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'


@router.get("/site.css")
async def stylesheet(request: Request) -> Response:
    """The pages' stylesheet (the only thing they load)."""
    body, etag = _stylesheet()
    headers = {"ETag": etag, "Cache-Control": "public, max-age=3600"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="text/css; charset=utf-8", headers=headers)
