"""The one plain form every fact takes outside the read model, and the whole dataset in it.

A fact's *document* is a JSON-able dict in the dataset file's own words (`start`, `end`,
`sources: [{source, quote}]`, …) with its public `id`. Documents are what the change log
records (before and after), what an import compares, what an export writes and what a
replay of the log rebuilds; tables and the in-memory dataset are both made from them.
"""

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Annotated

from pydantic import AfterValidator, Field

from app.core.dates import parse
from app.domain import documents as f
from app.domain.documents import In
from app.domain.fields import Doc
from app.domain.kind import Kind
from app.domain.kinds import BY_NAME, KINDS
from app.domain.kinds.coverage import CoverageIn
from app.domain.kinds.permanent_body import BodyIn
from app.domain.kinds.person import PersonDocFields
from app.domain.kinds.presidency import PresidencyIn
from app.domain.kinds.source import SourceIn
from app.domain.kinds.state import StateFields
from app.domain.kinds.status_period import PeriodIn
from app.domain.kinds.summit import SummitIn
from app.domain.kinds.term import TermIn
from app.domain.tables import COVERAGE_KINDS


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


class PersonIn(PersonDocFields):
    """A person in the dataset file: with their terms."""

    terms: list[TermIn] = Field(default=[])


class StateIn(StateFields):
    """A state in the dataset file: with its status periods."""

    iso3: f.Iso3
    periods: list[PeriodIn] = Field(default=[])


def _known_kinds(coverage: dict[str, CoverageIn]) -> dict[str, CoverageIn]:
    unknown = sorted(set(coverage) - set(COVERAGE_KINDS))
    if unknown:
        raise ValueError(f"unknown kind(s) {unknown}; known: {', '.join(COVERAGE_KINDS)}")
    return coverage


class DatasetFile(In):
    """The dataset file: its sections, each a list of one kind's documents (a state's status
    periods and a person's terms inside them)."""

    coverage: Annotated[dict[str, CoverageIn], AfterValidator(_known_kinds)] = Field(default={})
    sources: list[SourceIn]
    states: list[StateIn]
    people: list[PersonIn] = Field(default=[])
    summits: list[SummitIn] = Field(default=[])
    presidencies: list[PresidencyIn] = Field(default=[])
    permanent_bodies: list[BodyIn] = Field(default=[])


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


def from_file(df: DatasetFile) -> Iterator[tuple[Kind, Doc, tuple[str, int | str]]]:
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


def to_file(facts: Facts) -> tuple[DatasetFile, dict[str, str]]:
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
    return DatasetFile.model_validate(data), full


def _first_term(person: str, terms: dict[str, list[Doc]]) -> tuple[str, str]:
    mine = terms.get(person)
    return (str(parse(mine[0]["start"])[0]) if mine else "9999", person)
