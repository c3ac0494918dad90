"""The dataset as a Popolo document (http://www.popoloproject.com/specs/), for tools that
read organisations, people, posts and memberships in that shape.

The SCO, its permanent bodies and the states are organizations; a state's status period is
a membership of the state in the SCO (role `member`, `observer`, `dialogue partner` or
`partner`), a Secretary-General's term a membership of the person in the SCO through the
post. Dates keep the precision of their sources (`YYYY`, `YYYY-MM`), as Popolo allows.
Every item lists its sources as Popolo links: `url` (the source's own, else its page in this
API), `note` (its title) and, beside them, the `quote` that states the fact.
"""

from typing import Any

from app.core.dates import render
from app.domain.dataset import Dataset
from app.domain.kinds.person import PersonRec
from app.domain.kinds.state import StateRec
from app.domain.records import FactKey
from app.domain.tables import Post, Status
from app.reads.timelines import POST_TITLES

SCO = "sco"
SCO_NAMES = {
    "en": "Shanghai Cooperation Organisation",
    "ru": "Шанхайская организация сотрудничества",
    "zh": "上海合作组织",
}
ROLES = {
    Status.member: "member",
    Status.observer: "observer",
    Status.dialogue_partner: "dialogue partner",
    Status.partner: "partner",
}


def _state_id(iso3: str) -> str:
    return f"state/{iso3}"


def _sources(ds: Dataset, key: FactKey) -> list[dict[str, Any]]:
    links = []
    for c in ds.citations_by_fact.get(key, []):
        source = ds.sources[c.source_id]
        link = {"url": source.url or f"/v1/sources/{source.id}", "note": source.title}
        links.append({**link, "quote": c.quote} if c.quote else link)
    return links


def _other_names(fact: StateRec | PersonRec) -> list[dict[str, str]]:
    names = [
        {"name": name, "lang": lang}
        for lang, name in (("ru", fact.name_ru), ("zh", fact.name_zh))
        if name
    ]
    official = getattr(fact, "official_name", None)
    if official:
        names.append({"name": official, "lang": "en", "note": "official name"})
    return names + [{"name": alias, "note": "alias"} for alias in fact.aliases]


def _wikidata(qid: str | None) -> list[dict[str, str]]:
    return [{"scheme": "wikidata", "identifier": qid}] if qid else []


def _dates(start: str | None, end: str | None) -> dict[str, str]:
    return {k: v for k, v in (("start_date", start), ("end_date", end)) if v}


def _organizations(ds: Dataset) -> list[dict[str, Any]]:
    members = [p for p in ds.periods if p.status == Status.member]
    founded = min(members, key=lambda p: p.start_date) if members else None
    sco: dict[str, Any] = {
        "id": SCO,
        "name": SCO_NAMES["en"],
        "other_names": [
            {"name": "SCO", "lang": "en", "note": "abbreviation"},
            *({"name": name, "lang": lang} for lang, name in SCO_NAMES.items() if lang != "en"),
        ],
        "classification": "international organization",
    }
    if founded is not None:
        sco["founding_date"] = render(founded.start_date, founded.start_precision)
    bodies = [
        {
            "id": f"body/{b.id}",
            "name": b.name,
            "classification": "permanent body",
            "parent_id": SCO,
            "description": f"Seat: {b.seat_city}, {ds.states[b.seat_state_iso3].name}"
            + (f". {b.note}" if b.note else ""),
            "sources": _sources(ds, ("permanent_body", b.id)),
        }
        for b in ds.bodies
    ]
    states = [
        {
            "id": _state_id(s.iso3),
            "name": s.name,
            "other_names": _other_names(s),
            "classification": "state",
            "identifiers": [
                {"scheme": "iso3166-1-alpha-3", "identifier": s.iso3},
                {"scheme": "iso3166-1-alpha-2", "identifier": s.iso2},
                {"scheme": "iso3166-1-numeric", "identifier": s.numeric},
                *_wikidata(s.wikidata_qid),
            ],
            "sources": _sources(ds, ("state", s.iso3)),
        }
        for s in ds.states.values()
    ]
    return [sco, *bodies, *states]


def document(ds: Dataset) -> dict[str, Any]:
    """The Popolo document of `ds`: organizations, persons, posts and memberships."""
    persons = [
        {
            "id": f"person/{p.id}",
            "name": p.name,
            "other_names": _other_names(p),
            "identifiers": _wikidata(p.wikidata_qid),
            "national_identity": ds.states[p.nationality_iso3].name,
            "sources": _sources(ds, ("person", p.id)),
        }
        for p in sorted(ds.persons.values(), key=lambda p: p.id)
    ]
    posts = [
        {
            "id": f"post/{post.value.replace('_', '-')}",
            "label": label,
            "role": label,
            "organization_id": SCO,
        }
        for post, label in POST_TITLES.items()
    ]
    statuses = [
        {
            "id": p.id,
            "member": {"@type": "Organization", "id": _state_id(p.state_iso3)},
            "organization_id": SCO,
            "role": ROLES[Status(p.status)],
            **_dates(render(p.start_date, p.start_precision), render(p.end_date, p.end_precision)),
            "sources": _sources(ds, ("status_period", p.id)),
        }
        for p in ds.periods
    ]
    terms = [
        {
            "id": t.id,
            "person_id": f"person/{t.person_id}",
            "member": {"@type": "Person", "id": f"person/{t.person_id}"},
            "organization_id": SCO,
            "post_id": f"post/{t.post.replace('_', '-')}",
            "role": POST_TITLES[Post(t.post)],
            **_dates(render(t.start_date, t.start_precision), render(t.end_date, t.end_precision)),
            "sources": _sources(ds, ("term", t.id)),
        }
        for t in ds.terms
    ]
    return {
        "organizations": _organizations(ds),
        "persons": persons,
        "posts": posts,
        "memberships": statuses + terms,
    }
