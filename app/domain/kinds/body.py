"""The organisation's bodies: its councils (of Heads of State, of Heads of Government, of
Foreign Ministers, of National Coordinators) and its permanent bodies (the Secretariat, the
Regional Anti-Terrorist Structure and its Executive Committee), each with its names, when it
was decided and when it began work, the post that heads it and the body it is part of;
declared once: the table, document, record, answer, write bodies and declaration. Their
seats are app.domain.kinds.seat."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator
from sqlalchemy import Text
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from app.core.dates import PartialDate, Precision, parse, render
from app.domain import documents as f
from app.domain.bodies import Body, Citations
from app.domain.fields import Many, Mapping, Partial, Plain
from app.domain.kind import Kind, id_key
from app.domain.kinds.term import TermPublic
from app.domain.public import (
    HOLDS_DESCRIPTION,
    Basis,
    BodyRef,
    Dated,
    Fact,
    Holds,
    Names,
    OpenPost,
    Public,
    SourceRef,
    StateRef,
    open_list,
)
from app.domain.tables import Post, aliases_column, enum_column, names_column, revision_column


class BodyKind(StrEnum):
    """A council (its members' heads of state, heads of government, ministers or national
    coordinators meeting) or a permanent body (with a seat and a staff)."""

    council = "council"
    permanent_body = "permanent_body"


class Organ(SQLModel, table=True):
    """A body of the organisation."""

    __tablename__ = "body"

    id: str = TableField(primary_key=True, max_length=64)
    revision: int = revision_column()
    names: dict[str, str] = names_column()
    aliases: list[str] = aliases_column()
    kind: BodyKind = enum_column(BodyKind)
    part_of_id: str | None = TableField(default=None, foreign_key="body.id", max_length=64)
    head_post: Post | None = enum_column(Post, default=None, nullable=True)
    decided_on: date | None = None
    decided_precision: Precision | None = enum_column(Precision, default=None, nullable=True)
    start_date: date | None = None
    start_precision: Precision | None = enum_column(Precision, default=None, nullable=True)
    end_date: date | None = None
    end_precision: Precision | None = enum_column(Precision, default=None, nullable=True)
    note: str | None = TableField(default=None, sa_type=Text)
    inferred: str | None = TableField(default=None, sa_type=Text)


def _in_order(decided: str | None, start: str | None, end: str | None) -> None:
    if decided and start and parse(start, end=True)[0] < parse(decided)[0]:
        raise ValueError(f"it began work ({start}) before it was decided ({decided})")
    if start and end and parse(end, end=True)[0] < parse(start)[0]:
        raise ValueError(f"end {end} is before start {start}")


class BodyIn(f.Cited):
    id: f.Slug
    names: dict[f.Lang, f.Name] = Field(min_length=1)
    aliases: f.Aliases = Field(default=[])
    kind: BodyKind
    part_of: f.Slug | None = None
    head_post: Post | None = None
    decided: f.PartialDate | None = None
    start: f.PartialDate | None = None
    end: f.PartialDate | None = None
    inferred: f.Note | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "BodyIn":
        _in_order(self.decided, self.start, self.end)
        return self


@dataclass(frozen=True, slots=True)
class BodyRec:
    id: str
    revision: int
    names: dict[str, str]
    aliases: tuple[str, ...]
    kind: str
    part_of_id: str | None
    head_post: str | None
    decided_on: date | None
    decided_precision: Precision | None
    start_date: date | None
    start_precision: Precision | None
    end_date: date | None
    end_precision: Precision | None
    note: str | None
    inferred: str | None

    @property
    def name(self) -> str:
        return self.names.get("en") or next(iter(self.names.values()))

    @property
    def called(self) -> tuple[str, ...]:
        """Every name it goes by: in each language, and its aliases (`RATS`, `SCO RATS`)."""
        return (*self.names.values(), *self.aliases)

    def exists_on(self, day: date) -> bool:
        """Whether it had been decided (or begun work) by `day`, and not yet ended."""
        first = min((d for d in (self.decided_on, self.start_date) if d), default=None)
        return (first is None or first <= day) and (self.end_date is None or day <= self.end_date)


class BodyFields(Body):
    names: dict[f.Lang, f.Name] = Field(
        min_length=1, description="Its name by language (en, ru, zh)", examples=[{"en": "X"}]
    )
    aliases: f.Aliases = Field(default=[], description="Other names its sources use")
    kind: BodyKind
    part_of: f.Slug | None = Field(default=None, description="The id of the body it is part of")
    head_post: Post | None = Field(default=None, description="The post that heads it")
    decided_on: f.PartialDate | None = None
    start_date: f.PartialDate | None = Field(default=None, description="When it began work")
    end_date: f.PartialDate | None = None
    note: f.Note | None = None
    inference: f.Note | None = Field(
        default=None, description="How what no source states of it (a date) is inferred"
    )
    sources: Citations

    @model_validator(mode="after")
    def _ordered(self) -> "BodyFields":
        _in_order(self.decided_on, self.start_date, self.end_date)
        return self


class BodyBody(BodyFields):
    """A body, created with its id (a slug, e.g. `council-of-heads-of-government`)."""

    id: f.Slug = Field(examples=["council-of-defence-ministers"])


class BodyDates(Public):
    """When a body was decided and began work (and ended), at its sources' precision."""

    decided_on: PartialDate | None = Field(description="The day it was decided or founded")
    decided_on_precision: Precision | None
    start_date: PartialDate | None = Field(
        description="The day it began work (a council: its first meeting); null: not known"
    )
    start_date_precision: Precision | None
    end_date: PartialDate | None = Field(description="The last day it worked; null: it works")
    end_date_precision: Precision | None


