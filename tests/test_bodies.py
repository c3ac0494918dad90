"""The organisation's bodies and their seats (issue "The SCO's own structure"): /v1/bodies,
a body with its seat and head on a day, the seats' no-overlap guard in each database, the
Secretariat moved from the permanent bodies by a migration that records the move as a
change set, on both engines."""

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from app.api.example_bodies import COUNCIL, SEAT, TITLE, TITLED
from app.cli import alembic_config
from app.domain.kinds.meeting import COUNCILS
from app.writes.importing import import_file
from tests.conftest import OpenClient, migrate, run_cli
from tests.test_seed import copy_seed, correct_astana_city
from tests.test_writes import Curated, add_source, curated  # noqa: F401  (a fixture)

pytestmark = pytest.mark.anyio

BODIES = [
    "council-of-heads-of-state",
    "council-of-national-coordinators",
    "council-of-heads-of-government",
    "council-of-foreign-ministers",
    "secretariat",
    "rats",
    "rats-executive-committee",
]
# The migration before the bodies.
BEFORE_BODIES = "a7b4c3d5e6f8"


class TestBodies:
    async def test_the_councils_and_permanent_bodies(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/bodies")
        items = response.json()["items"]
        assert [b["id"] for b in items] == BODIES
        assert response.headers["Coverage-Until"] == 'body="2025-10-10"'
        kinds = {b["id"]: b["kind"] for b in items}
        assert kinds["council-of-heads-of-government"] == "council"
        assert kinds["secretariat"] == "permanent_body"
        secretariat = next(b for b in items if b["id"] == "secretariat")
        assert secretariat["names"]["zh"] == "上海合作组织秘书处"
        assert (secretariat["decided_on"], secretariat["start_date"]) == (
            "2003-05-29",
            "2004-01-15",
        )
        assert secretariat["head_post"] == "secretary_general"

    async def test_a_body_with_its_seat_and_head_on_a_day(self, client: httpx.AsyncClient) -> None:
        day = (await client.get("/v1/bodies/secretariat?as_of=2022-03-17")).json()
        assert day["seat"]["city"] == "Beijing"
        assert day["seat"]["state"]["iso3"] == "CHN"
        assert day["head"]["person"]["id"] == "zhang-ming"
        rats = (await client.get("/v1/bodies/rats?as_of=2003-01-01")).json()
        assert rats["seat"]["city"] == "Bishkek"
        assert [s["city"] for s in rats["seats"]] == ["Bishkek", "Tashkent"]
        assert rats["seats"][0]["end_date"] == "2003-09-04"
        assert rats["seats"][1]["basis"] == "inferred"
        assert [p["id"] for p in rats["parts"]] == ["rats-executive-committee"]
        moved = (await client.get("/v1/bodies/rats?as_of=2004-06-17")).json()
        assert moved["seat"]["city"] == "Tashkent"
        committee = (await client.get("/v1/bodies/rats-executive-committee")).json()
        assert committee["part_of"]["href"] == "/v1/bodies/rats"

    async def test_as_of_lists_the_bodies_of_the_day(self, client: httpx.AsyncClient) -> None:
        early = (await client.get("/v1/bodies?as_of=2002-01-01")).json()["items"]
        assert [b["id"] for b in early] == BODIES[:3]
        assert (await client.get("/v1/bodies?as_of=2099-01-01")).status_code == 422

    async def test_the_seat_of_a_body_is_its_own_resource(self, client: httpx.AsyncClient) -> None:
        seat = (await client.get("/v1/seats/rats-bishkek-2002-06-07")).json()
        assert (seat["city"], seat["start_date"], seat["end_date"]) == (
            "Bishkek",
            "2002-06-07",
            "2003-09-04",
        )
        assert any(c["states"] for c in seat["sources"])
        assert (await client.get("/v1/seats/rats-moscow-2002-06-07")).status_code == 404

    async def test_the_snapshot_timeline_and_popolo_show_them(
        self, client: httpx.AsyncClient
    ) -> None:
        day = (await client.get("/v1/snapshot?as_of=2003-01-01")).json()
        assert [b["id"] for b in day["bodies"]] == [b for b in BODIES if b != "secretariat"]
        seated = {b["id"]: b["seat_city"] for b in day["permanent_bodies"]}
        assert seated == {"rats": "Bishkek"}
        events = (await client.get("/v1/timeline?type=body_moved,body_established")).json()
        moved = [e for e in events["items"] if e["type"] == "body_moved"]
        assert "seat moved from Bishkek to Tashkent" in moved[2]["summary"]
        assert moved[2]["date"] == "2003-09-05"
        assert moved[2]["body"]["id"] == "rats"
        popolo = (await client.get("/v1/export/popolo")).json()
        organs = {o["id"]: o for o in popolo["organizations"] if o["id"].startswith("body/")}
        assert set(organs) == {f"body/{b}" for b in BODIES}
        assert organs["body/rats-executive-committee"]["parent_id"] == "body/rats"
        assert organs["body/council-of-heads-of-state"]["classification"] == "council"
        assert organs["body/secretariat"]["founding_date"] == "2004-01-15"

    async def test_the_headquarters_is_the_secretariats_seat(
        self, client: httpx.AsyncClient
    ) -> None:
        o = (await client.get("/v1/organisation?as_of=2022-03-17")).json()
        assert o["headquarters"]["city"] == "Beijing"


class TestWrites:
    async def test_a_body_and_its_seat_created_changed_and_deleted(
        self,
        curated: Curated,  # noqa: F811
    ) -> None:
        c = curated
        await add_source(c)
        before = await c.version()
        assert (await c.post("/v1/bodies", COUNCIL)).status_code == 201
        made = await c.post("/v1/seats", SEAT)
        assert made.status_code == 201, made.text
        seat = made.headers["Location"]
        assert seat == "/v1/seats/example-council-example-city-2027-08-02"
        assert (await c.client.get(f"{seat}?version={before}")).status_code == 404
        body = (await c.client.get("/v1/bodies/example-council")).json()
        assert [s["id"] for s in body["seats"]] == [seat.rsplit("/", 1)[1]]
        clash = await c.post("/v1/seats", {**SEAT, "start_date": "2027-09-01"})
        assert clash.status_code == 409, clash.text
        changed = await c.patch(seat, {"note": "A note."}, etag=await c.etag(seat))
        assert changed.json()["revision"] == 2
        still = await c.client.delete(
            "/v1/bodies/example-council",
            headers={**c.auth(), "If-Match": await c.etag("/v1/bodies/example-council")},
        )
        assert still.status_code == 422, still.text  # its seat names it
        gone = await c.client.delete(seat, headers={**c.auth(), "If-Match": await c.etag(seat)})
        assert gone.status_code == 204
        feed = (await c.client.get(f"/v1/changes?since={before}")).json()["items"]
        kinds = [(ch["kind"], ch["op"]) for s in feed for ch in s["changes"]]
        assert kinds == [
            ("body", "create"),
            ("seat", "create"),
            ("seat", "update"),
            ("seat", "delete"),
        ]

    async def test_bodies_by_import(
        self, seeded_copy_url: str, tmp_path: Path, engine_for: Any, client_for: OpenClient
    ) -> None:
        def edit(data: dict[str, Any]) -> None:
            rats = next(b for b in data["bodies"] if b["id"] == "rats")
            rats["note"] = "Corrected by a curator."
            rats["seats"] = [s for s in rats["seats"] if s["city"] != "Bishkek"]

        client = await client_for(seeded_copy_url)
        import_file(engine_for(seeded_copy_url), copy_seed(tmp_path, edit))
        rats = (await client.get("/v1/bodies/rats")).json()
        assert (rats["revision"], rats["note"]) == (2, "Corrected by a curator.")
        assert [s["city"] for s in rats["seats"]] == ["Tashkent"]
        assert (await client.get("/v1/seats/rats-bishkek-2002-06-07")).status_code == 404


def test_two_seats_of_one_body_never_overlap_in_the_database(
    seeded_copy_url: str, engine_for: Callable[[str], Engine]
) -> None:
    """The database's own guard (a trigger on SQLite, an exclusion on PostgreSQL), whatever
    writes to it."""
    engine = engine_for(seeded_copy_url)
    row = {
        "pid": "rats-almaty-2003-01-01",
        "s": dt.date(2003, 1, 1),
        "p": "day",
    }
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO seat (public_id, revision, body_id, city, state_iso3, start_date, "
                "start_precision) VALUES (:pid, 1, 'rats', 'Almaty', 'KAZ', :s, :p)"
            ),
            row,
        )
    with engine.begin() as conn:  # another body's seat on those days is no clash
        conn.execute(
            text(
                "INSERT INTO seat (public_id, revision, body_id, city, state_iso3, start_date, "
                "start_precision) VALUES (:pid, 1, 'council-of-heads-of-state', 'Almaty', "
                "'KAZ', :s, :p)"
            ),
            {**row, "pid": "chs-almaty-2003-01-01"},
        )


