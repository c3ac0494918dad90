"""The examples of the OpenAPI document, recorded from real answers.

For each operation, a few requests: one answered 200 on the shipped dataset, and the ones
that show its 404 and 422; the 503 is the answer of a database migrated, not seeded. The
answers are kept (lists cut to two items, long texts shortened, so the document stays
readable) in app/api/openapi_examples.json. Run `./dev python -m app.openapi_examples` after
changing an answer's shape or the dataset; tests/test_openapi.py fails until the file
matches what the service answers.
"""

import asyncio
import contextlib
import json
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from app.api.openapi import EXAMPLES_FILE
from app.api.routers.curation import MAX_BODY, MERGE_PATCH
from app.domain.facts import claim_id

BASE_URL = "http://127.0.0.1:8000"
SHOWN_ITEMS = 2
SHOWN_CHARS = 300
# Asks for a media type no operation sends, for the 406 examples.
NOTHING_ACCEPTABLE = {"Accept": "image/png"}
# operationId -> status -> the request that answers it (a 406 is asked with an Accept
# header no operation satisfies).
REQUESTS: dict[str, dict[str, str]] = {
    "listStates": {
        "200": "/v1/states?as_of=2024-07-04&limit=2",
        "404": "/v1/states?version=999999",
        "422": "/v1/states?as_of=2024-13-01",
    },
    "listMemberStates": {
        "200": "/v1/member-states?as_of=2017-06-09&limit=2&offset=6",
        "404": "/v1/member-states?as_recorded=2001-01-01",
        "422": "/v1/member-states?status=member",
    },
    "listObserverStates": {
        "200": "/v1/observer-states?as_of=2012-06-07&limit=2",
        "404": "/v1/observer-states?version=999999",
        "422": "/v1/observer-states?limit=0",
    },
    "listDialoguePartners": {
        "200": "/v1/dialogue-partners?as_of=2022-03-17&limit=2",
        "404": "/v1/dialogue-partners?version=999999",
        "422": "/v1/dialogue-partners?certain=maybe",
    },
    "listPartners": {
        "200": "/v1/partners?limit=2",
        "404": "/v1/partners?version=999999",
        "422": "/v1/partners?offset=-1",
    },
    "getState": {
        "200": "/v1/states/IND",
        "404": "/v1/states/XX",
        "422": "/v1/states/INDIA",
    },
    "getStateTimeline": {
        "200": "/v1/states/IRN/timeline",
        "404": "/v1/states/USA/timeline",
        "422": "/v1/states/IRN/timeline?as_of=2020-01-01",
    },
    "getStatusPeriod": {
        "200": "/v1/status-periods/ind-member-2017-06-09",
        "404": "/v1/status-periods/ind-member-1999-01-01",
        "422": "/v1/status-periods/IND_member",
    },
    "listSecretariesGeneral": {
        "200": "/v1/secretaries-general?as_of=2022-03-17",
        "404": "/v1/secretaries-general?version=999999",
        "422": "/v1/secretaries-general?as_of=17.03.2022",
    },
    "listPresidencies": {
        "200": "/v1/presidencies?as_of=2022-03-17",
        "404": "/v1/presidencies?version=999999",
        "422": "/v1/presidencies?limit=5000",
    },
    "listSummits": {
        "200": "/v1/summits?year=2022",
        "404": "/v1/summits?version=999999",
        "422": "/v1/summits?year=1999",
    },
    "getSnapshot": {
        "200": "/v1/snapshot?as_of=2022-03-17",
        "404": "/v1/snapshot?as_of=2022-03-17&version=999999",
        "422": "/v1/snapshot?as_of=1999-01-01",
    },
    "getTimeline": {
        "200": "/v1/timeline?from=2017-06-01&to=2017-06-30&type=status_changed",
        "404": "/v1/timeline?version=999999",
        "422": "/v1/timeline?from=2020-01-01&to=2019-01-01",
    },
    "getTerm": {
        "200": "/v1/terms/zhang-ming-secretary-general-2022-01-01",
        "404": "/v1/terms/nobody-secretary-general-2000-01-01",
        "422": "/v1/terms/Zhang%20Ming",
    },
    "listPeople": {
        "200": "/v1/people?limit=2",
        "404": "/v1/people?version=999999",
        "422": "/v1/people?limit=0",
    },
    "getPerson": {
        "200": "/v1/people/zhang-ming",
        "404": "/v1/people/nobody",
        "422": "/v1/people/Zhang_Ming",
    },
    "getPresidency": {
        "200": "/v1/presidencies/ind-presidency-2022-09-17",
        "404": "/v1/presidencies/usa-presidency-2022-09-17",
        "422": "/v1/presidencies/IND",
    },
    "getSummit": {
        "200": "/v1/summits/2022-samarkand",
        "404": "/v1/summits/2022-paris",
        "422": "/v1/summits/2022_Samarkand",
    },
    "listSources": {
        "200": "/v1/sources?limit=2",
        "404": "/v1/sources?version=999999",
        "422": "/v1/sources?limit=ten",
    },
    "getSource": {
        "200": "/v1/sources/indian-awaaz-2022-03-20",
        "404": "/v1/sources/no-such-source",
        "422": "/v1/sources/indian-awaaz-2022-03-20?as_of=2022-03-20",
    },
    "listChanges": {
        "200": "/v1/changes?limit=1",
        "404": "/v1/changes?version=999999",
        "422": "/v1/changes?since=-1",
    },
    "getClaim": {
        "200": "/v1/sources/indian-awaaz-2022-03-20/claims/indian-awaaz-2022-03-20-d8a6038e",
        "404": "/v1/sources/indian-awaaz-2022-03-20/claims/indian-awaaz-2022-03-20-00000000",
        "422": "/v1/sources/indian-awaaz-2022-03-20/claims/Claim_1",
    },
    "getChangeSet": {
        "200": "/v1/change-sets/1",
        "404": "/v1/change-sets/999999",
        "422": "/v1/change-sets/first",
    },
    "datasetInfo": {
        "200": "/v1",
        "404": "/v1?version=999999",
        "422": "/v1?version=1&as_recorded=2026-01-01",
    },
    "exportDataset": {
        "200": "/v1/export",
        "404": "/v1/export?version=999999",
        "422": "/v1/export?format=xml",
    },
    "exportPopolo": {
        "200": "/v1/export/popolo",
        "404": "/v1/export/popolo?version=999999",
        "422": "/v1/export/popolo?format=csv",
    },
    "health": {"200": "/healthz", "422": "/healthz?verbose=1"},
    "ready": {"200": "/readyz", "422": "/readyz?timeout=5"},
    "getMetrics": {"422": "/metrics?format=json"},
    "listProblemTypes": {"200": "/problems", "406": "/problems", "422": "/problems?lang=ru"},
    "getProblemType": {
        "200": "/problems/not-found",
        "404": "/problems/no-such-problem",
        "406": "/problems/not-found",
        "422": "/problems/Not_Found",
    },
}
# Operations that negotiate their media type: their 406 is their 200 request asked with an
# Accept header none of their media types satisfies.
NEGOTIATED = {
    "listStates",
    "listMemberStates",
    "listObserverStates",
    "listDialoguePartners",
    "listPartners",
    "listSecretariesGeneral",
    "listPresidencies",
    "listSummits",
    "getTimeline",
    "listPeople",
    "listSources",
    "exportDataset",
}
# The requests whose 503 is recorded (on a database migrated, not seeded): one per operation
# that reads the database, from its 200 request.
UNAVAILABLE = "503"


