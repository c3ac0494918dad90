"""Secretaries-General, presidencies, summits and snapshots."""

import itertools
from datetime import date
from typing import Any

import httpx
import pytest

from tests.test_states import INDIA

pytestmark = pytest.mark.anyio


async def items(client: httpx.AsyncClient, path: str) -> list[dict[str, object]]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    result: list[dict[str, object]] = response.json()["items"]
    return result


def person(term: dict[str, object]) -> object:
    assert isinstance(term["person"], dict)
    return term["person"]["id"]


def iso3s(entries: list[dict[str, Any]]) -> set[str]:
    """The states of a snapshot's list of status holders."""
    return {e["state"]["iso3"] for e in entries}


class TestSecretariesGeneral:
    async def test_zhang_ming_in_office_on_the_seed_date(self, client: httpx.AsyncClient) -> None:
        [term] = await items(client, "/v1/secretaries-general?as_of=2022-03-17")
        assert person(term) == "zhang-ming"
        assert term["start_date"] == "2022-01-01"
        assert term["post"] == "secretary_general"
        assert term["sources"]

    async def test_norov_on_his_last_day_and_zhang_ming_the_day_after(
        self, client: httpx.AsyncClient
    ) -> None:
        [last_day] = await items(client, "/v1/secretaries-general?as_of=2021-12-31")
        [next_day] = await items(client, "/v1/secretaries-general?as_of=2022-01-01")
        assert person(last_day) == "vladimir-norov"
        assert last_day["end_date"] == "2021-12-31"
        assert person(next_day) == "zhang-ming"

    async def test_all_terms_in_order_each_ending_before_the_next_begins(
        self, client: httpx.AsyncClient
    ) -> None:
        terms = await items(client, "/v1/secretaries-general")
        assert len(terms) == 8
        for before, after in itertools.pairwise(terms):
            # ISO dates, even reduced to a month or year, compare as text across years.
            assert str(before["end_date"]) < str(after["start_date"])
        assert terms[-1]["end_date"] is None

    async def test_a_month_precise_end_is_shown_as_a_month(self, client: httpx.AsyncClient) -> None:
        terms = await items(client, "/v1/secretaries-general")
        zhang = next(t for t in terms if person(t) == "zhang-ming")
        assert (zhang["end_date"], zhang["end_date_precision"]) == ("2024-12", "month")

    async def test_the_person_in_office_with_names_and_nationality(
        self, client: httpx.AsyncClient
    ) -> None:
        [term] = await items(client, "/v1/secretaries-general?as_of=2022-03-17")
        zhang = term["person"]
        assert isinstance(zhang, dict)
        assert zhang["name"] == "Zhang Ming"
        assert zhang["names"] == {"en": "Zhang Ming", "ru": "Чжан Мин", "zh": "张明"}
        assert zhang["nationality"]["iso3"] == "CHN"
        assert {"id", "revision", "aliases", "wikidata", "sources"} <= zhang.keys()


class TestOneFactById:
    """Every list item has an id; GET by that id gives the same fact (its `holds` is null,
    as in a list without `as_of`)."""

    @pytest.mark.parametrize(
        ("collection", "one"),
        [
            ("/v1/secretaries-general", "/v1/terms"),
            ("/v1/presidencies", "/v1/presidencies"),
            ("/v1/summits", "/v1/summits"),
            ("/v1/people", "/v1/people"),
        ],
    )
    async def test_each_listed_fact_by_its_id(
        self, client: httpx.AsyncClient, collection: str, one: str
    ) -> None:
        listed = await items(client, f"{collection}?limit=1000")
        assert listed
        assert len({i["id"] for i in listed}) == len(listed), "ids are unique"
        for item in listed:
            assert isinstance(item["revision"], int), item
            assert item["revision"] >= 1, item
            response = await client.get(f"{one}/{item['id']}")
            assert response.status_code == 200, response.text
            assert response.json() == item

    async def test_the_ids_name_what_they_are(self, client: httpx.AsyncClient) -> None:
        term = (await client.get("/v1/terms/zhang-ming-secretary-general-2022-01-01")).json()
        assert (person(term), term["start_date"]) == ("zhang-ming", "2022-01-01")
        presidency = (await client.get("/v1/presidencies/ind-presidency-2022-09-17")).json()
        assert (presidency["chair"], presidency["start_date"]) == (INDIA, "2022-09-17")
        summit = (await client.get("/v1/summits/2022-samarkand")).json()
        assert (summit["city"], summit["host"]["iso3"]) == ("Samarkand", "UZB")
        zhang = (await client.get("/v1/people/zhang-ming")).json()
        assert zhang["nationality"]["iso3"] == "CHN"

    @pytest.mark.parametrize("path", ["/v1/terms", "/v1/presidencies", "/v1/summits", "/v1/people"])
    async def test_an_unknown_id_is_404_and_a_malformed_one_422(
        self, client: httpx.AsyncClient, path: str
    ) -> None:
        missing = await client.get(f"{path}/no-such-fact")
        assert missing.status_code == 404, missing.text
        assert missing.headers["content-type"] == "application/problem+json"
        assert (await client.get(f"{path}/Not_An_Id")).status_code == 422


