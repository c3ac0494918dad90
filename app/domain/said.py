"""What the date words of a quote say: a day, a month or a year, or a span of days, read in
the quote's language by dateparser, or counted from the source's publication date when they
are relative ("on Thursday", "this year", "June 6-7", "сегодня", "今年1月1日").

A reading is a pair (first, last) of (date, precision): last is None for one date. Relative
words can be read more than one way ("on Thursday" in a report is the Thursday before its
publication, or its own day; in an announcement, the one after): every reading is returned,
and a fact's date is stated when one of them gives it.
"""

import re
from datetime import date, datetime
from functools import cache

from dateparser.date import DateDataParser

from app.core.dates import Precision, latest

Said = tuple[date, Precision]
Reading = tuple[Said, Said | None]

_PERIODS = {"day": Precision.day, "month": Precision.month, "year": Precision.year}
# Two days far apart: words read the same from both are absolute, otherwise relative.
_PROBES = (datetime(1990, 3, 10), datetime(2007, 11, 23))

# Words around a date that say nothing of it (dateparser reads the date without them).
_AROUND = re.compile(
    r"^(?:on|in|from|since|held|at|of|am|le|с|со|в|во|от|从|于|自)(?=[\s\d])\s*"
    r"|\s*(?:of this year|起|上午|下午|晚|summit)$",
    re.IGNORECASE,
)
# Russian months in the prepositional case (`в июне`), which dateparser does not read, and
# the word "year" after a year (`в 2010 году`), which it misreads.
_RU_MONTHS = {
    "январе": "январь",
    "феврале": "февраль",
    "марте": "март",
    "апреле": "апрель",
    "мае": "май",
    "июне": "июнь",
    "июле": "июль",
    "августе": "август",
    "сентябре": "сентябрь",
    "октябре": "октябрь",
    "ноябре": "ноябрь",
    "декабре": "декабрь",
}
_RU_YEAR = re.compile(r"(\d{4})\s*(?:году|года|годах|г\.|г)(?=\W|$)")
# A Chinese date written in figures: 2012年6月7日, 6月7日, 今年1月1日, 15日.
_ZH = re.compile(r"^(?:(\d{4})\s*年|(今年))?\s*(?:(\d{1,2})\s*月)?\s*(?:(\d{1,2})\s*[日号])?$")
# Between the two ends of a span: `15-16 June`, `June 14 and 15`, `from 6 to 7 June`, `至`,
# `31 August – 1 September`, `August 31-September 1`.
_SPAN = re.compile(
    r"(?<=\d)\s*[-–—]\s*(?=\d)|(?<=\d)\s*(?:and|и)\s+|\s+(?:to|and|и|по|до)\s+"
    r"|\s*[至到]\s*|\s+[-–—]\s+|(?<=\d)[-–—](?=[^\W\d_])"
)
# A number that is no date: `the 22nd meeting`, `26-й саммит`, `第二十六次`.
_ORDINAL = re.compile(r"\d+\s*(?:st|nd|rd|th|-?й|-?го|-?м)\b|第", re.IGNORECASE)
# Languages whose numeric dates are written day first (10.07.2015); English is read as
# dateparser reads it, Chinese year first.
_MONTH_FIRST = {"en", "zh"}
Anchor = tuple[date, Precision] | None
_ISO = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?$")


def _clean(words: str, language: str) -> str:
    text = " ".join(words.split())
    if language == "zh":
        text = re.sub(r"\s+", "", text)
    for _ in range(2):
        text = _AROUND.sub("", text).strip(" ,.")
    if language == "ar":
        text = re.sub(r"(\d{4})\s*م(?=\W|$)", r"\1", text)  # the Gregorian era's mark
    if language == "ru":
        text = _RU_YEAR.sub(r"\1", text)
        for case, nominative in _RU_MONTHS.items():
            text = re.sub(rf"\b{case}\b", nominative, text, flags=re.IGNORECASE)
    return text


def _zh(text: str, base: datetime) -> Said | None:
    m = _ZH.match(text)
    if not m or not any(m.groups()):
        return None
    year_text, _, month_text, day_text = m.groups()
    year = int(year_text) if year_text else base.year
    month = int(month_text) if month_text else (base.month if day_text else None)
    try:
        if month is None:
            return date(year, 1, 1), Precision.year
        if day_text is None:
            return date(year, month, 1), Precision.month
        return date(year, month, int(day_text)), Precision.day
    except ValueError:
        return None