# --- The write operations: a curator's session on a copy of the shipped dataset -----------

# What the examples' made-up source says (it is an example, not a fact of the dataset).
EXAMPLE_TEXT = (
    "This is an example source for the API documentation, not a real one. In the example, "
    "Indonesia becomes a partner of the SCO on 1 December 2026; Pakistan's presidency ends "
    "on 16 June 2027 and Kyrgyzstan's begins the next day; Example Person succeeds as "
    "Secretary-General on 1 January 2028. Example Person is a national of Kazakhstan."
)
EXAMPLE_SOURCE = {
    "id": "example-source",
    "kind": "news_article",
    "title": "An example source",
    "publisher": "Example Publisher",
    "published_on": "2026-12-01",
    "url": "https://example.org/sco/example-source",
    "language": "en",
    "text": EXAMPLE_TEXT,
}


def cite(quote: str) -> list[dict[str, str]]:
    assert quote in EXAMPLE_TEXT
    return [{"id": "example-source", "quote": quote}]


PARTNER = {
    "state": "IDN",
    "status": "partner",
    "start_date": "2026-12-01",
    "sources": cite("Indonesia becomes a partner of the SCO on 1 December 2026"),
}
SG = "nurlan-yermekbayev-secretary-general-2025-01-01"
NEW_TERM = "example-person-secretary-general-2028-01-01"


