"""Pages from templates (Jinja, autoescaped) in the reader's language (`lang=`, else
Accept-Language; app.site.speech) and how they are sent: HTML with the pages' own content
security policy, its Content-Language, an ETag, Last-Modified and the same Cache-Control as
the API answer made from the same dataset (app.api.responding)."""

from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from app.api.languages import Lang, chosen
from app.api.responding import answer
from app.domain.dataset import Dataset
from app.domain.public import BodyRef, DocumentRef
from app.site.speech import ENDONYMS, Tongue, tongue, translations, written_in

HTML = "text/html; charset=utf-8"
# No script at all; styles and images from the service itself; forms submit to it.
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


@cache
def environment(lang: Lang = Lang.en) -> Environment:
    """The templates in `lang`: its catalogue installed (`_`, `ngettext`), its dates."""
    env = Environment(
        loader=PackageLoader("app.site", "templates"),
        autoescape=select_autoescape(["html", "svg"], default=True),
        undefined=StrictUndefined,  # a name a template misspells fails, never renders empty
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    t = tongue(lang)
    env.filters["when"] = t.when
    env.filters["since"] = t.since  # a date after "since" or "from" (Russian: genitive)
    env.filters["en"] = t.english
    env.filters["capital"] = lambda text: text[:1].upper() + text[1:]  # "Партнер ШОС"
    env.globals.update(t=t, lang=lang.value)
    return env


def language(request: Request) -> Lang:
    """The page's language: `lang=`, else the Accept-Language header's, else English (a
    `lang=` the API refuses is refused before a page is made)."""
    given = request.query_params.get("lang")
    return chosen(
        Lang(given) if given in set(Lang) else None, request.headers.get("accept-language")
    )


# The query parameters every link on a page keeps (no cookie holds them).
KEPT = ("as_of", "lang", "version", "as_recorded")


def keeping(request: Request, names: tuple[str, ...] = KEPT) -> Callable[[str], str]:
    """`href(path)`: `path` with the request's day, language and version kept (`names`:
    those of them the page it leads to takes)."""
    kept = urlencode([(k, v) for k, v in request.query_params.items() if k in names])

    def href(path: str) -> str:
        if not kept:
            return path
        return f"{path}{'&' if '?' in path else '?'}{kept}"

    return href


def in_language(request: Request, lang: Lang | None) -> str:
    """This page in `lang` (None: in the language the reader's browser asks for)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    if lang is not None:
        query.append(("lang", lang.value))
    return f"{request.url.path}?{urlencode(query)}" if query else request.url.path


def languages(request: Request) -> list[tuple[str, str, str]]:
    """(code, name in itself, href) of the page in each language: the language links and
    the alternates for search engines (`hreflang`), `x-default` without `lang=`."""
    shown = [(lang.value, ENDONYMS[lang], in_language(request, lang)) for lang in Lang]
    return [*shown, ("x-default", "", in_language(request, None))]


def namer(ds: Dataset, t: Tongue) -> Callable[[Any], Markup]:
    """`named(thing)` in the page's language; a body or a document another fact names (a
    ref, which carries its English name only) is looked up in the dataset."""

    def named(thing: Any) -> Markup:
        if isinstance(thing, BodyRef):
            body = ds.records.get("body", {}).get(thing.id)
            return t.either(body.names if body else None, thing.name)
        if isinstance(thing, DocumentRef):
            document = ds.records.get("document", {}).get(thing.id)
            return t.either(document.titles if document else None, thing.title)
        return t.named(thing)

    return named


def page(
    request: Request,
    template: str,
    ds: Dataset,
    fixed: bool,
    *,
    of_today: bool,
    **context: object,
) -> Response:
    """The page `template` rendered with `context` in the reader's language, sent as an
    answer from `ds`."""
    lang = language(request)
    body = (
        environment(lang)
        .get_template(template)
        .render(
            named=namer(ds, tongue(lang)),
            spoken=lambda source_id: getattr(ds.sources.get(source_id), "language", "en"),
            written_in=written_in,
            languages=languages(request),
            lang_href=keeping(request, ("lang",)),
            kept=[(k, v) for k, v in request.query_params.items() if k in KEPT],
            **context,
        )
        .encode()
    )
    headers = {
        "Content-Security-Policy": PAGE_CSP,
        "Content-Language": lang.value,
        "Vary": "Accept, Accept-Language",
    }
    return answer(request, body, ds, fixed, headers, HTML, of_today=of_today)
