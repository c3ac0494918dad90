"""The pages' languages: English, Russian and Chinese, the SCO's working languages and
English. A page's own words come from a gettext message catalogue per language
(`app/site/locale/<lang>/LC_MESSAGES/messages.po`, read and compiled here when first
needed; `scripts/messages` extracts the messages and updates the catalogues); names come
from the data; dates are written as each language writes them (CLDR, through Babel).

The statuses are called what the SCO's own texts call them: in Russian государство-член,
государство-наблюдатель, партнер по диалогу, партнер ШОС; in Chinese 成员国, 观察员国,
对话伙伴, 上合组织伙伴 (as the quotes of the dataset's sources write them)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from importlib.resources import files
from io import BytesIO
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from markupsafe import Markup, escape

from app.api.languages import Lang

# The CLDR locale of each language: English as the SCO's English texts write dates
# ("15 June 2001"), Russian, and Chinese in simplified characters.
LOCALES = {Lang.en: "en_GB", Lang.ru: "ru", Lang.zh: "zh_Hans"}
# Each language's name in itself: the language links.
ENDONYMS = {Lang.en: "English", Lang.ru: "Русский", Lang.zh: "中文"}
TRANSLATED = (Lang.ru, Lang.zh)  # the languages with a catalogue (English is the source)


def N_(message: str) -> str:
    """Marks `message` for the catalogue (scripts/messages); it is translated where shown."""
    return message


# The words for the values of the data's enumerations, by field: what a page shows.
WORDS: dict[str, dict[str, str]] = {
    "status": {
        "member": N_("member state"),
        "observer": N_("observer state"),
        "dialogue_partner": N_("dialogue partner"),
        "partner": N_("SCO partner"),
    },
    "post": {
        "secretary_general": N_("Secretary-General"),
        "rats_director": N_("Director of the RATS Executive Committee"),
    },
    "verdict": {
        "holds": N_("holds"),
        "contradicted": N_("contradicted"),
        "not_covered": N_("not covered"),
        "undetermined": N_("undetermined"),
    },
    "body_kind": {"council": N_("council"), "permanent_body": N_("permanent body")},
    "format": {"in_person": N_("in person"), "virtual": N_("virtual"), "hybrid": N_("hybrid")},
    "source_kind": {
        "news_article": N_("news article"),
        "official_document": N_("official document"),
        "reference_work": N_("reference work"),
    },
    "role": {"official": N_("official"), "working": N_("working")},
    "standing": {"observer": N_("observer")},
    "op": {"create": N_("Created"), "update": N_("Updated"), "delete": N_("Deleted")},
}


@cache
def translations(lang: Lang) -> NullTranslations:
    """The catalogue of `lang`, compiled in memory from its .po file."""
    if lang not in TRANSLATED:
        return NullTranslations()
    po = files("app.site").joinpath(f"locale/{lang}/LC_MESSAGES/messages.po")
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=LOCALES[lang])
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


@dataclass(frozen=True)
class Tongue:
    """A page's language: its words, its dates, and which text is in another language."""

    lang: Lang

    @property
    def locale(self) -> str:
        return LOCALES[self.lang]

    def gettext(self, message: str, **values: Any) -> str:
        shown = translations(self.lang).ugettext(message)
        return shown % values if values else shown

    def word(self, field: str, value: str | None) -> str:
        """An enumeration's value in words ("dialogue_partner": "партнер по диалогу");
        a value no catalogue knows is shown as it is."""
        if value is None:
            return ""
        known = WORDS.get(field, {}).get(value)
        return self.gettext(known) if known else value.replace("_", " ")

    def words(self, field: str, values: Iterable[str]) -> list[str]:
        return [self.word(field, value) for value in values]

    def listing(self, items: Iterable[str]) -> str:
        """Items as the language lists them: "a, b and c", "a, b и c", "a、b和c"."""
        return format_list(list(items), locale=self.locale)

    def when(self, value: str | date | None, precision: str | None = None) -> str:
        """A date as the page shows it, no more precisely than its source gives it: in
        English "2010", "April 2010", "15 June 2001"; in Russian "2010", "апрель 2010 г.",
        "15 июня 2001 г."; in Chinese "2010年", "2010年4月", "2001年6月15日"."""
        if value is None:
            return ""
        return _written(self.locale, str(value), precision, False)

    def since(self, value: str | date | None, precision: str | None = None) -> str:
        """A date as written after "since" or "from": in Russian a month then takes the
        genitive ("с декабря 2004 г.", where `when` writes "декабрь 2004 г.")."""
        if value is None:
            return ""
        return _written(self.locale, str(value), precision, True)

    def language_name(self, code: str) -> str:
        """A language's name in the page's language, as CLDR writes it ("ru": "Russian",
        "русский", "俄语")."""
        return str(Locale.parse(self.locale).languages.get(code, code))

    def moment(self, value: datetime) -> str:
        """A commit's time, to the second, in UTC (whatever zone the database gave it in)."""
        return f"{format_datetime(value, 'medium', tzinfo=UTC, locale=self.locale)} UTC"

    @property
    def other(self) -> Markup:
        """The attribute that marks text only English gives (a city, a note, a source's
        title) on a page in another language; nothing on an English page."""
        return Markup("") if self.lang is Lang.en else Markup(' lang="en"')

    def english(self, text: object) -> Markup:
        """`text`, which exists only in English, marked so on a page in another language."""
        if self.lang is Lang.en or text in (None, ""):
            return escape("" if text is None else text)
        return Markup('<span lang="en">%s</span>') % text

    def named(self, thing: Any) -> Markup:
        """A thing's name in the page's language where the data gives one (its `names`
        or `titles`), else its English name, marked as English."""
        given = _names(thing)
        english = getattr(thing, "name", None) or getattr(thing, "title", None)
        return self.either(given, english if english is not None else (given or {}).get("en"))

    def city(self, thing: Any) -> Markup:
        """Where a meeting or a seat is: its city's name in the page's language where the
        data gives one (`city_names`), else in English, marked as English."""
        return self.either(_mapping(getattr(thing, "city_names", None)), thing.city)

    def elsewhere(self, given: Any) -> list[tuple[str, str]]:
        """(language, name) of the names `given` in the other languages than the page's."""
        found = _mapping(given) or {}
        return [(code, name) for code, name in found.items() if name and code != self.lang]

    def either(self, given: Mapping[str, str | None] | None, english: object) -> Markup:
        shown = given.get(self.lang) if given else None
        return escape(shown) if shown else self.english(english)


