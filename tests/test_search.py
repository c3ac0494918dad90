"""`q=` on /v1/states and /v1/people: any name in any language or any alias, ignoring case,
accents and the `y` where transliterations of Russian names differ."""

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.anyio


async def found(client: httpx.AsyncClient, path: str) -> dict[str, Any]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def states(client: httpx.AsyncClient, query: str) -> set[str]:
    body = await found(client, f"/v1/states?{query}")
    return {item["state"]["iso3"] for item in body["items"]}


async def people(client: httpx.AsyncClient, query: str) -> list[str]:
    body = await found(client, f"/v1/people?{query}")
    return [item["id"] for item in body["items"]]


class TestStates:
    @pytest.mark.parametrize("q", ["Turkey", "Türkiye", "TURKIYE", "turkiye", "Турция", "土耳其"])
    async def test_turkiye_by_its_name_and_its_alias(
        self, client: httpx.AsyncClient, q: str
    ) -> None:
        assert await states(client, f"q={q}") == {"TUR"}

    @pytest.mark.parametrize(
        ("q", "iso3"),
        [("Иран", "IRN"), ("иран", "IRN"), ("伊朗", "IRN"), ("印度", "IND"), ("Индия", "IND")],
    )
    async def test_by_a_russian_or_chinese_name(
        self, client: httpx.AsyncClient, q: str, iso3: str
    ) -> None:
        assert await states(client, f"q={q}") == {iso3}

    async def test_by_an_alias_or_the_official_name(self, client: httpx.AsyncClient) -> None:
        assert await states(client, "q=Burma") == {"MMR"}
        assert await states(client, "q=Republic of India") == {"IND"}

    async def test_a_substring_finds_every_state_containing_it(
        self, client: httpx.AsyncClient
    ) -> None:
        assert await states(client, "q=stan") == {"AFG", "KAZ", "KGZ", "PAK", "TJK", "UZB"}

    async def test_combines_with_status_and_as_of_and_total_counts_the_matches(
        self, client: httpx.AsyncClient
    ) -> None:
        every = await found(client, "/v1/states?q=Iran")
        assert [i["status"] for i in every["items"]] == ["observer", "member"]
        assert every["total"] == 2
        member = await found(client, "/v1/states?q=Iran&status=member")
        assert (member["total"], member["items"][0]["id"]) == (1, "irn-member-2023-07-04")
        before = await found(client, "/v1/states?q=Iran&as_of=2020-01-01")
        assert [i["status"] for i in before["items"]] == ["observer"]
        page = await found(client, "/v1/states?q=Iran&limit=1&offset=1")
        assert (page["total"], len(page["items"])) == (2, 1)

    async def test_no_match_is_an_empty_page(self, client: httpx.AsyncClient) -> None:
        body = await found(client, "/v1/states?q=Atlantis")
        assert (body["items"], body["total"]) == ([], 0)


class TestPeople:
    @pytest.mark.parametrize(
        "q", ["imanaliyev", "Imanaliev", "IMANALIEV", "Иманалиев", "伊马纳利耶夫", "Sansyzbaevich"]
    )
    async def test_imanaliev_by_any_spelling(self, client: httpx.AsyncClient, q: str) -> None:
        assert await people(client, f"q={q}") == ["muratbek-imanaliev"]

    @pytest.mark.parametrize("q", ["Yermekbayev", "Ermekbaev", "Yermekbay", "Ермекбаев"])
    async def test_yermekbayev_by_a_transliteration_or_its_beginning(
        self, client: httpx.AsyncClient, q: str
    ) -> None:
        assert await people(client, f"q={q}") == ["nurlan-yermekbayev"]

    async def test_a_chinese_name_finds_its_person(self, client: httpx.AsyncClient) -> None:
        assert await people(client, "q=张明") == ["zhang-ming"]

    async def test_a_shared_name_finds_each_person(self, client: httpx.AsyncClient) -> None:
        zhangs = ["zhang-deguang", "zhang-ming", "zhang-xinfeng"]
        assert await people(client, "q=zhang") == zhangs
        body = await found(client, "/v1/people?q=zhang&limit=1")
        assert (body["total"], len(body["items"])) == (3, 1)

    async def test_names_shown_follow_lang(self, client: httpx.AsyncClient) -> None:
        body = await found(client, "/v1/people?q=Norov&lang=ru")
        assert body["items"][0]["name"] == "Владимир Норов"


class TestRefused:
    @pytest.mark.parametrize("path", ["/v1/states", "/v1/people"])
    @pytest.mark.parametrize("q", ["", "%20%20", "y", "a" * 101])
    async def test_a_blank_or_over_long_query_is_422(
        self, client: httpx.AsyncClient, path: str, q: str
    ) -> None:
        response = await client.get(f"{path}?q={q}")
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert [p["name"] for p in response.json()["invalid_params"]] == ["q"]

    async def test_a_hundred_characters_are_enough(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/v1/states?q=" + "a" * 100)).status_code == 200

    async def test_q_is_refused_where_nothing_is_searched(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/member-states?q=India")
        assert response.status_code == 422


async def test_q_is_documented_with_examples(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    for path in ("/v1/states", "/v1/people"):
        [q] = [p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == "q"]
        assert "ignoring case and accents" in q["description"]
        assert q["schema"]["anyOf"][0]["maxLength"] == 100
        assert q.get("examples") or q["schema"].get("examples")
