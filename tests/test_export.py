"""GET /v1/export (the dataset file as JSON or YAML) and /v1/export/popolo."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import Engine

from app.writes import dataset_file
from app.writes.importing import export, import_file
from tests.conftest import OpenClient
from tests.test_seed import copy_seed, correct_astana_city

pytestmark = pytest.mark.anyio


def cli_export(engine: Engine, tmp_path: Path) -> dict[str, Any]:
    """What `sco-api export` writes, read back as the dataset file's content."""
    path = tmp_path / "cli" / "dataset.yaml"
    export(engine, path)
    return dataset_file.document(dataset_file.parse_file(path)[0])


class TestExport:
    async def test_the_json_export_is_the_cli_export_with_the_version(
        self,
        client: httpx.AsyncClient,
        seeded_url: str,
        engine_for: Callable[[str], Engine],
        tmp_path: Path,
    ) -> None:
        response = await client.get("/v1/export")
        assert response.status_code == 200, response.text
        body = response.json()
        info = (await client.get("/v1")).json()
        assert body["version"] == info["version"] == int(response.headers["dataset-version"])
        assert body["committed_at"] == info["committed_at"]
        assert body["epoch"]
        assert body["dataset"] == cli_export(engine_for(seeded_url), tmp_path)
        assert response.headers["content-disposition"] == (
            f'attachment; filename="sco-dataset-v{body["version"]}.json"'
        )

    async def test_every_source_text_is_inline(self, client: httpx.AsyncClient) -> None:
        sources = (await client.get("/v1/export")).json()["dataset"]["sources"]
        assert not any("text_file" in s for s in sources)
        full = [s for s in sources if s.get("text_scope") == "full"]
        assert full
        assert all(s["text"] for s in full)

    async def test_yaml_by_format_or_accept_and_406_for_neither(
        self, client: httpx.AsyncClient
    ) -> None:
        by_format = await client.get("/v1/export?format=yaml")
        by_accept = await client.get("/v1/export", headers={"accept": "application/yaml"})
        assert by_format.text == by_accept.text
        assert by_format.headers["content-type"] == "application/yaml"
        assert "accept" in by_format.headers["vary"].lower()
        version = by_format.headers["dataset-version"]
        assert by_format.headers["content-disposition"] == (
            f'attachment; filename="sco-dataset-v{version}.yaml"'
        )
        data = yaml.safe_load(by_format.text)
        assert {"sources", "states", "people", "summits", "presidencies"} <= data.keys()
        refused = await client.get("/v1/export", headers={"accept": "text/csv"})
        assert refused.status_code == 406

    async def test_the_yaml_imports_into_an_empty_database_and_exports_the_same(
        self,
        client: httpx.AsyncClient,
        migrated_url: str,
        engine_for: Callable[[str], Engine],
        client_for: OpenClient,
        tmp_path: Path,
    ) -> None:
        downloaded = (await client.get("/v1/export?format=yaml")).text
        path = tmp_path / "mirror.yaml"
        path.write_text(downloaded, encoding="utf-8")
        outcome = import_file(engine_for(migrated_url), path)
        assert outcome.seq == 1
        mirror = await client_for(migrated_url)
        again = (await mirror.get("/v1/export")).json()
        original = (await client.get("/v1/export")).json()
        assert again["dataset"] == original["dataset"]
        for path_ in ("/v1/states", "/v1/summits", "/v1/sources/indian-awaaz-2022-03-20"):
            ours, theirs = (await client.get(path_)).json(), (await mirror.get(path_)).json()
            assert ours == theirs, path_

    async def test_version_gives_the_earlier_export(
        self,
        seeded_copy_url: str,
        engine_for: Callable[[str], Engine],
        client_for: OpenClient,
        tmp_path: Path,
    ) -> None:
        client = await client_for(seeded_copy_url)
        before = (await client.get("/v1/export")).json()
        import_file(engine_for(seeded_copy_url), copy_seed(tmp_path, correct_astana_city))
        now = (await client.get("/v1/export")).json()
        pinned = await client.get(f"/v1/export?version={before['version']}")
        assert now["version"] == before["version"] + 1

        def astana(export: dict[str, Any]) -> str:
            city: str = next(
                s["city"] for s in export["dataset"]["summits"] if s["id"] == "2017-astana"
            )
            return city

        assert (astana(before), astana(now)) == ("Astana", "Nur-Sultan")
        assert pinned.json() == before
        assert pinned.headers["cache-control"] == "public, max-age=31536000, immutable"
        popolo = (await client.get(f"/v1/export/popolo?version={before['version']}")).json()
        assert popolo == (await client.get("/v1/export/popolo?version=1")).json()


