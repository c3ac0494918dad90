"""What the pages of things show beyond their API answer: a person's terms of office, a
council's meetings, a change set's changes field by field."""

import json
from dataclasses import dataclass
from datetime import date
from typing import get_args

from app.api.routers.structure import Council
from app.domain.dataset import Dataset
from app.domain.kinds import BY_NAME
from app.domain.public import ChangeSetPublic, FactChangePublic
from app.reads import answers as queries
from app.reads import meetings, structure


def person_page(ds: Dataset, day: date, person_id: str) -> dict[str, object]:
    person = queries.one(ds, "person", person_id)
    terms = [queries.term_public(ds, t) for t in ds.terms if t.person_id == person_id]
    return {"person": person, "terms": terms}


def body_page(ds: Dataset, day: date, body_id: str) -> dict[str, object]:
    body = structure.body_public(ds, queries.fact_or_404(ds, "body", body_id), day)
    if body_id not in get_args(Council):  # a body that does not meet, or whose meetings
        return {"body": body, "meetings": []}  # are not recorded (national coordinators)
    held = meetings.meetings(ds, body_id, until=day)
    csv = f"/v1/meetings?body={body_id}&format=csv&limit=1000"
    return {"body": body, "meetings": held, "csv_href": csv}


def document_page(ds: Dataset, day: date, document_id: str) -> dict[str, object]:
    document = structure.document_public(ds, queries.fact_or_404(ds, "document", document_id), day)
    return {"document": document}


# The pages a kind of fact has on the site (the others link to their JSON).
PAGES = {
    "state": "/states/",
    "person": "/people/",
    "source": "/sources/",
    "body": "/bodies/",
    "meeting": "/meetings/",
    "summit": "/meetings/",  # a summit is a meeting of the Council of Heads of State
    "document": "/documents/",
}


@dataclass(frozen=True)
class Changed:
    """One fact a change set changed: where it is, and its fields before and after."""

    change: FactChangePublic
    page: str  # its page, or its JSON where it has no page
    fields: list[tuple[str, str, str]]  # (field, before, after): those that differ


def _shown(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False)


def changed(change: FactChangePublic) -> Changed:
    """A change with the fields it changed (an update's; a fact created or deleted is
    shown whole on its own page or in its JSON)."""
    before, after = change.before or {}, change.after or {}
    names = sorted(set(before) | set(after))
    fields = [
        (name, _shown(before.get(name)), _shown(after.get(name)))
        for name in names
        if before.get(name) != after.get(name) and name not in ("id", "revision")
    ]
    page = PAGES.get(change.kind)
    where = f"{page}{change.id}" if page else f"{BY_NAME[change.kind].path}/{change.id}"
    return Changed(change, where, fields)


def change_set_page(found: ChangeSetPublic) -> dict[str, object]:
    return {"change_set": found, "changed": [changed(c) for c in found.changes]}
