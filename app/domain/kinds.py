"""The registry of fact kinds, and the one plain form every fact takes outside the read model.

A fact's *document* is a JSON-able dict in the dataset file's own words (`start`, `end`,
`sources: [{source, quote}]`, …) with its public `id`. Documents are what the change log
records (before and after), what an import compares, what an export writes and what a
replay of the log rebuilds; tables and the in-memory dataset are both made from them.

Each kind names its table, its natural key (how an import matches a fact the file gives
without an id), how an id is minted for a new fact, and how its document maps to rows.
"""

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from sqlmodel import SQLModel

from app.core.dates import parse, render
from app.domain import documents as f
from app.domain import fields
from app.domain.countries import country_names
from app.domain.fields import DATED, Day, Doc, Field, Many, Partial, Row
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


def _slug(*parts: str) -> str:
    return "-".join(p.lower().replace("_", "-") for p in parts)


@dataclass(frozen=True)
class Kind:
    """One kind of fact, declared once: everything that differs between kinds."""

    name: str
    plural: str  # the name of a collection of them (`counts` at /v1)
    table: type[SQLModel]
    model: type[BaseModel]  # its document, as the dataset file and the change log write it
    record: type  # its record in the read model (app.domain.records): id, revision, columns
    description: str
    natural_key: Callable[[Doc], tuple[str, ...]]
    fields: tuple[Field, ...]  # its written fields but its id and sources, in document order
    mint: Callable[[Doc], str] | None = None  # None: the id is given with the fact
    cited: bool = True
    held: str = ""  # the read model's index of its records (app.domain.dataset), if any
    path: str = ""  # its collection (`/v1/summits`), or where its facts are shown (`/v1`)
    param: str = ""  # the parameter of its single-resource path ("": it has none)
    scope: str = "facts:write"  # the API key scope that writes it
    # Two of its facts of one holder may not overlap (a state's statuses, one post's terms,
    # the presidency), so a change may clash with another fact (409).
    exclusive: bool = False
    # The fields that name another fact, and its kind: each must exist (app.domain.rules).
    references: tuple[tuple[str, str], ...] = ()
    # What its record holds that is derived, not written (a state's names), by its id.
    derived: Callable[[str], dict[str, Any]] = lambda _: {}
    # A cited fact in words, from the dataset and its record (a source's page lists them).
    describe: Callable[[Any, Any], str] | None = None

    @property
    def minted(self) -> bool:
        return self.mint is not None

    @property
    def key_column(self) -> str:
        """The column holding the public id."""
        return (
            "public_id"
            if self.minted
            else "kind"
            if self.name == "coverage"
            else ("iso3" if self.name == "state" else "id")
        )

    @property
    def cite_column(self) -> str:
        return "state_iso3" if self.name == "state" else f"{self.name}_id"

    def href(self, fact_id: str) -> str:
        """The path of one of its facts (where it has none: where it is shown)."""
        return f"{self.path}/{fact_id}" if self.param else self.path

    def values(self, doc: Doc) -> dict[str, Any]:
        """The row's columns, but its key and revision."""
        return fields.values(self.fields, doc)

    def document(self, row: Row) -> Doc:
        """The document of a row, without its citations."""
        return {"id": getattr(row, self.key_column), **fields.document(self.fields, row)}

    def record_of(self, doc: Doc, revision: int) -> Any:
        """The read model's record of a fact, from its document."""
        columns = {k: tuple(v) if isinstance(v, list) else v for k, v in self.values(doc).items()}
        return self.record(
            **{self.key_column if self.key_column != "public_id" else "id": doc["id"]},
            revision=revision,
            **columns,
            **self.derived(doc["id"]),
        )


@dataclass(frozen=True)
class _TextScope(Field):
    """How much of a source its stored text is: `full` unless said, none without a text."""

    def values(self, doc: Doc) -> dict[str, Any]:
        scope = (doc.get("text_scope") or "full") if doc.get("text") is not None else None
        return {self.col: scope}


def _by_id(doc: Doc) -> tuple[str, ...]:
    return (doc["id"],)


def _span(fact: Any) -> str:
    start = render(fact.start_date, fact.start_precision)
    end = render(fact.end_date, fact.end_precision)
    return f"from {start}" + (f" to {end}" if end else "")


