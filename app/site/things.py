"""What the pages of things show beyond their API answer: a person's terms of office."""

from app.domain.dataset import Dataset
from app.reads import answers as queries


def person_page(ds: Dataset, person_id: str) -> dict[str, object]:
    person = queries.one(ds, "person", person_id)
    terms = [queries.term_public(ds, t) for t in ds.terms if t.person_id == person_id]
    return {"person": person, "terms": terms}
