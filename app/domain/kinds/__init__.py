"""The kinds of fact, each declared once (app.domain.kind): the registry every list of kinds
is derived from. A kind with its own module here declares there everything it is: its table,
its document, its record, its answer and its write bodies."""

from dataclasses import dataclass
from typing import Any

from app.domain import documents as f
from app.domain.countries import country_names
from app.domain.fields import DATED, Day, Doc, Field, Many, Partial
from app.domain.kind import Kind, id_key, slug, span
from app.domain.records import (
    BodyRec,
    CoverageRec,
    PeriodRec,
    PersonRec,
    PresidencyRec,
    SourceRec,
    StateRec,
    SummitRec,
    TermRec,
)
from app.domain.tables import (
    Coverage,
    PermanentBody,
    Person,
    Presidency,
    Source,
    State,
    StatusPeriod,
    Summit,
    Term,
)


class StatusPeriodDoc(f.PeriodFields):
    id: f.FactId
    state: f.Iso3


class TermDoc(f.TermFields):
    id: f.FactId
    person: f.Slug


class StateDoc(f.StateFields):
    id: f.Iso3


class CoverageDoc(f.CoverageIn):
    id: str


@dataclass(frozen=True)
class _TextScope(Field):
    """How much of a source its stored text is: `full` unless said, none without a text."""

    def values(self, doc: Doc) -> dict[str, Any]:
        scope = (doc.get("text_scope") or "full") if doc.get("text") is not None else None
        return {self.col: scope}


KINDS: tuple[Kind, ...] = (
    Kind(
        name="coverage",
        path="/v1",
        plural="coverage",
        table=Coverage,
        model=CoverageDoc,
        record=CoverageRec,
        description="the days on which the dataset holds every fact of one kind",
        natural_key=id_key,
        fields=(Day("since"), Day("until")),
        cited=False,
    ),
    Kind(
        name="source",
        path="/v1/sources",
        param="source_id",
        scope="sources:write",
        held="sources",
        plural="sources",
        table=Source,
        model=f.SourceIn,  # recorded with its text inline: `text_file` is dropped
        record=SourceRec,
        description="a document facts are cited from, with its stored text and claims",
        natural_key=id_key,
        fields=(
            Field("kind"),
            Field("title"),
            Field("publisher"),
            Partial("published", "published_on", precision="published_precision"),
            Field("url"),
            Field("language"),
            Field("text"),
            _TextScope("text_scope"),
        ),
        cited=False,
    ),
    Kind(
        name="state",
        path="/v1/states",
        param="code",
        held="states",
        plural="states",
        table=State,
        model=StateDoc,
        record=StateRec,
        description="a state, with its codes and names from ISO 3166-1 (pycountry)",
        natural_key=id_key,
        fields=(Field("wikidata", "wikidata_qid"), Many("aliases")),
        describe=lambda ds, s: f"{s.name}: names and aliases",
        derived=country_names,
    ),
    Kind(
        name="person",
        path="/v1/people",
        param="person_id",
        held="persons",
        plural="people",
        table=Person,
        model=f.PersonFields,
        record=PersonRec,
        description="a person who held an office of the organisation",
        references=(("nationality", "state"),),
        natural_key=id_key,
        fields=(
            Field("name"),
            Field("name_ru", answer="names.ru"),
            Field("name_zh", answer="names.zh"),
            Field("nationality", "nationality_iso3"),
            Field("wikidata", "wikidata_qid"),
            Many("aliases"),
        ),
        describe=lambda ds, p: f"{p.name}: names and aliases",
    ),
    Kind(
        name="summit",
        path="/v1/summits",
        param="summit_id",
        held="summits",
        plural="summits",
        table=Summit,
        model=f.SummitIn,
        record=SummitRec,
        description="a meeting of the Council of Heads of State",
        references=(("host", "state"),),
        natural_key=id_key,
        fields=(
            Field("host", "host_iso3"),
            Field("city"),
            Day("start", "start_date"),
            Day("end", "end_date"),
            Field("format"),
            Field("note"),
        ),
        describe=lambda ds, s: f"Summit in {s.city}, {s.start_date} to {s.end_date}",
    ),
    Kind(
        name="status_period",
        path="/v1/status-periods",
        param="period_id",
        exclusive=True,
        held="periods",
        plural="status_periods",
        table=StatusPeriod,
        model=StatusPeriodDoc,
        record=PeriodRec,
        description="one status (member, observer, dialogue partner, partner) of one state",
        references=(("state", "state"),),
        natural_key=lambda d: (d["state"], d["status"], d["start"]),
        fields=(
            Field("state", "state_iso3"),
            Field("status"),
            Partial("decided", "decided_on", precision="decided_precision"),
            *DATED,
        ),
        describe=lambda ds, p: f"{ds.states[p.state_iso3].name}: {p.status} {span(p)}",
        mint=lambda d: slug(d["state"], d["status"], d["start"]),
    ),
    Kind(
        name="term",
        path="/v1/terms",
        param="term_id",
        exclusive=True,
        held="terms",
        plural="terms",
        table=Term,
        model=TermDoc,
        record=TermRec,
        description="a term of office (the Secretary-General's)",
        references=(("person", "person"),),
        natural_key=lambda d: (d["person"], d["post"], d["start"]),
        fields=(Field("person", "person_id"), Field("post"), *DATED),
        describe=lambda ds, t: f"{ds.persons[t.person_id].name}: {t.post} {span(t)}",
        mint=lambda d: slug(d["person"], d["post"], d["start"]),
    ),
    Kind(
        name="presidency",
        path="/v1/presidencies",
        param="presidency_id",
        exclusive=True,
        held="presidencies",
        plural="presidencies",
        table=Presidency,
        model=f.PresidencyIn,
        record=PresidencyRec,
        description="a rotating presidency, closed by a summit",
        references=(("chair", "state"), ("summit", "summit")),
        natural_key=lambda d: (d["chair"], d["start"]),
        fields=(Field("chair", "chair_iso3"), Field("summit", "summit_id"), *DATED),
        describe=lambda ds, p: f"Presidency of {ds.states[p.chair_iso3].name} {span(p)}",
        mint=lambda d: slug(d["chair"], "presidency", d["start"]),
    ),
    Kind(
        name="permanent_body",
        held="bodies",
        plural="permanent_bodies",
        table=PermanentBody,
        model=f.BodyIn,
        record=BodyRec,
        description="a permanent body of the organisation and its seat",
        references=(("seat_state", "state"),),
        natural_key=id_key,
        fields=(
            Field("name"),
            Field("seat_city"),
            Field("seat_state", "seat_state_iso3"),
            Field("note"),
        ),
        describe=lambda ds, b: f"{b.name}, seated in {b.seat_city}",
    ),
)
BY_NAME = {k.name: k for k in KINDS}


def _answer_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for kind in KINDS:
        for fld in kind.fields:
            if fld.said != fld.doc:
                said = names.setdefault(fld.doc, fld.said)
                assert said == fld.said, f"{fld.doc} is named {said} and {fld.said} in answers"
    return names


# The document fields that answers and write bodies name otherwise (`start`: `start_date`,
# `name_ru`: `names.ru`), whatever their kind.
RENAMED = _answer_names()


# --- The whole dataset as documents -------------------------------------------------------