@dataclass(frozen=True)
class Write:
    """One write request of the examples; `if_match` is `current` (the ETag the fact has
    then, read with a GET), `stale` (one it no longer has) or none."""

    operation: str
    status: str
    method: str
    path: str
    body: Any = None
    if_match: str | None = None
    key: str | None = "writer"  # which key it is sent with (None: no Authorization)
    content_type: str | None = None
    raw: bytes | None = None  # a body sent as it is (malformed, too large)
    headers: dict[str, str] = field(default_factory=dict)


STALE_TAG = '"0123456789abcdef0123456789abcdef"'
CLAIMS = "/v1/sources/example-source/claims"
CLAIM = {
    "statement": "Example Person is a national of Kazakhstan.",
    "kind": "nationality",
    "params": {"person": "example-person", "state": "KAZ"},
}
CLAIM_PATH = f"{CLAIMS}/{claim_id('example-source', CLAIM)}"
IDN = "/v1/status-periods/idn-partner-2026-12-01"
PAK = "/v1/presidencies/pak-presidency-2026-09-02"
TERM_2031 = "/v1/terms/example-person-secretary-general-2031-01-01"
HANDOVER = "Example Person succeeds as Secretary-General on 1 January 2028"
SUMMIT = {
    "id": "2027-example",
    "host": "KGZ",
    "city": "Example City",
    "start_date": "2027-06-15",
    "end_date": "2027-06-16",
    "format": "in_person",
    "sources": cite("Pakistan's presidency ends on 16 June 2027"),
}
NEXT_CHAIR = {
    "chair": "KGZ",
    "start_date": "2027-06-17",
    "sources": cite("Kyrgyzstan's begins the next day"),
}
CHANGE_SET = {
    "reason": "Example: one Secretary-General's term ends and the next one's begins",
    "operations": [
        {
            "op": "update",
            "kind": "term",
            "id": SG,
            "revision": 1,
            "data": {"end_date": "2027-12-31"},
        },
        {
            "op": "create",
            "kind": "term",
            "data": {
                "person": "example-person",
                "start_date": "2028-01-01",
                "end_date": "2030-12-31",
                "sources": cite(HANDOVER),
            },
        },
        {
            "op": "create",
            "kind": "person",
            "data": {"id": "example-deputy", "name": "Example Deputy", "nationality": "UZB"},
        },
        {
            "op": "create",
            "kind": "source",
            "data": {
                "id": "example-notice",
                "kind": "official_document",
                "title": "An example notice",
                "publisher": "Example Publisher",
                "language": "en",
            },
        },
    ],
}


def _w(operation: str, status: str, path: str, body: Any = None, **kw: Any) -> Write:
    verb = next(v for v in ("create", "update", "delete", "get") if operation.startswith(v))
    method = {"create": "POST", "update": "PATCH", "delete": "DELETE", "get": "GET"}[verb]
    if method in ("PATCH", "DELETE"):
        kw.setdefault("if_match", "current" if status in ("200", "204", "409", "422") else "*")
    return Write(operation, status, method, path, body, **kw)


