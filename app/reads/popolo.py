"""The dataset as a Popolo document (http://www.popoloproject.com/specs/), for tools that
read organisations, people, posts and memberships in that shape.

The SCO (its names, short names and founding date from the dataset's record of the
organisation), its permanent bodies, the states and the organisations in which the SCO holds
a standing are organizations; a state's status period is a membership of the state in the
SCO (role `member`, `observer`, `dialogue partner` or `partner`), a Secretary-General's term
a membership of the person in the SCO through the post, a standing a membership of the SCO
in the other organisation (role `observer`); a founding act signed, or entering into force,
is an event. Dates keep the precision of their sources (`YYYY`, `YYYY-MM`), as Popolo allows.
Every item lists its sources as Popolo links: `url` (the source's own, else its page in this
API), `note` (its title) and, beside them, the `quote` that states the fact.
"""

from typing import Any

from app.core.dates import render
from app.domain.dataset import Dataset
from app.domain.kinds.body import BodyRec
from app.domain.kinds.organisation import OrganisationRec
from app.domain.kinds.person import PersonRec
from app.domain.kinds.state import StateRec
from app.domain.records import FactKey
from app.domain.tables import Post, Status
from app.reads.timelines import POST_TITLES

SCO = "sco"
# The SCO's name where the dataset holds no record of the organisation (a version pinned
# from before it was recorded).
SCO_NAME = "Shanghai Cooperation Organisation"
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


def _sco(ds: Dataset) -> dict[str, Any]:
    """The SCO as an organization, from the dataset's record of it."""
    o: OrganisationRec | None = ds.records.get("organisation", {}).get(SCO)
    if o is None:
        return {"id": SCO, "name": SCO_NAME, "classification": "international organization"}
    first_met = render(o.predecessor_first_met_on, o.predecessor_first_met_precision)
    predecessor = o.predecessor_names.get("en")
    return {
        "id": SCO,
        "name": o.names.get("en") or SCO_NAME,
        "other_names": [
            *({"name": n, "lang": lang} for lang, n in o.names.items() if lang != "en"),
            *(
                {"name": n, "lang": lang, "note": "abbreviation"}
                for lang, n in o.short_names.items()
            ),
            *({"name": alias, "note": "alias"} for alias in o.aliases),
        ],
        "classification": "international organization",
        "founding_date": render(o.founded_on, o.founded_precision),
        **(
            {"description": f"Preceded by the {predecessor}, first met {first_met}"}
            if predecessor and first_met
            else {}
        ),
        "sources": _sources(ds, ("organisation", o.id)),
    }


def _body(ds: Dataset, b: BodyRec) -> dict[str, Any]:
    """A council or permanent body, as an organization of the SCO (or of the body it is
    part of), its seats in its description."""
    seats = [
        f"{s.city}, {ds.states[s.state_iso3].name} "
        f"(from {render(s.start_date, s.start_precision)}"
        + (f" to {render(s.end_date, s.end_precision)})" if s.end_date else ")")
        for s in ds.records.get("seat", {}).values()
        if s.body_id == b.id
    ]
    return {
        "id": f"body/{b.id}",
        "name": b.name,
        "other_names": [
            *({"name": n, "lang": lang} for lang, n in b.names.items() if lang != "en"),
            *({"name": alias, "note": "alias"} for alias in b.aliases),
        ],
        "classification": b.kind.replace("_", " "),
        "parent_id": f"body/{b.part_of_id}" if b.part_of_id else SCO,
        **{
            k: v
            for k, v in (
                ("founding_date", render(b.start_date, b.start_precision)),
                ("dissolution_date", render(b.end_date, b.end_precision)),
                ("description", "Seats: " + "; ".join(seats) if seats else None),
            )
            if v
        },
        "sources": _sources(ds, ("body", b.id)),
    }


def _organizations(ds: Dataset) -> list[dict[str, Any]]:
    sco = _sco(ds)
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
    ] + [_body(ds, b) for b in ds.records.get("body", {}).values()]
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
    others = {
        s.organisation: {
            "id": f"organization/{s.organisation}",
            "name": s.organisation_names.get("en") or s.organisation,
            "other_names": [
                *(
                    {"name": n, "lang": lang}
                    for lang, n in s.organisation_names.items()
                    if lang != "en"
                ),
                *({"name": alias, "note": "alias"} for alias in s.aliases),
            ],
            "classification": "international organization",
        }
        for s in ds.records.get("standing", {}).values()
    }
    return [sco, *bodies, *states, *others.values()]


def _standings(ds: Dataset) -> list[dict[str, Any]]:
    """The SCO's standings in other organisations, as its memberships in them."""
    return [
        {
            "id": s.id,
            "member": {"@type": "Organization", "id": SCO},
            "organization_id": f"organization/{s.organisation}",
            "role": s.status,
            **_dates(render(s.start_date, s.start_precision), render(s.end_date, s.end_precision)),
            "sources": _sources(ds, ("standing", s.id)),
        }
        for s in ds.records.get("standing", {}).values()
    ]


def _meetings(ds: Dataset) -> list[dict[str, Any]]:
    """The meetings of the councils (of Heads of Government, of Foreign Ministers)."""
    return [
        {
            "id": f"meeting/{m.id}",
            "name": f"Meeting of the {m.body_id.replace('-', ' ')} in {m.city}",
            "classification": "extraordinary meeting" if m.extraordinary else "meeting",
            "start_date": render(m.start_date, m.start_precision),
            **({"end_date": render(m.end_date, m.end_precision)} if m.end_date else {}),
            "location": f"{m.city}, {ds.states[m.host_iso3].name}",
            "organization_id": f"body/{m.body_id}",
            "sources": _sources(ds, ("meeting", m.id)),
        }
        for m in ds.records.get("meeting", {}).values()
    ]


def _events(ds: Dataset) -> list[dict[str, Any]]:
    """The founding acts: each signed (and, where known, entering into force) an event; and
    the meetings of the councils."""
    events = _meetings(ds)
    for d in ds.records.get("document", {}).values():
        sources = _sources(ds, ("document", d.id))
        events.append(
            {
                "id": f"document/{d.id}/signed",
                "name": f"{d.title} signed" + (f" in {d.place}" if d.place else ""),
                "classification": "signing",
                "start_date": render(d.signed_on, d.signed_precision),
                "organization_id": SCO,
                "sources": sources,
            }
        )
        if d.in_force_on is not None:
            events.append(
                {
                    "id": f"document/{d.id}/in-force",
                    "name": f"{d.title} enters into force",
                    "classification": "entry into force",
                    "start_date": render(d.in_force_on, d.in_force_precision),
                    "organization_id": SCO,
                    "sources": sources,
                }
            )
    return events


def document(ds: Dataset) -> dict[str, Any]:
    """The Popolo document of `ds`: organizations, persons, posts and memberships."""
    persons = [
        {
            "id": f"person/{p.id}",
            "name": p.name,
            "other_names": _other_names(p),
            "identifiers": _wikidata(p.wikidata_qid),
            **(
                {"national_identity": ds.states[p.nationality_iso3].name}
                if p.nationality_iso3
                else {}
            ),
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
        "memberships": statuses + terms + _standings(ds),
        "events": _events(ds),
    }
