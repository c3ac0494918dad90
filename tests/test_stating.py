"""Every fact stands on a quote that states it (app.domain.stating): how date words are
read, in the quote's language or counted from the source's publication date, and the
committed list of facts still without a stating citation, which only shrinks."""

from datetime import date

import pytest
import yaml

from app.core.dates import Precision
from app.core.settings import ROOT
from app.domain import stating
from app.domain.said import readings
from app.writes.importing import dataset_of
from tests.conftest import SEED_DIR

D, M, Y = Precision.day, Precision.month, Precision.year

READ = [
    # (words, language, the source's publication date, a reading they must have)
    ("June 7, 2012", "en", None, ((date(2012, 6, 7), D), None)),
    ("7 июня 2012 года", "ru", None, ((date(2012, 6, 7), D), None)),
    ("в июне 2017 года", "ru", None, ((date(2017, 6, 1), M), None)),
    ("в 2010 году", "ru", None, ((date(2010, 1, 1), Y), None)),
    ("с 1 января 2010г.", "ru", None, ((date(2010, 1, 1), D), None)),
    ("2022年1月1日起", "zh", None, ((date(2022, 1, 1), D), None)),
    ("2017年6月", "zh", None, ((date(2017, 6, 1), M), None)),
    ("15 يوليو 2023م", "ar", None, ((date(2023, 7, 15), D), None)),
    ("Am 1. Januar 2007", "de", None, ((date(2007, 1, 1), D), None)),
    ("15-16 June 2019", "en", None, ((date(2019, 6, 15), D), (date(2019, 6, 16), D))),
    ("June 14 and 15, 2011", "en", None, ((date(2011, 6, 14), D), (date(2011, 6, 15), D))),
    ("2012年6月6日至7日", "zh", None, ((date(2012, 6, 6), D), (date(2012, 6, 7), D))),
    # Relative words, counted from the publication date: a report's "on Thursday" (the
    # Thursday before), an announcement's (the one after), a year left out, "this year".
    ("on Thursday", "en", date(2004, 1, 13), ((date(2004, 1, 15), D), None)),
    ("on Thursday", "en", date(2012, 6, 8), ((date(2012, 6, 7), D), None)),
    ("Wednesday", "en", date(2022, 9, 14), ((date(2022, 9, 14), D), None)),
    ("сегодня", "ru", date(2009, 6, 15), ((date(2009, 6, 15), D), None)),
    ("今年1月1日", "zh", date(2025, 1, 10), ((date(2025, 1, 1), D), None)),
    ("this year", "en", date(2009, 12, 20), ((date(2009, 1, 1), Y), None)),
    ("from July 3-4", "en", date(2024, 7, 1), ((date(2024, 7, 3), D), (date(2024, 7, 4), D))),
    ("10.07.2015", "ru", None, ((date(2015, 7, 10), D), None)),
    (
        "31 августа – 1 сентября 2025 года",
        "ru",
        None,
        ((date(2025, 8, 31), D), (date(2025, 9, 1), D)),
    ),
    ("8月31日至9月1日", "zh", date(2025, 9, 2), ((date(2025, 8, 31), D), (date(2025, 9, 1), D))),
    ("15日", "ja", date(2009, 5, 16), ((date(2009, 5, 15), D), None)),
    ("2009年5月15日", "ja", None, ((date(2009, 5, 15), D), None)),
]


@pytest.mark.parametrize(("words", "language", "published", "reading"), READ)
def test_date_words_are_read_in_their_language_or_from_the_publication(
    words: str, language: str, published: date | None, reading: object
) -> None:
    assert reading in readings(words, language, published)


@pytest.mark.parametrize(
    ("words", "language"),
    [("on Thursday", "en"), ("сегодня", "ru"), ("this year", "en"), ("6月7日", "zh")],
)
def test_relative_words_of_a_source_without_a_publication_date_state_nothing(
    words: str, language: str
) -> None:
    assert readings(words, language, None) == frozenset()


@pytest.mark.parametrize(
    "words", ["in 2016-2018", "the Tianjin summit", "early in the year", "the 22nd meeting", "now"]
)
def test_a_range_of_years_an_ordinal_or_a_name_is_no_date(words: str) -> None:
    assert readings(words, "en", date(2025, 9, 2)) == frozenset()


def test_last_month_is_the_one_before_the_publication() -> None:
    assert readings("last May", "en", date(2023, 12, 9)) == {((date(2023, 5, 1), M), None)}


def test_a_reports_day_and_month_is_not_read_in_the_next_year() -> None:
    said = readings("on 9 June", "en", date(2017, 6, 10))
    assert {first[0] for first, _ in said} == {date(2017, 6, 9)}


def test_words_counted_from_a_publication_known_to_the_year_must_agree_all_year() -> None:
    assert readings("June 15", "en", date(2011, 1, 1), Y) == {((date(2011, 6, 15), D), None)}
    assert readings("on Thursday", "en", date(2011, 1, 1), Y) == frozenset()


def test_the_list_of_facts_without_a_stating_citation_only_shrinks() -> None:
    """Every fact on the committed list exists in the shipped file and still lacks a stating
    citation, and says what it lacks: a fact stated since is taken off it."""
    listed = yaml.safe_load((ROOT / "seed" / "unstated.yaml").read_text("utf-8")) or {}
    ds = dataset_of(SEED_DIR)
    found = {
        f"{kind}/{fact_id}": message
        for (kind, fact_id), _, message in stating.facts_are_stated(ds, listed=frozenset())
    }
    assert set(listed) <= set(found), sorted(set(listed) - set(found))
    assert set(found) <= set(listed), sorted(set(found) - set(listed))
    for key, lacks in listed.items():
        assert f"no citation states {lacks} (" in found[key], (key, found[key])
