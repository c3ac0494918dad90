"""The organisation itself (issue "The SCO's own structure"): /v1/organisation, its founding
acts (/v1/documents), its languages and its standings in other organisations, on both
engines: read, written over HTTP and by import, pinned by version, in CSV, in /v1's
coverage, in the snapshot, the timeline and the Popolo export."""

import csv
import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from app.api.example_bodies import ENGLISH, EXAMPLE_SOURCE, STANDING, TREATY
from app.writes.importing import import_file
from tests.conftest import OpenClient
from tests.test_seed import copy_seed
from tests.test_writes import Curated, add_source, curated  # noqa: F401  (a fixture)

pytestmark = pytest.mark.anyio

FOUNDING_ACTS = [
    "shanghai-agreement-1996",
    "declaration-2001",
    "shanghai-convention-2001",
    "charter",
    "rats-agreement-2002",
    "charter-protocol-2003",
    "charter-protocol-2006",
]
NEW_SECTIONS = ("organisation", "documents", "languages", "standings")


def header(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return next(csv.reader(io.StringIO(response.text)))


class TestTheOrganisation:
    async def test_its_names_founding_predecessor_and_headquarters(
        self, client: httpx.AsyncClient
    ) -> None:
        o = (await client.get("/v1/organisation?as_of=2022-03-17")).json()
        assert o["id"] == "sco"
        assert o["names"] == {
            "en": "Shanghai Cooperation Organisation",
            "ru": "Шанхайская организация сотрудничества",
            "zh": "上海合作组织",
        }
        assert o["short_names"] == {"en": "SCO", "ru": "ШОС", "zh": "上合组织"}
        assert (o["founded_on"], o["founded_on_precision"]) == ("2001-06-15", "day")
        assert o["founding_document"]["href"] == "/v1/documents/declaration-2001"
        assert o["predecessor"]["names"]["en"] == "Shanghai Five"
        assert o["predecessor"]["first_met_on"] == "1996-04-26"
        assert o["headquarters"]["body"] == "secretariat"
        assert o["headquarters"]["city"] == "Beijing"
        assert o["headquarters"]["state"]["iso3"] == "CHN"
        stated = {d for c in o["sources"] if c["states"] for d in c["states"]["dates"]}
        assert stated == {"founded_on", "predecessor_first_met_on"}

    async def test_its_languages_and_standings_are_those_of_the_day(
        self, client: httpx.AsyncClient
    ) -> None:
        before = (await client.get("/v1/organisation?as_of=2003-09-18")).json()
        assert before["languages"] == []
        assert before["standings"] == []
        charter = (await client.get("/v1/organisation?as_of=2022-03-17")).json()
        assert [lang["language"] for lang in charter["languages"]] == ["ru", "zh"]
        zh = charter["languages"][1]
        assert zh["names"] == {"en": "Chinese", "ru": "китайский", "zh": "中文"}
        assert zh["roles"] == ["official", "working"]
        assert zh["basis"] == "inferred"
        assert zh["holds"] == "possibly"
        assert [s["organisation"]["id"] for s in charter["standings"]] == ["un-general-assembly"]
        assert charter["not_covered"] == []
        cis = (await client.get("/v1/organisation?as_of=2025-10-10")).json()["standings"][1]
        assert cis["organisation"]["names"]["ru"] == "Содружество Независимых Государств"
        assert (cis["status"], cis["start_date"], cis["basis"]) == (
            "observer",
            "2025-10-10",
            "stated",
        )

    async def test_past_its_coverage_it_says_what_it_does_not_hold(
        self, client: httpx.AsyncClient
    ) -> None:
        covered = (await client.get("/v1")).json()["coverage"]
        assert covered["language"]["until"] == covered["standing"]["until"] == "2025-10-10"
        later = (await client.get("/v1/organisation?as_of=2026-01-01")).json()
        assert later["not_covered"] == ["language", "standing"]
        assert later["languages"]  # still shown, as the sources last left them

    async def test_a_version_from_before_it_was_recorded_answers_404(
        self, seeded_copy_url: str, tmp_path: Path, engine_for: Any, client_for: OpenClient
    ) -> None:
        """An existing database gets the new facts by importing the shipped file, as one
        change set: pinned before it, the organisation and its acts are not there."""
        engine: Engine = engine_for(seeded_copy_url)

        def without_them(data: dict[str, Any]) -> None:
            for section in NEW_SECTIONS:
                data.pop(section, None)
            for name in ("document", "language", "standing"):
                data["coverage"].pop(name, None)

        import_file(engine, copy_seed(tmp_path / "older", without_them))
        client = await client_for(seeded_copy_url)
        older = int((await client.get("/v1")).headers["Dataset-Version"])
        assert (await client.get("/v1/organisation")).status_code == 404
        import_file(engine, copy_seed(tmp_path / "shipped", lambda data: None))
        assert (await client.get("/v1/organisation")).status_code == 200
        pinned = await client.get(f"/v1/organisation?version={older}")
        assert pinned.status_code == 404, pinned.text
        assert (await client.get(f"/v1/documents/charter?version={older}")).status_code == 404
        listed = (await client.get(f"/v1/documents?version={older}")).json()
        assert listed["total"] == 0
        assert (await client.get(f"/v1/documents?version={older + 1}")).json()["total"] == 7
        change = (await client.get(f"/v1/change-sets/{older + 1}")).json()
        kinds = {c["kind"] for c in change["changes"] if c["op"] == "create"}
        assert {"organisation", "document", "language", "standing", "coverage"} <= kinds


class TestFoundingActs:
    async def test_the_acts_in_the_order_signed_with_their_coverage(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/v1/documents")
        assert [d["id"] for d in response.json()["items"]] == FOUNDING_ACTS
        assert response.headers["Coverage-Until"] == 'document="2025-10-10"'
        signed = (await client.get("/v1/documents?as_of=2002-06-07")).json()["items"]
        assert [d["id"] for d in signed] == FOUNDING_ACTS[:5]

    async def test_the_charter_its_signing_entry_into_force_and_amendments(
        self, client: httpx.AsyncClient
    ) -> None:
        charter = (await client.get("/v1/documents/charter?as_of=2003-09-18")).json()
        assert charter["titles"]["ru"] == "Хартия Шанхайской организации сотрудничества"
        assert charter["short_title"] == "SCO Charter"
        assert (charter["signed_on"], charter["place"]) == ("2002-06-07", "Saint Petersburg")
        assert charter["place_state"]["iso3"] == "RUS"
        assert charter["in_force_on"] == "2003-09-19"
        assert charter["in_force"] is False
        amended = [d["id"] for d in charter["amended_by"]]
        assert amended == ["charter-protocol-2003", "charter-protocol-2006"]
        stated = {d for c in charter["sources"] if c["states"] for d in c["states"]["dates"]}
        assert stated == {"signed_on", "in_force_on"}
        in_force = (await client.get("/v1/documents/charter?as_of=2003-09-19")).json()
        assert in_force["in_force"] is True
        protocol = (await client.get("/v1/documents/charter-protocol-2003")).json()
        assert [d["id"] for d in protocol["amends"]] == ["charter"]
        assert protocol["place"] == "Tashkent"
        assert protocol["in_force"] is None  # no as_of

    async def test_an_unknown_act_is_404_naming_where_they_are_listed(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/v1/documents/constitution")
        assert response.status_code == 404
        assert response.headers["Content-Type"] == "application/problem+json"
        assert "GET /v1/documents lists them" in response.json()["detail"]

    async def test_csv_columns(self, client: httpx.AsyncClient) -> None:
        documents = header(await client.get("/v1/documents?format=csv"))
        assert documents[:8] == [
            "id",
            "revision",
            "titles.en",
            "titles.ru",
            "titles.zh",
            "short_title",
            "aliases",
            "signed_on",
        ]
        assert {"in_force_on", "in_force", "amend_ids", "source_ids"} <= set(documents)
        languages = header(await client.get("/v1/languages?format=csv"))
        assert {"language", "roles", "names.en", "basis", "inference"} <= set(languages)
        standings = header(await client.get("/v1/standings?format=csv"))
        assert {"organisation.id", "organisation.names.en", "status", "instrument"} <= set(
            standings
        )


class TestInTheSnapshotTimelineAndPopolo:
    async def test_the_snapshot_shows_acts_languages_and_standings(
        self, client: httpx.AsyncClient
    ) -> None:
        day = (await client.get("/v1/snapshot?as_of=2003-09-19")).json()
        in_force = {d["document"]["id"]: d["in_force"] for d in day["documents"]}
        assert in_force["charter"] is True
        assert in_force["declaration-2001"] is None
        assert "charter-protocol-2006" not in in_force
        assert [lang["language"] for lang in day["languages"]] == ["ru", "zh"]
        assert day["standings"] == []
        later = (await client.get("/v1/snapshot?as_of=2005-01-01")).json()
        assert [s["id"] for s in later["standings"]] == ["un-general-assembly-observer-2004-12"]
        assert later["standings"][0]["holds"] == "possibly"

    async def test_the_timeline_shows_acts_and_standings(self, client: httpx.AsyncClient) -> None:
        types = "document_signed,document_in_force,standing_began,standing_ended"
        events = (await client.get(f"/v1/timeline?type={types}&limit=100")).json()["items"]
        signed = [e for e in events if e["type"] == "document_signed"]
        assert [e["document"]["id"] for e in signed] == [
            "shanghai-agreement-1996",
            "declaration-2001",
            "shanghai-convention-2001",
            "rats-agreement-2002",
            "charter",
            "charter-protocol-2003",
            "charter-protocol-2006",
        ]
        charter = next(
            e for e in events if e["type"] == "document_in_force" and e["date"] == "2003-09-19"
        )
        assert charter["summary"] == "SCO Charter enters into force"
        assert charter["sources"]
        un = next(e for e in events if e["type"] == "standing_began")
        assert (un["date"], un["date_precision"]) == ("2004-12", "month")
        assert un["organisation"]["id"] == "un-general-assembly"

    async def test_popolo_takes_the_names_from_the_record(self, client: httpx.AsyncClient) -> None:
        doc = (await client.get("/v1/export/popolo")).json()
        sco = doc["organizations"][0]
        assert sco["name"] == "Shanghai Cooperation Organisation"
        assert {"name": "上合组织", "lang": "zh", "note": "abbreviation"} in sco["other_names"]
        assert sco["founding_date"] == "2001-06-15"
        assert sco["sources"]
        un = next(o for o in doc["organizations"] if o["id"] == "organization/un-general-assembly")
        assert un["classification"] == "international organization"
        standing = next(m for m in doc["memberships"] if m["organization_id"] == un["id"])
        assert standing["member"] == {"@type": "Organization", "id": "sco"}
        assert (standing["role"], standing["start_date"]) == ("observer", "2004-12")
        charter = next(e for e in doc["events"] if e["id"] == "document/charter/in-force")
        assert charter["start_date"] == "2003-09-19"


# The new kinds written over HTTP: the path, the body that creates one, its id, and a change.
WRITTEN = [
    ("/v1/documents", TREATY, "example-treaty", {"short_title": "The example"}),
    ("/v1/standings", STANDING, "example-union-observer-2027-04-03", {"instrument": "A decision"}),
    ("/v1/languages", ENGLISH, "en-2027-07-01", {"roles": ["official", "working"]}),
]


class TestWrites:
    @pytest.mark.parametrize(("path", "body", "fact_id", "change"), WRITTEN)
    async def test_created_changed_and_deleted_over_http(
        self,
        curated: Curated,  # noqa: F811
        path: str,
        body: dict[str, Any],
        fact_id: str,
        change: dict[str, Any],
    ) -> None:
        c = curated
        await add_source(c)
        before = await c.version()
        made = await c.post(path, body)
        assert made.status_code == 201, made.text
        location = f"{path}/{fact_id}"
        assert made.headers["Location"] == location
        assert made.json()["revision"] == 1
        assert (await c.client.get(f"{location}?version={before}")).status_code == 404
        assert (await c.client.get(f"{location}?version={before + 1}")).status_code == 200
        listed = (await c.client.get(path)).json()["items"]
        assert fact_id in [item["id"] for item in listed]
        changed = await c.patch(location, change, etag=await c.etag(location))
        assert changed.status_code == 200, changed.text
        assert changed.json()["revision"] == 2
        for name, value in change.items():
            assert changed.json()[name] == value
        gone = await c.client.delete(
            location, headers={**c.auth(), "If-Match": await c.etag(location)}
        )
        assert gone.status_code == 204, gone.text
        assert (await c.client.get(location)).status_code == 404
        feed = (await c.client.get(f"/v1/changes?since={before}")).json()["items"]
        assert [[ch["op"] for ch in s["changes"]] for s in feed] == [
            ["create"],
            ["update"],
            ["delete"],
        ]
        assert {ch["kind"] for s in feed for ch in s["changes"]} == {path.split("/")[-1][:-1]}

    async def test_a_treaty_names_the_charter_it_amends(self, curated: Curated) -> None:  # noqa: F811
        c = curated
        await add_source(c)
        assert (await c.post("/v1/documents", TREATY)).status_code == 201
        charter = (await c.client.get("/v1/documents/charter")).json()
        assert "example-treaty" in [d["id"] for d in charter["amended_by"]]
        refused = await c.client.delete(
            "/v1/documents/charter",
            headers={**c.auth(), "If-Match": await c.etag("/v1/documents/charter")},
        )
        assert refused.status_code == 422, refused.text
        unknown = await c.post("/v1/documents", {**TREATY, "id": "x", "amends": ["nothing"]})
        assert unknown.status_code == 422
        assert "'nothing' is not listed" in unknown.text

    async def test_two_standings_in_one_organisation_may_not_overlap(
        self,
        curated: Curated,  # noqa: F811
    ) -> None:
        c = curated
        await add_source(c)
        clash = await c.post("/v1/standings", {**STANDING, "organisation": "cis"})
        assert clash.status_code == 409, clash.text
        assert "cis-observer-2025-10-10" in clash.text

    async def test_a_language_that_is_not_iso_639_is_refused(
        self,
        curated: Curated,  # noqa: F811
    ) -> None:
        c = curated
        await add_source(c)
        refused = await c.post("/v1/languages", {**ENGLISH, "language": "xx"})
        assert refused.status_code == 422
        assert "ISO 639-1" in refused.text

    async def test_the_organisation_changes_through_a_change_set(
        self,
        curated: Curated,  # noqa: F811
    ) -> None:
        c = curated
        aliases = (await c.client.get("/v1/organisation")).json()["aliases"]

        def change(data: dict[str, Any], revision: int) -> dict[str, Any]:
            update = {"op": "update", "kind": "organisation", "id": "sco", "revision": revision}
            return {"reason": "a curator's change", "operations": [{**update, "data": data}]}

        made = await c.post("/v1/change-sets", change({"note": "Seated in Beijing."}, 1))
        assert made.status_code == 201, made.text
        o = (await c.client.get("/v1/organisation")).json()
        assert (o["revision"], o["note"]) == (2, "Seated in Beijing.")
        unquoted = await c.post("/v1/change-sets", change({"aliases": [*aliases, "ShOS"]}, 2))
        assert unquoted.status_code == 422
        assert "'ShOS' occurs in none of its sources' quotes" in unquoted.text
        # There is one organisation: a change set updates it, never creates another.
        create = {"op": "create", "kind": "organisation", "data": {"names": {"en": "X"}}}
        another = await c.post("/v1/change-sets", {"reason": "r", "operations": [create]})
        assert another.status_code == 422, another.text
        assert "organisation is only updated" in another.text


async def test_created_changed_and_deleted_by_import(
    seeded_copy_url: str, tmp_path: Path, engine_for: Any, client_for: OpenClient
) -> None:
    """A founding act added, a standing corrected and a language removed in the dataset file
    and imported; the headquarters follows the Secretariat's seat, not a fact of its own."""

    def edit(data: dict[str, Any]) -> None:
        source = {k: v for k, v in EXAMPLE_SOURCE.items() if k != "published_on"}
        data["sources"].append({**source, "published": "2026-12-01", "claims": []})
        treaty = {
            "titles": TREATY["titles"],
            "signed": TREATY["signed_on"],
            "place": TREATY["place"],
            "sources": [
                {
                    "source": "example-source",
                    "quote": TREATY["sources"][0]["quote"],
                    "states": {
                        "subject": "Example Treaty",
                        "date": "2 March 2027",
                        "dates": ["signed"],
                    },
                }
            ],
        }
        data["documents"].append({"id": "example-treaty", **treaty})
        cis = next(s for s in data["standings"] if s["organisation"] == "cis")
        cis["note"] = "Corrected by a curator."
        data["languages"] = [lang for lang in data["languages"] if lang["language"] != "ru"]
        secretariat = next(b for b in data["bodies"] if b["id"] == "secretariat")
        secretariat["seats"][0]["city"] = "Peking"
        # (and the claim that the SCO is Beijing-based, which the move would contradict)
        awaaz = next(s for s in data["sources"] if s["id"] == "indian-awaaz-2022-03-20")
        awaaz["claims"] = [c for c in awaaz["claims"] if "Beijing-based" not in c["statement"]]

    client = await client_for(seeded_copy_url)
    before = int((await client.get("/v1")).headers["Dataset-Version"])
    import_file(engine_for(seeded_copy_url), copy_seed(tmp_path, edit))
    treaty = (await client.get("/v1/documents/example-treaty")).json()
    assert treaty["signed_on"] == "2027-03-02"
    cis = (await client.get("/v1/standings/cis-observer-2025-10-10")).json()
    assert (cis["note"], cis["revision"]) == ("Corrected by a curator.", 2)
    assert (await client.get("/v1/languages/ru-2003-09-19")).status_code == 404
    o = (await client.get("/v1/organisation?as_of=2022-03-17")).json()
    assert [lang["language"] for lang in o["languages"]] == ["zh"]
    assert o["headquarters"]["city"] == "Peking"
    change = (await client.get(f"/v1/change-sets/{before + 1}")).json()
    done = {(ch["kind"], ch["op"]) for ch in change["changes"]}
    assert {
        ("document", "create"),
        ("standing", "update"),
        ("language", "delete"),
        ("seat", "update"),
    } <= done
    was = (await client.get(f"/v1/organisation?version={before}&as_of=2022-03-17")).json()
    assert [lang["language"] for lang in was["languages"]] == ["ru", "zh"]
