"""The whole dataset, held in memory: read from the database in one snapshot, or built by
the loader from the dataset file before anything is written.

The data is small (hundreds of rows) and changes a few times a year, so every read
answers from this snapshot; it is read again only when the dataset version changes.
Orders are set here, in Python, so they do not depend on a database's collation.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from sqlalchemy import Engine
from sqlmodel import select

from app.db import snapshot
from app.models import (
    CITED_COLUMNS,
    Citation,
    Claim,
    Coverage,
    DatasetVersion,
    DatedFact,
    PermanentBody,
    Person,
    Presidency,
    Source,
    State,
    StatusPeriod,
    Summit,
    Term,
)

# Which state of which database: (epoch of the schema, version of the data).
Stamp = tuple[str, int]
# A cited fact: (citation column, the fact's id), e.g. ("summit_id", "2022-samarkand").
FactKey = tuple[str, int | str]


@dataclass(frozen=True)
class Dataset:
    epoch: str
    version: int
    content_hash: str | None
    loaded_at: str | None
    states: dict[str, State]  # by name
    periods: list[StatusPeriod]  # by start, then id; likewise terms and presidencies
    persons: dict[str, Person]
    terms: list[Term]
    summits: dict[str, Summit]  # by first day
    presidencies: list[Presidency]
    bodies: list[PermanentBody]
    sources: dict[str, Source]  # by id
    citations: list[Citation]
    claims: list[Claim]
    coverage: dict[str, Coverage]
    citations_by_fact: dict[FactKey, list[Citation]] = field(default_factory=dict)
    periods_by_state: dict[str, list[StatusPeriod]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for citation in self.citations:
            self.citations_by_fact.setdefault(fact_key(citation), []).append(citation)
        by_state: defaultdict[str, list[StatusPeriod]] = defaultdict(list)
        for period in self.periods:
            by_state[period.state_iso3].append(period)
        self.periods_by_state.update(by_state)

    def covered(self, kind: str, day: date) -> bool:
        """Whether the dataset holds every fact of `kind` on `day`."""
        span = self.coverage.get(kind)
        return span is not None and span.since <= day and (span.until is None or day <= span.until)

    @property
    def stamp(self) -> "Stamp":
        return self.epoch, self.version

    @property
    def seeded(self) -> bool:
        return bool(self.states)


def fact_key(citation: Citation) -> FactKey:
    for column in CITED_COLUMNS:
        value = getattr(citation, column)
        if value is not None:
            return column, value
    raise ValueError(f"citation {citation.id} cites no fact")


F = TypeVar("F", bound=DatedFact)


def _by_start(facts: Iterable[F]) -> list[F]:
    return sorted(facts, key=lambda f: (f.start_date, getattr(f, "id", 0) or 0))


def assemble(
    meta: DatasetVersion,
    *,
    states: Iterable[State],
    periods: Iterable[StatusPeriod],
    persons: Iterable[Person],
    terms: Iterable[Term],
    summits: Iterable[Summit],
    presidencies: Iterable[Presidency],
    bodies: Iterable[PermanentBody],
    sources: Iterable[Source],
    citations: Iterable[Citation],
    claims: Iterable[Claim],
    coverage: Iterable[Coverage],
) -> Dataset:
    """A Dataset from rows in any order."""
    return Dataset(
        epoch=meta.epoch,
        version=meta.version,
        content_hash=meta.content_hash,
        loaded_at=meta.loaded_at.isoformat() if meta.loaded_at else None,
        states={s.iso3: s for s in sorted(states, key=lambda s: s.name)},
        periods=_by_start(periods),
        persons={p.id: p for p in sorted(persons, key=lambda p: p.id)},
        terms=_by_start(terms),
        summits={s.id: s for s in sorted(summits, key=lambda s: (s.start_date, s.id))},
        presidencies=_by_start(presidencies),
        bodies=sorted(bodies, key=lambda b: b.id),
        sources={s.id: s for s in sorted(sources, key=lambda s: s.id)},
        citations=sorted(citations, key=lambda c: c.id or 0),
        claims=sorted(claims, key=lambda c: c.id or 0),
        coverage={c.kind: c for c in coverage},
    )


def load(engine: Engine) -> Dataset:
    """Read every table in one consistent snapshot of the database."""
    with snapshot(engine) as session:
        meta = session.get(DatasetVersion, 1)
        if meta is None:
            raise RuntimeError("dataset_version row missing: run `sco-api migrate`")
        return assemble(
            meta,
            states=session.exec(select(State)),
            periods=session.exec(select(StatusPeriod)),
            persons=session.exec(select(Person)),
            terms=session.exec(select(Term)),
            summits=session.exec(select(Summit)),
            presidencies=session.exec(select(Presidency)),
            bodies=session.exec(select(PermanentBody)),
            sources=session.exec(select(Source)),
            citations=session.exec(select(Citation)),
            claims=session.exec(select(Claim)),
            coverage=session.exec(select(Coverage)),
        )
