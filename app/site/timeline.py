"""The history at a glance (`/timeline`): an SVG drawn here, from 1996 (the Shanghai Five)
to the day shown, one row per state with a segment per status period, bands for the
Secretaries-General, the RATS Directors and the presidencies, and a tick per summit. Every
segment and tick is a link with its words (a `<title>`), so the drawing is a named group of
links rather than an image; the page's table holds the same facts.

Colour is never the only cue: each status has its own pattern, named in the legend, and an
imprecise boundary (a date known to the month or year) is drawn as a lighter, dashed span
over every day it may mean."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from app.core.dates import Precision, earliest, latest, render
from app.domain.answering import state_ref
from app.domain.dataset import Dataset
from app.domain.records import DatedRec
from app.domain.tables import Post

START = date(1996, 1, 1)  # the year the Shanghai Five first met
WIDTH = 1000  # the drawing's width in its own units (it scales to the page)
LABELS = 150  # the room on the left for the rows' names
ROW = 18  # a row's height
BAR = 12  # a segment's height
STATUSES = ("member", "observer", "dialogue_partner", "partner")
STATUS_WORDS = {
    "member": "member",
    "observer": "observer",
    "dialogue_partner": "dialogue partner",
    "partner": "partner",
}


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    fuzzy_start: float  # the width of the span its start may mean (0: known to the day)
    fuzzy_end: float  # likewise its end
    css: str  # its status or band: its pattern
    href: str
    words: str  # what it says, in full: its link's name


@dataclass(frozen=True)
class Row:
    y: float
    label: str
    href: str | None
    segments: list[Segment]


@dataclass(frozen=True)
class Tick:
    x: float
    href: str
    words: str


@dataclass(frozen=True)
class Timeline:
    end: date
    width: int
    height: float
    plot: tuple[float, float]  # the drawing's x range for time
    years: list[tuple[float, int]]  # (x, year) of the axis's labelled years
    rows: list[Row]
    ticks_y: float
    ticks: list[Tick]
    table: list[tuple[str, str, str, str, str]]  # (state, status, from, to, href)


def _x(day: date, end: date) -> float:
    span = (end - START).days or 1
    return LABELS + (WIDTH - LABELS - 10) * ((day - START).days / span)


def _segment(fact: DatedRec, end: date, css: str, href: str, words: str) -> Segment | None:
    """A fact's segment, cut at `end`; None for one that begins after it."""
    first = earliest(fact.start_date, fact.start_precision)
    if first > end:
        return None
    left = _x(first, end)
    last = end if fact.end_date is None else min(latest(fact.end_date, fact.end_precision), end)
    right = _x(last, end)
    fuzzy_start = _x(min(latest(fact.start_date, fact.start_precision), end), end) - left
    fuzzy_end = 0.0
    if fact.end_date is not None and fact.end_precision not in (None, Precision.day):
        fuzzy_end = right - _x(max(earliest(fact.end_date, fact.end_precision), first), end)
    return Segment(left, max(right - left, 1.5), fuzzy_start, fuzzy_end, css, href, words)


def _dates(fact: DatedRec) -> str:
    start = render(fact.start_date, fact.start_precision)
    if fact.end_date is None:
        return f"since {start}"
    return f"{start} to {render(fact.end_date, fact.end_precision)}"


Href = Callable[[str], str]
TableRow = tuple[str, str, str, str, str]


def _states(ds: Dataset, end: date, href: Href) -> tuple[dict[str, list[Segment]], list[TableRow]]:
    """Each state's status segments (in the order states first had a status) and the
    table's rows of the same periods."""
    by_state: dict[str, list[Segment]] = {}
    table: list[TableRow] = []
    for period in ds.periods:  # by start
        state = state_ref(ds, period.state_iso3)
        status = STATUS_WORDS.get(period.status, period.status)
        link = href(f"/states/{state.iso2}") + f"#{period.id}"
        words = f"{state.name}: {status}, {_dates(period)}"
        segment = _segment(period, end, period.status, link, words)
        if segment is None:
            continue
        by_state.setdefault(period.state_iso3, []).append(segment)
        start = render(period.start_date, period.start_precision) or ""
        table.append(
            (state.name, status, start, render(period.end_date, period.end_precision) or "", link)
        )
    return by_state, table


def _bands(ds: Dataset, end: date, href: Href) -> list[tuple[str, list[Segment]]]:
    """The bands under the states: each post's terms, then the presidencies."""
    bands = []
    for post, label in (
        (Post.secretary_general, "Secretary-General"),
        (Post.rats_director, "RATS Director"),
    ):
        segments = []
        for term in (t for t in ds.terms if t.post == post):
            person = ds.persons[term.person_id]
            words = f"{label}: {person.name}, {_dates(term)}"
            segments.append(_segment(term, end, "term", href(f"/people/{person.id}"), words))
        bands.append((label, [s for s in segments if s is not None]))
    chairs = []
    for presidency in ds.presidencies:
        state = state_ref(ds, presidency.chair_iso3)
        words = f"Presidency: {state.name}, {_dates(presidency)}"
        chairs.append(_segment(presidency, end, "presidency", href(f"/states/{state.iso2}"), words))
    bands.append(("Presidency", [s for s in chairs if s is not None]))
    return bands


def timeline(ds: Dataset, end: date, href: Href) -> Timeline:
    """The timeline up to `end`; `href` makes the links (keeping the page's query)."""
    by_state, table = _states(ds, end, href)
    rows: list[Row] = []
    y = 30.0
    for iso3, segments in by_state.items():
        state = state_ref(ds, iso3)
        rows.append(Row(y, state.name, href(f"/states/{state.iso2}"), segments))
        y += ROW
    y += ROW / 2
    for label, segments in _bands(ds, end, href):
        rows.append(Row(y, label, None, segments))
        y += ROW
    ticks = [
        Tick(
            _x(s.start_date, end),
            href(f"/meetings/{s.id}"),
            f"Summit in {s.city}, {s.start_date.isoformat()}",
        )
        for s in ds.summits.values()
        if s.start_date <= end
    ]
    years = [(_x(date(year, 1, 1), end), year) for year in range(START.year, end.year + 1, 5)]
    height = y + ROW + 20
    return Timeline(end, WIDTH, height, (LABELS, WIDTH - 10), years, rows, y, ticks, table)