def _parsed(text: str, language: str, base: datetime, prefer: str) -> Said | None:
    """One reading of `text` as one date, counted from `base` where it is relative."""
    if _ORDINAL.search(text):
        return None
    # Dates written in Han characters read alike in Chinese and Japanese (2009年5月15日, 15日);
    # dateparser reads a Japanese `15日` as the 1st.
    if language in ("zh", "ja"):
        found = _zh(text, base)
        if found is not None:
            return found
    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": prefer, "RETURN_TIME_AS_PERIOD": True}
    if language not in _MONTH_FIRST:
        settings["DATE_ORDER"] = "DMY"
    data = DateDataParser(languages=[language, "en"], settings=settings).get_date_data(text)
    precision = _PERIODS.get(data.period or "")
    if data.date_obj is None or precision is None:  # nothing, or `now`: no date
        return None
    day = data.date_obj.date()
    if precision is Precision.month:
        day = day.replace(day=1)
    elif precision is Precision.year:
        day = day.replace(month=1, day=1)
    # dateparser reads some words without figures as a year; a year is written in figures, or
    # said relatively (`this year`).
    figures = re.search(r"\d", text) or any(w in text for w in ("year", "год", "年"))
    if precision is Precision.year and not figures:
        return None
    return day, precision


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


# "last May": the May before the publication (dateparser reads the month alone).
_LAST_MONTH = re.compile(
    r"^last\s+(?=(?:january|february|march|april|may|june|july|august|september|october"
    r"|november|december)$)",
    re.IGNORECASE,
)


def _one(text: str, language: str, anchor: Anchor) -> set[Said]:
    """The readings of one date: the same from any day (absolute), or counted from the
    publication date `anchor` (none without one). From a publication day, a report's words
    mean that day or one before it (`on Thursday`: the last Thursday), an announcement's
    words without figures a day after it too (`on Thursday`: the next one); from a
    publication known to the month or year only, the words must mean the same from its
    first day and its last."""
    last = _LAST_MONTH.match(text) is not None
    text = _LAST_MONTH.sub("", text)
    probes = {_parsed(text, language, base, "past") for base in _PROBES}
    if None in probes:
        return set()
    if len(probes) == 1:
        return {p for p in probes if p is not None}
    if anchor is None:
        return set()
    published, precision = anchor
    if precision is not Precision.day:
        ends = {
            _parsed(text, language, _at(day), "current_period")
            for day in (published, latest(published, precision))
        }
        return {e for e in ends if e is not None} if len(ends) == 1 else set()
    ways = ("past", "current_period") + (() if re.search(r"\d", text) else ("future",))
    if last:
        ways = ("past",)
    readings = {_parsed(text, language, _at(published), prefer) for prefer in ways}
    return {r for r in readings if r is not None}


def _ends(text: str) -> tuple[str, str] | None:
    parts = _SPAN.split(text, maxsplit=1)
    if len(parts) != 2 or _ISO.match(text):
        return None
    return parts[0].strip(" ,"), parts[1].strip(" ,")


def _span(left: str, right: str, language: str, anchor: Anchor) -> set[Reading]:
    """The readings of a span: `15-16 June 2019` (the first end borrows what follows the
    second's day), `June 14 and 15, 2011` (the second, a day alone, borrows what precedes the
    first's)."""
    head = re.match(r"^(.*?)\d{1,2}\s*[日号]?$", left)
    tail = re.match(r"^\d{1,2}(.*)$", right)
    bare = re.fullmatch(r"\d{1,2}\s*[日号]?[\s,\d]*", right) is not None  # no month of its own
    last_text = head.group(1) + right if head and head.group(1).strip() and bare else right
    first_text = left + tail.group(1) if left.isdigit() and tail else left
    readings: set[Reading] = set()
    for last in _one(last_text, language, anchor):
        firsts = _one(first_text, language, (last[0], Precision.day)) | _one(
            first_text, language, anchor
        )
        readings |= {(first, last) for first in firsts if 0 <= (last[0] - first[0]).days <= 31}
    return readings


@cache
def readings(
    words: str, language: str, published: date | None, precision: Precision | None = None
) -> frozenset[Reading]:
    """Every reading of date words (empty: none can be read; relative words of a source
    without a publication date). The words are the date alone, with the prepositions around
    it at most: an ordinal (`the 22nd meeting`) or `now` is no date."""
    anchor = (published, precision or Precision.day) if published else None
    text = _clean(words, language)
    ends = _ends(text)
    if ends is not None:
        spans = _span(*ends, language, anchor)
        if spans:
            return frozenset(spans)
    return frozenset((one, None) for one in _one(text, language, anchor))
