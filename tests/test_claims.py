"""Claim checks against the real dataset, built in memory by the loader (no database):
each verdict, including the ones that must not be `holds`."""

from datetime import date
from typing import Any

import pytest

from app import claims
from app.dataset import Dataset
from app.models import Precision, Source, SourceKind, Verdict
from app.seeding import prepare
from tests.conftest import SEED_DIR


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return prepare(SEED_DIR)[1].dataset()


def verdict(ds: Dataset, kind: str, on: str = "2022-03-20", **params: Any) -> Verdict:
    source = Source(
        id="t",
        kind=SourceKind.news_article,
        title="t",
        publisher="t",
        language="en",
        published_on=date.fromisoformat(on),
        published_precision=Precision.day,
    )
    return claims.evaluate(ds, source, kind, params).verdict


class TestCounts:
    def test_the_right_count_holds(self, ds: Dataset) -> None:
        assert verdict(ds, "status_count", status="member", count=8) == Verdict.holds

    def test_a_wrong_count_is_contradicted(self, ds: Dataset) -> None:
        assert verdict(ds, "status_count", status="member", count=9) == Verdict.contradicted

    def test_a_status_the_dataset_does_not_cover_is_not_covered(self, ds: Dataset) -> None:
        assert verdict(ds, "status_count", status="observer", count=0) == Verdict.not_covered

    def test_a_day_after_the_research_is_not_covered(self, ds: Dataset) -> None:
        assert (
            verdict(ds, "status_count", on="2026-11-01", status="member", count=10)
            == Verdict.not_covered
        )

    def test_a_wrong_set_is_contradicted(self, ds: Dataset) -> None:
        states = ["IND", "KAZ", "CHN", "KGZ", "PAK", "RUS", "TJK", "IRN"]
        assert verdict(ds, "status_set", status="member", states=states) == Verdict.contradicted


class TestOffices:
    def test_office_holder(self, ds: Dataset) -> None:
        assert verdict(ds, "office_holder", person="zhang-ming") == Verdict.holds
        assert verdict(ds, "office_holder", person="vladimir-norov") == Verdict.contradicted

    def test_a_day_inside_a_month_precise_start_is_undetermined(self, ds: Dataset) -> None:
        # Imanaliev's term began in January 2010 (no day); his predecessor's ended in 2009.
        assert (
            verdict(ds, "office_holder", on="2010-01-02", person="muratbek-imanaliev")
            == Verdict.undetermined
        )
        assert (
            verdict(ds, "office_holder", on="2010-03-01", person="muratbek-imanaliev")
            == Verdict.holds
        )

    def test_a_year_precise_end_cannot_confirm_a_day(self, ds: Dataset) -> None:
        assert (
            verdict(ds, "term_boundary", person="rashid-alimov", end_date="2018-12-31")
            == Verdict.undetermined
        )
        assert (
            verdict(ds, "term_boundary", person="rashid-alimov", end_date="2017-06-30")
            == Verdict.contradicted
        )

    def test_an_exact_boundary_holds(self, ds: Dataset) -> None:
        assert (
            verdict(
                ds,
                "term_boundary",
                person="vladimir-norov",
                start_date="2019-01-01",
                end_date="2021-12-31",
            )
            == Verdict.holds
        )

    def test_nationality(self, ds: Dataset) -> None:
        assert verdict(ds, "nationality", person="zhang-ming", state="CHN") == Verdict.holds
        assert verdict(ds, "nationality", person="zhang-ming", state="RUS") == (
            Verdict.contradicted
        )


class TestPresidenciesAndSummits:
    def test_a_chair_who_chaired_twice_is_found_the_second_time(self, ds: Dataset) -> None:
        assert (
            verdict(ds, "presidency_after", chair="KGZ", after="CHN", start_year=2025)
            == Verdict.holds
        )

    def test_a_wrong_predecessor_is_contradicted(self, ds: Dataset) -> None:
        assert verdict(ds, "presidency_after", chair="IND", after="KAZ") == Verdict.contradicted

    def test_a_presidency_before_the_coverage_is_not_covered(self, ds: Dataset) -> None:
        assert (
            verdict(ds, "presidency_after", chair="RUS", after="KGZ", start_year=2014)
            == Verdict.not_covered
        )

    def test_summits(self, ds: Dataset) -> None:
        assert verdict(ds, "summit_hosted", host="IND", year=2023) == Verdict.holds
        assert verdict(ds, "summit_hosted", host="PAK", year=2023) == Verdict.contradicted
        assert verdict(ds, "summit_hosted", host="RUS", year=2009) == Verdict.not_covered

    def test_granted_at_summit(self, ds: Dataset) -> None:
        assert (
            verdict(ds, "granted_at_summit", state="PAK", status="member", summit="2017-astana")
            == Verdict.holds
        )
        assert (
            verdict(ds, "granted_at_summit", state="IRN", status="member", summit="2017-astana")
            == Verdict.contradicted
        )
        assert (
            verdict(ds, "granted_at_summit", state="IND", status="observer", summit="2017-astana")
            == Verdict.not_covered
        )


class TestDates:
    def test_a_claim_whose_source_has_no_day_is_undetermined(self, ds: Dataset) -> None:
        source = Source(
            id="t",
            kind=SourceKind.news_article,
            title="t",
            publisher="t",
            language="en",
            published_on=date(2022, 3, 1),
            published_precision=Precision.month,
        )
        result = claims.evaluate(ds, source, "status_count", {"status": "member", "count": 8})
        assert result.verdict == Verdict.undetermined

    def test_a_claim_may_name_its_day(self, ds: Dataset) -> None:
        source = Source(
            id="t",
            kind=SourceKind.news_article,
            title="t",
            publisher="t",
            language="en",
            published_on=date(2022, 3, 20),
            published_precision=Precision.day,
        )
        params = {"status": "member", "count": 6, "on": "2001-06-15"}
        assert claims.evaluate(ds, source, "status_count", params).verdict == Verdict.holds

    def test_unknown_parameters_are_refused(self) -> None:
        with pytest.raises(ValueError, match="extra"):
            claims.parse_params("status_count", {"status": "member", "count": 8, "x": 1})
        with pytest.raises(ValueError, match="unknown claim kind"):
            claims.parse_params("rumour", {})
