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

from app.core.dates import Precision, earliest, latest
from app.domain.answering import names_of, state_ref
from app.domain.dataset import Dataset
from app.domain.public import Names
from app.domain.records import DatedRec
from app.domain.tables import Post
from app.site.speech import N_, Tongue

START = date(1996, 1, 1)  # the year the Shanghai Five first met
WIDTH = 1000  # the drawing's width in its own units (it scales to the page)
LABELS = 150  # the room on the left for the rows' names
ROW = 18  # a row's height
BAR = 12  # a segment's height
STATUSES = ("member", "observer", "dialogue_partner", "partner")


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


def _dates(fact: DatedRec, t: Tongue) -> str:
    if fact.end_date is None:
        since = t.since(fact.start_date.isoformat(), fact.start_precision)
        return t.gettext("since %(start)s", start=since)
    start = t.when(fact.start_date.isoformat(), fact.start_precision)
    end = t.when(fact.end_date.isoformat(), fact.end_precision)
    return t.gettext("%(start)s – %(end)s", start=start, end=end)  # noqa: RUF001


def _name(names: Names, t: Tongue) -> str:
    return getattr(names, t.lang) or names.en or ""


Href = Callable[[str], str]
TableRow = tuple[str, str, str, str, str]


def _states(
    ds: Dataset, end: date, href: Href, t: Tongue
) -> tuple[dict[str, list[Segment]], list[TableRow]]:
    """Each state's status segments (in the order states first had a status) and the
    table's rows of the same periods."""
    by_state: dict[str, list[Segment]] = {}
    table: list[TableRow] = []
    for period in ds.periods:  # by start
        state = state_ref(ds, period.state_iso3)
        name = _name(state.names, t)
        status = t.word("status", period.status)
        link = href(f"/states/{state.iso2}") + f"#{period.id}"
        words = t.gettext(
            "%(state)s: %(status)s, %(dates)s", state=name, status=status, dates=_dates(period, t)
        )
        segment = _segment(period, end, period.status, link, words)
        if segment is None:
            continue
        by_state.setdefault(period.state_iso3, []).append(segment)
        start = t.when(period.start_date.isoformat(), period.start_precision)
        until = t.when(period.end_date.isoformat(), period.end_precision) if period.end_date else ""
        table.append((name, status, start, until, link))
    return by_state, table


def _bands(ds: Dataset, end: date, href: Href, t: Tongue) -> list[tuple[str, list[Segment]]]:
    """The bands under the states: each post's terms, then the presidencies."""
    bands = []
    for post, label in (
        (Post.secretary_general, N_("Secretary-General")),
        (Post.rats_director, N_("RATS Director")),
    ):
        segments = []
        for term in (x for x in ds.terms if x.post == post):
            person = ds.persons[term.person_id]
            words = t.gettext(
                "%(post)s: %(person)s, %(dates)s",
                post=t.gettext(label),
                person=_name(names_of(person), t),
                dates=_dates(term, t),
            )
            segments.append(_segment(term, end, "term", href(f"/people/{person.id}"), words))
        bands.append((t.gettext(label), [s for s in segments if s is not None]))
    chairs = []
    for presidency in ds.presidencies:
        state = state_ref(ds, presidency.chair_iso3)
        words = t.gettext(
            "Presidency: %(state)s, %(dates)s",
            state=_name(state.names, t),
            dates=_dates(presidency, t),
        )
        chairs.append(_segment(presidency, end, "presidency", href(f"/states/{state.iso2}"), words))
    bands.append((t.gettext("Presidency"), [s for s in chairs if s is not None]))
    return bands


def timeline(ds: Dataset, end: date, href: Href, t: Tongue) -> Timeline:
    """The timeline up to `end` in the words of `t`; `href` makes the links (keeping the
    page's query)."""
    by_state, table = _states(ds, end, href, t)
    rows: list[Row] = []
    y = 30.0
    for iso3, segments in by_state.items():
        state = state_ref(ds, iso3)
        rows.append(Row(y, _name(state.names, t), href(f"/states/{state.iso2}"), segments))
        y += ROW
    y += ROW / 2
    for label, segments in _bands(ds, end, href, t):
        rows.append(Row(y, label, None, segments))
        y += ROW
    ticks = [
        Tick(
            _x(s.start_date, end),
            href(f"/meetings/{s.id}"),
            t.gettext("Summit in %(city)s, %(day)s", city=s.city, day=t.when(s.start_date)),
        )
        for s in ds.summits.values()
        if s.start_date <= end
    ]
    years = [(_x(date(year, 1, 1), end), year) for year in range(START.year, end.year + 1, 5)]
    height = y + ROW + 20
    return Timeline(end, WIDTH, height, (LABELS, WIDTH - 10), years, rows, y, ticks, table)
