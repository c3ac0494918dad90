"""The change log over HTTP, answers at any recorded version, single facts with their
revisions and ETags, and how surely a fact holds on an imprecise boundary."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text

from app.storage.rows import read
from app.writes.importing import import_file, seed
from tests.conftest import REVALIDATE, SEED_DIR, OpenClient
from tests.test_seed import copy_seed, correct_astana_city, correct_belarus_start

pytestmark = pytest.mark.anyio

SINGLE = [
    "/v1/status-periods/ind-member-2017-06-09",
    "/v1/terms/zhang-ming-secretary-general-2022-01-01",
    "/v1/people/zhang-ming",
    "/v1/presidencies/ind-presidency-2022-09-17",
    "/v1/summits/2022-samarkand",
]


async def all_change_sets(client: httpx.AsyncClient, limit: int = 1) -> list[dict[str, Any]]:
    """Follow the feed from the start, page by page, through its `next` links."""
    sets: list[dict[str, Any]] = []
    url: str | None = f"/v1/changes?since=0&limit={limit}"
    while url is not None:
        response = await client.get(url)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= limit
        sets += page["items"]
        links = dict(
            (rel, target)
            for target, rel in re.findall(r'<([^>]*)>; rel="(\w+)"', response.headers["link"])
        )
        assert links["first"] == f"/v1/changes?since=0&limit={limit}"
        assert links.get("next") == page["next"]
        assert ("prev" in links) == (len(sets) > len(page["items"]))
        url = page["next"]
        if url is None:
            last = page["items"][-1]["seq"] - limit if page["items"] else 0
            assert links["last"] == f"/v1/changes?since={max(last, 0)}&limit={limit}"
    return sets


def replay(sets: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The facts a client rebuilds from the feed: each change's `after` by kind and id."""
    facts: dict[str, dict[str, Any]] = {}
    for change_set in sets:
        for change in change_set["changes"]:
            docs = facts.setdefault(change["kind"], {})
            if change["op"] == "delete":
                del docs[change["id"]]
            else:
                docs[change["id"]] = change["after"]
    return facts


@pytest.fixture
async def changed(
    seeded_copy_url: str,
    engine_for: Callable[[str], Engine],
    client_for: OpenClient,
    tmp_path: Path,
) -> tuple[httpx.AsyncClient, Engine, Path]:
    """A copy of the seeded dataset after one import (change set 2) that renamed a city and
    corrected a date, with a client of it."""

    def edit(data: dict[str, Any]) -> None:
        correct_astana_city(data)
        correct_belarus_start(data)

    engine = engine_for(seeded_copy_url)
    import_file(engine, copy_seed(tmp_path, edit), reason="a city renamed, a date corrected")
    return await client_for(seeded_copy_url), engine, tmp_path


class TestChangeFeed:
    async def test_each_change_set_is_whole_and_in_order(
        self, changed: tuple[httpx.AsyncClient, Engine, Path]
    ) -> None:
        client, _, _ = changed
        sets = await all_change_sets(client)
        assert [s["seq"] for s in sets] == [1, 2]
        assert sets[0]["channel"] == "seed"
        counts = (await client.get("/v1?version=1")).json()["counts"]
        facts = sum(n for name, n in counts.items() if name not in ("citations", "claims"))
        coverage = (await client.get("/v1?version=1")).json()["coverage"]
        covered = sum(1 for span in coverage.values() if span)
        assert len(sets[0]["changes"]) == facts + covered, "the seed whole on its page"
        second = sets[1]
        assert second["reason"] == "a city renamed, a date corrected"
        assert second["actor"] == "sco-api import"
        by_id = {c["id"]: c for c in second["changes"]}
        assert set(by_id) == {"2017-astana", "blr-dialogue-partner-2010", "test-made-up"}
        assert by_id["2017-astana"]["before"]["city"] == "Astana"
        assert by_id["2017-astana"]["after"]["city"] == "Nur-Sultan"
        assert by_id["2017-astana"]["revision"] == 2
        one = await client.get("/v1/change-sets/2")
        assert one.json() == second
        assert one.headers["cache-control"] == "public, max-age=31536000, immutable"

    async def test_the_feed_after_the_latest_has_no_next(
        self, changed: tuple[httpx.AsyncClient, Engine, Path]
    ) -> None:
        client, _, _ = changed
        page = (await client.get("/v1/changes?since=2")).json()
        assert page == {"items": [], "limit": 20, "next": None}
        assert (await client.get("/v1/change-sets/3")).status_code == 404

    async def test_replaying_the_feed_from_0_rebuilds_todays_dataset(
        self, changed: tuple[httpx.AsyncClient, Engine, Path]
    ) -> None:
        client, engine, _ = changed
        rebuilt = replay(await all_change_sets(client, limit=1))
        with engine.connect() as conn:
            tables = read(conn)  # every fact as the tables hold it, in the log's own form
        for kind, docs in tables.docs.items():
            assert rebuilt.get(kind, {}) == docs, kind
        assert rebuilt["summit"]["2017-astana"]["city"] == "Nur-Sultan"


