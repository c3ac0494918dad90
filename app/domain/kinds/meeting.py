"""Meetings of the organisation's councils (of Heads of Government, of Foreign Ministers),
each with its council, ordinal number, host, city and days; declared once: the table,
document, record, answer, write body and declaration. The meetings of the Council of Heads
of State are the summits (app.domain.kinds.summit), shown in this shape too."""

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field
from sqlmodel import Field as TableField

from app.core.dates import PartialDate, Precision, parse
from app.domain import documents as f
from app.domain.bodies import DatedBody, StateCode
from app.domain.fields import DATED, Many, Mapping, Plain
from app.domain.kind import Kind, slug, span
from app.domain.kinds.summit import SummitFormat
from app.domain.public import (
    HOLDS_DESCRIPTION,
    Basis,
    BodyRef,
    Fact,
    Holds,
    Names,
    SourceRef,
    StateRef,
    open_list,
)
from app.domain.records import DatedRec
from app.domain.tables import (
    DatedTable,
    aliases_column,
    end_after_start,
    enum_column,
    names_column,
    public_id_column,
    revision_column,
)

# The councils whose meetings are this kind's (the Council of Heads of State's are summits);
# each council's id is also the name under which the dataset says when it holds them all.
COUNCILS = ("council-of-heads-of-government", "council-of-foreign-ministers")


class Meeting(DatedTable, table=True):
    __table_args__ = (end_after_start(),)

    id: int | None = TableField(default=None, primary_key=True)
    public_id: str = public_id_column()
    revision: int = revision_column()
    body_id: str = TableField(foreign_key="body.id", index=True, max_length=64)
    ordinal: int | None = None
    extraordinary: bool = False
    host_iso3: str = TableField(foreign_key="state.iso3", max_length=3)
    city: str
    city_names: dict[str, str] = names_column()
    aliases: list[str] = aliases_column()
    format: SummitFormat = enum_column(SummitFormat)


class MeetingIn(f.DatedIn):
    id: f.FactId | None = None
    end: f.PartialDate  # a meeting's last day is always recorded (its first, for one day)
    body: f.Slug
    ordinal: Annotated[int, Field(ge=1, le=1000)] | None = None
    extraordinary: bool = False
    host: f.Iso3
    city: f.Name
    city_names: dict[f.Lang, f.Name] = Field(default={})
    aliases: f.Aliases = Field(default=[])
    format: SummitFormat = SummitFormat.in_person


@dataclass(frozen=True, slots=True)
class MeetingRec(DatedRec):
    body_id: str
    ordinal: int | None
    extraordinary: bool
    host_iso3: str
    city: str
    city_names: dict[str, str]
    aliases: tuple[str, ...]
    format: str

    @property
    def places(self) -> tuple[str, ...]:
        """Every name of its place: the city's in each language, and as quotes write it."""
        return (self.city, *self.city_names.values(), *self.aliases)


class MeetingPublic(Fact):
    """A meeting of a council of the organisation (a summit: of the Council of Heads of
    State)."""

    id: str = Field(examples=["council-of-heads-of-government-2024-10-16"])
    body: BodyRef = Field(description="The council that met")
    ordinal: int | None = Field(description="Its number, where a source gives it")
    extraordinary: bool
    host: StateRef
    city: str
    city_names: Names = Field(description="The city's name by language, where sources give it")
    aliases: list[str] = Field(description="Other names of its place, as its sources write them")
    start_date: PartialDate
    start_date_precision: Precision
    end_date: PartialDate
    end_date_precision: Precision
    format: Annotated[SummitFormat, open_list(SummitFormat)]
    holds: Holds | None = Field(description=HOLDS_DESCRIPTION)
    inference: str | None = None
    basis: Basis
    note: str | None
    sources: list[SourceRef]


class MeetingBody(DatedBody):
    """A meeting of a council (its id is minted from the council and its first day)."""

    end_date: f.PartialDate = Field(description="Its last day (its first, for one day)")
    body: f.Slug = Field(examples=["council-of-heads-of-government"])
    ordinal: Annotated[int, Field(ge=1, le=1000)] | None = None
    extraordinary: bool = False
    host: StateCode
    city: f.Name
    city_names: dict[f.Lang, f.Name] = Field(default={})
    aliases: f.Aliases = Field(default=[])
    format: SummitFormat = SummitFormat.in_person


KIND = Kind(
    name="meeting",
    listed="/v1/meetings",
    path="/v1/meetings",
    param="meeting_id",
    one_at_a_time=("a council holds one meeting at a time ({})", lambda m: m.body_id),
    plural="meetings",
    table=Meeting,
    model=MeetingIn,
    record=MeetingRec,
    description="a meeting of a council of the organisation",
    references=(("body", "body"), ("host", "state")),
    natural_key=lambda d: (d["body"], d["start"]),
    fields=(
        Plain("body", "body_id"),
        Plain("ordinal"),
        Plain("extraordinary"),
        Plain("host", "host_iso3"),
        Plain("city"),
        Mapping("city_names"),
        Many("aliases"),
        Plain("format"),
        *DATED,
    ),
    describe=lambda ds, m: (
        f"Meeting of the {ds.records['body'][m.body_id].name} in {m.city} " + span(m)
    ),
    subject=lambda ds, m: m.places,
    stated=("start", "end"),
    mint=lambda d: slug(d["body"], d["start"]),
    public=MeetingPublic,
    body=MeetingBody,
    section="meetings",
    entry=MeetingIn,
    file_order=lambda doc, nested: (parse(doc["start"])[0], doc["id"]),
    covers=COUNCILS,
    in_snapshot=True,
)
