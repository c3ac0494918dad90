"""The language of the names shown: `lang=`, the Accept-Language header, English where a
fact has no name in the language asked, and the read cache keeping each language apart."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from app.writes.importing import import_file
from tests.conftest import OpenClient
from tests.test_seed import copy_seed

pytestmark = pytest.mark.anyio

INDIA = "/v1/states/IND"
# Every kind of answer that names a state or a person somewhere inside it.
NAMING = [
    "/v1/states?limit=5",
    INDIA,
    "/v1/states/IND/timeline",
    "/v1/member-states?as_of=2024-07-04",
    "/v1/status-periods/ind-member-2017-06-09",
    "/v1/people",
    "/v1/people/zhang-ming",
    "/v1/secretaries-general",
    "/v1/terms/zhang-ming-secretary-general-2022-01-01",
    "/v1/presidencies",
    "/v1/summits?year=2022",
    "/v1/summits/2022-samarkand",
    "/v1/snapshot?as_of=2024-07-04",
    "/v1/timeline?limit=200",
]


def named(value: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON answer that has both a `name` and a `names` object."""
    if isinstance(value, list):
        for item in value:
            yield from named(item)
    elif isinstance(value, dict):
        if "name" in value and isinstance(value.get("names"), dict):
            yield value
        for item in value.values():
            yield from named(item)


async def name_of_india(client: httpx.AsyncClient, path: str = INDIA, **headers: str) -> str:
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    name: str = response.json()["name"]
    return name


class TestLangParameter:
    @pytest.mark.parametrize("path", NAMING)
    @pytest.mark.parametrize("lang", ["en", "ru", "zh"])
    async def test_every_name_shown_is_in_the_language_asked(
        self, client: httpx.AsyncClient, path: str, lang: str
    ) -> None:
        sep = "&" if "?" in path else "?"
        response = await client.get(f"{path}{sep}lang={lang}")
        assert response.status_code == 200, response.text
        assert response.headers["content-language"] == lang
        assert "accept-language" in response.headers["vary"].lower()
        objects = list(named(response.json()))
        assert objects, "the answer names something"
        for obj in objects:
            # where it has no name in that language, its English one is shown (documented)
            assert obj["name"] == (obj["names"][lang] or obj["names"]["en"])
            assert set(obj["names"]) == {"en", "ru", "zh"}, "names keeps all three languages"

    async def test_names_stay_as_they_are(self, client: httpx.AsyncClient) -> None:
        body = (await client.get(f"{INDIA}?lang=zh")).json()
        assert body["name"] == "印度"
        assert body["names"] == {"en": "India", "ru": "Индия", "zh": "印度"}

    async def test_summaries_stay_english_sentences(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/v1/states/IND/timeline?lang=ru")).json()
        assert body["state"]["name"] == "Индия"
        assert body["events"][-1]["summary"] == "India: observer state → member state"

    async def test_an_unknown_language_is_422_naming_the_known_ones(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get(f"{INDIA}?lang=fr")
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        [param] = response.json()["invalid_params"]
        assert param["name"] == "lang"
        assert all(f"'{code}'" in param["reason"] for code in ("en", "ru", "zh"))

    async def test_lang_wins_over_the_header(self, client: httpx.AsyncClient) -> None:
        name = await name_of_india(client, f"{INDIA}?lang=zh", **{"Accept-Language": "ru"})
        assert name == "印度"

    async def test_the_lang_parameter_is_documented(self, client: httpx.AsyncClient) -> None:
        spec = (await client.get("/openapi.json")).json()
        parameters = spec["paths"]["/v1/states/{code}"]["get"]["parameters"]
        [lang] = [p for p in parameters if p["name"] == "lang"]
        assert "Accept-Language" in lang["description"]
        assert "English" in lang["description"]


class TestAcceptLanguage:
    @pytest.mark.parametrize(
        ("header", "name"),
        [
            ("ru", "Индия"),
            ("ru;q=0.9, en;q=0.8", "Индия"),
            ("en;q=0.5, zh;q=0.8", "印度"),
            ("zh-CN", "印度"),
            ("zh-Hans-CN, ru;q=0.5", "印度"),
            ("zh-CN, en;q=0.8", "印度"),
            ("de;q=0.9, ru;q=0.9, zh;q=0.9", "Индия"),
            ("ru;q=0.5, *", "India"),
            ("RU-ru", "Индия"),
            ("fr, ru;q=0.1", "Индия"),
            ("ru;q=0, zh;q=0.1", "印度"),
            ("*", "India"),
            ("fr", "India"),
            ("ru;q=banana", "India"),
            ("", "India"),
        ],
    )
    async def test_the_best_language_of_the_header_by_q_value_else_english(
        self, client: httpx.AsyncClient, header: str, name: str
    ) -> None:
        assert await name_of_india(client, **{"Accept-Language": header}) == name

    async def test_the_answer_says_its_language(self, client: httpx.AsyncClient) -> None:
        response = await client.get(INDIA, headers={"Accept-Language": "zh-CN"})
        assert response.headers["content-language"] == "zh"
        plain = await client.get(INDIA)
        assert plain.headers["content-language"] == "en"
        assert "accept-language" in plain.headers["vary"].lower()


class TestThroughTheCache:
    async def test_languages_are_not_mixed_up_and_their_etags_differ(
        self, client: httpx.AsyncClient
    ) -> None:
        path = "/v1/states/KAZ"  # asked by no other test, so the first request is a miss
        answers = [
            await client.get(path, headers={"Accept-Language": lang})
            for lang in ("ru", "en", "ru", "en")
        ]
        names = [a.json()["name"] for a in answers]
        assert names == ["Казахстан", "Kazakhstan", "Казахстан", "Kazakhstan"]
        assert [a.headers["content-language"] for a in answers] == ["ru", "en", "ru", "en"]
        etags = [a.headers["etag"] for a in answers]
        assert etags[0] == etags[2] != etags[1] == etags[3]

    async def test_one_languages_etag_does_not_revalidate_another(
        self, client: httpx.AsyncClient
    ) -> None:
        english = await client.get(INDIA)
        russian = await client.get(
            INDIA, headers={"Accept-Language": "ru", "If-None-Match": english.headers["etag"]}
        )
        assert russian.status_code == 200
        assert russian.json()["name"] == "Индия"


async def test_a_fact_without_a_name_in_the_language_shows_its_english_name(
    seeded_copy_url: str,
    engine_for: Callable[[str], Engine],
    client_for: OpenClient,
    tmp_path: Path,
) -> None:
    def unname(data: dict[str, Any]) -> None:
        next(p for p in data["people"] if p["id"] == "zhang-ming").pop("name_zh")

    import_file(engine_for(seeded_copy_url), copy_seed(tmp_path, unname))
    client = await client_for(seeded_copy_url)
    response = await client.get("/v1/people/zhang-ming?lang=zh")
    assert response.status_code == 200, response.text
    person = response.json()
    assert (person["name"], person["names"]["zh"]) == ("Zhang Ming", None)
    assert person["nationality"]["name"] == "中国", "the other names are still in Chinese"
