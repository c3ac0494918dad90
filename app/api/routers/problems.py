"""Problem types resolve: each `type` URI of a problem answer is a page saying what the
problem means and what to do about it, in HTML for people and JSON for programs."""

import html
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from app.api.params import NoQuery
from app.core.errors import (
    PROBLEM_TYPES,
    NotFound,
    base_url,
    problem_responses,
    problem_type,
)
from app.http.negotiation import negotiate

router = APIRouter(tags=["problems"])


class ProblemTypeInfo(BaseModel):
    """What a kind of problem means and what to do about it."""

    type: str = Field(examples=["https://sco.example.org/problems/not-found"])
    name: str = Field(examples=["not-found"])
    status: int = Field(examples=[404])
    title: str = Field(examples=["Not found"])
    meaning: str
    action: str


class ProblemTypeList(BaseModel):
    items: list[ProblemTypeInfo]


ProblemName = Annotated[
    str,
    Path(
        pattern="^[a-z-]{1,40}$",
        description="The last part of a problem's `type` URI",
        examples=["not-found"],
    ),
]

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} — SCO Data API</title>
<style>body{{font-family:sans-serif;max-width:40em;margin:2em auto;line-height:1.5}}</style>
</head><body>
<p><a href="{base}/problems">Problem types</a> · <a href="{base}/docs">API docs</a></p>
<h1>{title}</h1>
<p>HTTP status <strong>{status}</strong> · type <code>{type}</code></p>
<h2>What it means</h2><p>{meaning}</p>
<h2>What to do</h2><p>{action}</p>
</body></html>
"""
_INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Problem types — SCO Data API</title>
<style>body{{font-family:sans-serif;max-width:40em;margin:2em auto;line-height:1.5}}</style>
</head><body>
<p><a href="{base}/docs">API docs</a></p>
<h1>Problem types</h1>
<p>Every error of the SCO Data API is an <code>application/problem+json</code> answer
(RFC 9457) whose <code>type</code> is one of these.</p>
<ul>{items}</ul>
</body></html>
"""
HTML_OR_JSON = {
    "content": {
        "text/html": {"schema": {"type": "string"}},
    }
}


def _info(request: Request, name: str) -> ProblemTypeInfo:
    kind = PROBLEM_TYPES.get(name)
    if kind is None:
        raise NotFound(
            f"No problem type is named {name!r}; known: {', '.join(PROBLEM_TYPES)} "
            "(GET /problems lists them)"
        )
    return ProblemTypeInfo(
        type=problem_type(name, base_url(request)),
        name=name,
        status=kind.status,
        title=kind.title,
        meaning=kind.meaning,
        action=kind.action,
    )


def _wants_html(request: Request) -> bool:
    # A browser asks for text/html first; a program for JSON, or for anything (*/*).
    offers = (("json", ("application/json",)), ("html", ("text/html",)))
    return negotiate(request.headers.get("accept"), offers) == "html"


_VARY = {"Vary": "Accept"}


@router.get(
    "/problems",
    response_model=ProblemTypeList,
    responses={200: HTML_OR_JSON, **problem_responses(406, 422)},
    summary="List the problem types",
)
async def list_problem_types(request: Request, q: Annotated[NoQuery, Query()]) -> Response:
    """Every kind of problem the API answers with, what it means and what to do. JSON by
    default; an HTML page when the client prefers `text/html` (a browser)."""
    infos = [_info(request, name) for name in PROBLEM_TYPES]
    if _wants_html(request):
        items = "".join(
            f'<li><a href="{html.escape(i.type)}">{html.escape(i.title)}</a> ({i.status})</li>'
            for i in infos
        )
        base = html.escape(base_url(request).rstrip("/"))
        return HTMLResponse(_INDEX.format(items=items, base=base), headers=_VARY)
    body = ProblemTypeList(items=infos).model_dump_json()
    return Response(body, media_type="application/json", headers=_VARY)


@router.get(
    "/problems/{name}",
    response_model=ProblemTypeInfo,
    responses={200: HTML_OR_JSON, **problem_responses(404, 406, 422)},
    summary="Explain a problem type",
)
async def get_problem_type(
    request: Request, name: ProblemName, q: Annotated[NoQuery, Query()]
) -> Response:
    """What the problem a `type` URI names means and what to do about it. JSON by default;
    an HTML page when the client prefers `text/html` (a browser following the link)."""
    info = _info(request, name)
    if _wants_html(request):
        shown = {k: html.escape(str(v)) for k, v in info.model_dump().items()}
        page = _PAGE.format(**shown, base=html.escape(base_url(request).rstrip("/")))
        return HTMLResponse(page, headers=_VARY)
    return Response(info.model_dump_json(), media_type="application/json", headers=_VARY)
