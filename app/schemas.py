"""What the API sends: the public models. Field names follow the design contract."""

from datetime import date
from enum import StrEnum
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from app.dates import PartialDate
from app.models import (
    Post,
    Precision,
    SourceKind,
    Status,
    SummitFormat,
    TextScope,
    Verdict,
)

T = TypeVar("T")


class Public(BaseModel):
    model_config = ConfigDict(frozen=True)


class SourceRef(Public):
    """A source that states a fact, with the passage that states it where one is stored."""

    id: str
    title: str
    quote: str | None = None


class StateRef(Public):
    iso3: str = Field(examples=["IND"])
    iso2: str = Field(examples=["IN"])
    name: str = Field(examples=["India"])


class Dated(Public):
    start_date: PartialDate
    start_date_precision: Precision
    end_date: PartialDate | None = Field(description="Last day the fact held; null: it still holds")
    end_date_precision: Precision | None


class StatusPeriodPublic(Dated):
    """One status held by one state from `start_date` to `end_date`."""

    status: Status
    decided_on: PartialDate | None = Field(
        description="Day of the decision that granted the status, where it differs from "
        "the day the status took effect (start_date)"
    )
    decided_on_precision: Precision | None
    note: str | None
    sources: list[SourceRef]


class StateStatus(StatusPeriodPublic):
    """A state with one of its status periods: the items of the state collections."""

    iso3: str = Field(examples=["IND"])
    iso2: str = Field(examples=["IN"])
    name: str = Field(examples=["India"])


class Names(Public):
    en: str
    ru: str
    zh: str


class StateDetail(Public):
    """One state with its whole status history."""

    iso3: str
    iso2: str
    numeric: str
    name: str
    official_name: str | None
    names: Names
    wikidata: str | None = Field(description="Wikidata item id (QID)")
    status: Status | None = Field(description="Status held today; null: none")
    history: list[StatusPeriodPublic]


class PersonPublic(Public):
    id: str
    name: str
    name_ru: str | None
    name_zh: str | None
    nationality: StateRef


class TermPublic(Dated):
    """A term of office."""

    post: Post
    person: PersonPublic
    note: str | None
    sources: list[SourceRef]


class SummitRef(Public):
    id: str
    city: str
    start_date: date
    end_date: date


class SummitPublic(Public):
    """A meeting of the Council of Heads of State."""

    id: str = Field(examples=["2022-samarkand"])
    host: StateRef
    city: str
    start_date: date
    end_date: date
    format: SummitFormat
    note: str | None
    sources: list[SourceRef]


class PresidencyPublic(Dated):
    """A rotating presidency; it passes at the close of the summit that ends it."""

    chair: StateRef
    summit: SummitRef | None = Field(description="The summit that closed it; null: not yet")
    note: str | None
    sources: list[SourceRef]


class EventType(StrEnum):
    """What happened on a timeline day."""

    status_granted = "status_granted"
    status_changed = "status_changed"
    status_ended = "status_ended"
    term_began = "term_began"
    term_ended = "term_ended"
    presidency_handover = "presidency_handover"
    summit = "summit"


class PersonRef(Public):
    id: str
    name: str


class TimelineEvent(Public):
    """One dated change. Status events name the state and the statuses before and after;
    term events the person and post; handovers the chairs; summit events the summit."""

    date: PartialDate = Field(
        description="Day of the event, or its month or year where the sources give no day"
    )
    date_precision: Precision
    type: EventType
    summary: str = Field(examples=["India: observer → member"])
    state: StateRef | None = Field(
        default=None,
        description="The state whose status changed, the new chair, the Secretary-General's "
        "state of nationality, or the summit host",
    )
    from_status: Status | None = Field(default=None, description="Status held until the day before")
    to_status: Status | None = Field(default=None, description="Status held from this day")
    decided_on: PartialDate | None = Field(
        default=None, description="Day of the decision that began the new status"
    )
    previous_chair: StateRef | None = None
    person: PersonRef | None = None
    post: Post | None = None
    summit: SummitRef | None = None
    note: str | None = None
    sources: list[SourceRef]


class StateTimeline(Public):
    """One state's changes of status, oldest first."""

    state: StateRef
    events: list[TimelineEvent]


class PermanentBodyPublic(Public):
    id: str
    name: str
    seat_city: str
    seat_state: StateRef
    note: str | None
    sources: list[SourceRef]


class Snapshot(Public):
    """The organisation on one day."""

    as_of: date
    member_states: list[StateRef]
    observer_states: list[StateRef]
    dialogue_partners: list[StateRef]
    partners: list[StateRef]
    secretary_general: TermPublic | None
    presidency: PresidencyPublic | None
    permanent_bodies: list[PermanentBodyPublic]
    not_covered: list[str] = Field(
        description="Kinds of fact the dataset does not yet cover on this day: an empty list "
        "there means 'not known here', not 'none'"
    )


class SourceSummary(Public):
    id: str
    kind: SourceKind
    title: str
    publisher: str
    published_on: PartialDate | None
    published_on_precision: Precision | None
    url: str | None
    language: str
    text_scope: TextScope | None = Field(
        description="How much of the text is stored: full, excerpt (the passage read), or none"
    )
    citation_count: int = Field(description="Facts this source is cited for")
    claim_verdicts: dict[Verdict, int] = Field(
        description="Its claims about the organisation, counted by verdict"
    )


class CitationPublic(Public):
    fact: str = Field(description="The fact cited, in words")
    fact_type: str
    quote: str | None


class ClaimPublic(Public):
    statement: str = Field(description="What the source says, verbatim")
    kind: str
    params: dict[str, Any]
    verdict: Verdict
    detail: str
    note: str | None = Field(description="Why the dataset departs from the source, if it does")


class SourceDetail(SourceSummary):
    text: str | None
    citations: list[CitationPublic]
    claims: list[ClaimPublic]


class Page(Public, Generic[T]):
    items: list[T]
    total: int = Field(description="Items matching, on all pages")
    limit: int
    offset: int


class CoveragePublic(Public):
    since: date
    until: date | None = Field(description="Last day the research reached; null: to today")


class DatasetInfo(Public):
    """What this service holds."""

    version: int = Field(description="Grows on every change to the data")
    content_hash: str | None
    loaded_at: str | None
    coverage: dict[str, "CoveragePublic | None"] = Field(
        description="For each kind of fact, the days on which the dataset holds every such "
        "fact (null: not covered at all)"
    )
    counts: dict[str, int]
