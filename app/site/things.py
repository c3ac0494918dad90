"""What the pages of things show beyond their API answer: a person's terms of office, a
council's meetings, a document's text source."""

from datetime import date

from app.domain.dataset import Dataset
from app.reads import answers as queries
from app.reads import meetings, structure


def person_page(ds: Dataset, day: date, person_id: str) -> dict[str, object]:
    person = queries.one(ds, "person", person_id)
    terms = [queries.term_public(ds, t) for t in ds.terms if t.person_id == person_id]
    return {"person": person, "terms": terms}


def body_page(ds: Dataset, day: date, body_id: str) -> dict[str, object]:
    body = structure.body_public(ds, queries.fact_or_404(ds, "body", body_id), day)
    held = meetings.meetings(ds, body_id, until=day) if body.kind == "council" else []
    return {"body": body, "meetings": held}


def document_page(ds: Dataset, day: date, document_id: str) -> dict[str, object]:
    document = structure.document_public(ds, queries.fact_or_404(ds, "document", document_id), day)
    return {"document": document}
