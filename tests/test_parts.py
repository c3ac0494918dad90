"""The parts answers are made of, once per dataset (app.reads.parts, app.reads.answers'
`holding`): a day's facts looked for among their year's are the facts that hold that day,
and a fact's answer is made once for each way it holds."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from app.domain.dataset import Dataset
from app.domain.kinds.status_period import PeriodRec
from app.reads.answers import period_public
from app.reads.holding import holding, on_day
from app.writes.importing import dataset_of
from tests.conftest import SEED_DIR


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return dataset_of(SEED_DIR)


def lists(ds: Dataset) -> dict[str, list[object]]:
    return {
        "periods": list(ds.periods),
        "terms": list(ds.terms),
        "presidencies": list(ds.presidencies),
        "summits": list(ds.summits.values()),
        **{kind: list(ds.records[kind].values()) for kind in ("language", "standing", "meeting")},
        "post_title": list(ds.records["post_title"].values()),
    }


def days(ds: Dataset) -> list[date]:
    """Each turning point, the day before it, and days far before and after the data."""
    points = [date.fromisoformat(d) for d in ds.turning_points]
    return sorted(
        {*points, *(d - timedelta(1) for d in points), date(1700, 1, 1), date(2999, 12, 31)}
    )


def test_a_day_s_facts_are_found_among_their_year_s(ds: Dataset) -> None:
    """For every list of dated facts, on every day an answer can change (imprecise dates,
    open ends, days before and after the data), certain or not: the facts `holding` finds
    are `on_day`'s, in the same order."""
    for name, facts in lists(ds).items():
        assert facts, name
        for day in days(ds):
            for certain in (False, True):
                found = holding(ds, name, lambda f=facts: f, day, certain)  # type: ignore[misc]
                assert found == on_day(facts, day, certain), (name, day, certain)
        assert holding(ds, name, lambda f=facts: f, None) == facts  # type: ignore[misc]


def test_an_answer_is_made_once_per_dataset_for_each_way_it_holds(ds: Dataset) -> None:
    period: PeriodRec = next(  # held certainly on its first two days
        p
        for p in ds.periods
        if p.end_date is not None
        and p.start_precision == p.end_precision == "day"
        and (p.end_date - p.start_date).days > 1
    )
    inside = period.start_date
    first = period_public(ds, period, inside)
    assert first.holds == "certainly"
    assert period_public(ds, period, inside) is first  # the same day
    later = period_public(ds, period, inside + timedelta(1))  # another day, held as surely
    assert later is first
    whole = period_public(ds, period)
    assert whole is not first
    assert whole.holds is None
    assert first.holds is not None
    again = replace(ds, version=ds.version + 1)  # another dataset makes its own
    assert period_public(again, period, inside) is not first
    assert period_public(again, period, inside) == first
