"""Every collection: Link headers between its pages, `sort=`, `fields=`, and CSV."""

import csv
import io
import itertools
import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from app.writes.importing import import_file
from tests.conftest import OpenClient
from tests.test_seed import copy_seed, correct_astana_city

pytestmark = pytest.mark.anyio

COLLECTIONS = [
    "/v1/states",
    "/v1/member-states",
    "/v1/observer-states",
    "/v1/dialogue-partners",
    "/v1/partners",
    "/v1/secretaries-general",
    "/v1/presidencies",
    "/v1/summits",
    "/v1/timeline",
    "/v1/people",
    "/v1/sources",
]


def links(response: httpx.Response) -> dict[str, str]:
    """The Link header as {rel: target}."""
    found = re.findall(r'<([^>]*)>; rel="([a-z]+)"', response.headers.get("link", ""))
    return {rel: target for target, rel in found}


def rows(response: httpx.Response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.text)))


class TestLinks:
    async def test_a_middle_page_links_every_way_keeping_the_other_parameters(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/v1/states?status=member&offset=4&limit=2&sort=id")
        assert response.status_code == 200, response.text
        assert links(response) == {
            "first": "/v1/states?status=member&offset=0&limit=2&sort=id",
            "prev": "/v1/states?status=member&offset=2&limit=2&sort=id",
            "next": "/v1/states?status=member&offset=6&limit=2&sort=id",
            "last": "/v1/states?status=member&offset=8&limit=2&sort=id",
        }

    async def test_the_first_page_has_no_prev_and_the_last_no_next(
        self, client: httpx.AsyncClient
    ) -> None:
        first = await client.get("/v1/summits?limit=10")
        assert set(links(first)) == {"first", "next", "last"}
        assert links(first)["next"] == "/v1/summits?limit=10&offset=10"
        total = first.json()["total"]
        last = await client.get(links(first)["last"])
        assert set(links(last)) == {"first", "prev", "last"}
        assert last.json()["offset"] + len(last.json()["items"]) == total

    async def test_following_next_visits_every_item_once(self, client: httpx.AsyncClient) -> None:
        url: str | None = "/v1/timeline?limit=7&type=summit"
        seen = []
        while url:
            page = await client.get(url)
            seen += [(e["date"], e["summary"]) for e in page.json()["items"]]
            url = links(page).get("next")
        everything = (await client.get("/v1/timeline?type=summit&limit=1000")).json()
        assert seen == [(e["date"], e["summary"]) for e in everything["items"]]

    @pytest.mark.parametrize("path", COLLECTIONS)
    async def test_every_collection_links_its_pages_and_varies_by_accept(
        self, client: httpx.AsyncClient, path: str
    ) -> None:
        response = await client.get(f"{path}?limit=1")
        assert response.status_code == 200, response.text
        assert links(response)["first"] == f"{path}?limit=1&offset=0"
        assert "accept" in response.headers["vary"].lower()

    async def test_a_cached_answer_keeps_its_link(self, client: httpx.AsyncClient) -> None:
        first = await client.get("/v1/people?limit=2&offset=2")
        again = await client.get("/v1/people?limit=2&offset=2")
        assert again.headers["link"] == first.headers["link"]
        assert again.headers["etag"] == first.headers["etag"]

    async def test_the_change_feed_links_its_pages_keeping_the_other_parameters(
        self,
        seeded_copy_url: str,
        engine_for: Callable[[str], Engine],
        client_for: OpenClient,
        tmp_path: Path,
    ) -> None:
        import_file(engine_for(seeded_copy_url), copy_seed(tmp_path, correct_astana_city))
        client = await client_for(seeded_copy_url)
        first = await client.get("/v1/changes?limit=1&version=2")
        assert first.json()["next"] == "/v1/changes?limit=1&version=2&since=1"
        assert links(first) == {
            "first": "/v1/changes?limit=1&version=2&since=0",
            "next": "/v1/changes?limit=1&version=2&since=1",
            "last": "/v1/changes?limit=1&version=2&since=1",
        }
        second = await client.get(links(first)["next"])
        assert [s["seq"] for s in second.json()["items"]] == [2]
        assert links(second) == {
            "first": "/v1/changes?limit=1&version=2&since=0",
            "prev": "/v1/changes?limit=1&version=2&since=0",
            "last": "/v1/changes?limit=1&version=2&since=1",
        }


class TestSort:
    async def test_descending_by_start_then_by_name(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/v1/member-states?sort=-start_date,state.name")).json()
        keys = [(i["start_date"], i["state"]["name"]) for i in body["items"]]
        assert keys[0] == ("2024-07-04", "Belarus")
        assert keys[-6:] == sorted(keys[-6:], key=lambda k: k[1])
        assert all(a[0] >= b[0] for a, b in itertools.pairwise(keys))

    async def test_imprecise_dates_sort_by_their_first_day_and_nulls_last(
        self, client: httpx.AsyncClient
    ) -> None:
        body = (await client.get("/v1/secretaries-general?sort=end_date")).json()
        ends = [i["end_date"] for i in body["items"]]
        # "2009" is 2009-01-01 at the earliest, "2024-12" 2024-12-01; the term in office last.
        assert ends[-1] is None
        assert ends[:-1] == sorted(ends[:-1], key=lambda e: e + "-01-01"[len(e) - 4 :])
        descending = (await client.get("/v1/secretaries-general?sort=-end_date")).json()
        assert next(i["end_date"] for i in descending["items"]) is None

    async def test_the_default_order_is_unchanged(self, client: httpx.AsyncClient) -> None:
        plain = (await client.get("/v1/summits")).json()["items"]
        assert [s["start_date"] for s in plain] == sorted(s["start_date"] for s in plain)
        by_id = (await client.get("/v1/summits?sort=-id")).json()["items"]
        assert [s["id"] for s in by_id] == sorted((s["id"] for s in plain), reverse=True)

    async def test_sorting_comes_before_paging(self, client: httpx.AsyncClient) -> None:
        page = (await client.get("/v1/summits?sort=-start_date&limit=1")).json()
        everything = (await client.get("/v1/summits")).json()["items"]
        assert page["items"][0]["id"] == everything[-1]["id"]

    async def test_an_unknown_sort_name_is_a_422_listing_the_valid_ones(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/v1/states?sort=start_date,-population")
        assert response.status_code == 422
        problem = response.json()
        assert problem["type"] == "http://test/problems/invalid-parameters"
        [param] = problem["invalid_params"]
        assert param["name"] == "sort"
        assert "population" in param["reason"]
        assert "state.name" in param["reason"]
        assert "start_date" in param["reason"]


class TestFields:
    async def test_only_the_chosen_fields_in_the_page_envelope(
        self, client: httpx.AsyncClient
    ) -> None:
        body = (await client.get("/v1/summits?fields=id,city&limit=2")).json()
        assert body.keys() == {"items", "total", "limit", "offset"}
        assert body["items"][0] == {"id": "2001-shanghai", "city": "Shanghai"}
        assert len(body["items"]) == 2

    async def test_an_unknown_field_is_a_422_listing_the_valid_ones(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/v1/summits?fields=id,town")
        assert response.status_code == 422
        [param] = response.json()["invalid_params"]
        assert param["name"] == "fields"
        assert "'town'" in param["reason"]
        assert "city" in param["reason"]

    async def test_the_names_are_documented_per_route(self, client: httpx.AsyncClient) -> None:
        spec = (await client.get("/openapi.json")).json()
        params = {p["name"]: p for p in spec["paths"]["/v1/summits"]["get"]["parameters"]}
        assert "city" in params["fields"]["description"]
        assert "host.name" in params["sort"]["description"]
        assert re.match(params["sort"]["schema"]["pattern"], "-start_date,host.name")
        assert not re.match(params["sort"]["schema"]["pattern"], "town")
        description = spec["paths"]["/v1/summits"]["get"]["description"]
        assert "`host.iso3`" in description
        assert "`source_ids`" in description


class TestCsv:
    async def test_csv_by_format_with_flat_columns(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/member-states?format=csv&as_of=2022-03-17")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["content-disposition"] == (
            'attachment; filename="member-states.csv"'
        )
        table = rows(response)
        assert len(table) == 8
        india = next(r for r in table if r["state.iso3"] == "IND")
        assert india["id"] == "ind-member-2017-06-09"
        assert india["state.name"] == "India"
        assert india["state.names.zh"] == "印度"
        assert (india["start_date"], india["start_date_precision"]) == ("2017-06-09", "day")
        assert india["end_date"] == ""
        assert india["holds"] == "certainly"
        assert "indian-awaaz-2022-03-20" in india["source_ids"].split(";")

    async def test_csv_by_accept_and_format_json_wins(self, client: httpx.AsyncClient) -> None:
        by_accept = await client.get("/v1/summits", headers={"accept": "text/csv"})
        assert by_accept.headers["content-type"] == "text/csv; charset=utf-8"
        assert rows(by_accept)[0]["host.iso3"] == "CHN"
        explicit = await client.get("/v1/summits?format=json", headers={"accept": "text/csv"})
        assert explicit.headers["content-type"] == "application/json"
        browser = "text/html,application/xhtml+xml,*/*;q=0.8"
        default = await client.get("/v1/summits", headers={"accept": browser})
        assert default.headers["content-type"] == "application/json"

    async def test_the_cache_keeps_json_and_csv_apart(self, client: httpx.AsyncClient) -> None:
        for _ in range(2):
            as_csv = await client.get("/v1/presidencies", headers={"accept": "text/csv"})
            as_json = await client.get("/v1/presidencies", headers={"accept": "application/json"})
            assert as_csv.headers["content-type"].startswith("text/csv")
            assert as_json.headers["content-type"] == "application/json"
            assert as_csv.headers["etag"] != as_json.headers["etag"]

    async def test_fields_selects_columns(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/summits?format=csv&fields=id,host&limit=1")
        header = response.text.splitlines()[0]
        host = ["iso3", "iso2", "numeric", "name", "names.en", "names.ru", "names.zh"]
        assert header.split(",") == ["id", *(f"host.{name}" for name in host)]

    async def test_lists_and_nested_people_are_flattened(self, client: httpx.AsyncClient) -> None:
        people = rows(await client.get("/v1/people?format=csv"))
        zhang = next(r for r in people if r["id"] == "zhang-ming")
        assert (zhang["nationality.iso3"], zhang["aliases"]) == ("CHN", "張明")
        norov = next(r for r in people if r["id"] == "vladimir-norov")
        assert norov["aliases"] == "Vladimir Imomovich Norov;Wladimir Imamowitsch Norow"
        terms = rows(await client.get("/v1/secretaries-general?format=csv"))
        assert {"person.id", "person.nationality.iso3", "holds", "source_ids"} <= terms[0].keys()
        sources = rows(await client.get("/v1/sources?format=csv"))
        assert {"claim_verdicts.holds", "published_on_precision"} <= sources[0].keys()

    async def test_csv_pages_link_to_csv_pages(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/timeline?format=csv&limit=5")
        assert links(response)["next"] == "/v1/timeline?format=csv&limit=5&offset=5"
        assert len(rows(response)) == 5

    async def test_an_accept_allowing_neither_is_a_406_problem(
        self, client: httpx.AsyncClient
    ) -> None:
        for accept in ("application/xml", "text/csv;q=0, application/json;q=0"):
            response = await client.get("/v1/states", headers={"accept": accept})
            assert response.status_code == 406, accept
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["type"] == "http://test/problems/not-acceptable"


class TestCoverage:
    """Every collection of dated facts says how far its record goes (Coverage-Until), and
    an answer about a day past that says so in its body (`not_covered`), as the snapshot
    does; only then."""

    @pytest.mark.parametrize(
        ("path", "until"),
        [
            ("/v1/member-states", 'member="2026-09-04"'),
            ("/v1/partners", 'partner="2026-09-04"'),
            ("/v1/secretaries-general", 'secretary_general="2026-02-12"'),
            ("/v1/presidencies", 'presidency="2026-09-01"'),
            ("/v1/summits", 'summit="2026-09-04"'),
        ],
    )
    async def test_a_collection_names_its_kinds_coverage_end(
        self, client: httpx.AsyncClient, path: str, until: str
    ) -> None:
        for query in ("", "?format=csv"):
            response = await client.get(path + query)
            assert response.status_code == 200
            assert response.headers["Coverage-Until"] == until

    async def test_the_states_and_the_timeline_name_every_kind_they_list(
        self, client: httpx.AsyncClient
    ) -> None:
        states = (await client.get("/v1/states")).headers["Coverage-Until"]
        assert states.split(", ") == [
            f'{s}="2026-09-04"' for s in ("member", "observer", "dialogue_partner", "partner")
        ]
        timeline = (await client.get("/v1/timeline")).headers["Coverage-Until"]
        assert 'secretary_general="2026-02-12"' in timeline
        assert "Coverage-Until" not in (await client.get("/v1/sources")).headers

    async def test_not_covered_only_past_the_coverage(self, client: httpx.AsyncClient) -> None:
        inside = (await client.get("/v1/member-states?as_of=2026-09-04")).json()
        assert "not_covered" not in inside
        past = (await client.get("/v1/member-states?as_of=2026-12-06")).json()
        assert past["not_covered"] == ["member"]
        assert past["total"] == 10, "what the sources last left is still shown"
        terms = (await client.get("/v1/secretaries-general?as_of=2026-06-01")).json()
        assert terms["not_covered"] == ["secretary_general"]
        timeline = (await client.get("/v1/timeline?from=2026-01-01")).json()
        assert "not_covered" not in timeline, "a range is no day asked about"


# Every collection that lists facts for a day, asked as a day's answer and whole.
DAY_COLLECTIONS = [
    *COLLECTIONS,
    "/v1/terms",
    "/v1/rats-directors",
    "/v1/languages",
    "/v1/standings",
    "/v1/post-titles",
    "/v1/meetings",
    "/v1/bodies",
    "/v1/documents",
]


@pytest.mark.parametrize("path", DAY_COLLECTIONS)
async def test_a_page_assembled_from_parts_is_what_pydantic_writes(
    client: httpx.AsyncClient, path: str
) -> None:
    """A page is written from its items' JSON made once per dataset (app.api.listing,
    app.reads.parts): byte for byte what pydantic writes for the same page, in every
    language, for days certain and possible and past coverage, the second time as the
    first (the parts then come from the memo)."""
    from app.domain.public import Page

    days = ["2017-06-09", "2004-12-15", "2006-06-30", "2026-11-30"]  # certain, possible, past
    dated = (await client.get(f"{path}?as_of={days[0]}")).status_code == 200
    queries = ["", "?limit=3&offset=2", *(f"?as_of={day}" for day in days if dated)]
    for query, lang, _ in itertools.product(queries, ["en", "ru", "zh"], range(2)):
        got = await client.get(path + query, headers={"Accept-Language": lang})
        assert got.status_code == 200, (path, query, got.text)
        page = Page[dict[str, object]].model_validate_json(got.content)
        unsaid = set() if page.not_covered else {"not_covered"}
        assert got.content == page.model_dump_json(exclude=unsaid).encode(), (path, query, lang)
