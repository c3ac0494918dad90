"""Seats: where a permanent body of the organisation is seated, as dated periods (the
Regional Anti-Terrorist Structure: Bishkek by the Charter, Tashkent by the protocol of
2003); declared once: the table, document, record, write body and declaration. A seat is
shown with its body (app.domain.kinds.body)."""

import re
from dataclasses import dataclass
from datetime import date

from pydantic import Field
from sqlmodel import Field as TableField

from app.core.dates import Precision, parse
from app.domain import documents as f
from app.domain.bodies import DatedBody, StateCode
from app.domain.fields import DATED, Partial, Plain
from app.domain.kind import Kind, slug, span
from app.domain.kinds.body import SeatPublic
from app.domain.records import DatedRec
from app.domain.tables import (
    DatedTable,
    end_after_start,
    enum_column,
    public_id_column,
    revision_column,
)


def _word(city: str) -> str:
    """A city's name as a part of an id (`Example City`: `example-city`)."""
    return re.sub(r"[^a-z0-9]+", "-", city.lower()).strip("-") or "seat"


class Seat(DatedTable, table=True):
    __table_args__ = (end_after_start(),)

    id: int | None = TableField(default=None, primary_key=True)
    public_id: str = public_id_column()
    revision: int = revision_column()
    body_id: str = TableField(foreign_key="body.id", index=True, max_length=64)
    city: str
    state_iso3: str = TableField(foreign_key="state.iso3", max_length=3)
    decided_on: date | None = None
    decided_precision: Precision | None = enum_column(Precision, default=None, nullable=True)


class SeatIn(f.DatedIn):
    id: f.FactId | None = None
    city: f.Name
    state: f.Iso3
    decided: f.PartialDate | None = None


class SeatDoc(SeatIn):
    id: f.FactId
    body: f.Slug


@dataclass(frozen=True, slots=True)
class SeatRec(DatedRec):
    body_id: str
    city: str
    state_iso3: str
    decided_on: date | None
    decided_precision: Precision | None


class SeatBody(DatedBody):
    """A seat of a permanent body (its id is minted from body, city and start)."""

    body: f.Slug = Field(description="The body's id", examples=["rats"])
    city: f.Name = Field(examples=["Tashkent"])
    state: StateCode
    decided_on: f.PartialDate | None = None


KIND = Kind(
    name="seat",
    listed="/v1/bodies",
    path="/v1/seats",
    param="seat_id",
    one_at_a_time=("a body has one seat at a time ({})", lambda s: s.body_id),
    plural="seats",
    table=Seat,
    model=SeatDoc,
    record=SeatRec,
    description="the seat of a permanent body",
    references=(("body", "body"), ("state", "state")),
    natural_key=lambda d: (d["body"], d["city"], d["start"]),
    fields=(
        Plain("body", "body_id"),
        Plain("city"),
        Plain("state", "state_iso3"),
        Partial("decided", "decided_on", precision="decided_precision"),
        *DATED,
    ),
    describe=lambda ds, s: f"{ds.records['body'][s.body_id].name} seated in {s.city} {span(s)}",
    subject=lambda ds, s: ds.records["body"][s.body_id].called,
    stated=("start",),
    mint=lambda d: slug(d["body"], _word(d["city"]), d["start"]),
    public=SeatPublic,
    body=SeatBody,
    section="seats",
    entry=SeatIn,
    within="body",
    holder="body",
    file_order=lambda doc, nested: (parse(doc["start"])[0], doc["id"]),
    covers=("seat",),
)
