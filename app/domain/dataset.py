"""The read model: the whole dataset as immutable plain records with indexes, built once
per dataset version from the facts' documents (read from the tables, or rebuilt from the
change log for an earlier version) and shared by every request answered from it.

The data is small (hundreds of facts) and changes a few times a year. Orders are set when
the dataset is built (app.domain.building), in Python, so they do not depend on a database's
collation; claim verdicts are computed then too, never stored.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, TypeVar

from app.domain.facts import Facts
from app.domain.kinds import BY_NAME, KINDS
from app.domain.kinds.coverage import CoverageRec
from app.domain.kinds.permanent_body import BodyRec
from app.domain.kinds.person import PersonRec
from app.domain.kinds.presidency import PresidencyRec
from app.domain.kinds.source import SourceRec
from app.domain.kinds.state import StateRec
from app.domain.kinds.status_period import PeriodRec
from app.domain.kinds.summit import SummitRec
from app.domain.kinds.term import TermRec
from app.domain.records import CitationRec, ClaimRec, FactKey
from app.domain.turning import turning_points

T = TypeVar("T")
# Which state of which database: (epoch of the schema, version of the data).
Stamp = tuple[str, int]


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
    # Every kind's records by id, in its kind's order (`file_order`; people: by id), the
    # attributes above holding the same records for the code that knows their kind.
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
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
        for kind in KINDS:
            if kind.counted:  # facts, not coverage
                for fact_id, fact in self.records.get(kind.name, {}).items():
                    self.by_id[(kind.name, fact_id)] = fact

    @cached_property
    def memo(self) -> dict[Any, Any]:
        """The parts of answers made from this dataset, made once when first asked and kept
        with it (app.reads.parts, app.api.listing)."""
        return {}

    def remembered(self, key: Any, make: Callable[[], T]) -> T:
        """`make()`, made once for this dataset under `key` in `memo` (a part of answers, an
        index): were two threads to make it at once, both get the one kept."""
        found: T | None = self.memo.get(key)
        if found is None:
            found = self.memo.setdefault(key, make())
        return found

    @cached_property
    def turning_points(self) -> tuple[str, ...]:
        """The days on which an answer for a day can change (app.domain.turning), as sorted
        ISO dates: worked out once per dataset, when first asked."""
        return turning_points((self.records, self.citations, self.claims, self.coverage))

    def count(self, kind: str) -> int:
        """How many facts of `kind` the dataset holds."""
        return len(self.records.get(kind, {}))

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


def describe(ds: Dataset, citation: CitationRec) -> tuple[str, str]:
    """(fact type, the cited fact in words)."""
    said = BY_NAME[citation.kind].describe
    assert said is not None, f"{citation.kind} facts are never cited"
    return citation.kind, said(ds, ds.by_id[citation.fact])