# In the order they are sent: each success changes what the next ones see.
WRITES: list[Write] = [
    _w("createSource", "201", "/v1/sources", EXAMPLE_SOURCE),
    _w("createSource", "409", "/v1/sources", EXAMPLE_SOURCE),
    _w("createSource", "422", "/v1/sources", {**EXAMPLE_SOURCE, "kind": "rumour"}),
    _w(
        "createPerson",
        "201",
        "/v1/people",
        {"id": "example-person", "name": "Example Person", "nationality": "KAZ"},
    ),
    _w(
        "createPerson",
        "409",
        "/v1/people",
        {"id": "zhang-ming", "name": "Zhang Ming", "nationality": "CHN"},
    ),
    _w(
        "createPerson",
        "422",
        "/v1/people",
        {"id": "example-person-2", "name": "Example Person", "nationality": "XX"},
    ),
    _w("createClaim", "201", CLAIMS, CLAIM),
    _w("createClaim", "409", CLAIMS, CLAIM),
    _w(
        "createClaim",
        "422",
        CLAIMS,
        {**CLAIM, "params": {"person": "example-person", "state": "UZB"}},
    ),
    _w("createClaim", "404", "/v1/sources/no-such-source/claims", CLAIM),
    _w("updateClaim", "200", CLAIM_PATH, {"note": "An example of a note on a claim."}),
    _w("updateClaim", "412", CLAIM_PATH, {"note": "-"}, if_match="stale"),
    _w("updateClaim", "404", f"{CLAIMS}/example-source-00000000", {"note": "-"}),
    _w("updateClaim", "422", CLAIM_PATH, {"params": {"person": "example-person"}}),
    _w("createSummit", "201", "/v1/summits", SUMMIT),
    _w("createSummit", "409", "/v1/summits", {**SUMMIT, "id": "2022-samarkand"}),
    _w("createSummit", "422", "/v1/summits", {**SUMMIT, "id": "2027-x", "end_date": "2027-06-01"}),
    _w("createStatusPeriod", "201", "/v1/status-periods", PARTNER),
    _w(
        "createStatusPeriod",
        "409",
        "/v1/status-periods",
        {**PARTNER, "state": "IND", "status": "observer", "start_date": "2020-01-01"},
    ),
    _w(
        "createStatusPeriod",
        "422",
        "/v1/status-periods",
        {**PARTNER, "start_date": "1999-01-01", "end_date": "1999-12-31"},
    ),
    _w("updateStatusPeriod", "200", IDN, {"note": "An example of a note added to a fact."}),
    _w("updateStatusPeriod", "412", IDN, {"note": "Sent with a stale ETag."}, if_match="stale"),
    _w("updateStatusPeriod", "404", "/v1/status-periods/idn-member-2001-06-15", {"note": "-"}),
    _w(
        "updateStatusPeriod",
        "409",
        "/v1/status-periods/ind-observer-2005-07-05",
        {"end_date": None},
    ),
    _w("updateStatusPeriod", "422", IDN, {"end_date": "2026-01-01"}),
    _w("updatePresidency", "200", PAK, {"end_date": "2027-06-16"}),
    _w("updatePresidency", "412", PAK, {"end_date": "2027-06-30"}, if_match="stale"),
    _w("updatePresidency", "404", "/v1/presidencies/usa-presidency-2027-06-17", {"note": "-"}),
    _w("updatePresidency", "409", "/v1/presidencies/kgz-presidency-2025-09-02", {"end_date": None}),
    _w("updatePresidency", "422", PAK, {"chair": "XX"}),
    _w("createPresidency", "201", "/v1/presidencies", NEXT_CHAIR),
    _w(
        "createPresidency",
        "409",
        "/v1/presidencies",
        {**NEXT_CHAIR, "chair": "TJK", "start_date": "2027-07-01"},
    ),
    _w(
        "createPresidency",
        "422",
        "/v1/presidencies",
        {**NEXT_CHAIR, "start_date": "2000-01-01", "end_date": "2000-12-31"},
    ),
    _w("createChangeSet", "201", "/v1/change-sets", CHANGE_SET),
    _w("createChangeSet", "409", "/v1/change-sets", CHANGE_SET),
    _w(
        "createChangeSet",
        "422",
        "/v1/change-sets",
        {
            "reason": "Example: coverage is only updated",
            "operations": [{"op": "create", "kind": "coverage", "data": {"since": "2001-06-15"}}],
        },
    ),
    _w(
        "createChangeSet",
        "404",
        "/v1/change-sets",
        {
            "reason": "Example: an update of a fact that does not exist",
            "operations": [
                {
                    "op": "update",
                    "kind": "term",
                    "id": "nobody-secretary-general-2000-01-01",
                    "revision": 1,
                    "data": {"note": "-"},
                }
            ],
        },
    ),
    _w(
        "createTerm",
        "201",
        "/v1/terms",
        {"person": "example-person", "start_date": "2031-01-01", "sources": cite(HANDOVER)},
    ),
    _w(
        "createTerm",
        "409",
        "/v1/terms",
        {"person": "zhang-ming", "start_date": "2029-01-01", "sources": cite(HANDOVER)},
    ),
    _w(
        "createTerm",
        "422",
        "/v1/terms",
        {"person": "nobody", "start_date": "2040-01-01", "sources": cite(HANDOVER)},
    ),
    _w("updateTerm", "200", TERM_2031, {"note": "An example of a note added to a fact."}),
    _w("updateTerm", "412", TERM_2031, {"note": "Sent with a stale ETag."}, if_match="stale"),
    _w("updateTerm", "404", "/v1/terms/nobody-secretary-general-2000-01-01", {"note": "-"}),
    _w("updateTerm", "409", f"/v1/terms/{NEW_TERM}", {"end_date": None}),
    _w("updateTerm", "422", TERM_2031, {"post": "president"}),
    _w("updatePerson", "200", "/v1/people/example-person", {"name": "Example Person Jr."}),
    _w("updatePerson", "412", "/v1/people/example-person", {"name": "-"}, if_match="stale"),
    _w("updatePerson", "404", "/v1/people/nobody", {"name": "-"}),
    _w("updatePerson", "422", "/v1/people/example-person", {"nationality": "XX"}),
    _w("updateSummit", "200", "/v1/summits/2027-example", {"city": "Another Example City"}),
    _w("updateSummit", "412", "/v1/summits/2027-example", {"city": "-"}, if_match="stale"),
    _w("updateSummit", "404", "/v1/summits/2027-nowhere", {"city": "-"}),
    _w("updateSummit", "422", "/v1/summits/2027-example", {"format": "telepathic"}),
    _w("updateSource", "200", "/v1/sources/example-source", {"title": "An example, retitled"}),
    _w("updateSource", "412", "/v1/sources/example-source", {"title": "-"}, if_match="stale"),
    _w("updateSource", "404", "/v1/sources/no-such-source", {"title": "-"}),
    _w("updateSource", "422", "/v1/sources/example-source", {"language": "a-long-tag"}),
    _w("deleteTerm", "204", TERM_2031),
    _w("deleteTerm", "412", f"/v1/terms/{NEW_TERM}", if_match="stale"),
    _w("deleteTerm", "404", "/v1/terms/nobody-secretary-general-2000-01-01"),
    _w("deleteTerm", "422", "/v1/terms/zhang-ming-secretary-general-2022-01-01"),
    _w("deletePerson", "204", "/v1/people/example-deputy"),
    _w("deletePerson", "412", "/v1/people/example-person", if_match="stale"),
    _w("deletePerson", "404", "/v1/people/nobody"),
    _w("deletePerson", "422", "/v1/people/example-person"),
    _w("deleteStatusPeriod", "204", IDN),
    _w("deleteStatusPeriod", "412", "/v1/status-periods/ind-member-2017-06-09", if_match="stale"),
    _w("deleteStatusPeriod", "404", IDN),
    _w("deleteStatusPeriod", "422", "/v1/status-periods/ind-member-2017-06-09"),
    _w("deletePresidency", "204", "/v1/presidencies/kgz-presidency-2027-06-17"),
    _w("deletePresidency", "412", PAK, if_match="stale"),
    _w("deletePresidency", "404", "/v1/presidencies/kgz-presidency-2027-06-17"),
    _w("deletePresidency", "422", "/v1/presidencies/ind-presidency-2022-09-17"),
    _w("deleteSummit", "204", "/v1/summits/2027-example"),
    _w("deleteSummit", "412", "/v1/summits/2022-samarkand", if_match="stale"),
    _w("deleteSummit", "404", "/v1/summits/2027-example"),
    _w("deleteSummit", "422", "/v1/summits/2022-samarkand"),
    _w("deleteSource", "204", "/v1/sources/example-notice"),
    _w("deleteSource", "412", "/v1/sources/example-source", if_match="stale"),
    _w("deleteSource", "404", "/v1/sources/example-notice"),
    _w("deleteSource", "422", "/v1/sources/example-source"),
    _w("deleteClaim", "412", CLAIM_PATH, if_match="stale"),
    _w("deleteClaim", "204", CLAIM_PATH),
    _w("deleteClaim", "422", f"{CLAIMS}/Claim_1"),
    _w("deleteClaim", "404", CLAIM_PATH),
    _w("getAudit", "200", "/v1/audit?since=1&limit=2"),
    _w("getAudit", "401", "/v1/audit?since=1&limit=2", key=None),
    _w("getAudit", "403", "/v1/audit?since=1&limit=2", key="reader"),
    _w("getAudit", "422", "/v1/audit?since=-1"),
    _w("getAudit", "503", "/v1/audit?since=1&limit=2", key="empty"),
]
SUCCESS = {"201", "200", "204"}


