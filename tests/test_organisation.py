"""Secretaries-General, presidencies, summits and snapshots."""

import itertools
from datetime import date

import httpx
import pytest

pytestmark = pytest.mark.anyio


async def items(client: httpx.AsyncClient, path: str) -> list[dict[str, object]]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    result: list[dict[str, object]] = response.json()["items"]
    return result


def person(term: dict[str, object]) -> object:
    assert isinstance(term["person"], dict)
    return term["person"]["id"]


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


class TestPresidencies:
    async def test_india_chairs_in_january_2023(self, client: httpx.AsyncClient) -> None:
        [presidency] = await items(client, "/v1/presidencies?as_of=2023-01-15")
        assert presidency["chair"] == {"iso3": "IND", "iso2": "IN", "name": "India"}
        assert presidency["summit"]["id"] == "2023-new-delhi"  # type: ignore[index]
        assert presidency["sources"]

    async def test_the_chair_passes_the_day_after_the_summit_closes(
        self, client: httpx.AsyncClient
    ) -> None:
        [on_summit_day] = await items(client, "/v1/presidencies?as_of=2022-09-16")
        [day_after] = await items(client, "/v1/presidencies?as_of=2022-09-17")
        assert on_summit_day["chair"]["iso3"] == "UZB"  # type: ignore[index]
        assert day_after["chair"]["iso3"] == "IND"  # type: ignore[index]


class TestSummits:
    async def test_summits_in_order_with_hosts(self, client: httpx.AsyncClient) -> None:
        summits = await items(client, "/v1/summits")
        ids = [s["id"] for s in summits]
        assert "2017-astana" in ids
        assert "2022-samarkand" in ids
        new_delhi = next(s for s in summits if s["id"] == "2023-new-delhi")
        assert new_delhi["format"] == "virtual"
        assert new_delhi["host"]["iso3"] == "IND"  # type: ignore[index]

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
        assert {s["iso3"] for s in body["observer_states"]} == {"AFG", "BLR", "IRN", "MNG"}
        assert len(body["dialogue_partners"]) == 6
        assert body["not_covered"] == []

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
