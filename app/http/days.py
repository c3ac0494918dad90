"""Answers for a day (`as_of`), served for every day of a stretch from two answers made.

Between two turning points of the dataset (app.domain.turning) every answer for a day is
the same but where it echoes the day (a Link header, a snapshot's `as_of`). So once the
application has answered one request for two days of a stretch, the two answers, compared,
make a template of the stretch: the answer with the day's places marked. A request for any
other day of the stretch is then answered from the template (app.http.front), the day put
in its places, without the application: a date slider or a crawl of days costs what a
cached answer costs.

The comparison is the check: a template is made only when the two answers are the same
byte for byte once each day is taken out, and the days were in the same places. Left to
the application are: a day from yesterday on (an answer may depend on today), a query
that names a version (another dataset's stretches), a day named twice, compressed or
conditional requests, and requests with Origin.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

from app.http.answers import ENTRY_OVERHEAD, Answer, Headers, Variant, etag_of

# `as_of=YYYY-MM-DD` in a query string, as a parameter of its own.
_DAY = re.compile(rb"(?:^|&)as_of=(\d{4}-\d{2}-\d{2})(?=&|$)")
_OTHER_DATASETS = (b"version=", b"as_recorded=")
PLACE = b"\x00"  # where the day was, in a template's key (never in a query string)


def day_in(query: bytes, today: date) -> tuple[bytes, bytes] | None:
    """The day a query asks for, and the query with the day's place marked; None unless it
    names one day, before yesterday, and no other dataset than the current one."""
    if b"as_of" not in query or any(other in query for other in _OTHER_DATASETS):
        return None
    match = _DAY.search(query)
    if match is None or query.count(b"as_of") != 1:
        return None
    day = match.group(1)
    try:
        if date.fromisoformat(day.decode()) >= today - timedelta(days=1):
            return None
    except ValueError:
        return None  # not a day: the application says what is wrong
    start, end = match.span(1)
    return day, query[:start] + PLACE + query[end:]


def stretch(points: tuple[str, ...], day: bytes) -> int:
    """Which stretch between turning points `day` is in."""
    return bisect_right(points, day.decode())


@dataclass(slots=True)
class DayTemplate:
    """The answers of one path and query to every day of a stretch (identity coding): the
    headers and body of the answer, each split where the day goes."""

    route: str
    headers: list[tuple[bytes, list[bytes]]]
    body: list[bytes]
    etag_of_body: bool  # its ETag is its body's hash (app.http.read_cache made it)
    size: int
    # What the front sends to requests without Origin, as it works it out (app.http.front).
    sent: list[tuple[bytes, list[bytes]]] | None = None

    @classmethod
    def of(cls, first: Answer, day: bytes, second: Answer, other: bytes) -> "DayTemplate | None":
        """The template made of two answers for two days of one stretch; None when they
        differ but for the day."""
        one, two = _plain(first), _plain(second)
        body = one.body.split(day)
        if two.body.split(other) != body or len(one.headers) != len(two.headers):
            return None
        headers: list[tuple[bytes, list[bytes]]] = []
        for (name, value), (name2, value2) in zip(one.headers, two.headers, strict=True):
            if name != name2:
                return None
            parts = value.split(day)
            if name == b"etag" and first.etag_of_body:
                parts = [value]  # made again for each body
            elif value2.split(other) != parts:
                return None
            headers.append((name, parts))
        size = sum(map(len, body)) + sum(len(n) + sum(map(len, p)) for n, p in headers)
        return cls(
            first.route,
            headers,
            body,
            first.etag_of_body and len(body) > 1,
            size + ENTRY_OVERHEAD,
        )

    @property
    def length(self) -> int:
        """The length of every body it makes (a day is ten bytes wherever it goes)."""
        return sum(map(len, self.body)) + 10 * (len(self.body) - 1)

    def body_for(self, day: bytes) -> bytes:
        return self.body[0] if len(self.body) == 1 else day.join(self.body)

    def headers_for(
        self, headers: list[tuple[bytes, list[bytes]]], day: bytes, body: bytes
    ) -> Headers:
        """`headers` (its own, or as the front sends them) with `day` in its places, and
        the ETag of `body` where that is the body's hash."""
        rendered = []
        for name, parts in headers:
            if name == b"etag" and self.etag_of_body:
                value = etag_of(body)
            else:
                value = parts[0] if len(parts) == 1 else day.join(parts)
            rendered.append((name, value))
        return rendered


def _plain(answer: Answer) -> Variant:
    """An answer's identity variant (made if it was never sent so)."""
    variant = answer.variants.get(None)
    return variant if variant is not None else answer.with_coding(None).variants[None]