class TestPresidencies:
    async def test_india_chairs_in_january_2023(self, client: httpx.AsyncClient) -> None:
        [presidency] = await items(client, "/v1/presidencies?as_of=2023-01-15")
        assert presidency["chair"] == INDIA
        assert presidency["summit"] == {
            "id": "2023-new-delhi",
            "city": "New Delhi",
            "start_date": "2023-07-04",
            "start_date_precision": "day",
            "end_date": "2023-07-04",
            "end_date_precision": "day",
        }
        assert presidency["holds"] == "certainly"
        assert presidency["sources"]

    async def test_the_chair_passes_the_day_after_the_summit_closes(
        self, client: httpx.AsyncClient
    ) -> None:
        [on_summit_day] = await items(client, "/v1/presidencies?as_of=2022-09-16")
        [day_after] = await items(client, "/v1/presidencies?as_of=2022-09-17")
        assert on_summit_day["chair"]["iso3"] == "UZB"  # type: ignore[index]
        assert day_after["chair"]["iso3"] == "IND"  # type: ignore[index]
        assert day_after["basis"] == "stated"
        assert day_after["inference"] is None

    async def test_pakistans_presidency_is_inferred_and_only_possibly_holds(
        self, client: httpx.AsyncClient
    ) -> None:
        """No source states who took the chair at Bishkek: the presidency says it is
        inferred, and by what, holds `possibly` on every day, and `certain=true` leaves it
        out."""
        [pakistan] = await items(client, "/v1/presidencies?as_of=2026-12-06")
        assert pakistan["chair"]["iso3"] == "PAK"  # type: ignore[index]
        assert pakistan["basis"] == "inferred"
        assert "Pakistan's announcement" in str(pakistan["inference"])
        assert pakistan["holds"] == "possibly"
        assert await items(client, "/v1/presidencies?as_of=2026-12-06&certain=true") == []
        snapshot = (await client.get("/v1/snapshot?as_of=2026-12-06")).json()
        assert snapshot["presidency"]["holds"] == "possibly"
        one = (await client.get("/v1/presidencies/pak-presidency-2026-09-02")).json()
        assert (one["basis"], one["holds"]) == ("inferred", None)

    async def test_an_inferred_presidency_is_possible_even_in_its_middle(
        self, client: httpx.AsyncClient
    ) -> None:
        [russia] = await items(client, "/v1/presidencies?as_of=2002-01-01")
        assert (russia["basis"], russia["holds"]) == ("inferred", "possibly")
        [india] = await items(client, "/v1/presidencies?as_of=2023-01-01&certain=true")
        assert (india["basis"], india["holds"]) == ("stated", "certainly")


class TestSummits:
    async def test_summits_in_order_with_hosts(self, client: httpx.AsyncClient) -> None:
        summits = await items(client, "/v1/summits")
        ids = [s["id"] for s in summits]
        assert "2017-astana" in ids
        assert "2022-samarkand" in ids
        new_delhi = next(s for s in summits if s["id"] == "2023-new-delhi")
        assert new_delhi["format"] == "virtual"
        assert new_delhi["host"] == INDIA
        assert new_delhi["start_date_precision"] == new_delhi["end_date_precision"] == "day"

    async def test_the_summit_in_session_on_a_day(self, client: httpx.AsyncClient) -> None:
        assert [s["id"] for s in await items(client, "/v1/summits?as_of=2022-09-16")] == [
            "2022-samarkand"
        ]
        assert await items(client, "/v1/summits?as_of=2022-09-17") == []

    async def test_year_filter(self, client: httpx.AsyncClient) -> None:
        assert [s["id"] for s in await items(client, "/v1/summits?year=2024")] == ["2024-astana"]


class TestSnapshot:
    async def test_the_organisation_on_the_seed_date(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/v1/snapshot?as_of=2022-03-20")).json()
        assert len(body["member_states"]) == 8
        assert body["secretary_general"]["person"]["name"] == "Zhang Ming"
        assert body["presidency"]["chair"]["iso3"] == "UZB"
        assert body["permanent_bodies"][0]["seat_city"] == "Beijing"
        assert iso3s(body["observer_states"]) == {"AFG", "BLR", "IRN", "MNG"}
        assert len(body["dialogue_partners"]) == 6
        assert body["not_covered"] == []

    async def test_each_holder_names_the_period_that_makes_it_one(
        self, client: httpx.AsyncClient
    ) -> None:
        body = (await client.get("/v1/snapshot?as_of=2022-03-20")).json()
        india = next(e for e in body["member_states"] if e["state"]["iso3"] == "IND")
        assert india == {"state": INDIA, "period_id": "ind-member-2017-06-09", "holds": "certainly"}
        period = (await client.get(f"/v1/status-periods/{india['period_id']}")).json()
        assert (period["state"]["iso3"], period["status"]) == ("IND", "member")

    async def test_a_holder_whose_start_is_known_to_the_year_only_possibly_holds(
        self, client: httpx.AsyncClient
    ) -> None:
        # Belarus became a dialogue partner in 2010; the day is not known.
        body = (await client.get("/v1/snapshot?as_of=2010-06-01")).json()
        [belarus] = [e for e in body["dialogue_partners"] if e["state"]["iso3"] == "BLR"]
        assert belarus["holds"] == "possibly"
        certain = (await client.get("/v1/snapshot?as_of=2010-06-01&certain=true")).json()
        assert "BLR" not in iso3s(certain["dialogue_partners"])
        assert iso3s(certain["member_states"]) == iso3s(body["member_states"])

    async def test_today_is_past_the_research_and_says_so(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/v1/snapshot")).json()
        assert {"member", "presidency", "secretary_general"} <= set(body["not_covered"])

    async def test_defaults_to_today(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/v1/snapshot")).json()
        assert body["as_of"] == date.today().isoformat()
        assert len(body["member_states"]) == 10

    async def test_a_day_before_the_founding_is_refused(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/snapshot?as_of=2001-06-14")
        assert response.status_code == 422
        assert "2001-06-15" in response.json()["detail"]