KINDS: tuple[Kind, ...] = (
    Kind(
        name="coverage",
        path="/v1",
        plural="coverage",
        table=Coverage,
        model=CoverageDoc,
        record=CoverageRec,
        description="the days on which the dataset holds every fact of one kind",
        natural_key=_by_id,
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
        natural_key=_by_id,
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
        natural_key=_by_id,
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
        natural_key=_by_id,
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
        natural_key=_by_id,
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
        describe=lambda ds, p: f"{ds.states[p.state_iso3].name}: {p.status} {_span(p)}",
        mint=lambda d: _slug(d["state"], d["status"], d["start"]),
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
        describe=lambda ds, t: f"{ds.persons[t.person_id].name}: {t.post} {_span(t)}",
        mint=lambda d: _slug(d["person"], d["post"], d["start"]),
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
        describe=lambda ds, p: f"Presidency of {ds.states[p.chair_iso3].name} {_span(p)}",
        mint=lambda d: _slug(d["chair"], "presidency", d["start"]),
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
        natural_key=_by_id,
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


def claim_id(source_id: str, claim: Doc) -> str:
    """A claim's id: its source's, and a digest of what it is — the source's words and how
    they are read (`kind`, `params`). Those never change: a claim read otherwise is another
    claim (delete it, create that one); only its `note` is changed in place."""
    what = json.dumps([claim["statement"], claim["kind"], claim["params"]], sort_keys=True)
    digest = hashlib.blake2b(what.encode(), digest_size=4).hexdigest()
    return f"{source_id}-{digest}"


def mint_id(kind: Kind, doc: Doc, taken: set[str]) -> str:
    """A new fact's id, from its natural key (`-2`, `-3`, … where an id was ever taken)."""
    assert kind.mint is not None
    base = kind.mint(doc)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def normalise(kind: Kind, doc: Doc) -> Doc:
    """The document in its one canonical form (every field present, defaults filled), or a
    ValueError naming what is wrong with it."""
    data = dict(doc)
    if kind.name == "source":
        data.pop("text_file", None)
    return kind.model.model_validate(data).model_dump(mode="json", exclude={"text_file"})


# --- The whole dataset as documents -------------------------------------------------------


@dataclass
class Facts:
    """Every fact as its document, by kind and id, with each fact's revision."""

    docs: dict[str, dict[str, Doc]] = field(default_factory=lambda: {k.name: {} for k in KINDS})
    revisions: dict[tuple[str, str], int] = field(default_factory=dict)

    def __iter__(self) -> Iterator[tuple[Kind, Doc]]:
        for kind in KINDS:
            for doc in self.docs[kind.name].values():
                yield kind, doc

    def count(self) -> int:
        return sum(len(d) for d in self.docs.values())

    def copy(self) -> "Facts":
        return Facts({k: dict(v) for k, v in self.docs.items()}, dict(self.revisions))


def from_file(df: f.DatasetFile) -> Iterator[tuple[Kind, Doc, tuple[str, int | str]]]:
    """Every fact of a parsed dataset file as (kind, document, where), its id possibly
    missing (a new fact of a kind whose ids are minted). `where` keys the file's lines."""
    for kind, entry in df.coverage.items():
        yield BY_NAME["coverage"], {"id": kind, **entry.model_dump(mode="json")}, ("coverage", kind)
    for i, s in enumerate(df.sources):
        doc = s.model_dump(mode="json", exclude={"text_file"})
        if doc["text"] is None:
            doc["text_scope"] = None
        yield BY_NAME["source"], doc, ("sources", i)
    for i, st in enumerate(df.states):
        doc = st.model_dump(mode="json", exclude={"periods", "iso3"})
        yield BY_NAME["state"], {"id": st.iso3, **doc}, ("states", i)
        for j, p in enumerate(st.periods):
            yield (
                BY_NAME["status_period"],
                {**p.model_dump(mode="json"), "state": st.iso3},
                (f"states.{i}.periods", j),
            )
    for i, person in enumerate(df.people):
        yield BY_NAME["person"], person.model_dump(mode="json", exclude={"terms"}), ("people", i)
        for j, t in enumerate(person.terms):
            yield (
                BY_NAME["term"],
                {**t.model_dump(mode="json"), "person": person.id},
                (f"people.{i}.terms", j),
            )
    for i, summit in enumerate(df.summits):
        yield BY_NAME["summit"], summit.model_dump(mode="json"), ("summits", i)
    for i, pr in enumerate(df.presidencies):
        yield BY_NAME["presidency"], pr.model_dump(mode="json"), ("presidencies", i)
    for i, b in enumerate(df.permanent_bodies):
        yield BY_NAME["permanent_body"], b.model_dump(mode="json"), ("permanent_bodies", i)


def _drop(doc: Doc, *keys: str) -> Doc:
    return {k: v for k, v in doc.items() if k not in keys}


def _by_start(docs: Iterable[Doc]) -> list[Doc]:
    return sorted(docs, key=lambda d: (parse(d["start"])[0], d["id"]))


def to_file(facts: Facts) -> tuple[f.DatasetFile, dict[str, str]]:
    """The dataset file of `facts` (every fact with its id), and the full texts that go to
    files of their own, by source id."""
    d = facts.docs
    full = {i: s["text"] for i, s in d["source"].items() if s["text_scope"] == "full" and s["text"]}
    periods: dict[str, list[Doc]] = {}
    for p in _by_start(d["status_period"].values()):
        periods.setdefault(p["state"], []).append(_drop(p, "state"))
    terms: dict[str, list[Doc]] = {}
    for t in _by_start(d["term"].values()):
        terms.setdefault(t["person"], []).append(_drop(t, "person"))
    data = {
        "coverage": {i: _drop(c, "id") for i, c in sorted(d["coverage"].items())},
        "sources": [d["source"][i] for i in sorted(d["source"])],
        "states": [
            {"iso3": i, **_drop(s, "id"), "periods": periods.get(i, [])}
            for i, s in sorted(d["state"].items())
        ],
        "people": [
            {**p, "terms": terms.get(i, [])}
            for i, p in sorted(d["person"].items(), key=lambda kv: _first_term(kv[0], terms))
        ],
        "summits": sorted(d["summit"].values(), key=lambda s: (s["start"], s["id"])),
        "presidencies": _by_start(d["presidency"].values()),
        "permanent_bodies": [d["permanent_body"][i] for i in sorted(d["permanent_body"])],
    }
    return f.DatasetFile.model_validate(data), full


def _first_term(person: str, terms: dict[str, list[Doc]]) -> tuple[str, str]:
    mine = terms.get(person)
    return (str(parse(mine[0]["start"])[0]) if mine else "9999", person)
