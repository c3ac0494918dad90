"""The write requests whose answers are the OpenAPI document's examples (recorded by
app.openapi_examples): a curator's session on a copy of the shipped dataset, and the
refusals every write operation has."""

from dataclasses import dataclass, field, replace
from typing import Any

from app.api.example_bodies import (
    AGAIN,
    BODY,
    CHANGE_SET,
    COUNCIL,
    DOCUMENT,
    EN,
    ENGLISH,
    EXAMPLE_SOURCE,
    HANDOVER,
    MEETING,
    MET,
    NEW_TERM,
    NEXT_CHAIR,
    PARTNER,
    RETURNS,
    SEAT,
    SEATED,
    STANDING,
    SUMMIT,
    TITLE,
    TITLED,
    TREATY,
    UNION,
    cite,
)
from app.api.write_requests import MAX_BODY
from app.domain.facts import claim_id


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


def _w(operation: str, status: str, path: str, body: Any = None, **kw: Any) -> Write:
    verb = next(v for v in ("create", "update", "delete", "get") if operation.startswith(v))
    method = {"create": "POST", "update": "PATCH", "delete": "DELETE", "get": "GET"}[verb]
    if method in ("PATCH", "DELETE"):
        kw.setdefault("if_match", "current" if status in ("200", "204", "409", "422") else "*")
    return Write(operation, status, method, path, body, **kw)


