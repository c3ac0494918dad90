"""The days on which an answer for a day (`as_of`) can change: every day the dataset
names, and the day after it, widened to the month and the year it lies in (a date known
to the month or the year holds `possibly` through it). Between two turning points every
answer for a day is the same but for the day it echoes (app.http.front serves a crawl of
days from that), because answers compare the day asked with the dataset's own dates, and
with nothing else: a test (tests/test_turning.py) holds every `as_of` path to it.

Found by walking every record of the dataset for `date` values, whatever its kind: a kind
added later needs no list kept here.
"""

import dataclasses
from datetime import date, timedelta
from functools import cache
from typing import Any

MAX_DEPTH = 8  # records hold dates in fields, tuples of records, dicts of those


def turning_points(records: Any) -> tuple[str, ...]:
    """The turning points of `records` (any nesting of dicts, lists, tuples and
    dataclasses holding dates), as sorted ISO dates. Today is not among them: an answer for
    a day may depend on today too, so days from yesterday on are left out of stretches."""
    days: set[date] = set()
    _walk(records, days, 0)
    points: set[date] = set()
    for day in days:
        points.update(_around(day))
    return tuple(sorted(d.isoformat() for d in points))


def _around(day: date) -> list[date]:
    """`day` and the day after, and the first days of its month and year and of the next."""
    around = [day, date(day.year, day.month, 1), date(day.year, 1, 1)]
    if day.year < date.max.year:
        around.append(date(day.year + 1, 1, 1))
        around.append(date(day.year + day.month // 12, day.month % 12 + 1, 1))
    if day < date.max:
        around.append(day + timedelta(days=1))
    return around


_LEAVES = (str, bytes, int, float, bool, type(None))


def _walk(value: Any, days: set[date], depth: int) -> None:
    if isinstance(value, _LEAVES):
        return
    if isinstance(value, date):
        days.add(value if type(value) is date else value.date())  # type: ignore[attr-defined]
    elif depth > MAX_DEPTH:
        return
    elif isinstance(value, dict):
        for item in value.values():
            _walk(item, days, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _walk(item, days, depth + 1)
    elif dataclasses.is_dataclass(value):
        kind: type = type(value)
        for name in _fields(kind):
            _walk(getattr(value, name), days, depth + 1)


@cache
def _fields(cls: type) -> tuple[str, ...]:
    """A dataclass's field names (asked once per class, not once per record)."""
    return tuple(f.name for f in dataclasses.fields(cls))
