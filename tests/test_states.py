"""The state collections and single states."""

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.anyio

EIGHT = {"CHN", "IND", "KAZ", "KGZ", "PAK", "RUS", "TJK", "UZB"}
INDIA = {
    "iso3": "IND",
    "iso2": "IN",
    "numeric": "356",
    "name": "India",
    "names": {"en": "India", "ru": "Индия", "zh": "印度"},
}


def iso3(item: dict[str, Any]) -> str:
    """The alpha-3 code of the state a status period belongs to."""
    code: str = item["state"]["iso3"]
    return code


async def iso3s(client: httpx.AsyncClient, path: str) -> set[str]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return {iso3(item) for item in body["items"]}


class TestMemberStates:
    async def test_eight_members_on_the_seed_articles_date(self, client: httpx.AsyncClient) -> None:
        assert await iso3s(client, "/v1/member-states?as_of=2022-03-17") == EIGHT

    async def test_items_carry_the_contract_fields_and_sources(
        self, client: httpx.AsyncClient
    ) -> None:
        body = (await client.get("/v1/member-states?as_of=2022-03-17")).json()
        india = next(i for i in body["items"] if iso3(i) == "IND")
        assert india["state"] == INDIA
        assert "iso3" not in india, "the state's codes are under `state` only"
        assert india["id"] == "ind-member-2017-06-09"
        assert india["revision"] >= 1
        assert india["status"] == "member"
        assert india["holds"] == "certainly"
        assert india["start_date"] == "2017-06-09"
        assert india["end_date"] is None
        assert india["sources"], "every fact cites a source"
        assert any(s["id"] == "indian-awaaz-2022-03-20" for s in india["sources"])
        assert {"limit", "offset", "total"} <= body.keys()

    async def test_india_is_not_a_member_the_day_before_astana(
        self, client: httpx.AsyncClient
    ) -> None:
        assert "IND" not in await iso3s(client, "/v1/member-states?as_of=2017-06-08")

    async def test_india_is_a_member_on_its_first_day(self, client: httpx.AsyncClient) -> None:
        assert "IND" in await iso3s(client, "/v1/member-states?as_of=2017-06-09")

    async def test_iran_joins_in_2023_and_belarus_in_2024(self, client: httpx.AsyncClient) -> None:
        assert "IRN" not in await iso3s(client, "/v1/member-states?as_of=2023-07-03")
        assert "IRN" in await iso3s(client, "/v1/member-states?as_of=2023-07-04")
        assert await iso3s(client, "/v1/member-states?as_of=2024-07-04") == EIGHT | {"IRN", "BLR"}

    async def test_founders_on_the_founding_day_and_none_before(
        self, client: httpx.AsyncClient
    ) -> None:
        founders = {"CHN", "KAZ", "KGZ", "RUS", "TJK", "UZB"}
        assert await iso3s(client, "/v1/member-states?as_of=2001-06-15") == founders
        assert await iso3s(client, "/v1/member-states?as_of=2001-06-14") == set()

    async def test_without_as_of_every_member_period_is_listed(
        self, client: httpx.AsyncClient
    ) -> None:
        assert await iso3s(client, "/v1/member-states") == EIGHT | {"IRN", "BLR"}

    async def test_a_decision_before_the_status_took_effect_is_shown(
        self, client: httpx.AsyncClient
    ) -> None:
        body = (await client.get("/v1/member-states")).json()
        iran = next(i for i in body["items"] if iso3(i) == "IRN")
        assert iran["start_date"] == "2023-07-04"
        assert iran["decided_on"] == "2021-09-17"
        assert iran["decided_on_precision"] == "day"
        assert iran["holds"] is None, "no day asked, so nothing to hold on"


