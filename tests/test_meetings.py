"""The meetings of the councils (issue "The SCO's own structure"): of the Council of Heads of
Government and of the Council of Foreign Ministers, and the summits in the same shape, on
both engines: read, written over HTTP and by import, pinned by version, in CSV, coverage,
the snapshot, the timeline and Popolo."""

import csv
import io
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.api.example_bodies import MEETING, MET
from app.writes.importing import import_file
from tests.conftest import OpenClient
from tests.test_seed import copy_seed
from tests.test_writes import Curated, add_source, curated  # noqa: F401  (a fixture)

pytestmark = pytest.mark.anyio

CHG = "council-of-heads-of-government"
CFM = "council-of-foreign-ministers"


async def items(client: httpx.AsyncClient, query: str) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/meetings?{query}&limit=1000")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["items"]
    return found


class TestHeadsOfGovernment:
    async def test_every_meeting_in_order_and_numbered(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"/v1/meetings?body={CHG}&limit=100")
        assert response.headers["Coverage-Until"] == f'{CHG}="2025-11-18"'
        meetings = response.json()["items"]
        assert [m["ordinal"] for m in meetings] == list(range(1, 25))
        first, last = meetings[0], meetings[-1]
        assert (first["city"], first["start_date"], first["host"]["iso3"]) == (
            "Almaty",
            "2001-09-14",
            "KAZ",
        )
        assert (last["city"], last["start_date"], last["end_date"]) == (
            "Moscow",
            "2025-11-17",
            "2025-11-18",
        )
        assert all(any(c["states"] for c in m["sources"]) for m in meetings)
        assert {m["format"] for m in meetings} == {"in_person", "virtual"}

    async def test_the_last_meeting_before_a_day(self, client: httpx.AsyncClient) -> None:
        before = await items(client, f"body={CHG}&to=2024-12-01")
        assert (before[-1]["city"], before[-1]["start_date"]) == ("Islamabad", "2024-10-16")
        in_2011 = await items(client, f"body={CHG}&year=2011")
        assert [m["city"] for m in in_2011] == ["Saint Petersburg"]


class TestForeignMinisters:
    async def test_regular_and_extraordinary_sessions(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"/v1/meetings?body={CFM}&limit=100")
        # The 2004 regular session was not found: coverage starts in 2005, not before.
        assert response.headers["Coverage-Until"] == f'{CFM}="2025-07-15"'
        meetings = response.json()["items"]
        assert len(meetings) == 29
        assert not [m for m in meetings if m["start_date"].startswith("2004")]
        extraordinary = [m["city"] for m in meetings if m["extraordinary"]]
        assert extraordinary == ["Beijing", "Tashkent", "New York", "New York"]
        tashkent = (await client.get(f"/v1/meetings/{CFM}-2022-07-28")).json()
        assert (tashkent["start_date"], tashkent["end_date"]) == ("2022-07-28", "2022-07-29")
        covered = (await client.get("/v1")).json()["coverage"][CFM]
        assert covered == {"since": "2005-01-01", "until": "2025-07-15"}


class TestInTheMeetingShape:
    async def test_summits_are_the_heads_of_states_meetings_with_their_ids(
        self, client: httpx.AsyncClient
    ) -> None:
        summits = await items(client, "body=council-of-heads-of-state&year=2022")
        assert [m["id"] for m in summits] == ["2022-samarkand"]
        assert summits[0]["body"]["href"] == "/v1/bodies/council-of-heads-of-state"
        one = (await client.get("/v1/meetings/2022-samarkand")).json()
        assert (one["city"], one["start_date"]) == ("Samarkand", "2022-09-15")
        every = await items(client, "year=2022")
        assert {m["body"]["id"] for m in every} == {"council-of-heads-of-state", CHG, CFM}

    async def test_refusals(self, client: httpx.AsyncClient) -> None:
        unknown = await client.get("/v1/meetings?body=council-of-defence-ministers")
        assert unknown.status_code == 422
        assert CHG in unknown.text
        empty = await client.get("/v1/meetings?from=2020-01-01&to=2019-01-01")
        assert empty.status_code == 422
        assert (await client.get(f"/v1/meetings/{CHG}-1999-01-01")).status_code == 404

    async def test_csv_columns(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"/v1/meetings?body={CHG}&format=csv")
        columns = next(csv.reader(io.StringIO(response.text)))
        assert {"id", "body.id", "ordinal", "extraordinary", "host.iso3", "city"} <= set(columns)
        assert {"start_date", "end_date", "format", "source_ids"} <= set(columns)