async def test_the_migration_moves_the_secretariat_and_records_it(
    migrated_url: str, tmp_path: Path, engine_for: Callable[[str], Engine], client_for: OpenClient
) -> None:
    """A database that held the Secretariat as a permanent body: after the migration it is a
    body with the same id and sources, the move is a change set of its own, and a version
    before it still answers as it did."""
    engine = engine_for(migrated_url)

    def as_a_permanent_body(data: dict[str, Any]) -> None:
        secretariat = next(b for b in data.pop("bodies") if b["id"] == "secretariat")
        beijing = secretariat["seats"][0]
        data["permanent_bodies"] = [
            {
                "id": "secretariat",
                "name": secretariat["names"]["en"],
                "seat_city": beijing["city"],
                "seat_state": beijing["state"],
                "note": "Opened on 15 January 2004.",
                "sources": [
                    {
                        "source": "sco-secretariat-20th-anniversary",
                        "quote": "Twenty years ago, on 15 January 2004, Beijing, China, hosted "
                        "the opening ceremony of the SCO Secretariat",
                        "states": {"subject": "SCO Secretariat", "dates": []},
                    }
                ],
            }
        ]
        # (nor the RATS directors and the posts' titles, which came after the bodies)
        for name in ("body", "seat", "post_title", "rats_director", *COUNCILS):
            data["coverage"].pop(name)
        data.pop("post_titles")
        data.pop("meetings")
        data["people"] = [
            p for p in data["people"] if all(t["post"] != "rats_director" for t in p["terms"])
        ]

    import_file(engine, copy_seed(tmp_path / "older", as_a_permanent_body))

    def renamed(data: dict[str, Any]) -> None:
        as_a_permanent_body(data)
        correct_astana_city(data)

    renaming = import_file(engine, copy_seed(tmp_path / "renamed", renamed)).seq
    command.downgrade(alembic_config(migrated_url), BEFORE_BODIES)
    migrate(migrated_url)
    with engine.connect() as conn:
        seq = conn.execute(text("SELECT MAX(seq) FROM change_set")).scalar_one()
        channel = conn.execute(
            text("SELECT channel FROM change_set WHERE seq = :s"), {"s": seq}
        ).scalar_one()
        moved = conn.execute(
            text("SELECT kind, op FROM fact_change WHERE seq = :s ORDER BY ordinal"), {"s": seq}
        ).all()
    assert channel == "migration"
    assert [tuple(m) for m in moved] == [("permanent_body", "delete"), ("body", "create")]
    client = await client_for(migrated_url)
    body = (await client.get("/v1/bodies/secretariat")).json()
    assert body["names"]["en"] == "SCO Secretariat"
    assert body["sources"]
    was = (await client.get(f"/v1/snapshot?as_of=2022-03-17&version={seq - 1}")).json()
    assert [(b["id"], b["seat_city"]) for b in was["permanent_bodies"]] == [
        ("secretariat", "Beijing")
    ]
    assert (await client.get(f"/v1/bodies/secretariat?version={seq - 1}")).status_code == 404
    checked = run_cli(migrated_url, "check")
    assert checked.returncode == 0, checked.stderr
    # A change set from before the move still reverts; the move itself, a migration, does not.
    assert run_cli(migrated_url, "revert", str(seq)).returncode == 1
    reverted = run_cli(migrated_url, "revert", str(renaming))
    assert reverted.returncode == 0, reverted.stderr
    assert (await client.get("/v1/summits/2017-astana")).json()["city"] == "Astana"
    assert (await client.get("/v1/bodies/secretariat")).status_code == 200
    # The shipped file then brings the bodies whole, the Secretariat with its seat.
    import_file(engine, copy_seed(tmp_path / "shipped", lambda data: None), force=True)
    day = (await client.get("/v1/bodies/secretariat?as_of=2022-03-17")).json()
    assert day["seat"]["city"] == "Beijing"


