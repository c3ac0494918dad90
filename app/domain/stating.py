"""Every fact stands on a quote that states it: at least one of its citations names the words
of its quote that name the fact's subject and the words that give its dates (`states`), and
those words say so. A citation without `states` supports its fact without stating it.

The words naming the subject must be one of its names or aliases (a state's, a person's, a
summit's place's); the date words, read in the quote's language or counted from the source's
publication date (app.domain.said), must give each date they are said to give at the
precision recorded, or name the summit whose days are the date. A kind may declare a
convention by which its start follows from a stated date (a presidency starts the day after
the summit that hands it over): the stated date is then that day before.

Facts still without a stating citation are listed in the committed file `seed/unstated.yaml`
(SCO_UNSTATED_FILE); the rule fails on any other, and on any stating citation whose words do
not say what it claims, listed or not.
"""

import re
from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from app.core.dates import Precision, render
from app.core.settings import get_settings
from app.domain.dataset import Dataset
from app.domain.fields import ExactDay, Partial
from app.domain.kind import Kind
from app.domain.kinds import BY_NAME, KINDS, RENAMED
from app.domain.records import CitationRec
from app.domain.said import Reading, Said, readings

_RANK = {Precision.year: 0, Precision.month: 1, Precision.day: 2}


@cache
def _unstated(path: Path) -> frozenset[str]:
    if not path.exists():
        return frozenset()
    listed = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return frozenset(listed)


def unstated() -> frozenset[str]:
    """The facts (`kind/id`) still allowed to stand without a stating citation."""
    return _unstated(get_settings().unstated_file)


def _date(kind: Kind, record: Any, name: str) -> tuple[date, Precision] | None:
    """A fact's date named as the dataset file names it (`start`), at its precision."""
    for f in kind.fields:
        if f.doc == name and isinstance(f, Partial | ExactDay):
            value = getattr(record, f.col)
            if value is None:
                return None
            precision = getattr(record, f.precision) if isinstance(f, Partial) else Precision.day
            return value, precision
    return None


def _same(said: Said, value: date, precision: Precision) -> bool:
    """Whether a date said at some precision gives `value` at the recorded `precision`."""
    day, given = said
    if _RANK[given] < _RANK[precision]:
        return False
    if precision is Precision.year:
        return day.year == value.year
    if precision is Precision.month:
        return (day.year, day.month) == (value.year, value.month)
    return day == value


def _gives(reading: Reading, name: str, dates: tuple[str, ...], value: date, p: Precision) -> bool:
    """Whether a reading gives the date `name` of a fact: a span gives its start and end
    when the words give both, and a single date only when its days agree at the recorded
    precision (`8-9 June 2017` gives June 2017, not 9 June)."""
    first, last = reading
    if last is None:
        return _same(first, value, p)
    if name == "end":
        return _same(last, value, p)
    if name == "start" and "end" in dates:
        return _same(first, value, p)
    return _same(first, value, p) and _same(last, value, p)


def _follows(reading: Reading, value: date) -> bool:
    """Whether a reading's (last) day is the day before `value`: the day a presidency
    starting on `value` was handed over."""
    first, last = reading
    day, precision = last or first
    return precision is Precision.day and day == value - timedelta(days=1)


# Words that make a place name name a summit, and the organisation's own name, whose
# "Shanghai" names no summit.
_SUMMIT = ("summit", "council", "саммит", "совет", "заседани", "峰会", "峰會", "元首理事会", "قمة")
_ORGANISATION = re.compile(
    r"shanghai cooperation|шанхайск\w* организаци\w*|上海合作|上合", re.IGNORECASE
)


# A place name begins a word (a Latin or Cyrillic one; Chinese has no spaces between words).
_NOT_AFTER_A_LETTER = "(?<![a-z\u0430-\u044f\u0451])"


def _summit_named(ds: Dataset, words: str, published: date | None) -> Any:
    """The one summit the words name by a summit word and its place (`at the Tianjin
    summit`, `на саммите в Уфе`): of the summits held there, the one of the year the words
    give, else the one nearest the source's publication, else the only one (None: none, or
    more than one)."""
    text = _ORGANISATION.sub(" ", words).casefold()
    if not any(word in text for word in _SUMMIT):
        return None
    named = [
        s
        for s in ds.summits.values()
        if any(
            re.search(_NOT_AFTER_A_LETTER + re.escape(n.casefold()), text)
            for n in (s.city, *s.aliases)
        )
    ]
    years = {int(y) for y in re.findall(r"\d{4}", words)}
    if years:
        named = [s for s in named if s.start_date.year in years or s.end_date.year in years]
    elif published is not None and len(named) > 1:
        nearest = min(abs((s.start_date - published).days) for s in named)
        named = [s for s in named if abs((s.start_date - published).days) == nearest]
    return named[0] if len(named) == 1 else None