class TestStates:
    async def test_status_filter(self, client: httpx.AsyncClient) -> None:
        assert await iso3s(client, "/v1/states?status=member&as_of=2022-03-17") == EIGHT

    async def test_pagination(self, client: httpx.AsyncClient) -> None:
        first = (await client.get("/v1/states?limit=3")).json()
        second = (await client.get("/v1/states?limit=3&offset=3")).json()
        assert len(first["items"]) == 3
        assert first["total"] == second["total"] == 48  # every status period of every state

        def keys(page: dict[str, Any]) -> set[tuple[str, str, str]]:
            return {(iso3(i), i["status"], i["start_date"]) for i in page["items"]}

        assert keys(first).isdisjoint(keys(second))

    async def test_the_other_statuses_on_the_seed_date(self, client: httpx.AsyncClient) -> None:
        day = "as_of=2022-03-17"
        assert await iso3s(client, f"/v1/observer-states?{day}") == {"AFG", "BLR", "IRN", "MNG"}
        assert await iso3s(client, f"/v1/dialogue-partners?{day}") == {
            "ARM",
            "AZE",
            "KHM",
            "LKA",
            "NPL",
            "TUR",
        }
        assert await iso3s(client, f"/v1/partners?{day}") == set()

    async def test_observers_and_dialogue_partners_merged_into_partners_at_tianjin(
        self, client: httpx.AsyncClient
    ) -> None:
        eve, day = "as_of=2025-08-31", "as_of=2025-09-01"
        assert await iso3s(client, f"/v1/observer-states?{eve}") == {"AFG", "MNG"}
        assert len(await iso3s(client, f"/v1/dialogue-partners?{eve}")) == 14
        assert await iso3s(client, f"/v1/observer-states?{day}") == set()
        assert await iso3s(client, f"/v1/dialogue-partners?{day}") == set()
        assert len(await iso3s(client, f"/v1/partners?{day}")) == 17

    async def test_a_status_begun_in_a_year_only_possibly_holds_within_that_year(
        self, client: httpx.AsyncClient
    ) -> None:
        # Belarus became a dialogue partner in 2010, known to the year only.
        body = (await client.get("/v1/dialogue-partners?as_of=2010-06-01")).json()
        [belarus] = [i for i in body["items"] if iso3(i) == "BLR"]
        assert (belarus["start_date"], belarus["start_date_precision"]) == ("2010", "year")
        assert belarus["holds"] == "possibly"
        certain = await iso3s(client, "/v1/dialogue-partners?as_of=2010-06-01&certain=true")
        assert "BLR" not in certain
        later = (await client.get("/v1/dialogue-partners?as_of=2011-06-01&certain=true")).json()
        assert [i["holds"] for i in later["items"] if iso3(i) == "BLR"] == ["certainly"]


