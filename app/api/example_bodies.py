"""The bodies of the write requests whose answers are the OpenAPI document's examples
(app.api.example_writes): an example source that states every example fact, and the facts
a curator's session writes with it."""

from typing import Any

# What the examples' made-up source says (it is an example, not a fact of the dataset).
EXAMPLE_TEXT = (
    "This is an example source for the API documentation, not a real one. In the example, "
    "Indonesia becomes a partner of the SCO on 1 December 2026; Pakistan's presidency ends "
    "at the summit in Example City on 15-16 June 2027, and Kyrgyzstan's presidency (or, in "
    "another example, Tajikistan's) begins on 17 June 2027; Example Person succeeds as "
    "Secretary-General on 1 January 2028, and again on 1 January 2031, and Zhang Ming "
    "returns as Secretary-General on 1 January 2029. Example Person is a national of "
    "Kazakhstan. The Example Treaty is signed in Example City on 2 March 2027. The SCO "
    "becomes an observer in the Example Union on 3 April 2027. English becomes a working "
    "language of the SCO on 1 July 2027. The Example Council begins work on 1 August 2027 "
    "and is seated in Example City from 2 August 2027. From 1 January 2003 the title "
    "Chief Secretary was used in English, until 31 December 2003. The heads of government "
    "meet in Example City on 20-21 October 2027."
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


def cite(quote: str, subject: str = "", date: str = "", *dates: str) -> list[dict[str, Any]]:
    """The example source cited for a fact: with `subject`, a citation that states it (and
    its start date, unless `dates` names others); without, one that supports it."""
    assert quote in EXAMPLE_TEXT
    if not subject:
        return [{"id": "example-source", "quote": quote}]
    given = list(dates or (["start_date"] if date else []))
    states = {"subject": subject, "date": date or None, "dates": given}
    return [{"id": "example-source", "quote": quote, "states": states}]


PARTNER = {
    "state": "IDN",
    "status": "partner",
    "start_date": "2026-12-01",
    "sources": cite(
        "Indonesia becomes a partner of the SCO on 1 December 2026",
        "Indonesia",
        "1 December 2026",
        "start_date",
    ),
}


SG = "nurlan-yermekbayev-secretary-general-2025-01-01"


NEW_TERM = "example-person-secretary-general-2028-01-01"


HANDOVER = "Example Person succeeds as Secretary-General on 1 January 2028"
SUCCEEDS = cite(HANDOVER, "Example Person", "1 January 2028", "start_date")
AGAIN = cite(f"{HANDOVER}, and again on 1 January 2031", "Example Person", "1 January 2031")
RETURNS = cite(
    "Zhang Ming returns as Secretary-General on 1 January 2029", "Zhang Ming", "1 January 2029"
)


SUMMIT = {
    "id": "2027-example",
    "host": "KGZ",
    "city": "Example City",
    "start_date": "2027-06-15",
    "end_date": "2027-06-16",
    "format": "in_person",
    "sources": cite(
        "at the summit in Example City on 15-16 June 2027",
        "Example City",
        "15-16 June 2027",
        "start_date",
        "end_date",
    ),
}


TREATY = {
    "id": "example-treaty",
    "titles": {"en": "Example Treaty"},
    "signed_on": "2027-03-02",
    "place": "Example City",
    "place_state": "KGZ",
    "amends": ["charter"],
    "sources": cite(
        "The Example Treaty is signed in Example City on 2 March 2027",
        "Example Treaty",
        "2 March 2027",
        "signed_on",
    ),
}
STANDING = {
    "organisation": "example-union",
    "organisation_names": {"en": "Example Union"},
    "status": "observer",
    "start_date": "2027-04-03",
    "sources": cite(
        "The SCO becomes an observer in the Example Union on 3 April 2027",
        "Example Union",
        "3 April 2027",
    ),
}
ENGLISH = {
    "language": "en",
    "roles": ["working"],
    "start_date": "2027-07-01",
    "sources": cite(
        "English becomes a working language of the SCO on 1 July 2027", "English", "1 July 2027"
    ),
}
DOCUMENT = "/v1/documents/example-treaty"
UNION = "/v1/standings/example-union-observer-2027-04-03"
EN = "/v1/languages/en-2027-07-01"


def next_chair(chair: str, name: str) -> dict[str, Any]:
    """The presidency after Pakistan's (Kyrgyzstan's, or Tajikistan's in another example)."""
    return {
        "chair": chair,
        "start_date": "2027-06-17",
        "sources": cite(
            "Kyrgyzstan's presidency (or, in another example, Tajikistan's) begins on 17 June 2027",
            name,
            "17 June 2027",
            "start_date",
        ),
    }


NEXT_CHAIR = next_chair("KGZ", "Kyrgyzstan")


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
                "sources": SUCCEEDS,
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

COUNCIL = {
    "id": "example-council",
    "names": {"en": "Example Council"},
    "kind": "permanent_body",
    "start_date": "2027-08-01",
    "sources": cite(
        "The Example Council begins work on 1 August 2027", "Example Council", "1 August 2027"
    ),
}
SEAT = {
    "body": "example-council",
    "city": "Example City",
    "state": "KGZ",
    "start_date": "2027-08-02",
    "sources": cite(
        "Example Council begins work on 1 August 2027 and is seated in Example City from "
        "2 August 2027",
        "Example Council",
        "2 August 2027",
    ),
}
BODY = "/v1/bodies/example-council"
SEATED = "/v1/seats/example-council-example-city-2027-08-02"
TITLE = {
    "post": "secretary_general",
    "language": "en",
    "title": "Chief Secretary",
    "start_date": "2003-01-01",
    "end_date": "2003-12-31",
    "sources": cite(
        "From 1 January 2003 the title Chief Secretary was used in English",
        "Chief Secretary",
        "1 January 2003",
    ),
}
TITLED = "/v1/post-titles/secretary-general-en-2003-01-01"
MEETING = {
    "body": "council-of-heads-of-government",
    "host": "KGZ",
    "city": "Example City",
    "start_date": "2027-10-20",
    "end_date": "2027-10-21",
    "sources": cite(
        "The heads of government meet in Example City on 20-21 October 2027",
        "Example City",
        "20-21 October 2027",
        "start_date",
        "end_date",
    ),
}
MET = "/v1/meetings/council-of-heads-of-government-2027-10-20"
