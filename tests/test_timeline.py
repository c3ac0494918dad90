"""A state's timeline and the organisation's timeline."""

from typing import Any

import httpx
import pytest

from app.core.dates import parse
from app.domain.public import EventType

pytestmark = pytest.mark.anyio


async def events(client: httpx.AsyncClient, query: str = "") -> list[dict[str, Any]]:
    response = await client.get(f"/v1/timeline?limit=1000{query}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    items: list[dict[str, Any]] = body["items"]
    return items


async def state_events(client: httpx.AsyncClient, code: str) -> list[tuple[str, str, Any, Any]]:
    response = await client.get(f"/v1/states/{code}/timeline")
    assert response.status_code == 200, response.text
    return [
        (e["date"], e["type"], e["from_status"], e["to_status"]) for e in response.json()["events"]
    ]


class TestStateTimeline:
    async def test_a_founder_was_granted_membership_at_the_founding(
        self, client: httpx.AsyncClient
    ) -> None:
        assert await state_events(client, "kz") == [
            ("2001-06-15", "status_granted", None, "member")
        ]

    async def test_iran_observer_then_member_with_the_decision_date(
        self, client: httpx.AsyncClient
    ) -> None:
        body = (await client.get("/v1/states/IRN/timeline")).json()
        assert (body["state"]["iso3"], body["state"]["iso2"]) == ("IRN", "IR")
        assert (body["state"]["numeric"], body["state"]["name"]) == ("364", "Iran")
        iran = (await client.get("/v1/states/IRN")).json()
        fields = ("iso3", "iso2", "numeric", "name", "names")
        assert body["state"] == {field: iran[field] for field in fields}
        member = next(e for e in body["events"] if e["to_status"] == "member")
        assert member["date"] == "2023-07-04"
        assert member["decided_on"] == "2021-09-17"
        assert member["sources"]
        assert member["state"] == body["state"]

    async def test_belarus_dialogue_partner_observer_member(
        self, client: httpx.AsyncClient
    ) -> None:
        # The memorandum is known to the year only; each later change is one event.
        assert await state_events(client, "BY") == [
            ("2010", "status_granted", None, "dialogue_partner"),
            ("2015-07-10", "status_changed", "dialogue_partner", "observer"),
            ("2024-07-04", "status_changed", "observer", "member"),
        ]

    async def test_events_are_in_order_and_sourced(self, client: httpx.AsyncClient) -> None:
        for code in ("CHN", "IND", "IRN", "BLR"):
            body = (await client.get(f"/v1/states/{code}/timeline")).json()
            days = [parse(e["date"])[0] for e in body["events"]]
            assert days == sorted(days)
            assert all(e["sources"] for e in body["events"])
            # One event where each of the state's status periods begins, none missing.
            state = (await client.get(f"/v1/states/{code}")).json()
            starts = [p["start_date"] for p in state["history"]]
            assert starts, code
            assert [e["date"] for e in body["events"] if e["to_status"]] == starts, code

    async def test_a_state_without_status_is_404_and_a_bad_code_422(
        self, client: httpx.AsyncClient
    ) -> None:
        assert (await client.get("/v1/states/FRA/timeline")).status_code == 404
        refused = await client.get("/v1/states/1/timeline")
        assert refused.status_code == 422
        assert refused.headers["content-type"] == "application/problem+json"


class TestTimeline:
    async def test_every_event_in_order(self, client: httpx.AsyncClient) -> None:
        items = await events(client)
        days = [parse(e["date"])[0] for e in items]
        assert days == sorted(days)
        # No state has ever left the SCO: every status ended by turning into another; no
        # standing of the SCO in another organisation has ended.
        ended = {EventType.status_ended, EventType.standing_ended}
        assert {e["type"] for e in items} == set(EventType) - ended
        assert all(e["sources"] for e in items)

    async def test_one_year_of_events(self, client: httpx.AsyncClient) -> None:
        items = await events(client, "&from=2022-01-01&to=2022-12-31")
        kinds = [(e["date"], e["type"]) for e in items]
        assert ("2022-01-01", "term_began") in kinds
        assert ("2022-09-15", "summit") in kinds
        handover = next(e for e in items if e["type"] == "presidency_handover")
        assert (handover["previous_chair"]["iso3"], handover["state"]["iso3"]) == ("UZB", "IND")
        assert handover["summit"]["id"] == "2022-samarkand"
        assert all("2022" <= e["date"] < "2023" for e in items)

    async def test_an_event_known_to_the_month_falls_in_any_range_inside_it(
        self, client: httpx.AsyncClient
    ) -> None:
        items = await events(client, "&from=2024-12-10&to=2024-12-12&type=term_ended")
        [mirzaev, ended] = items  # a year is ordered by its first day
        assert (ended["date"], ended["date_precision"]) == ("2024-12", "month")
        assert ended["person"]["id"] == "zhang-ming"
        # and a year that holds the range: the RATS director's term ending in 2024
        assert (mirzaev["date"], mirzaev["person"]["id"]) == ("2024", "ruslan-mirzaev")

    async def test_types_filter_comma_separated(self, client: httpx.AsyncClient) -> None:
        items = await events(client, "&type=summit,presidency_handover")
        assert {e["type"] for e in items} == {"summit", "presidency_handover"}

    async def test_the_terms_of_office_begin_and_end_in_turn(
        self, client: httpx.AsyncClient
    ) -> None:
        items = await events(client, "&type=term_began,term_ended")
        for post in ("secretary_general", "rats_director"):
            kinds = [e["type"] for e in items if e["post"] == post]
            assert kinds[0] == "term_began"
            assert kinds[-1] == "term_began"  # the holder in office today
            assert kinds.count("term_began") == kinds.count("term_ended") + 1

    @pytest.mark.parametrize(
        ("query", "param"),
        [
            ("type=summits", "type"),
            ("type=summit,", "type"),
            ("from=2022-13-01", "from"),
            ("to=yesterday", "to"),
            ("from=2023-01-01&to=2022-01-01", "from"),
            ("since=2022-01-01", "since"),
            ("type=summit&type=term_began", "type"),
        ],
    )
    async def test_bad_parameters_are_refused_naming_them(
        self, client: httpx.AsyncClient, query: str, param: str
    ) -> None:
        response = await client.get(f"/v1/timeline?{query}")
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        names = [p["name"] for p in response.json()["invalid_params"]]
        assert any(name.split(".")[0] == param for name in names), names

    async def test_the_tianjin_merger_is_one_day_of_changes_into_partner(
        self, client: httpx.AsyncClient
    ) -> None:
        items = await events(client, "&from=2025-09-01&to=2025-09-01")
        changes = [e for e in items if e["type"] == "status_changed"]
        assert len(changes) == 16  # 2 observers and 14 dialogue partners
        assert {e["to_status"] for e in changes} == {"partner"}
        [laos] = [e for e in items if e["type"] == "status_granted"]
        assert (laos["state"]["iso3"], laos["to_status"]) == ("LAO", "partner")

    async def test_a_summit_says_how_it_met(self, client: httpx.AsyncClient) -> None:
        items = await events(client, "&from=2020-01-01&to=2021-12-31&type=summit")
        assert [e["summary"] for e in items] == [
            "Summit in Moscow (Russia), 2020-11-10, by video link",
            "Summit in Dushanbe (Tajikistan), 2021-09-16 to 2021-09-17, "
            "in person and by video link",
        ]