def by_id(items: list[dict[str, Any]], item_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(i for i in items if i["id"] == item_id)
    return found


class TestPopolo:
    @pytest.fixture
    async def doc(self, client: httpx.AsyncClient) -> dict[str, Any]:
        response = await client.get("/v1/export/popolo")
        assert response.status_code == 200, response.text
        version = response.headers["dataset-version"]
        assert response.headers["content-disposition"] == (
            f'attachment; filename="sco-popolo-v{version}.json"'
        )
        body: dict[str, Any] = response.json()
        return body

    async def test_the_sco_its_bodies_and_the_states_are_organizations(
        self, doc: dict[str, Any]
    ) -> None:
        orgs = doc["organizations"]
        sco = by_id(orgs, "sco")
        assert sco["name"] == "Shanghai Cooperation Organisation"
        assert sco["founding_date"] == "2001-06-15"
        assert {"name": "上海合作组织", "lang": "zh"} in sco["other_names"]
        secretariat = by_id(orgs, "body/secretariat")
        assert (secretariat["parent_id"], secretariat["classification"]) == (
            "sco",
            "permanent body",
        )
        assert secretariat["sources"]
        india = by_id(orgs, "state/IND")
        assert india["classification"] == "state"
        identifiers = {i["scheme"]: i["identifier"] for i in india["identifiers"]}
        assert identifiers == {
            "iso3166-1-alpha-3": "IND",
            "iso3166-1-alpha-2": "IN",
            "iso3166-1-numeric": "356",
            "wikidata": "Q668",
        }
        assert {"name": "Индия", "lang": "ru"} in india["other_names"]

    async def test_indias_membership_from_2017_06_09_with_its_source(
        self, doc: dict[str, Any]
    ) -> None:
        member = by_id(doc["memberships"], "ind-member-2017-06-09")
        assert member["member"] == {"@type": "Organization", "id": "state/IND"}
        assert (member["organization_id"], member["role"]) == ("sco", "member")
        assert member["start_date"] == "2017-06-09"
        assert "end_date" not in member, "it still holds"
        assert member["sources"]
        assert all(s["url"] and s["note"] for s in member["sources"])
        assert any(s.get("quote") for s in member["sources"])
        observer = by_id(doc["memberships"], "ind-observer-2005-07-05")
        assert observer["role"] == "observer"

    async def test_partial_dates_keep_their_precision(self, doc: dict[str, Any]) -> None:
        belarus = by_id(doc["memberships"], "blr-dialogue-partner-2010")
        assert (belarus["role"], belarus["start_date"]) == ("dialogue partner", "2010")

    async def test_people_posts_and_terms(self, doc: dict[str, Any]) -> None:
        post = by_id(doc["posts"], "post/secretary-general")
        assert post == {
            "id": "post/secretary-general",
            "label": "Secretary-General",
            "role": "Secretary-General",
            "organization_id": "sco",
        }
        assert {p["id"] for p in doc["posts"]} == {"post/secretary-general", "post/rats-director"}
        zhang = by_id(doc["persons"], "person/zhang-ming")
        langs = {n.get("lang") for n in zhang["other_names"]}
        assert {"ru", "zh"} <= langs
        norov = by_id(doc["persons"], "person/vladimir-norov")
        assert {"scheme": "wikidata", "identifier": "Q365665"} in norov["identifiers"]
        assert norov["national_identity"] == "Uzbekistan"
        term = by_id(doc["memberships"], "zhang-ming-secretary-general-2022-01-01")
        assert term["person_id"] == "person/zhang-ming"
        assert (term["post_id"], term["role"]) == ("post/secretary-general", "Secretary-General")
        assert term["sources"]
