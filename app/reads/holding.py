"""Which facts hold on a day: `on_day` over a list, and `holding`, which looks only among
the facts that may hold in the day's year, listed once per dataset."""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Generic, TypeVar

from app.core.dates import DatedFact, certainly_holds, holds_on
from app.domain.dataset import Dataset

F = TypeVar("F", bound=DatedFact)


def on_day(facts: Sequence[F], as_of: date | None, certain: bool = False) -> list[F]:
    """The facts holding on `as_of` (all of them without a day); with `certain`, only
    those that hold however their imprecise dates resolve."""
    if as_of is None:
        return list(facts)
    return [f for f in facts if holds_on(f, as_of) and (not certain or certainly_holds(f, as_of))]


def holding(
    ds: Dataset,
    key: str,
    facts: Callable[[], Sequence[F]],
    as_of: date | None,
    certain: bool = False,
) -> list[F]:
    """`on_day(facts(), as_of, certain)`, looked for among the facts that may hold in
    `as_of`'s year only: the facts of each year are listed once per dataset, under `key`
    (a name for what `facts` lists), so a day costs what its year holds, not every fact."""
    if as_of is None:
        return list(facts())
    years: Years[F] = ds.remembered(("years", key), lambda: Years(facts()))
    return on_day(years.around(as_of), as_of, certain)


class Years(Generic[F]):
    """Facts by the years in which they may hold, each year's in the order given."""

    def __init__(self, facts: Sequence[F]) -> None:
        ends = [f.end_date for f in facts if f.end_date is not None]
        self.first = min((f.start_date.year for f in facts), default=0)
        self.last = max((d.year for d in ends), default=self.first)
        self.years: list[list[F]] = [[] for _ in range(self.first, self.last + 1)]
        self.beyond = [f for f in facts if f.end_date is None]  # all that may hold after
        for f in facts:
            end = self.last if f.end_date is None else f.end_date.year
            for year in range(f.start_date.year, end + 1):
                self.years[year - self.first].append(f)

    def around(self, day: date) -> Sequence[F]:
        """The facts that may hold in `day`'s year (and more: those of the whole year)."""
        if day.year < self.first:
            return ()
        if day.year > self.last:
            return self.beyond
        return self.years[day.year - self.first]