def _names(thing: Any) -> Mapping[str, str | None] | None:
    for field in ("names", "titles"):
        given = _mapping(getattr(thing, field, None))
        if given is not None:
            return given
    return None


def _mapping(given: Any) -> Mapping[str, str | None] | None:
    """Names by language, whether a dict or a model (`Names`)."""
    if given is None or isinstance(given, Mapping):
        return given
    dumped: dict[str, str | None] = given.model_dump()
    return dumped


# The pattern of a month after a preposition where the language inflects it (CLDR's
# "format" month names are the genitive in Russian; its skeleton yMMMM the nominative).
MONTH_AFTER_PREPOSITION = {"ru": "MMMM y 'г'."}


@lru_cache(maxsize=8192)
def _written(locale: str, value: str, precision: str | None, after_preposition: bool) -> str:
    """A date in a locale, kept: a page writes the same few hundred dates again and again
    (Babel looks up the locale's patterns on every call)."""
    parts = [int(p) for p in value.split("-")]
    if precision == "year" or len(parts) == 1:
        return format_skeleton("y", date(parts[0], 1, 1), locale=locale)
    if precision == "month" or len(parts) == 2:
        month = date(parts[0], parts[1], 1)
        if after_preposition and locale in MONTH_AFTER_PREPOSITION:
            return format_date(month, MONTH_AFTER_PREPOSITION[locale], locale=locale)
        return format_skeleton("yMMMM", month, locale=locale)
    return format_date(date(*parts[:3]), "long", locale=locale)


# The languages of the sources written in another script than the Latin one.
NON_LATIN = {"ru", "zh", "ja", "ar", "kk", "hy", "uk", "be", "fa", "hi", "ko", "mn"}


def written_in(text: str, language: str) -> str:
    """The language of a source's title: its text's, unless the text is in a non-Latin
    script and the title has no letter of one (then the title is an English one: several
    Russian and Chinese sources are recorded under an English title)."""
    if language in NON_LATIN and all(ord(char) <= 0x24F for char in text):
        return "en"
    return language


@cache
def tongue(lang: Lang) -> Tongue:
    return Tongue(lang)
