"""Summits: the meetings of the Council of Heads of State, declared once: the table, the
document (the dataset file's words), the read model's record, the answer, the write bodies
and the declaration the rest of the service derives from."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator
from sqlalchemy import Text
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from app.core.dates import PartialDate, Precision
from app.domain import documents as f
from app.domain.bodies import END_AFTER_START, Body, Citations, StateCode
from app.domain.documents import Cited, Iso3, Name, Slug, end_not_before_start
from app.domain.fields import ExactDay, Many, Plain
from app.domain.kind import Kind, id_key
from app.domain.public import HOLDS_DESCRIPTION, Fact, Holds, SourceRef, StateRef, open_list
from app.domain.tables import aliases_column, end_after_start, enum_column, revision_column


class SummitFormat(StrEnum):
    in_person = "in_person"
    virtual = "virtual"
    hybrid = "hybrid"


class Summit(SQLModel, table=True):
    __table_args__ = (end_after_start(),)

    id: str = TableField(primary_key=True, max_length=64)
    revision: int = revision_column()
    host_iso3: str = TableField(foreign_key="state.iso3", max_length=3)
    city: str
    start_date: date
    end_date: date
    format: SummitFormat = enum_column(SummitFormat)
    note: str | None = TableField(default=None, sa_type=Text)
    aliases: list[str] = aliases_column()


class SummitIn(Cited):
    id: Slug
    host: Iso3
    city: Name
    start: f.Day
    end: f.Day
    format: SummitFormat
    aliases: list[Name] = Field(default=[])

    @model_validator(mode="after")
    def _ordered(self) -> "SummitIn":
        end_not_before_start(self.start, self.end)
        return self


@dataclass(frozen=True, slots=True)
class SummitRec:
    id: str
    revision: int
    host_iso3: str
    city: str
    start_date: date
    end_date: date
    format: str
    note: str | None
    aliases: tuple[str, ...]
    # A summit's days are always whole days; these let it be compared as a dated fact.
    start_precision: Precision = Precision.day
    end_precision: Precision = Precision.day


class SummitPublic(Fact):
    """A meeting of the Council of Heads of State."""

    id: str = Field(examples=["2022-samarkand"])
    host: StateRef
    city: str
    start_date: PartialDate
    start_date_precision: Precision
    end_date: PartialDate
    end_date_precision: Precision
    format: Annotated[SummitFormat, open_list(SummitFormat)]
    aliases: list[str] = Field(
        description="Other names of its place, as its sources write them (Самарканде, 撒马尔罕)"
    )
    holds: Holds | None = Field(description=HOLDS_DESCRIPTION)
    note: str | None
    sources: list[SourceRef]


class SummitFields(Body):
    host: StateCode
    city: f.Name
    start_date: f.Day
    end_date: f.Day
    format: SummitFormat
    aliases: f.Aliases = Field(
        default=[], description="Other names of its place, each in a quote of its sources"
    )
    note: f.Note | None = None
    sources: Citations

    _end = END_AFTER_START


class SummitBody(SummitFields):
    """A summit, created with its id (a slug, e.g. `2027-bishkek`)."""

    id: f.Slug = Field(examples=["2027-bishkek"])


KIND = Kind(
    name="summit",
    listed="/v1/summits",
    path="/v1/summits",
    param="summit_id",
    plural="summits",
    table=Summit,
    model=SummitIn,
    record=SummitRec,
    description="a meeting of the Council of Heads of State",
    references=(("host", "state"),),
    natural_key=id_key,
    fields=(
        Plain("host", "host_iso3"),
        Plain("city"),
        ExactDay("start", "start_date"),
        ExactDay("end", "end_date"),
        Plain("format"),
        Plain("note"),
        Many("aliases"),
    ),
    describe=lambda ds, s: f"Summit in {s.city}, {s.start_date} to {s.end_date}",
    subject=lambda ds, s: (s.city, *s.aliases),
    stated=("start",),
    public=SummitPublic,
    body=SummitFields,
    new_body=SummitBody,
    section="summits",
    entry=SummitIn,
    file_order=lambda doc, nested: (doc["start"], doc["id"]),
    covers=("summit",),
)