class TestRecordedVersions:
    async def test_version_gives_the_answer_from_before_the_change(
        self, changed: tuple[httpx.AsyncClient, Engine, Path]
    ) -> None:
        client, _, _ = changed
        now = await client.get("/v1/summits/2017-astana")
        then = await client.get("/v1/summits/2017-astana?version=1")
        assert now.json()["city"] == "Nur-Sultan"
        assert then.json()["city"] == "Astana"
        assert then.json()["revision"] == 1
        assert then.headers["dataset-version"] == "1"
        assert now.headers["dataset-version"] == "2"
        assert then.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert now.headers["cache-control"] == REVALIDATE
        listed = await client.get("/v1/dialogue-partners?version=1&as_of=2010-02-01")
        assert "BLR" in [i["state"]["iso3"] for i in listed.json()["items"]]
        assert "BLR" not in [
            i["state"]["iso3"]
            for i in (await client.get("/v1/dialogue-partners?as_of=2010-02-01")).json()["items"]
        ]

    async def test_a_versioned_etag_never_changes(
        self, changed: tuple[httpx.AsyncClient, Engine, Path]
    ) -> None:
        client, engine, tmp_path = changed
        path = "/v1/snapshot?as_of=2010-06-01&version=1"
        first = await client.get(path)
        import_file(engine, copy_seed(tmp_path / "again", lambda data: None))  # back to the seed
        assert (await client.get("/v1")).json()["version"] == 3
        again = await client.get(path)
        assert again.headers["etag"] == first.headers["etag"]
        assert again.content == first.content
        assert again.headers["cache-control"] == "public, max-age=31536000, immutable"
        revalidated = await client.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert revalidated.status_code == 304

    async def test_a_versioned_answer_that_depends_on_today_is_not_immutable(
        self, changed: tuple[httpx.AsyncClient, Engine, Path]
    ) -> None:
        client, _, _ = changed
        response = await client.get("/v1/snapshot?version=1")
        assert response.status_code == 200
        assert response.headers["cache-control"] == REVALIDATE

    async def test_as_recorded_gives_the_dataset_at_the_end_of_that_day(
        self, changed: tuple[httpx.AsyncClient, Engine, Path]
    ) -> None:
        client, engine, _ = changed
        # The seed late on 1 October, the import just after midnight (UTC).
        with engine.begin() as conn:
            for seq, at in ((1, "2026-10-01 23:30:00"), (2, "2026-10-02 00:10:00")):
                conn.execute(
                    text("UPDATE change_set SET committed_at = :at WHERE seq = :seq"),
                    {"at": at, "seq": seq},
                )
        for day, version, city in (
            ("2026-10-01", "1", "Astana"),
            ("2026-10-02", "2", "Nur-Sultan"),
        ):
            recorded = await client.get(f"/v1/summits/2017-astana?as_recorded={day}")
            assert recorded.status_code == 200, recorded.text
            assert (recorded.headers["dataset-version"], recorded.json()["city"]) == (version, city)
        before = await client.get("/v1/summits/2017-astana?as_recorded=2026-09-30")
        assert before.status_code == 404
        assert before.headers["content-type"] == "application/problem+json"

    async def test_a_pinned_etag_tells_databases_apart(
        self,
        seeded_copy_url: str,
        migrated_url: str,
        client_for: OpenClient,
        engine_for: Callable[[str], Engine],
    ) -> None:
        """Two databases at version 1 with the same data but another schema epoch: the same
        answer, but a pinned ETag that differs (a cache must not take one for the other);
        unpinned, the ETag hashes the answer alone."""
        seed(engine_for(migrated_url), SEED_DIR)
        path = "/v1/summits/2017-astana"
        a, b = await client_for(seeded_copy_url), await client_for(migrated_url)
        pinned = [await c.get(f"{path}?version=1") for c in (a, b)]
        plain = [await c.get(path) for c in (a, b)]
        assert pinned[0].content == pinned[1].content
        assert pinned[0].headers["etag"] != pinned[1].headers["etag"]
        assert plain[0].headers["etag"] == plain[1].headers["etag"]

    @pytest.mark.parametrize(
        ("query", "status"),
        [
            ("version=99", 404),
            ("version=0", 422),
            ("as_recorded=2999-01-01", 422),
            ("version=1&as_recorded=2026-10-01", 422),
        ],
    )
    async def test_versions_that_cannot_be_answered_are_refused(
        self, client: httpx.AsyncClient, query: str, status: int
    ) -> None:
        response = await client.get(f"/v1/member-states?{query}")
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/problem+json"

    async def test_as_recorded_today_is_refused(self, client: httpx.AsyncClient) -> None:
        from app.core.dates import today

        response = await client.get(f"/v1/member-states?as_recorded={today()}")
        assert response.status_code == 422
        assert "before today" in response.text


