"""The whole dataset, read from the database in one go and held in memory.

The data is small (hundreds of rows) and changes a few times a year, so every read
answers from this snapshot; it is read again only when the dataset version changes.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from sqlmodel import Session, col, select

from app.models import (
    CITED_COLUMNS,
    Citation,
    Claim,
    Coverage,
    DatasetVersion,
    PermanentBody,
    Person,
    Presidency,
    Source,
    State,
    StatusPeriod,
    Summit,
    Term,
)

# A cited fact: (citation column, the fact's id), e.g. ("summit_id", "2022-samarkand").
FactKey = tuple[str, int | str]
_Dated = TypeVar("_Dated", StatusPeriod, Term, Presidency)


@dataclass(frozen=True)
class Dataset:
    version: int
    content_hash: str | None
    loaded_at: str | None
    states: dict[str, State]
    periods: list[StatusPeriod]
    persons: dict[str, Person]
    terms: list[Term]
    summits: dict[str, Summit]
    presidencies: list[Presidency]
    bodies: list[PermanentBody]
    sources: dict[str, Source]
    citations: list[Citation]
    claims: list[Claim]
    coverage: dict[str, date]
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
        since = self.coverage.get(kind)
        return since is not None and since <= day


def fact_key(citation: Citation) -> FactKey:
    for column in CITED_COLUMNS:
        value = getattr(citation, column)
        if value is not None:
            return column, value
    raise ValueError(f"citation {citation.id} cites no fact")


def load(session: Session) -> Dataset:
    """Read every table once, in a stable order."""
    meta = session.get(DatasetVersion, 1)
    if meta is None:
        raise RuntimeError("dataset_version row missing: run `sco-api migrate`")

    def dated(model: type[_Dated]) -> list[_Dated]:
        return list(session.exec(select(model).order_by(col(model.start_date), col(model.id))))

    return Dataset(
        version=meta.version,
        content_hash=meta.content_hash,
        loaded_at=meta.loaded_at.isoformat() if meta.loaded_at else None,
        states={s.iso3: s for s in session.exec(select(State).order_by(State.name))},
        periods=dated(StatusPeriod),
        persons={p.id: p for p in session.exec(select(Person))},
        terms=dated(Term),
        summits={s.id: s for s in session.exec(select(Summit).order_by(col(Summit.start_date)))},
        presidencies=dated(Presidency),
        bodies=list(session.exec(select(PermanentBody).order_by(PermanentBody.id))),
        sources={s.id: s for s in session.exec(select(Source).order_by(Source.id))},
        citations=list(session.exec(select(Citation).order_by(Citation.id))),  # type: ignore[arg-type]
        claims=list(session.exec(select(Claim).order_by(Claim.id))),  # type: ignore[arg-type]
        coverage={c.kind: c.since for c in session.exec(select(Coverage))},
    )
