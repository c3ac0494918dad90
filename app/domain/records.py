"""The records every kind's share: a dated fact's (each kind's own record is declared with
it in app.domain.kinds), a citation's and a claim's. A record's fields are its kind's table
columns, with its id and revision (app.domain.kind builds it from a document); records are
shared by every request answered from one dataset, never changed.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.core.dates import Precision

# A cited fact: (kind, id), e.g. ("summit", "2022-samarkand").
FactKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class DatedRec:
    id: str
    revision: int
    start_date: date
    start_precision: Precision
    end_date: date | None
    end_precision: Precision | None
    note: str | None
    inferred: str | None  # how it is inferred, where no source states it


@dataclass(frozen=True, slots=True)
class StatingRec:
    """The words of a citation's quote that state its fact (app.domain.stating)."""

    subject: str
    date: str | None
    dates: tuple[str, ...]  # the fact's dates they give, in the dataset file's words


@dataclass(frozen=True, slots=True)
class CitationRec:
    kind: str
    fact_id: str
    source_id: str
    quote: str | None
    states: StatingRec | None = None

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
    id: str = ""  # app.domain.facts.claim_id: its source's and a digest of what it is
