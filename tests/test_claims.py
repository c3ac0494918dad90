"""Claim checks against the real dataset, built in memory by the loader (no database):
each verdict, including the ones that must not be `holds`."""

from datetime import date
from typing import Any

import pytest

from app.core.dates import Precision
from app.domain import claims
from app.domain.dataset import Dataset
from app.domain.kinds.source import SourceKind, SourceRec
from app.domain.tables import Verdict
from app.writes.importing import dataset_of
from tests.conftest import SEED_DIR


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return dataset_of(SEED_DIR)


def source(published: str, precision: Precision = Precision.day) -> SourceRec:
    """A source published on `published` (to `precision`), making claims."""
    return SourceRec(
        id="t",
        revision=1,
        kind=SourceKind.news_article,
        title="t",
        publisher="t",
        language="en",
        published_on=date.fromisoformat(published),
        published_precision=precision,
        url=None,
        text=None,
        text_scope=None,
    )


# (kind, day the claim speaks of, parameters, expected verdict), on the real dataset.
CASES = [
    ("status_count", "2022-03-20", {"status": "member", "count": 8}, Verdict.holds),
    ("status_count", "2022-03-20", {"status": "member", "count": 9}, Verdict.contradicted),
    # Afghanistan, Belarus, Iran and Mongolia were the observers that day.
    ("status_count", "2022-03-20", {"status": "observer", "count": 4}, Verdict.holds),
    ("status_count", "2022-03-20", {"status": "observer", "count": 0}, Verdict.contradicted),
    # The Secretaries-General are known only to the last source that names one.
    ("office_holder", "2026-10-01", {"person": "nurlan-yermekbayev"}, Verdict.not_covered),
    # After the last day the research reached, neither.
    ("status_count", "2026-11-01", {"status": "member", "count": 10}, Verdict.not_covered),
    (
        "status_set",
        "2022-03-20",
        {"status": "member", "states": ["IND", "KAZ", "CHN", "KGZ", "PAK", "RUS", "TJK", "IRN"]},
        Verdict.contradicted,
    ),
    ("office_holder", "2022-03-20", {"person": "zhang-ming"}, Verdict.holds),
    ("office_holder", "2022-03-20", {"person": "vladimir-norov"}, Verdict.contradicted),
    # Imanaliev's term began in January 2010, no day given: the 2nd may be before it.
    ("office_holder", "2010-01-02", {"person": "muratbek-imanaliev"}, Verdict.undetermined),
    ("office_holder", "2010-03-01", {"person": "muratbek-imanaliev"}, Verdict.holds),
    # Alimov's term ended in 2018, no day given.
    (
        "term_boundary",
        "2022-03-20",
        {"person": "rashid-alimov", "end_date": "2018-12-31"},
        Verdict.undetermined,
    ),
    (
        "term_boundary",
        "2022-03-20",
        {"person": "rashid-alimov", "end_date": "2017-06-30"},
        Verdict.contradicted,
    ),
    (
        "term_boundary",
        "2022-03-20",
        {"person": "vladimir-norov", "start_date": "2019-01-01", "end_date": "2021-12-31"},
        Verdict.holds,
    ),
    ("nationality", "2022-03-20", {"person": "zhang-ming", "state": "CHN"}, Verdict.holds),
    ("nationality", "2022-03-20", {"person": "zhang-ming", "state": "RUS"}, Verdict.contradicted),
    # Kyrgyzstan and China each chaired twice: the second time must be found.
    (
        "presidency_after",
        "2022-03-20",
        {"chair": "KGZ", "after": "CHN", "start_year": 2025},
        Verdict.holds,
    ),
    ("presidency_after", "2022-03-20", {"chair": "IND", "after": "KAZ"}, Verdict.contradicted),
    (
        "presidency_after",
        "2022-03-20",
        {"chair": "RUS", "after": "TJK", "start_year": 2014},
        Verdict.holds,
    ),
    (
        "presidency_after",
        "2022-03-20",
        {"chair": "RUS", "after": "KGZ", "start_year": 2014},
        Verdict.contradicted,
    ),
    ("summit_hosted", "2022-03-20", {"host": "IND", "year": 2023}, Verdict.holds),
    ("summit_hosted", "2022-03-20", {"host": "PAK", "year": 2023}, Verdict.contradicted),
    ("summit_hosted", "2022-03-20", {"host": "RUS", "year": 2009}, Verdict.holds),
    ("summit_hosted", "2022-03-20", {"host": "PAK", "year": 2027}, Verdict.not_covered),
    (
        "granted_at_summit",
        "2022-03-20",
        {"state": "PAK", "status": "member", "summit": "2017-astana"},
        Verdict.holds,
    ),
    (
        "granted_at_summit",
        "2022-03-20",
        {"state": "IRN", "status": "member", "summit": "2017-astana"},
        Verdict.contradicted,
    ),
    (
        "granted_at_summit",
        "2022-03-20",
        {"state": "IND", "status": "observer", "summit": "2017-astana"},
        Verdict.contradicted,
    ),
    (
        "granted_at_summit",
        "2022-03-20",
        {"state": "IND", "status": "observer", "summit": "2005-astana"},
        Verdict.holds,
    ),
    # Joining "at" a summit: the decision (Dushanbe) or the effect (New Delhi, by video).
    (
        "granted_at_summit",
        "2023-07-05",
        {"state": "IRN", "status": "member", "summit": "2021-dushanbe"},
        Verdict.holds,
    ),
    (
        "granted_at_summit",
        "2023-07-05",
        {"state": "IRN", "status": "member", "summit": "2023-new-delhi"},
        Verdict.holds,
    ),
    # A claim may name its own day.
    (
        "status_count",
        "2022-03-20",
        {"status": "member", "count": 6, "on": "2001-06-15"},
        Verdict.holds,
    ),
]


@pytest.mark.parametrize(("kind", "day", "params", "expected"), CASES)
def test_verdict(
    ds: Dataset, kind: str, day: str, params: dict[str, Any], expected: Verdict
) -> None:
    assert claims.evaluate(ds, source(day), kind, params).verdict == expected


class TestDates:
    def test_a_claim_whose_source_has_no_day_is_undetermined(self, ds: Dataset) -> None:
        month_only = source("2022-03-01", Precision.month)
        result = claims.evaluate(ds, month_only, "status_count", {"status": "member", "count": 8})
        assert result.verdict == Verdict.undetermined

    def test_unknown_parameters_are_refused(self) -> None:
        with pytest.raises(ValueError, match="extra"):
            claims.parse_params("status_count", {"status": "member", "count": 8, "x": 1})
        with pytest.raises(ValueError, match="unknown claim kind"):
            claims.parse_params("rumour", {})
