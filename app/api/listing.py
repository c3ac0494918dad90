"""The answer to a collection request: its format (JSON or CSV, by `format=` or Accept), its
order (`sort=`), its fields (`fields=`), its page and the links to the other pages.

Links are relative references (`</v1/states?offset=100&limit=100>; rel="next"`) holding the
request's own query with only the paging parameters replaced, so one cached answer serves
every host name the service is reached by, and a CSV page links to the next CSV page.
"""

from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any, TypeVar

from fastapi import Request, Response
from pydantic import BaseModel, Field, TypeAdapter

from app.api.languages import Lang, localised
from app.api.params import Paged
from app.api.responding import answer, dataset_for, language
from app.core.dates import today
from app.core.errors import problem_responses
from app.domain.dataset import Dataset
from app.http.negotiation import negotiate
from app.reads.parts import kept
from app.reads.tabular import Table

JSON = "application/json"
CSV = "text/csv; charset=utf-8"


# What a collection route answers, for its OpenAPI description (the JSON body is its
# response_model, Table.page).
RESPONSES = {
    **problem_responses(404, 406, 422, 503),
    200: {"description": "A page", "content": {"text/csv": {"schema": {"type": "string"}}}},
}
COVERAGE_UNTIL = (
    "The last day on which the dataset holds every fact of each kind this collection lists "
    '(an RFC 8941 dictionary: `member="2026-09-04", observer="2026-09-04"`); after it, '
    "absence proves nothing, and an answer `as_of` such a day lists the kind in "
    "`not_covered`"
)
# A collection of dated facts also says how far its record goes.
COVERED_RESPONSES = {
    **RESPONSES,
    200: {
        **RESPONSES[200],
        "headers": {
            "Coverage-Until": {"description": COVERAGE_UNTIL, "schema": {"type": "string"}}
        },
    },
}


def coverage_until(ds: Dataset, covers: Sequence[str]) -> str:
    """The Coverage-Until header: each covered kind's last covered day (an open one: today;
    a kind the dataset does not cover at all is left out)."""
    ends = {kind: ds.coverage[kind].until for kind in covers if kind in ds.coverage}
    return ", ".join(f'{kind}="{(end or today()).isoformat()}"' for kind, end in ends.items())


class Format(StrEnum):
    json = "json"
    csv = "csv"


class Listing(Paged):
    """What every collection accepts besides its filters. Each collection's query model
    overrides `sort` and `fields` with its own names (Table.sort_param, fields_param)."""

    sort: str | None = None
    fields: str | None = None
    format: Format | None = Field(
        default=None,
        description="`json` (the default) or `csv`; wins over the Accept header "
        "(`Accept: text/csv` also gives CSV)",
    )


def with_query(query: str, **replace: int) -> str:
    """The raw query string with these parameters set: replaced where given, appended in
    order where not; every other parameter kept as sent, in its place."""
    out, done = [], set()
    for part in query.split("&"):
        if not part:
            continue
        key = part.partition("=")[0]
        if key in replace:
            out.append(f"{key}={replace[key]}")
            done.add(key)
        else:
            out.append(part)
    out += [f"{k}={v}" for k, v in replace.items() if k not in done]
    return "&".join(out)


def link_to(request: Request, **replace: int) -> str:
    """The relative reference of this request with these query parameters set."""
    path = request.scope.get("root_path", "") + request.scope["path"]
    return f"{path}?{with_query(request.scope['query_string'].decode('latin-1'), **replace)}"


def page_links(request: Request, offset: int, limit: int, total: int) -> str:
    """The RFC 8288 Link header of a page: first, prev (not on the first), next (not on
    the last), last."""
    last = max(total - 1, 0) // limit * limit
    rels = [("first", 0)]
    if offset > 0:
        rels.append(("prev", min(max(offset - limit, 0), last)))
    if offset + limit < total:
        rels.append(("next", offset + limit))
    rels.append(("last", last))
    return ", ".join(
        f'<{link_to(request, offset=at, limit=limit)}>; rel="{rel}"' for rel, at in rels
    )