class TestHeadsOfBodies:
    async def test_the_rats_directors(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/rats-directors")
        terms = response.json()["items"]
        assert [t["person"]["id"] for t in terms] == [
            "vyacheslav-kasymov",
            "myrzakan-subanov",
            "dzhenisbek-dzhumanbekov",
            "zhang-xinfeng",
            "yevgeny-sysoyev",
            "jumakhon-giyosov",
            "ruslan-mirzaev",
            "ularbek-sharsheev",
        ]
        assert response.headers["Coverage-Until"] == 'rats_director="2025-09-01"'
        zhang = terms[3]
        assert (zhang["start_date"], zhang["end_date"], zhang["basis"]) == (
            "2013-01-01",
            "2015-12-31",
            "stated",
        )
        assert zhang["person"]["nationality"]["iso3"] == "CHN"
        assert zhang["titles"]["zh"] == "地区反恐怖机构执行委员会主任"
        kasymov = terms[0]
        assert (kasymov["start_date"], kasymov["start_date_precision"]) == ("2004", "year")
        assert kasymov["basis"] == "inferred"
        assert kasymov["person"]["nationality"] is None  # no source gives it
        on_a_day = (await client.get("/v1/rats-directors?as_of=2020-05-05")).json()["items"]
        assert [t["person"]["id"] for t in on_a_day] == ["jumakhon-giyosov"]

    async def test_every_posts_terms_and_one_posts(self, client: httpx.AsyncClient) -> None:
        every = await client.get("/v1/terms")
        assert every.json()["total"] == 16
        assert every.headers["Coverage-Until"].startswith("secretary_general=")
        chosen = (await client.get("/v1/terms?post=secretary_general")).json()
        assert {t["post"] for t in chosen["items"]} == {"secretary_general"}
        assert (await client.get("/v1/terms?post=president")).status_code == 422

    async def test_each_term_shows_the_titles_of_its_start(self, client: httpx.AsyncClient) -> None:
        terms = (await client.get("/v1/secretaries-general")).json()["items"]
        first, second = terms[0]["titles"], terms[1]["titles"]
        assert first == {
            "en": "Executive Secretary",
            "ru": "Исполнительный секретарь",
            "zh": "秘书长",
        }
        assert second["ru"] == "Генеральный секретарь"
        assert second["zh"] == "秘书长"
        titles = (await client.get("/v1/post-titles?as_of=2005-01-01")).json()["items"]
        assert {(t["post"], t["language"]) for t in titles} == {
            ("secretary_general", "en"),
            ("secretary_general", "ru"),
            ("secretary_general", "zh"),
            ("rats_director", "en"),
            ("rats_director", "ru"),
            ("rats_director", "zh"),
        }

    async def test_the_head_of_a_body_on_a_day(self, client: httpx.AsyncClient) -> None:
        committee = (
            await client.get("/v1/bodies/rats-executive-committee?as_of=2020-05-05")
        ).json()
        assert committee["head_post"] == "rats_director"
        assert committee["head"]["person"]["id"] == "jumakhon-giyosov"
        day = (await client.get("/v1/snapshot?as_of=2020-05-05")).json()
        assert day["rats_director"]["person"]["id"] == "jumakhon-giyosov"
        events = (
            await client.get("/v1/timeline?type=term_began&from=2019-01-01&to=2019-01-01")
        ).json()
        assert (
            "Jumakhon Giyosov (Tajikistan) takes office as Director of the RATS Executive Committee"
            in [e["summary"] for e in events["items"]]
        )
        popolo = (await client.get("/v1/export/popolo")).json()
        assert "post/rats-director" in {p["id"] for p in popolo["posts"]}

    async def test_a_title_created_changed_and_deleted(
        self,
        curated: Curated,  # noqa: F811
    ) -> None:
        c = curated
        await add_source(c)
        made = await c.post("/v1/post-titles", TITLE)
        assert made.status_code == 201, made.text
        assert made.headers["Location"] == TITLED
        clash = await c.post("/v1/post-titles", {**TITLE, "end_date": "2004-06-30"})
        assert clash.status_code == 409
        changed = await c.patch(TITLED, {"note": "A note."}, etag=await c.etag(TITLED))
        assert changed.json()["revision"] == 2
        gone = await c.client.delete(TITLED, headers={**c.auth(), "If-Match": await c.etag(TITLED)})
        assert gone.status_code == 204


async def test_csv_columns_of_bodies_and_titles(client: httpx.AsyncClient) -> None:
    bodies = await client.get("/v1/bodies?format=csv")
    columns = bodies.text.splitlines()[0].split(",")
    assert {"id", "names.en", "kind", "part_of.id", "head_post", "seat.city"} <= set(columns)
    assert {"decided_on", "start_date", "basis", "source_ids"} <= set(columns)
    titles = await client.get("/v1/post-titles?format=csv")
    columns = titles.text.splitlines()[0].split(",")
    assert {"id", "post", "language", "title", "start_date", "end_date", "basis"} <= set(columns)
    directors = await client.get("/v1/rats-directors?format=csv")
    columns = directors.text.splitlines()[0].split(",")
    assert {"post", "titles.ru", "person.id", "person.nationality.iso3"} <= set(columns)