class TestStatusPeriod:
    async def test_one_period_by_its_id(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/status-periods/ind-member-2017-06-09")
        assert response.status_code == 200, response.text
        period = response.json()
        assert period["id"] == "ind-member-2017-06-09"
        assert period["state"] == INDIA
        assert (period["status"], period["start_date"]) == ("member", "2017-06-09")
        assert period["holds"] is None
        assert period["sources"]
        listed = (await client.get("/v1/member-states")).json()["items"]
        assert period in listed, "the same period as in the list"

    async def test_an_unknown_id_is_404_and_a_malformed_one_422(
        self, client: httpx.AsyncClient
    ) -> None:
        missing = await client.get("/v1/status-periods/ind-member-1999-01-01")
        assert missing.status_code == 404
        assert missing.json()["type"] == "http://test/problems/not-found"
        malformed = await client.get("/v1/status-periods/IND")
        assert malformed.status_code == 422
        assert malformed.json()["invalid_params"][0]["name"] == "period_id"


class TestGetState:
    @pytest.mark.parametrize("code", ["IND", "ind", "IN", "in", "Ind", "356"])
    async def test_any_code_in_any_case(self, client: httpx.AsyncClient, code: str) -> None:
        response = await client.get(f"/v1/states/{code}")
        assert response.status_code == 200
        body = response.json()
        assert (body["iso3"], body["iso2"], body["numeric"]) == ("IND", "IN", "356")
        assert body["names"] == {"en": "India", "ru": "Индия", "zh": "印度"}
        assert body["wikidata"] == "Q668"
        assert body["status"] == "member"
        assert body["official_name"] == "Republic of India"
        assert body["revision"] >= 1
        assert isinstance(body["aliases"], list)
        assert isinstance(body["sources"], list)
        assert [(p["id"], p["status"], p["start_date"]) for p in body["history"]] == [
            ("ind-observer-2005-07-05", "observer", "2005-07-05"),
            ("ind-member-2017-06-09", "member", "2017-06-09"),
        ]
        assert all(p["state"] == INDIA for p in body["history"])

    async def test_a_real_country_without_status_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/states/FRA")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert "France" in response.json()["detail"]

    async def test_an_unknown_code_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/states/QQ")
        assert response.status_code == 404
        assert response.json()["type"] == "http://test/problems/not-found"

    @pytest.mark.parametrize("code", ["INDIA", "4", "56", "0356", "3S6"])
    async def test_a_malformed_code_is_422(self, client: httpx.AsyncClient, code: str) -> None:
        response = await client.get(f"/v1/states/{code}")
        assert response.status_code == 422
        assert response.json()["invalid_params"][0]["name"] == "code"

    async def test_a_numeric_code_keeps_its_leading_zeros(self, client: httpx.AsyncClient) -> None:
        afghanistan = await client.get("/v1/states/004")
        assert afghanistan.status_code == 200
        assert (afghanistan.json()["iso3"], afghanistan.json()["numeric"]) == ("AFG", "004")
        timeline = await client.get("/v1/states/004/timeline")
        assert timeline.status_code == 200
        assert timeline.json()["state"]["iso3"] == "AFG"

    async def test_a_numeric_code_of_a_country_without_status_is_404_naming_it(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/v1/states/050")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        detail = response.json()["detail"]
        assert "Bangladesh" in detail
        assert "'050'" in detail

    @pytest.mark.parametrize(
        ("code", "kind"), [("999", "numeric"), ("QQ", "alpha-2"), ("QQQ", "alpha-3")]
    )
    async def test_an_unknown_code_is_404_naming_what_was_tried(
        self, client: httpx.AsyncClient, code: str, kind: str
    ) -> None:
        response = await client.get(f"/v1/states/{code}")
        assert response.status_code == 404
        assert response.json()["detail"] == f"{code!r} is not an ISO 3166-1 {kind} country code"

    async def test_the_code_is_documented_with_a_numeric_example(
        self, client: httpx.AsyncClient
    ) -> None:
        spec = (await client.get("/openapi.json")).json()
        for path in ("/v1/states/{code}", "/v1/states/{code}/timeline"):
            [code] = spec["paths"][path]["get"]["parameters"][:1]
            assert code["name"] == "code"
            assert "numeric" in code["description"]
            assert "356" in (code.get("examples") or code["schema"].get("examples"))


class TestNamesAsTheScoWritesThem:
    """States' names are the ones the SCO writes where ISO 3166's translations differ: data
    in the dataset file with the source that uses them; ISO's name stays findable."""

    @pytest.mark.parametrize(
        ("code", "given", "iso"),
        [
            ("KH", {"zh": "柬埔寨"}, ["柬埔塞"]),
            ("KG", {"ru": "Кыргызстан", "zh": "吉尔吉斯斯坦"}, ["Киргизия", "吉尔吉斯坦"]),
            ("MN", {"zh": "蒙古国"}, ["蒙古"]),
            (
                "RU",
                {"en": "Russia", "ru": "Россия"},
                ["Russian Federation", "Российская Федерация"],
            ),
        ],
    )
    async def test_a_name_the_sco_writes_replaces_isos_and_is_cited(
        self, client: httpx.AsyncClient, code: str, given: dict[str, str], iso: list[str]
    ) -> None:
        state = (await client.get(f"/v1/states/{code}")).json()
        assert {k: state["names"][k] for k in given} == given
        assert state["name"] == state["names"]["en"]
        assert set(iso) <= set(state["aliases"]), "ISO's name stays among the aliases"
        quotes = [s["quote"] or "" for s in state["sources"]]
        assert all(any(name in q for q in quotes) for name in given.values()), quotes
        found = (await client.get("/v1/states", params={"q": iso[-1]})).json()["items"]
        assert {iso3(f) for f in found} == {state["iso3"]}, "q= still finds it by ISO's name"
        timeline = (await client.get(f"/v1/states/{code}/timeline")).json()
        assert timeline["state"]["names"] == state["names"], "every answer uses these names"
