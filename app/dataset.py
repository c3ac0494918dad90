"""The read model: the whole dataset as immutable plain records with indexes, built once
per dataset version from the facts' documents (read from the tables, or rebuilt from the
change log for an earlier version) and shared by every request answered from it.

The data is small (hundreds of facts) and changes a few times a year. Orders are set here,
in Python, so they do not depend on a database's collation. Claim verdicts are computed
here, when the dataset is built, never stored.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from app.countries import country_names
from app.dates import parse
from app.facts import KINDS, Doc, Facts, claim_id
from app.models import Precision

# Which state of which database: (epoch of the schema, version of the data).
Stamp = tuple[str, int]
# A cited fact: (kind, id), e.g. ("summit", "2022-samarkand").
FactKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class StateRec:
    iso3: str
    revision: int
    iso2: str
    numeric: str
    name: str
    official_name: str | None
    name_ru: str | None
    name_zh: str | None
    wikidata_qid: str | None
    aliases: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.iso3


@dataclass(frozen=True, slots=True)
class Dated:
    id: str
    revision: int
    start_date: date
    start_precision: Precision
    end_date: date | None
    end_precision: Precision | None
    note: str | None


@dataclass(frozen=True, slots=True)
class PeriodRec(Dated):
    state_iso3: str
    status: str
    decided_on: date | None
    decided_precision: Precision | None


@dataclass(frozen=True, slots=True)
class PersonRec:
    id: str
    revision: int
    name: str
    name_ru: str | None
    name_zh: str | None
    nationality_iso3: str
    wikidata_qid: str | None
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TermRec(Dated):
    person_id: str
    post: str


@dataclass(frozen=True, slots=True)
class SummitRec:
    id: str
    revision: int
    start_date: date
    start_precision: Precision
    end_date: date
    end_precision: Precision
    note: str | None
    host_iso3: str
    city: str
    format: str


@dataclass(frozen=True, slots=True)
class PresidencyRec(Dated):
    chair_iso3: str
    summit_id: str | None


@dataclass(frozen=True, slots=True)
class BodyRec:
    id: str
    revision: int
    name: str
    seat_city: str
    seat_state_iso3: str
    note: str | None


@dataclass(frozen=True, slots=True)
class SourceRec:
    id: str
    revision: int
    kind: str
    title: str
    publisher: str
    published_on: date | None
    published_precision: Precision | None
    url: str | None
    language: str
    text: str | None
    text_scope: str | None


@dataclass(frozen=True, slots=True)
class CitationRec:
    kind: str
    fact_id: str
    source_id: str
    quote: str | None

    @property
    def fact(self) -> FactKey:
        return self.kind, self.fact_id


@dataclass(frozen=True, slots=True)
class ClaimRec:
    source_id: str
    statement: str
    kind: str
    params: dict[str, Any]
    note: str | None
    verdict: str = ""
    detail: str = ""
    id: str = ""  # app.facts.claim_id: its source's and a digest of what it is


@dataclass(frozen=True, slots=True)
class CoverageRec:
    kind: str
    since: date
    until: date | None


@dataclass(frozen=True)
class Dataset:
    epoch: str
    version: int
    committed_at: datetime | None
    states: dict[str, StateRec]  # by name
    periods: list[PeriodRec]  # by start, then id; likewise terms and presidencies
    persons: dict[str, PersonRec]
    terms: list[TermRec]
    summits: dict[str, SummitRec]  # by first day
    presidencies: list[PresidencyRec]
    bodies: list[BodyRec]
    sources: dict[str, SourceRec]  # by id
    citations: list[CitationRec]
    claims: list[ClaimRec]
    coverage: dict[str, CoverageRec]
    # The documents the records were made from (what an export writes); never changed.
    facts: Facts = field(default_factory=Facts, compare=False, repr=False)
    # Indexes, derived from the records above when the dataset is made (never passed in,
    # so `replace` builds them afresh).
    citations_by_fact: dict[FactKey, list[CitationRec]] = field(default_factory=dict, init=False)
    citations_by_source: dict[str, list[CitationRec]] = field(default_factory=dict, init=False)
    claims_by_source: dict[str, list[ClaimRec]] = field(default_factory=dict, init=False)
    periods_by_state: dict[str, list[PeriodRec]] = field(default_factory=dict, init=False)
    by_id: dict[FactKey, Any] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for citation in self.citations:
            self.citations_by_fact.setdefault(citation.fact, []).append(citation)
            self.citations_by_source.setdefault(citation.source_id, []).append(citation)
        for claim in self.claims:
            self.claims_by_source.setdefault(claim.source_id, []).append(claim)
        by_state: defaultdict[str, list[PeriodRec]] = defaultdict(list)
        for period in self.periods:
            by_state[period.state_iso3].append(period)
        self.periods_by_state.update(by_state)
        for kind, facts in (
            ("state", self.states.values()),
            ("status_period", self.periods),
            ("person", self.persons.values()),
            ("term", self.terms),
            ("summit", self.summits.values()),
            ("presidency", self.presidencies),
            ("permanent_body", self.bodies),
            ("source", self.sources.values()),
        ):
            for fact in facts:
                self.by_id[(kind, fact.id)] = fact

    def count(self, kind: str) -> int:
        """How many facts of `kind` the dataset holds."""
        return sum(1 for key in self.by_id if key[0] == kind)

    def covered(self, kind: str, day: date) -> bool:
        """Whether the dataset holds every fact of `kind` on `day`."""
        span = self.coverage.get(kind)
        return span is not None and span.since <= day and (span.until is None or day <= span.until)

    @property
    def stamp(self) -> Stamp:
        return self.epoch, self.version

    @property
    def seeded(self) -> bool:
        return bool(self.states)


def _partial(text: str | None, *, end: bool = False) -> tuple[date | None, Precision | None]:
    if text is None:
        return None, None
    value, precision = parse(text, end=end)
    return value, precision


def _dated(doc: Doc, revision: int) -> dict[str, Any]:
    start, start_precision = parse(doc["start"])
    end, end_precision = _partial(doc.get("end"), end=True)
    return {
        "id": doc["id"],
        "revision": revision,
        "start_date": start,
        "start_precision": start_precision,
        "end_date": end,
        "end_precision": end_precision,
        "note": doc.get("note"),
    }


def _by_start(facts: list[Any]) -> list[Any]:
    return sorted(facts, key=lambda f: (f.start_date, f.id))


def build(facts: Facts, epoch: str = "", version: int = 0, at: datetime | None = None) -> Dataset:
    """The read model of `facts`, its claims evaluated. The facts must pass the reference
    rules (app.rules.references): every state, person, summit and source they name exists."""
    from app import claims as claim_checks

    d = facts.docs

    def rev(kind: str, fact_id: str) -> int:
        return facts.revisions.get((kind, fact_id), 1)

    states = [
        StateRec(
            iso3=i,
            revision=rev("state", i),
            wikidata_qid=s.get("wikidata"),
            aliases=tuple(s.get("aliases", ())),
            **country_names(i),
        )
        for i, s in d["state"].items()
    ]
    periods = [
        PeriodRec(
            **_dated(p, rev("status_period", i)),
            state_iso3=p["state"],
            status=p["status"],
            decided_on=_partial(p.get("decided"))[0],
            decided_precision=_partial(p.get("decided"))[1],
        )
        for i, p in d["status_period"].items()
    ]
    persons = [
        PersonRec(
            id=i,
            revision=rev("person", i),
            name=p["name"],
            name_ru=p.get("name_ru"),
            name_zh=p.get("name_zh"),
            nationality_iso3=p["nationality"],
            wikidata_qid=p.get("wikidata"),
            aliases=tuple(p.get("aliases", ())),
        )
        for i, p in d["person"].items()
    ]
    terms = [
        TermRec(**_dated(t, rev("term", i)), person_id=t["person"], post=t["post"])
        for i, t in d["term"].items()
    ]
    summits = [
        SummitRec(
            id=i,
            revision=rev("summit", i),
            start_date=parse(s["start"])[0],
            start_precision=Precision.day,
            end_date=parse(s["end"])[0],
            end_precision=Precision.day,
            note=s.get("note"),
            host_iso3=s["host"],
            city=s["city"],
            format=s["format"],
        )
        for i, s in d["summit"].items()
    ]
    presidencies = [
        PresidencyRec(
            **_dated(p, rev("presidency", i)), chair_iso3=p["chair"], summit_id=p.get("summit")
        )
        for i, p in d["presidency"].items()
    ]
    bodies = [
        BodyRec(
            id=i,
            revision=rev("permanent_body", i),
            name=b["name"],
            seat_city=b["seat_city"],
            seat_state_iso3=b["seat_state"],
            note=b.get("note"),
        )
        for i, b in d["permanent_body"].items()
    ]
    sources = [
        SourceRec(
            id=i,
            revision=rev("source", i),
            kind=s["kind"],
            title=s["title"],
            publisher=s["publisher"],
            published_on=_partial(s.get("published"))[0],
            published_precision=_partial(s.get("published"))[1],
            url=s.get("url"),
            language=s["language"],
            text=s.get("text"),
            text_scope=s.get("text_scope"),
        )
        for i, s in d["source"].items()
    ]
    citations = [
        CitationRec(kind=kind, fact_id=fact_id, source_id=c["source"], quote=c.get("quote"))
        for kind in (k.name for k in KINDS if k.cited)
        for fact_id, doc in d[kind].items()
        for c in doc.get("sources", [])
    ]
    claims = [
        ClaimRec(
            source_id=i,
            statement=c["statement"],
            kind=c["kind"],
            params=c.get("params", {}),
            note=c.get("note"),
            id=claim_id(i, c),
        )
        for i in sorted(d["source"])
        for c in d["source"][i].get("claims", [])
    ]
    coverage = {
        k: CoverageRec(kind=k, since=parse(c["since"])[0], until=_partial(c.get("until"))[0])
        for k, c in d["coverage"].items()
    }
    ds = Dataset(
        epoch=epoch,
        version=version,
        committed_at=at,
        facts=facts,
        states={s.iso3: s for s in sorted(states, key=lambda s: s.name)},
        periods=_by_start(periods),
        persons={p.id: p for p in sorted(persons, key=lambda p: p.id)},
        terms=_by_start(terms),
        summits={s.id: s for s in _by_start(summits)},
        presidencies=_by_start(presidencies),
        bodies=sorted(bodies, key=lambda b: b.id),
        sources={s.id: s for s in sorted(sources, key=lambda s: s.id)},
        citations=citations,
        claims=[],
        coverage=coverage,
    )
    checked = []
    for claim in claims:
        try:
            result = claim_checks.evaluate(
                ds, ds.sources[claim.source_id], claim.kind, claim.params
            )
        except (ValueError, KeyError, StopIteration) as exc:  # app.rules names such a claim
            checked.append(replace(claim, verdict="undetermined", detail=str(exc)))
            continue
        checked.append(replace(claim, verdict=result.verdict, detail=result.detail))
    return replace(ds, claims=checked)
