"""Pages from templates (Jinja, autoescaped) and how they are sent: HTML with the pages'
own content security policy, an ETag, Last-Modified and the same Cache-Control as the API
answer made from the same dataset (app.api.responding)."""

from collections.abc import Callable
from datetime import date
from functools import cache
from urllib.parse import urlencode

from babel.dates import format_date, format_skeleton
from fastapi import Request, Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from app.api.responding import answer
from app.domain.dataset import Dataset

HTML = "text/html; charset=utf-8"
# No script at all; styles and images from the service itself; forms submit to it.
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
LOCALE = "en_GB"  # English as the SCO's English texts write dates: 15 June 2001


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("app.site", "templates"),
        autoescape=select_autoescape(["html", "svg"], default=True),
        undefined=StrictUndefined,  # a name a template misspells fails, never renders empty
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = when
    return env


def when(value: str | None, precision: str | None) -> str:
    """A date as the page shows it, no more precisely than its source gives it: "2010",
    "April 2010", "15 June 2001"."""
    if value is None:
        return ""
    parts = [int(p) for p in value.split("-")]
    if precision == "year" or len(parts) == 1:
        return str(parts[0])
    if precision == "month" or len(parts) == 2:
        return format_skeleton("yMMMM", date(parts[0], parts[1], 1), locale=LOCALE)
    return format_date(date(*parts), "d MMMM y", locale=LOCALE)


# The query parameters every link on a page keeps (no cookie holds them).
KEPT = ("as_of", "lang", "version", "as_recorded")


def keeping(request: Request) -> Callable[[str], str]:
    """`href(path)`: `path` with the request's day, language and version kept."""
    kept = urlencode([(k, v) for k, v in request.query_params.items() if k in KEPT])

    def href(path: str) -> str:
        if not kept:
            return path
        return f"{path}{'&' if '?' in path else '?'}{kept}"

    return href


def page(
    request: Request,
    template: str,
    ds: Dataset,
    fixed: bool,
    *,
    of_today: bool,
    **context: object,
) -> Response:
    """The page `template` rendered with `context`, sent as an answer from `ds`."""
    body = environment().get_template(template).render(**context).encode()
    headers = {
        "Content-Security-Policy": PAGE_CSP,
        "Content-Language": "en",
        "Vary": "Accept, Accept-Language",
    }
    return answer(request, body, ds, fixed, headers, HTML, of_today=of_today)