def _at_summit(kind: Kind, record: Any, name: str, summit: Any, value: date) -> bool:
    """Whether a named summit gives a fact's date: a status decided there (or taking effect
    at its decision) on one of its days; a presidency handed over at its close."""
    if kind.name == "status_period" and (
        name == "decided" or (name == "start" and record.start_date == record.decided_on)
    ):
        return bool(summit.start_date <= value <= summit.end_date)
    return bool(kind.start_follows and name == "start" and value - timedelta(1) == summit.end_date)


def _problems_of(ds: Dataset, kind: Kind, record: Any, c: CitationRec) -> Iterator[str]:
    """What is wrong with a stating citation (nothing: it states what it says it does)."""
    assert c.states is not None
    assert kind.subject is not None
    names = kind.subject(ds, record)
    if c.states.subject.casefold() not in {n.casefold() for n in names}:
        yield (
            f"the words {c.states.subject!r} are not one of the names of its subject "
            f"({', '.join(names)}): give them as an alias, with a source that uses them"
        )
    if c.states.date is None:
        return
    source = ds.sources[c.source_id]
    found = readings(
        c.states.date, source.language, source.published_on, source.published_precision
    )
    summit = _summit_named(ds, c.states.date, source.published_on)
    if not found and summit is None:
        published = render(source.published_on, source.published_precision) or "not recorded"
        yield (
            f"the words {c.states.date!r} cannot be read as a date in {source.language!r} "
            f"(the source's publication date: {published}), nor do they name one summit"
        )
        return
    for name in c.states.dates:
        value = _date(kind, record, name)
        if value is None:
            yield f"it has no {RENAMED.get(name, name)} for the words {c.states.date!r} to give"
            continue
        day, precision = value
        follows = name == "start" and bool(kind.start_follows) and precision is Precision.day
        if (
            any(_gives(r, name, c.states.dates, day, precision) for r in found)
            or (follows and any(_follows(r, day) for r in found))
            or (summit is not None and _at_summit(kind, record, name, summit, day))
        ):
            continue
        said = sorted(_shown(r) for r in found) + ([f"the {summit.id} summit"] if summit else [])
        yield (
            f"the words {c.states.date!r} give {' or '.join(said)}, not its "
            f"{RENAMED.get(name, name)} {render(day, precision)}"
            + (f" ({kind.start_follows})" if follows else "")
        )


def _shown(reading: Reading) -> str:
    first, last = reading
    shown = render(*first) or ""
    return f"{shown}..{render(*last)}" if last else shown


def _unsaid(kind: Kind, record: Any, good: list[CitationRec]) -> str:
    """What of a fact no good stating citation gives, in words ("": nothing is missing)."""
    given = {d for c in good if c.states for d in c.states.dates}
    needed = [n for n in kind.stated if _date(kind, record, n) is not None]
    missing = [RENAMED.get(n, n) for n in needed if n not in given]
    if not good and not missing:
        return "its subject"
    return " and ".join(missing)


def facts_are_stated(
    ds: Dataset, listed: frozenset[str] | None = None
) -> Iterator[tuple[tuple[str, str], str, str]]:
    """(fact, field, message) for every stating citation that does not say what it claims,
    or cites a fact that is not stated (a state's name, a person's alias) or inferred, and
    every fact (not `listed`, by default the committed list; not inferred) that no citation
    states."""
    listed = unstated() if listed is None else listed
    for c in ds.citations:
        if c.states is not None and BY_NAME[c.kind].subject is None:
            message = f"{c.source_id}: a {c.kind}'s citation states no fact: drop `states`"
            yield c.fact, "sources", message
    for kind in KINDS:
        if kind.subject is None or kind.describe is None:
            continue
        said = kind.describe
        for record in ds.records[kind.name].values():
            key = (kind.name, record.id)
            good = []
            for c in ds.citations_by_fact.get(key, []):
                if c.states is None:
                    continue
                wrong = list(_problems_of(ds, kind, record, c))
                for message in wrong:
                    yield key, "sources", f"{said(ds, record)}: {c.source_id}: {message}"
                if not wrong:
                    good.append(c)
            if getattr(record, "inferred", None):
                # What no citation states is inferred; a fact every date of which a citation
                # states is not (a body may be stated to begin work, its decision inferred).
                if good and not _unsaid(kind, record, good).replace("its subject", ""):
                    message = (
                        f"{said(ds, record)}: it is inferred, yet {good[0].source_id} states "
                        "it: drop `inferred`, or the citation's `states`"
                    )
                    yield key, "inferred", message
                continue
            if f"{kind.name}/{record.id}" in listed:
                continue
            what = _unsaid(kind, record, good)
            if what:
                yield (
                    key,
                    "sources",
                    f"{said(ds, record)}: no citation states {what} (a citation's `states` "
                    "names the words of its quote that name the subject and give the date)",
                )
