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
from app.domain.kinds import KINDS, RENAMED
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
    first, last = reading
    if last is None:
        return _same(first, value, p)
    if name == "end":
        return _same(last, value, p)
    if name == "start" and "end" in dates:
        return _same(first, value, p)
    # A decision (or a start) on one of the days of a span: any of them.
    days = (first[0] + timedelta(n) for n in range((last[0] - first[0]).days + 1))
    return any(_same((d, Precision.day), value, p) for d in days)


def _summit_days(ds: Dataset, words: str, published: date | None) -> frozenset[Reading]:
    """The days of the one summit the words name by its place (`at the Tianjin summit`): of
    the summits held there, the one of the year the words give, else the one nearest the
    source's publication, else the only one."""
    text = words.casefold()
    named = [
        s
        for s in ds.summits.values()
        if any(name.casefold() in text for name in (s.city, *s.aliases))
    ]
    years = {int(y) for y in re.findall(r"\d{4}", words)}
    if years:
        named = [s for s in named if s.start_date.year in years or s.end_date.year in years]
    elif published is not None and named:
        nearest = min(abs((s.start_date - published).days) for s in named)
        named = [s for s in named if abs((s.start_date - published).days) == nearest]
    if len(named) != 1:
        return frozenset()
    s = named[0]
    return frozenset({((s.start_date, Precision.day), (s.end_date, Precision.day))})


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
    found = readings(c.states.date, source.language, source.published_on) | _summit_days(
        ds, c.states.date, source.published_on
    )
    if not found:
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
        candidates = [day]
        if name == "start" and kind.start_follows and precision is Precision.day:
            candidates.append(day - timedelta(days=1))  # the day it follows
        if not any(
            _gives(r, name, c.states.dates, d, precision) for r in found for d in candidates
        ):
            said = sorted(_shown(r) for r in found)
            yield (
                f"the words {c.states.date!r} give {' or '.join(said)}, not its "
                f"{RENAMED.get(name, name)} {render(day, precision)}"
                + (f" ({kind.start_follows})" if len(candidates) > 1 else "")
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
    and every fact (not `listed`, by default the committed list; not inferred) that no
    citation states."""
    listed = unstated() if listed is None else listed
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
            if getattr(record, "inferred", None) or f"{kind.name}/{record.id}" in listed:
                continue
            what = _unsaid(kind, record, good)
            if what:
                yield (
                    key,
                    "sources",
                    f"{said(ds, record)}: no citation states {what} (a citation's `states` "
                    "names the words of its quote that name the subject and give the date)",
                )