class TestInTheSnapshotTimelineAndPopolo:
    async def test_the_latest_meeting_of_each_council(self, client: httpx.AsyncClient) -> None:
        day = (await client.get("/v1/snapshot?as_of=2024-11-01")).json()
        latest = {m["body"]["id"]: m["id"] for m in day["meetings"]}
        assert latest == {
            "council-of-heads-of-state": "2024-astana",
            CHG: f"{CHG}-2024-10-16",
            CFM: f"{CFM}-2024-05-21",
        }
        assert day["not_covered"] == []
        early = (await client.get("/v1/snapshot?as_of=2004-06-30")).json()
        assert CFM in early["not_covered"]  # its 2004 session was not found

    async def test_timeline_and_popolo(self, client: httpx.AsyncClient) -> None:
        asked = "/v1/timeline?type=meeting&from=2024-10-16&to=2024-10-16"
        [event] = (await client.get(asked)).json()["items"]
        assert event["summary"].startswith("Meeting of the Council of Heads of Government")
        assert "Islamabad (Pakistan)" in event["summary"]
        assert event["body"]["id"] == CHG
        popolo = (await client.get("/v1/export/popolo")).json()
        met = next(e for e in popolo["events"] if e["id"] == f"meeting/{CHG}-2024-10-16")
        assert (met["start_date"], met["organization_id"]) == ("2024-10-16", f"body/{CHG}")


class TestWrites:
    async def test_a_meeting_created_changed_and_deleted(
        self,
        curated: Curated,  # noqa: F811
    ) -> None:
        c = curated
        await add_source(c)
        before = await c.version()
        made = await c.post("/v1/meetings", MEETING)
        assert made.status_code == 201, made.text
        assert made.headers["Location"] == MET
        assert (await c.client.get(f"{MET}?version={before}")).status_code == 404
        clash = await c.post("/v1/meetings", {**MEETING, "start_date": "2027-10-21"})
        assert clash.status_code == 409, clash.text
        endless = {k: v for k, v in MEETING.items() if k != "end_date"}
        refused = await c.post("/v1/meetings", {**endless, "start_date": "2027-12-01"})
        assert refused.status_code == 422, refused.text
        assert "end_date" in refused.text
        changed = await c.patch(MET, {"ordinal": 26}, etag=await c.etag(MET))
        assert (changed.json()["ordinal"], changed.json()["revision"]) == (26, 2)
        gone = await c.client.delete(MET, headers={**c.auth(), "If-Match": await c.etag(MET)})
        assert gone.status_code == 204
        assert (await c.client.get(MET)).status_code == 404

    async def test_a_meeting_corrected_by_import(
        self, seeded_copy_url: str, tmp_path: Path, engine_for: Any, client_for: OpenClient
    ) -> None:
        def edit(data: dict[str, Any]) -> None:
            moscow = next(m for m in data["meetings"] if m["id"] == f"{CHG}-2025-11-17")
            moscow["note"] = "Corrected by a curator."

        client = await client_for(seeded_copy_url)
        import_file(engine_for(seeded_copy_url), copy_seed(tmp_path, edit))
        moscow = (await client.get(f"/v1/meetings/{CHG}-2025-11-17")).json()
        assert (moscow["note"], moscow["revision"]) == ("Corrected by a curator.", 2)