class TestSingleFacts:
    @pytest.mark.parametrize("path", SINGLE)
    async def test_each_fact_has_a_path_with_its_id_and_revision(
        self, client: httpx.AsyncClient, path: str
    ) -> None:
        response = await client.get(path)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["id"] == path.rsplit("/", 1)[1]
        assert body["revision"] == 1
        assert response.headers["etag"].startswith('"')
        assert response.headers["dataset-version"] == "1"
        again = await client.get(path, headers={"If-None-Match": response.headers["etag"]})
        assert again.status_code == 304

    @pytest.mark.parametrize(
        "path",
        [p.rsplit("/", 1)[0] + "/no-such-fact" for p in SINGLE],
    )
    async def test_an_unknown_id_is_a_404_problem(
        self, client: httpx.AsyncClient, path: str
    ) -> None:
        response = await client.get(path)
        assert response.status_code == 404
        assert "no-such-fact" in response.json()["detail"]

    async def test_the_etag_changes_when_an_embedded_source_title_changes(
        self,
        seeded_copy_url: str,
        engine_for: Callable[[str], Engine],
        client_for: OpenClient,
        tmp_path: Path,
    ) -> None:
        client = await client_for(seeded_copy_url)
        path = "/v1/status-periods/ind-member-2017-06-09"
        before = await client.get(path)
        cited = before.json()["sources"][0]["id"]

        def retitle(data: dict[str, Any]) -> None:
            next(s for s in data["sources"] if s["id"] == cited)["title"] += " (retitled)"

        import_file(engine_for(seeded_copy_url), copy_seed(tmp_path, retitle))
        after = await client.get(path)
        assert after.json()["revision"] == 1  # the period itself did not change
        assert after.json()["sources"][0]["title"].endswith("(retitled)")
        assert after.headers["etag"] != before.headers["etag"]

    async def test_every_item_shows_its_id_and_revision(self, client: httpx.AsyncClient) -> None:
        for path in (
            "/v1/states",
            "/v1/secretaries-general",
            "/v1/presidencies",
            "/v1/summits",
            "/v1/people",
            "/v1/sources",
        ):
            items = (await client.get(path)).json()["items"]
            assert items, path
            assert all(isinstance(i["id"], str) and i["revision"] >= 1 for i in items), path


class TestCertainty:
    async def test_a_boundary_known_only_to_the_year_possibly_holds(
        self, client: httpx.AsyncClient
    ) -> None:
        """Belarus's memorandum is dated only 2010: on 2010-01-01 it may hold or not."""
        items = (await client.get("/v1/dialogue-partners?as_of=2010-01-01")).json()["items"]
        holds = {i["state"]["iso3"]: i["holds"] for i in items}
        assert holds["BLR"] == "possibly"
        certain = (await client.get("/v1/dialogue-partners?as_of=2010-01-01&certain=true")).json()
        assert "BLR" not in [i["state"]["iso3"] for i in certain["items"]]

    async def test_a_day_known_fact_certainly_holds(self, client: httpx.AsyncClient) -> None:
        items = (await client.get("/v1/member-states?as_of=2022-03-17")).json()["items"]
        assert {i["holds"] for i in items} == {"certainly"}
        everything = (await client.get("/v1/member-states")).json()["items"]
        assert {i["holds"] for i in everything} == {None}

    async def test_the_snapshot_says_how_surely_each_state_holds(
        self, client: httpx.AsyncClient
    ) -> None:
        snapshot = (await client.get("/v1/snapshot?as_of=2010-06-01")).json()
        holds = {e["state"]["iso3"]: e["holds"] for e in snapshot["dialogue_partners"]}
        assert holds == {"BLR": "possibly", "LKA": "possibly"}


@pytest.mark.parametrize("value", ["1.0", "+5", "1_000", "0001", " 5", "5 ", "-1", "1e3"])
async def test_integers_in_queries_are_digits_only(client: httpx.AsyncClient, value: str) -> None:
    response = await client.get("/v1/member-states", params={"limit": value})
    assert response.status_code == 422, value
    assert response.json()["invalid_params"][0]["name"] == "limit"


async def test_every_answer_under_v1_carries_the_dataset_version(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/v1", "/v1/member-states", "/v1/states/XX", "/v1/nowhere", "/v1/changes"):
        response = await client.get(path)
        assert response.headers["dataset-version"] == "1", path


class TestNamesAndAliases:
    async def test_a_state_has_its_aliases_with_the_sources_that_use_them(
        self, client: httpx.AsyncClient
    ) -> None:
        turkey = (await client.get("/v1/states/TR")).json()
        assert (turkey["id"], turkey["name"]) == ("TUR", "Türkiye")
        assert "Turkey" in turkey["aliases"]
        assert any("Turkey" in (s["quote"] or "") for s in turkey["sources"])

    async def test_a_person_has_names_in_three_languages_and_aliases(
        self, client: httpx.AsyncClient
    ) -> None:
        person = (await client.get("/v1/people/muratbek-imanaliev")).json()
        assert person["names"] == {
            "en": "Muratbek Imanaliev",
            "ru": "Муратбек Иманалиев",
            "zh": "穆拉特别克·伊马纳利耶夫",
        }
        assert "Muratbek Sansyzbayevich Imanaliev" in person["aliases"]
        quotes = " ".join(s["quote"] or "" for s in person["sources"])
        assert all(name in quotes for name in (*person["aliases"], "Иманалиев"))
