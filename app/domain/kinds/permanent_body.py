"""Permanent bodies of the organisation (its Secretariat, RATS) and their seats, declared
once: the table, document, record, answer and declaration."""

from dataclasses import dataclass

from sqlalchemy import Text
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from app.domain import documents as f
from app.domain.fields import Plain
from app.domain.kind import Kind, id_key
from app.domain.public import Fact, SourceRef, StateRef
from app.domain.tables import revision_column


class PermanentBody(SQLModel, table=True):
    """A permanent body of the organisation (the Secretariat) and its seat."""

    __tablename__ = "permanent_body"

    id: str = TableField(primary_key=True, max_length=64)
    revision: int = revision_column()
    name: str
    seat_city: str
    seat_state_iso3: str = TableField(foreign_key="state.iso3", max_length=3)
    note: str | None = TableField(default=None, sa_type=Text)


class BodyIn(f.Cited):
    id: f.Slug
    name: f.Name
    seat_city: f.Name
    seat_state: f.Iso3


@dataclass(frozen=True, slots=True)
class BodyRec:
    id: str
    revision: int
    name: str
    seat_city: str
    seat_state_iso3: str
    note: str | None


class PermanentBodyPublic(Fact):
    name: str
    seat_city: str
    seat_state: StateRef
    note: str | None
    sources: list[SourceRef]


KIND = Kind(
    name="permanent_body",
    path="/v1/snapshot",
    listed="/v1/snapshot",
    plural="permanent_bodies",
    table=PermanentBody,
    model=BodyIn,
    record=BodyRec,
    description="a permanent body of the organisation and its seat",
    references=(("seat_state", "state"),),
    natural_key=id_key,
    fields=(
        Plain("name"),
        Plain("seat_city"),
        Plain("seat_state", "seat_state_iso3"),
        Plain("note"),
    ),
    describe=lambda ds, b: f"{b.name}, seated in {b.seat_city}",
    subject=lambda ds, b: (b.name,),
    public=PermanentBodyPublic,
    section="permanent_bodies",
    entry=BodyIn,
)