def refusals() -> list[Write]:
    """For each write operation, the refusals every one of them has: no key (401), a key
    without its scope (403), a body that is not JSON (400), too large (413) or of another
    type (415), no If-Match (428), and, on a database not seeded, 503."""
    found = []
    for w in WRITES:
        if w.status not in SUCCESS or w.method == "GET":
            continue
        found += [
            replace(w, status="401", key=None),
            replace(w, status="403", key="reader"),
            replace(w, status="503", key="empty"),
        ]
        if w.method != "DELETE":
            found += [
                replace(w, status="400", raw=b'{"unclosed": '),
                replace(w, status="413", raw=b" " * (MAX_BODY + 1)),
                replace(w, status="415", content_type="text/plain"),
            ]
        if w.method != "POST":
            found.append(replace(w, status="428", if_match=None))
    return found


def _request_body(w: Write) -> tuple[bytes | None, dict[str, str]]:
    if w.method == "DELETE":
        return None, {}
    media = w.content_type or (MERGE_PATCH if w.method == "PATCH" else "application/json")
    body = w.raw if w.raw is not None else json.dumps(w.body).encode()
    return body, {"Content-Type": media}


async def _current_etag(client: httpx.AsyncClient, path: str, seeded: bool) -> str:
    """The ETag the fact at `path` has now (a stale one where there is no such fact, or no
    dataset). On the seeded copy a read may answer 503 on a loaded machine (its wait on
    the database is bounded): it is asked again, since the examples record answers, not
    the machine's load."""
    for _ in range(5):
        response = await client.get(path, headers={"Accept-Encoding": "identity"})
        if response.status_code != 503 or not seeded:
            return str(response.headers.get("ETag", STALE_TAG))
        await asyncio.sleep(0.5)
    raise AssertionError(f"GET {path} answered 503 five times: {response.text}")


