"""Status periods: one status (member, observer, dialogue partner, partner) of one state,
from its start to its end, declared once: its table, document, record, answer, write body
and declaration."""

from dataclasses import dataclass
from datetime import date

from pydantic import Field
from sqlmodel import Field as TableField

from app.core.dates import PartialDate, Precision, parse
from app.domain import documents as f
from app.domain.bodies import DatedBody, StateCode
from app.domain.fields import DATED, Partial, Plain
from app.domain.kind import Kind, slug, span
from app.domain.public import HOLDS_DESCRIPTION, Dated, Fact, Holds, OpenStatus, SourceRef, StateRef
from app.domain.records import DatedRec
from app.domain.tables import (
    DatedTable,
    Status,
    end_after_start,
    enum_column,
    public_id_column,
    revision_column,
)


class StatusPeriod(DatedTable, table=True):
    __tablename__ = "status_period"
    __table_args__ = (end_after_start(),)

    id: int | None = TableField(default=None, primary_key=True)
    public_id: str = public_id_column()
    revision: int = revision_column()
    state_iso3: str = TableField(foreign_key="state.iso3", index=True, max_length=3)
    status: Status = enum_column(Status)
    decided_on: date | None = None
    decided_precision: Precision | None = enum_column(Precision, default=None, nullable=True)


class PeriodFields(f.DatedIn):
    status: Status
    decided: f.PartialDate | None = None


class PeriodIn(PeriodFields):
    id: f.FactId | None = None


class StatusPeriodDoc(PeriodFields):
    id: f.FactId
    state: f.Iso3


@dataclass(frozen=True, slots=True)
class PeriodRec(DatedRec):
    state_iso3: str
    status: str
    decided_on: date | None
    decided_precision: Precision | None


class StatusPeriodPublic(Dated, Fact):
    """One status held by one state from `start_date` to `end_date`."""

    state: StateRef
    status: OpenStatus
    decided_on: PartialDate | None = Field(
        description="Day of the decision that began the status (it may precede start_date)"
    )
    decided_on_precision: Precision | None
    holds: Holds | None = Field(description=HOLDS_DESCRIPTION)
    note: str | None
    sources: list[SourceRef]


class StatusPeriodBody(DatedBody):
    """A status period, as it is read (its id is minted from state, status and start)."""

    state: StateCode
    status: Status
    decided_on: f.PartialDate | None = None


KIND = Kind(
    name="status_period",
    listed="/v1/states",
    path="/v1/status-periods",
    param="period_id",
    one_at_a_time=("a state holds one status at a time ({})", lambda p: p.state_iso3),
    plural="status_periods",
    table=StatusPeriod,
    model=StatusPeriodDoc,
    record=PeriodRec,
    description="one status (member, observer, dialogue partner, partner) of one state",
    references=(("state", "state"),),
    natural_key=lambda d: (d["state"], d["status"], d["start"]),
    fields=(
        Plain("state", "state_iso3"),
        Plain("status"),
        Partial("decided", "decided_on", precision="decided_precision"),
        *DATED,
    ),
    describe=lambda ds, p: f"{ds.states[p.state_iso3].name}: {p.status} {span(p)}",
    subject=lambda ds, p: ds.states[p.state_iso3].names,
    stated=("decided", "start"),
    mint=lambda d: slug(d["state"], d["status"], d["start"]),
    public=StatusPeriodPublic,
    body=StatusPeriodBody,
    section="periods",
    entry=PeriodIn,
    within="state",
    holder="state",
    file_order=lambda doc, nested: (parse(doc["start"])[0], doc["id"]),
    covers=tuple(s.value for s in Status),
    in_snapshot=True,
)
