"""What routes receive: the store, validated parameters, and the cached answer helper."""

from collections.abc import Callable, Hashable
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel

from app.dataset import Dataset
from app.errors import InvalidParam, InvalidParameters
from app.store import Store


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]


def today() -> date:
    return date.today()


def _not_future(as_of: date | None) -> date | None:
    if as_of is not None and as_of > today():
        raise InvalidParameters(
            f"as_of {as_of} is in the future; the dataset records facts up to today ({today()})",
            [InvalidParam(name="as_of", reason="must not be later than today")],
        )
    return as_of


def as_of_param(
    as_of: Annotated[
        date | None,
        Query(description="Only facts holding on this day (YYYY-MM-DD); default: every period"),
    ] = None,
) -> date | None:
    return _not_future(as_of)


def as_of_today_param(
    as_of: Annotated[
        date | None, Query(description="The day to describe (YYYY-MM-DD); default: today")
    ] = None,
) -> date:
    return _not_future(as_of) or today()


AsOf = Annotated[date | None, Depends(as_of_param)]
AsOfOrToday = Annotated[date, Depends(as_of_today_param)]


class Pagination(BaseModel):
    limit: int
    offset: int


def pagination(
    limit: Annotated[int, Query(ge=1, le=1000, description="Items per page")] = 100,
    offset: Annotated[int, Query(ge=0, description="Items to skip")] = 0,
) -> Pagination:
    return Pagination(limit=limit, offset=offset)


PageDep = Annotated[Pagination, Depends(pagination)]

_known_params: dict[int, frozenset[str]] = {}


def _query_names(dependant: Dependant) -> set[str]:
    names = {field.alias for field in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def reject_unknown_params(request: Request) -> None:
    """A misspelt parameter (`asof=`) would otherwise be ignored and the answer silently
    wrong, so any query parameter a route does not take is refused."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _known_params.get(id(route))
    if known is None:
        known = _known_params[id(route)] = frozenset(_query_names(route.dependant))
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        accepted = ", ".join(sorted(known)) or "none"
        raise InvalidParameters(
            f"Unknown query parameter(s): {', '.join(unknown)}; this path accepts: {accepted}",
            [InvalidParam(name=name, reason="not a parameter of this path") for name in unknown],
        )


async def respond(
    request: Request, store: Store, key: Hashable, compute: Callable[[Dataset], BaseModel]
) -> Response:
    """The cached JSON answer, or 304 when the client already holds it."""
    answer = await store.answer(key, compute)
    headers = {"ETag": answer.etag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == answer.etag:
        return Response(status_code=304, headers=headers)
    return Response(answer.body, media_type="application/json", headers=headers)
