"""Coverage: the days on which the dataset holds every fact of one kind (a status, the
Secretary-General, the presidency, summits), so that an absence there is news; declared
once: its table, document, record, write body and declaration."""

from dataclasses import dataclass
from datetime import date

from pydantic import Field, ValidationInfo, field_validator, model_validator
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from app.domain import documents as f
from app.domain.bodies import Body
from app.domain.fields import ExactDay
from app.domain.kind import Kind, id_key
from app.domain.public import CoveragePublic
from app.domain.tables import revision_column


class Coverage(SQLModel, table=True):
    """The days on which the dataset holds every fact of one kind (member, presidency, ...):
    from `since` to `until` (the last day the research reached; null: to today). A kind with
    no row, or a day outside that span, is not covered: absence there proves nothing."""

    kind: str = TableField(primary_key=True, max_length=32)
    revision: int = revision_column()
    since: date
    until: date | None = None


class CoverageIn(f.In):
    since: f.Day
    until: f.Day | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "CoverageIn":
        if self.until is not None and self.until < self.since:
            raise ValueError(f"until {self.until} is before since {self.since}")
        return self


class CoverageDoc(CoverageIn):
    id: str


@dataclass(frozen=True, slots=True)
class CoverageRec:
    kind: str
    revision: int
    since: date
    until: date | None


class CoverageBody(Body):
    """The days on which the dataset holds every fact of one kind."""

    since: f.Day
    until: f.Day | None = Field(default=None, description="Last day covered; null: to today")

    @field_validator("until")
    @classmethod
    def _after_since(cls, until: str | None, info: ValidationInfo) -> str | None:
        since = info.data.get("since")
        if until is not None and since is not None and until < since:
            raise ValueError(f"until {until} is before since {since}")
        return until


KIND = Kind(
    name="coverage",
    counted=False,
    id_column="kind",
    listed="/v1",
    created=False,
    path="/v1",
    plural="coverage",
    table=Coverage,
    model=CoverageDoc,
    record=CoverageRec,
    description="the days on which the dataset holds every fact of one kind",
    natural_key=id_key,
    fields=(ExactDay("since"), ExactDay("until")),
    cited=False,
    public=CoveragePublic,
    body=CoverageBody,
    section="coverage",
    entry=CoverageIn,
    keyed=True,
)