async def record_writes(
    writable: httpx.AsyncClient, empty: httpx.AsyncClient, secrets: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """The answers of WRITES and their refusals: on a copy of the shipped dataset (`writable`,
    with a "writer" key of every scope and a "reader" one of audit:read alone), and on a
    database not seeded (`empty`, with an "empty" key). Each operation's success also
    records its request body, under "request"."""
    recorded: dict[str, dict[str, Any]] = {}
    for w in [*refusals(), *WRITES]:
        client = empty if w.key == "empty" else writable
        body, headers = _request_body(w)
        if w.key is not None:
            headers["Authorization"] = f"Bearer {secrets[w.key]}"
        if w.method != "GET" and w.operation != "createChangeSet":
            headers["Change-Reason"] = quote(f"Example: {w.operation}")
        if w.if_match == "current":
            headers["If-Match"] = await _current_etag(client, w.path, w.key != "empty")
        elif w.if_match is not None:
            headers["If-Match"] = STALE_TAG if w.if_match == "stale" else w.if_match
        response = await client.request(w.method, w.path, content=body, headers=headers)
        if str(response.status_code) != w.status:
            raise AssertionError(
                f"{w.method} {w.path} answered {response.status_code}, not {w.status}: "
                f"{response.text[:500]}"
            )
        answers = recorded.setdefault(w.operation, {})
        answers[w.status] = shrink(response.json()) if response.content else None
        if w.status in SUCCESS and w.body is not None:
            answers["request"] = shrink(w.body)
    return recorded


def shrink(value: Any) -> Any:
    """An answer cut down to an example: lists to their first items, texts shortened."""
    if isinstance(value, list):
        return [shrink(v) for v in value[:SHOWN_ITEMS]]
    if isinstance(value, dict):
        return {k: shrink(v) for k, v in value.items()}
    if isinstance(value, str) and len(value) > SHOWN_CHARS:
        return value[:SHOWN_CHARS] + "…"
    return value


async def record(seeded: httpx.AsyncClient, empty: httpx.AsyncClient) -> dict[str, Any]:
    """The examples, from a client of the shipped dataset and one of an empty database."""
    recorded: dict[str, dict[str, Any]] = {}
    for operation, asked in REQUESTS.items():
        requests = dict(asked)
        if operation in NEGOTIATED:
            requests.setdefault("406", requests["200"])
        answers: dict[str, Any] = {}
        for status, path in requests.items():
            headers = NOTHING_ACCEPTABLE if status == "406" else None
            response = await seeded.get(path, headers=headers)
            if str(response.status_code) != status:
                raise AssertionError(f"{path} answered {response.status_code}, not {status}")
            answers[status] = shrink(response.json())
        unavailable = await empty.get(requests["200"]) if "200" in requests else None
        if unavailable is not None and unavailable.status_code == 503:
            answers[UNAVAILABLE] = unavailable.json()
        recorded[operation] = answers
    return recorded


def _keys(url: str, *names: tuple[str, list[str]]) -> dict[str, str]:
    from app.core.db import make_engine
    from app.storage import keys

    engine = make_engine(url)
    try:
        return {name: keys.create(engine, name, scopes) for name, scopes in names}
    finally:
        engine.dispose()


async def record_all(seeded_url: str, empty_url: str, writable_url: str) -> dict[str, Any]:
    """Every example: the reads on the shipped dataset (`seeded_url`) and on a database
    migrated, not seeded (`empty_url`); the writes on a copy of the shipped dataset that
    they change (`writable_url`). API keys are made for the writes."""
    from app.core.settings import Settings
    from app.main import create_app
    from app.storage.keys import SCOPES

    # "reader" may only manage keys: it lacks the scope of every operation here.
    secrets = _keys(writable_url, ("writer", list(SCOPES)), ("reader", ["keys:admin"]))
    secrets |= _keys(empty_url, ("empty", list(SCOPES)))
    apps = [create_app(Settings(database_url=u)) for u in (seeded_url, empty_url, writable_url)]
    async with contextlib.AsyncExitStack() as stack:
        clients = []
        for app in apps:
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(app=app)
            clients.append(
                await stack.enter_async_context(
                    httpx.AsyncClient(transport=transport, base_url=BASE_URL)
                )
            )
        seeded, empty, writable = clients
        recorded = await record(seeded, empty)
        return recorded | await record_writes(writable, empty, secrets)


async def _record_anew() -> dict[str, Any]:
    from alembic import command

    from app.cli import alembic_config
    from app.core.db import make_engine
    from app.core.settings import ROOT
    from app.writes.importing import seed

    with tempfile.TemporaryDirectory() as folder:
        urls = {name: f"sqlite:///{Path(folder) / name}.db" for name in ("seeded", "empty", "copy")}
        for name, url in urls.items():
            command.upgrade(alembic_config(url), "head")
            if name != "empty":  # migrated, never seeded
                engine = make_engine(url)
                seed(engine, ROOT / "seed")
                engine.dispose()
        return await record_all(urls["seeded"], urls["empty"], urls["copy"])


def main() -> None:
    recorded = asyncio.run(_record_anew())
    EXAMPLES_FILE.write_text(
        json.dumps(recorded, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {EXAMPLES_FILE} ({len(recorded)} operations)", file=sys.stderr)


if __name__ == "__main__":
    main()
