"""Presidencies: the rotating chair of the organisation, passed on at the close of a summit,
declared once: its table, document, record, answer, write body and declaration."""

from dataclasses import dataclass

from pydantic import Field
from sqlmodel import Field as TableField

from app.core.dates import parse
from app.domain import documents as f
from app.domain.bodies import DatedBody, StateCode
from app.domain.fields import DATED, Plain
from app.domain.kind import Kind, slug, span
from app.domain.public import HOLDS_DESCRIPTION, Dated, Fact, Holds, SourceRef, StateRef, SummitRef
from app.domain.records import DatedRec
from app.domain.tables import DatedTable, end_after_start, public_id_column, revision_column


class Presidency(DatedTable, table=True):
    __table_args__ = (end_after_start(),)

    id: int | None = TableField(default=None, primary_key=True)
    public_id: str = public_id_column()
    revision: int = revision_column()
    chair_iso3: str = TableField(foreign_key="state.iso3", max_length=3)
    summit_id: str | None = TableField(
        default=None, foreign_key="summit.id", unique=True, max_length=64
    )


class PresidencyIn(f.DatedIn):
    id: f.FactId | None = None
    chair: f.Iso3
    summit: f.Slug | None = None


@dataclass(frozen=True, slots=True)
class PresidencyRec(DatedRec):
    chair_iso3: str
    summit_id: str | None


class PresidencyPublic(Dated, Fact):
    """A rotating presidency; it passes at the close of the summit that ends it."""

    chair: StateRef
    summit: SummitRef | None = Field(description="The summit that closed it; null: not yet")
    holds: Holds | None = Field(description=HOLDS_DESCRIPTION)
    note: str | None
    sources: list[SourceRef]


class PresidencyBody(DatedBody):
    """A rotating presidency (its id is minted from chair and start)."""

    chair: StateCode
    summit: f.Slug | None = Field(
        default=None, description="The id of the summit that closed it; null: not yet"
    )


KIND = Kind(
    name="presidency",
    listed="/v1/presidencies",
    path="/v1/presidencies",
    param="presidency_id",
    one_at_a_time=("one state holds the presidency at a time", lambda p: ""),
    plural="presidencies",
    table=Presidency,
    model=PresidencyIn,
    record=PresidencyRec,
    description="a rotating presidency, closed by a summit",
    references=(("chair", "state"), ("summit", "summit")),
    natural_key=lambda d: (d["chair"], d["start"]),
    fields=(Plain("chair", "chair_iso3"), Plain("summit", "summit_id"), *DATED),
    describe=lambda ds, p: f"Presidency of {ds.states[p.chair_iso3].name} {span(p)}",
    subject=lambda ds, p: ds.states[p.chair_iso3].names,
    stated=("start",),
    start_follows="a presidency starts the day after the summit at which it is handed over",
    mint=lambda d: slug(d["chair"], "presidency", d["start"]),
    public=PresidencyPublic,
    body=PresidencyBody,
    section="presidencies",
    entry=PresidencyIn,
    file_order=lambda doc, nested: (parse(doc["start"])[0], doc["id"]),
    covers=("presidency",),
    in_snapshot=True,
)
