"""Dates with a precision: how they are read from the dataset, stored, shown and compared."""

import calendar
import re
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Protocol

from pydantic import Field


class Precision(StrEnum):
    """How much of a date a source gives."""

    day = "day"
    month = "month"
    year = "year"


# A date as the API shows it: to the day, or reduced to a month or a year (ISO 8601).
PartialDate = Annotated[
    str,
    Field(
        pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        description="ISO 8601 date, reduced to YYYY-MM or YYYY where the source gives no day",
        examples=["2017-06-09", "2017-06", "2017"],
    ),
]

# The day the organisation was founded (the Declaration on the Establishment of the SCO).
FOUNDED = date(2001, 6, 15)
_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class Period(Protocol):
    @property
    def start_date(self) -> date: ...

    @property
    def end_date(self) -> date | None: ...


class DatedFact(Period, Protocol):
    @property
    def start_precision(self) -> Precision: ...

    @property
    def end_precision(self) -> Precision | None: ...


def today() -> date:
    """Today in UTC: the day answers that depend on the day are computed for."""
    return datetime.now(UTC).date()


def latest_day() -> date:
    """The latest `as_of` accepted: today somewhere on Earth (UTC+14 is a day ahead)."""
    return today() + timedelta(days=1)


def parse(text: str, *, end: bool = False) -> tuple[date, Precision]:
    """Read `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. A start is stored as the first day it can
    mean, an end (`end=True`) as the last, so a period covers every day it may hold."""
    match = _PARTIAL.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    y = int(year)
    if month is None:
        return (date(y, 12, 31) if end else date(y, 1, 1)), Precision.year
    m = int(month)
    if day is None:
        if not 1 <= m <= 12:
            raise ValueError(f"{text!r} has no month {m}")
        last = calendar.monthrange(y, m)[1]
        return (date(y, m, last) if end else date(y, m, 1)), Precision.month
    try:
        return date.fromisoformat(text), Precision.day
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a calendar date: {exc}") from None


def render(value: date | None, precision: Precision | None) -> str | None:
    """Show a stored date no more precisely than its source gave it."""
    if value is None:
        return None
    if precision == Precision.year:
        return f"{value.year:04d}"
    if precision == Precision.month:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def holds_on(period: Period, day: date) -> bool:
    """A fact holds on `day` from its start to its (inclusive) end; no end: still holds."""
    return period.start_date <= day and (period.end_date is None or day <= period.end_date)


def follows(before: Period, after: Period) -> bool:
    """Whether `after` begins on the day after `before` ends."""
    return before.end_date is not None and before.end_date + timedelta(days=1) == after.start_date


def overlaps(a: Period, b: Period) -> bool:
    """Whether two periods share at least one day."""
    return holds_on(a, b.start_date) or holds_on(b, a.start_date)


def _first_day(value: date, precision: Precision | None) -> date:
    if precision == Precision.year:
        return date(value.year, 1, 1)
    if precision == Precision.month:
        return date(value.year, value.month, 1)
    return value


def _last_day(value: date, precision: Precision | None) -> date:
    if precision == Precision.year:
        return date(value.year, 12, 31)
    if precision == Precision.month:
        return date(value.year, value.month, calendar.monthrange(value.year, value.month)[1])
    return value


def earliest(value: date, precision: Precision | None) -> date:
    """The first day a date stored with `precision` can mean."""
    return _first_day(value, precision)


def latest(value: date, precision: Precision | None) -> date:
    """The last day a date stored with `precision` can mean."""
    return _last_day(value, precision)


def certainly_holds(fact: DatedFact, day: date) -> bool:
    """Whether `fact` holds on `day` however its imprecise dates resolve: from the last day
    its start can mean to the first day its end can mean (`holds_on` is the widest reading).
    A fact no source states, only inferred, never holds certainly."""
    if getattr(fact, "inferred", None):
        return False
    latest_start = _last_day(fact.start_date, fact.start_precision)
    if latest_start > day:
        return False
    return fact.end_date is None or day <= _first_day(fact.end_date, fact.end_precision)


def could_be(value: date, precision: Precision | None, claimed: date) -> bool:
    """Whether a date stored with `precision` can mean `claimed`."""
    return _first_day(value, precision) <= claimed <= _last_day(value, precision)