async def respond_page(
    request: Request,
    q: Listing,
    table: Table,
    compute: Callable[[Dataset], Sequence[BaseModel]],
    covers: Sequence[str] = (),
) -> Response:
    """A page of the collection `compute` lists, in the format, order and fields asked for.
    The answer varies by Accept, and says so. A collection of the kinds of fact `covers`
    names says how far the dataset holds them (Coverage-Until) and, asked `as_of` a day
    past that, which of them it does not cover there (`not_covered`)."""
    fmt = (
        Format(q.format) if q.format else Format(negotiate(request.headers.get("accept"), _OFFERS))
    )
    fields = table.chosen_fields(q.fields)
    keys = table.sort_keys(q.sort)
    ds = await dataset_for(request, q)
    lang, headers = language(request, q, vary="Accept")
    models = compute(ds)
    on_page = slice(q.offset, q.offset + q.limit)
    headers["Link"] = page_links(request, q.offset, q.limit, len(models))
    day = getattr(q, "as_of", None)
    not_covered = [kind for kind in covers if day is not None and not ds.covered(kind, day)]
    if coverage := coverage_until(ds, covers):
        headers["Coverage-Until"] = coverage
    if fmt is Format.csv or keys or fields is not None:
        ordered = table.sort([dumped(ds, i, lang) for i in models], keys)
        page = table.trim(ordered[on_page], fields)
        if fmt is Format.csv:
            name = request.scope["path"].rstrip("/").rsplit("/", 1)[-1]
            headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return answer(request, table.csv(page, fields), ds, q.pinned, headers, media_type=CSV)
        shown = [_ITEM.dump_json(item) for item in page]
    else:  # JSON, the items in their own order, whole: their parts as made before
        shown = [encoded(ds, i, lang) for i in models[on_page]]
    body = page_json(shown, len(models), q.limit, q.offset, not_covered)
    return answer(request, body, ds, q.pinned, headers)


_ITEM = TypeAdapter(dict[str, Any])
_NAMES = TypeAdapter(list[str])


def dumped(ds: Dataset, model: BaseModel, lang: Lang) -> dict[str, Any]:
    """An item of a collection as a dict, in `lang`: made once per dataset where the item is
    one of its parts (app.reads.parts)."""
    return _part(ds, "dumped", model, lang, lambda: localised(model, lang).model_dump(mode="json"))


def encoded(ds: Dataset, model: BaseModel, lang: Lang) -> bytes:
    """An item of a collection as JSON, in `lang`: made once per dataset where the item is
    one of its parts."""
    return _part(ds, "encoded", model, lang, lambda: _ITEM.dump_json(dumped(ds, model, lang)))


P = TypeVar("P")


def _part(ds: Dataset, what: str, model: BaseModel, lang: Lang, make: Callable[[], P]) -> P:
    """`make()`, kept with the dataset when `model` is one of its parts (held as long as
    the dataset, so its id names it alone; the model is kept beside it to make sure)."""
    key = (what, id(model), lang)
    found = ds.memo.get(key)
    if found is not None and found[0] is model:
        return found[1]  # type: ignore[no-any-return]
    made = make()
    if kept(ds, model):
        ds.memo[key] = (model, made)
    return made


def page_json(
    items: Sequence[bytes], total: int, limit: int, offset: int, not_covered: list[str]
) -> bytes:
    """A page's JSON (`Page`) from its items' JSON: the bytes pydantic would write for it,
    without reading the items again. `not_covered` is said only where it applies."""
    said = b',"not_covered":' + _NAMES.dump_json(not_covered) if not_covered else b""
    head = b'{"items":[%s],"total":%d,"limit":%d,"offset":%d' % (
        b",".join(items),
        total,
        limit,
        offset,
    )
    return head + said + b"}"


_OFFERS = ((Format.json.value, (JSON,)), (Format.csv.value, ("text/csv",)))


F = TypeVar("F", bound=Callable[..., Any])


def documented(table: Table) -> Callable[[F], F]:
    """Ends a collection route's docstring (its OpenAPI description) with its CSV columns."""

    def document(route: F) -> F:
        route.__doc__ = (route.__doc__ or "") + (
            "\n\nAs CSV (`format=csv` or `Accept: text/csv`): one row per item, with the "
            f"columns {table.csv_columns()}. Lists are joined with `;` (sources by their ids; "
            "their quotes are in the JSON); `fields=` selects columns too."
        )
        return route

    return document