# In the order they are sent: each success changes what the next ones see.
TERM_2031 = "/v1/terms/example-person-secretary-general-2031-01-01"
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
        {"person": "example-person", "start_date": "2031-01-01", "sources": AGAIN},
    ),
    _w(
        "createTerm",
        "409",
        "/v1/terms",
        {"person": "zhang-ming", "start_date": "2029-01-01", "sources": RETURNS},
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
    _w("updatePerson", "200", "/v1/people/example-person", {"wikidata": "Q4115189"}),
    _w("updatePerson", "412", "/v1/people/example-person", {"name": "-"}, if_match="stale"),
    _w("updatePerson", "404", "/v1/people/nobody", {"name": "-"}),
    _w("updatePerson", "422", "/v1/people/example-person", {"nationality": "XX"}),
    _w("updateSummit", "200", "/v1/summits/2027-example", {"format": "hybrid"}),
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
    _w("createDocument", "201", "/v1/documents", TREATY),
    _w("createDocument", "409", "/v1/documents", {**TREATY, "id": "charter"}),
    _w("createDocument", "422", "/v1/documents", {**TREATY, "id": "x", "in_force_on": "2020"}),
    _w("updateDocument", "200", DOCUMENT, {"short_title": "The example"}),
    _w("updateDocument", "412", DOCUMENT, {"note": "-"}, if_match="stale"),
    _w("updateDocument", "404", "/v1/documents/example-pact", {"note": "-"}),
    _w("updateDocument", "422", DOCUMENT, {"amends": ["example-pact"]}),
    _w("deleteDocument", "204", DOCUMENT),
    _w("deleteDocument", "412", "/v1/documents/charter", if_match="stale"),
    _w("deleteDocument", "404", DOCUMENT),
    _w("deleteDocument", "422", "/v1/documents/charter"),
    _w("createStanding", "201", "/v1/standings", STANDING),
    _w("createStanding", "409", "/v1/standings", {**STANDING, "organisation": "cis"}),
    _w("createStanding", "422", "/v1/standings", {**STANDING, "organisation_names": {}}),
    _w("updateStanding", "200", UNION, {"instrument": "Example decision"}),
    _w("updateStanding", "412", UNION, {"note": "-"}, if_match="stale"),
    _w("updateStanding", "404", "/v1/standings/example-union-member-2027-04-03", {"note": "-"}),
    _w("updateStanding", "409", UNION, {"organisation": "cis"}),
    _w("updateStanding", "422", UNION, {"status": ""}),
    _w("deleteStanding", "204", UNION),
    _w("deleteStanding", "412", "/v1/standings/cis-observer-2025-10-10", if_match="stale"),
    _w("deleteStanding", "404", UNION),
    _w("deleteStanding", "422", "/v1/standings/CIS"),
    _w("createLanguage", "201", "/v1/languages", ENGLISH),
    _w("createLanguage", "409", "/v1/languages", {**ENGLISH, "language": "zh"}),
    _w("createLanguage", "422", "/v1/languages", {**ENGLISH, "language": "xx"}),
    _w("updateLanguage", "200", EN, {"roles": ["official", "working"]}),
    _w("updateLanguage", "412", EN, {"note": "-"}, if_match="stale"),
    _w("updateLanguage", "404", "/v1/languages/fr-2027-07-01", {"note": "-"}),
    _w("updateLanguage", "409", EN, {"language": "ru"}),
    _w("updateLanguage", "422", EN, {"roles": []}),
    _w("deleteLanguage", "204", EN),
    _w("deleteLanguage", "412", "/v1/languages/zh-2003-09-19", if_match="stale"),
    _w("deleteLanguage", "404", EN),
    _w("deleteLanguage", "422", "/v1/languages/ZH"),
    _w("createBody", "201", "/v1/bodies", COUNCIL),
    _w("createBody", "409", "/v1/bodies", {**COUNCIL, "id": "secretariat"}),
    _w("createBody", "422", "/v1/bodies", {**COUNCIL, "id": "x", "kind": "committee"}),
    _w("createSeat", "201", "/v1/seats", SEAT),
    _w("createSeat", "409", "/v1/seats", {**SEAT, "start_date": "2027-09-01"}),
    _w("createSeat", "422", "/v1/seats", {**SEAT, "body": "nothing"}),
    _w("updateBody", "200", BODY, {"note": "An example of a note on a body."}),
    _w("updateBody", "412", BODY, {"note": "-"}, if_match="stale"),
    _w("updateBody", "404", "/v1/bodies/example-committee", {"note": "-"}),
    _w("updateBody", "422", BODY, {"part_of": "nothing"}),
    _w("updateSeat", "200", SEATED, {"note": "An example of a note on a seat."}),
    _w("updateSeat", "412", SEATED, {"note": "-"}, if_match="stale"),
    _w("updateSeat", "404", "/v1/seats/example-council-elsewhere-2027-08-02", {"note": "-"}),
    _w("updateSeat", "409", "/v1/seats/rats-bishkek-2002-06-07", {"end_date": None}),
    _w("updateSeat", "422", SEATED, {"state": "XX"}),
    _w("deleteSeat", "204", SEATED),
    _w("deleteSeat", "412", "/v1/seats/rats-tashkent-2003-09-05", if_match="stale"),
    _w("deleteSeat", "404", SEATED),
    _w("deleteSeat", "422", "/v1/seats/RATS"),
    _w("deleteBody", "204", BODY),
    _w("deleteBody", "412", "/v1/bodies/secretariat", if_match="stale"),
    _w("deleteBody", "404", BODY),
    _w("deleteBody", "422", "/v1/bodies/rats"),
    _w("createPostTitle", "201", "/v1/post-titles", TITLE),
    _w("createPostTitle", "409", "/v1/post-titles", {**TITLE, "end_date": "2004-06-30"}),
    _w("createPostTitle", "422", "/v1/post-titles", {**TITLE, "language": "fr"}),
    _w("updatePostTitle", "200", TITLED, {"note": "An example of a note on a title."}),
    _w("updatePostTitle", "412", TITLED, {"note": "-"}, if_match="stale"),
    _w("updatePostTitle", "404", "/v1/post-titles/secretary-general-fr-2003-01-01", {"note": "-"}),
    _w("updatePostTitle", "409", TITLED, {"end_date": "2020-01-01"}),
    _w("updatePostTitle", "422", TITLED, {"post": "president"}),
    _w("deletePostTitle", "204", TITLED),
    _w(
        "deletePostTitle",
        "412",
        "/v1/post-titles/rats-director-zh-2004-06-17",
        if_match="stale",
    ),
    _w("deletePostTitle", "404", TITLED),
    _w("deletePostTitle", "422", "/v1/post-titles/Chief"),
    _w("createMeeting", "201", "/v1/meetings", MEETING),
    _w("createMeeting", "409", "/v1/meetings", {**MEETING, "start_date": "2027-10-21"}),
    _w("createMeeting", "422", "/v1/meetings", {**MEETING, "body": "council-of-example"}),
    _w("updateMeeting", "200", MET, {"ordinal": 26}),
    _w("updateMeeting", "412", MET, {"note": "-"}, if_match="stale"),
    _w("updateMeeting", "404", "/v1/meetings/council-of-heads-of-government-2027-01-01", {}),
    _w(
        "updateMeeting",
        "409",
        "/v1/meetings/council-of-heads-of-government-2025-11-17",
        {"end_date": "2027-10-20"},
    ),
    _w("updateMeeting", "422", MET, {"format": "telepathic"}),
    _w("deleteMeeting", "204", MET),
    _w(
        "deleteMeeting",
        "412",
        "/v1/meetings/council-of-heads-of-government-2025-11-17",
        if_match="stale",
    ),
    _w("deleteMeeting", "404", MET),
    _w("deleteMeeting", "422", "/v1/meetings/CHG"),
    _w("getAudit", "200", "/v1/audit?since=1&limit=2"),
    _w("getAudit", "401", "/v1/audit?since=1&limit=2", key=None),
    _w("getAudit", "403", "/v1/audit?since=1&limit=2", key="reader"),
    _w("getAudit", "422", "/v1/audit?since=-1"),
    _w("getAudit", "503", "/v1/audit?since=1&limit=2", key="empty"),
]


SUCCESS = {"201", "200", "204"}
THROTTLED = "429"


def refusals() -> list[Write]:
    """For each operation that needs a key, the refusals every one of them has: no key
    (401), a key without its scope (403), a body that is not JSON (400), too large (413) or
    of another type (415), no If-Match (428), a valid key from a client throttled after
    failed ones (429: sent by the recorder's throttled client), and, on a database not
    seeded, 503."""
    found = []
    for w in WRITES:
        if w.status not in SUCCESS:
            continue
        found.append(replace(w, status=THROTTLED))
        if w.method == "GET":
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
