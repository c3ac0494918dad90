"""A refused page request answered as a page: a browser asking a site path for something
that does not exist (404), with a bad `as_of` (422), or while the database is away (503)
gets the same problem the API would answer (status, title, detail, the parameters at
fault), as HTML with the pages' policy. A client asking for JSON gets the problem+json."""

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from app.core.errors import AppError
from app.http.negotiation import negotiate
from app.site.render import HTML, PAGE_CSP, environment, language

OFFERS = (("html", ("text/html",)), ("json", ("application/problem+json", "application/json")))


def _wants_html(request: Request) -> bool:
    try:
        return negotiate(request.headers.get("accept"), OFFERS) == "html"
    except AppError:
        return False  # it accepts neither: the API's own answer says so


async def error_page(request: Request, exc: Exception) -> Response:
    """The problem the application's handler makes of `exc`, as a page."""
    handler = request.app.exception_handlers[
        RequestValidationError if isinstance(exc, RequestValidationError) else AppError
    ]
    problem: Response = await handler(request, exc)
    body = json.loads(bytes(problem.body))
    lang = language(request)
    html = environment(lang).get_template("error.html").render(problem=body)
    headers = {
        "Content-Security-Policy": PAGE_CSP,
        "Cache-Control": "no-store",
        "Content-Language": lang.value,
    }
    if "retry-after" in problem.headers:
        headers["Retry-After"] = problem.headers["retry-after"]
    return Response(html, status_code=problem.status_code, media_type=HTML, headers=headers)


class PageRoute(APIRoute):
    """A site route whose refusals a browser sees as pages."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except (AppError, RequestValidationError) as exc:
                if not _wants_html(request):
                    raise
                return await error_page(request, exc)

        return handle
