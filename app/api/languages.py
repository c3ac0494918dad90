"""The language an answer names things in: `lang=` or the Accept-Language header, among the
SCO's working languages, English by default.

Only the `name` beside a `names` object changes (a state, a person); `names` keeps all three
languages, and prose fields (a timeline `summary`, a citation's `fact`, a claim's `detail`)
stay English sentences rather than English with a foreign word in them.
"""

from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from app.domain.public import Names

M = TypeVar("M", bound=BaseModel)


class Lang(StrEnum):
    """A working language of the SCO."""

    en = "en"
    ru = "ru"
    zh = "zh"


def chosen(lang: Lang | None, accept_language: str | None) -> Lang:
    """`lang=` where given; else the header's language of highest q-value that is one of
    ours by its primary subtag (`zh-CN` is zh); English for `*`, for none, for a header that
    names none of ours."""
    if lang is not None:
        return lang
    # Werkzeug parses the untrusted header (quoting, q-values, malformed parts dropped); its
    # own best_match is not used, since it prefers any exact match to a better-liked
    # regional tag (`zh-CN, en;q=0.8` would be English).
    ranges = parse_accept_header(accept_language or "", LanguageAccept)
    for tag, quality in sorted(ranges, key=lambda item: -item[1]):
        primary = tag.split("-")[0].lower()
        if quality > 0 and primary in {*Lang, "*"}:
            return Lang.en if primary == "*" else Lang(primary)
    return Lang.en


def localised(model: M, lang: Lang) -> M:
    """`model` with every `name` shown in `lang`, English where the fact has no name in it."""
    if lang is Lang.en:  # the names are English already
        return model
    localised_model: M = _walk(model, lang)
    return localised_model


def _walk(value: Any, lang: Lang) -> Any:
    if isinstance(value, list):
        return [_walk(item, lang) for item in value]
    if not isinstance(value, BaseModel):
        return value
    update = {
        field: _walk(item, lang)
        for field, item in value
        if isinstance(item, BaseModel | list) and not isinstance(item, Names)
    }
    names = getattr(value, "names", None)
    shown = getattr(names, lang) if isinstance(names, Names) else None
    if shown is not None and "name" in type(value).model_fields:
        update["name"] = shown  # else its English name stays
    return value.model_copy(update=update)
