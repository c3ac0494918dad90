"""The read model: the whole dataset as immutable plain records with indexes, built once
per dataset version from the facts' documents (read from the tables, or rebuilt from the
change log for an earlier version) and shared by every request answered from it.

The data is small (hundreds of facts) and changes a few times a year. Orders are set when
the dataset is built (app.domain.building), in Python, so they do not depend on a database's
collation; claim verdicts are computed then too, never stored.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.core.dates import Precision, render
from app.domain.kinds import Facts

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
    id: str = ""  # app.domain.kinds.claim_id: its source's and a digest of what it is


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


def _span(fact: Dated) -> str:
    start = render(fact.start_date, fact.start_precision)
    end = render(fact.end_date, fact.end_precision)
    return f"from {start}" + (f" to {end}" if end else "")


def describe(ds: Dataset, citation: CitationRec) -> tuple[str, str]:
    """(fact type, the cited fact in words)."""
    fact = ds.by_id[citation.fact]
    kind = citation.kind
    if kind == "status_period":
        return kind, f"{ds.states[fact.state_iso3].name}: {fact.status} {_span(fact)}"
    if kind == "term":
        return kind, f"{ds.persons[fact.person_id].name}: {fact.post} {_span(fact)}"
    if kind == "summit":
        return kind, f"Summit in {fact.city}, {fact.start_date} to {fact.end_date}"
    if kind == "presidency":
        return kind, f"Presidency of {ds.states[fact.chair_iso3].name} {_span(fact)}"
    if kind in ("state", "person"):
        return kind, f"{fact.name}: names and aliases"
    return kind, f"{fact.name}, seated in {fact.seat_city}"