def body_dates(b: BodyRec) -> dict[str, object]:
    """A body's dates as answers show them."""
    return {
        "decided_on": render(b.decided_on, b.decided_precision),
        "decided_on_precision": b.decided_precision,
        "start_date": render(b.start_date, b.start_precision),
        "start_date_precision": b.start_precision,
        "end_date": render(b.end_date, b.end_precision),
        "end_date_precision": b.end_precision,
    }


class SeatPublic(Dated, Fact):
    """Where a permanent body is seated, from `start_date` (the act that placed it there)
    to `end_date`."""

    id: str = Field(examples=["rats-tashkent-2003-09-05"])
    city: str = Field(examples=["Tashkent"])
    state: StateRef
    decided_on: PartialDate | None = Field(description="The day the seat was decided")
    decided_on_precision: Precision | None
    holds: Holds | None = Field(description=HOLDS_DESCRIPTION)
    note: str | None
    sources: list[SourceRef]


class BodyPublic(BodyDates, Fact):
    """A council or permanent body of the organisation, with (on the `as_of` day, today by
    default) its seat and the holder of the post that heads it."""

    id: str = Field(examples=["secretariat"])
    names: Names
    aliases: list[str] = Field(description="Other names its sources use (`RATS`, `SCO RATS`)")
    kind: Annotated[BodyKind, open_list(BodyKind)]
    part_of: BodyRef | None = Field(description="The body it is part of")
    parts: list[BodyRef] = Field(description="The bodies part of it")
    head_post: OpenPost | None = Field(description="The post that heads it")
    seat: SeatPublic | None = Field(description="Its seat on the day; null: none (a council)")
    seats: list[SeatPublic] = Field(description="Its seats, oldest first")
    head: TermPublic | None = Field(
        description="The term of the holder of `head_post` on the day; null: none known"
    )
    inference: str | None = Field(
        default=None, description="How what no source states of it (a date) is inferred"
    )
    basis: Basis
    note: str | None
    sources: list[SourceRef]


KIND = Kind(
    name="body",
    listed="/v1/bodies",
    path="/v1/bodies",
    param="body_id",
    plural="bodies",
    table=Organ,
    model=BodyIn,
    record=BodyRec,
    description="a council or permanent body of the organisation",
    references=(("part_of", "body"),),
    natural_key=id_key,
    fields=(
        Mapping("names"),
        Many("aliases"),
        Plain("kind"),
        Plain("part_of", "part_of_id"),
        Plain("head_post"),
        Partial("decided", "decided_on", precision="decided_precision"),
        Partial("start", "start_date", precision="start_precision"),
        Partial("end", "end_date", precision="end_precision", end=True),
        Plain("note"),
        Plain("inferred", answer="inference"),
    ),
    describe=lambda ds, b: f"{b.name} (body)",
    subject=lambda ds, b: b.called,
    stated=("decided", "start"),
    public=BodyPublic,
    body=BodyFields,
    new_body=BodyBody,
    section="bodies",
    entry=BodyIn,
    file_order=lambda doc, nested: (
        str(parse(doc.get("start") or doc.get("decided") or "9999")[0]),
        doc["id"],
    ),
    covers=("body",),
    in_snapshot=True,
)
