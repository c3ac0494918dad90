"""States' codes and names from pycountry (ISO 3166-1 and its translations), never typed."""

import gettext
from functools import cache
from typing import Any

import pycountry


@cache
def _translations(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])


def country_of(code: str) -> tuple[str, Any]:
    """The kind of ISO 3166-1 code `code` is, told by its spelling (two letters, three
    letters, three digits; letters in any case), and the country it names (None: none)."""
    code = code.strip().upper()
    if code.isdigit():
        return "numeric", pycountry.countries.get(numeric=code) if len(code) == 3 else None
    if len(code) == 2 and code.isalpha():
        return "alpha-2", pycountry.countries.get(alpha_2=code)
    if len(code) == 3 and code.isalpha():
        return "alpha-3", pycountry.countries.get(alpha_3=code)
    return "alpha-3", None


def is_country(iso3: str) -> bool:
    return pycountry.countries.get(alpha_3=iso3) is not None


# The columns of a state's names in the working languages.
NAME_COLUMNS = {"en": "name", "ru": "name_ru", "zh": "name_zh"}


def country_names(iso3: str, given: dict[str, str] | None = None) -> dict[str, Any]:
    """The columns of a state row: codes, English short and official names, ru and zh, each
    name as `given` (the SCO's, by language) where given; `iso_names` are ISO 3166's names
    that a given one replaces (still searched, shown among the aliases)."""
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        raise ValueError(f"{iso3!r} is not an ISO 3166-1 alpha-3 code")
    short = getattr(country, "common_name", None) or country.name
    iso = {
        "name": short,
        "name_ru": _translated("ru", short, country.name),
        "name_zh": _translated("zh_CN", short, country.name),
    }
    served = {**iso, **{NAME_COLUMNS[lang]: name for lang, name in (given or {}).items()}}
    return {
        "iso2": country.alpha_2,
        "numeric": country.numeric,
        "official_name": getattr(country, "official_name", None),
        **served,
        "iso_names": [name for column, name in iso.items() if served[column] != name],
    }


def _translated(language: str, short: str, name: str) -> str:
    """The short name in `language` ("Iran": 伊朗), as the English one is; the ISO name's
    translation where the short one has none."""
    translated = _translations(language).gettext(short)
    return (
        translated
        if translated != short or short == name
        else _translations(language).gettext(name)
    )


@cache
def language_names(code: str) -> dict[str, str]:
    """A language's names in the working languages, from ISO 639 (`zh`: Chinese, китайский,
    中文): the first of the Chinese translation's names where it gives several."""
    language = pycountry.languages.get(alpha_2=code)
    if language is None:
        raise ValueError(f"{code!r} is not an ISO 639-1 code")
    names = {"en": language.name}
    for lang, locale in (("ru", "ru"), ("zh", "zh_CN")):
        translated = gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[locale])
        names[lang] = translated.gettext(language.name).split(";")[0].strip()
    return names
