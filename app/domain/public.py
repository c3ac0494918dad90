"""What the API sends: the public models. Field names follow the design contract."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

from app.core.dates import PartialDate, Precision
from app.domain.tables import Post, Status, Verdict

T = TypeVar("T")


def open_list(values: type[StrEnum]) -> WithJsonSchema:
    """The schema of a value the service sends from a list that grows (event types, posts,
    statuses, kinds): a string whose values known today are listed (`x-extensible-enum`, as
    in Zalando's API guidelines), not a closed `enum`, so that a client generated from this
    document keeps working when a later version sends a value it did not list."""
    known = [v.value for v in values]
    return WithJsonSchema(
        {
            "type": "string",
            "description": "One of a list that may grow; known today: " + ", ".join(known),
            "x-extensible-enum": known,
            "examples": known[:1],
        }
    )


class Public(BaseModel):
    model_config = ConfigDict(frozen=True)


class Stating(Public):
    """The words of a citation's quote that state its fact; `sco-api check` verifies them."""

    subject: str = Field(
        description="The words naming the fact's subject: one of the names or aliases of the "
        "state, the person or the summit's place",
        examples=["India"],
    )
    date: str | None = Field(
        description="The words giving a date, read in the quote's language or counted from "
        "the source's publication date (`on Thursday`), or naming the summit whose days are "
        "the date; null: the citation names the subject only (a permanent body)",
        examples=["on 9 June 2017"],
    )
    dates: list[str] = Field(
        description="Which of the fact's dates those words give: `decided_on`, `start_date`, "
        "`end_date`",
        examples=[["decided_on", "start_date"]],
    )


STATES_DESCRIPTION = (
    "The words of the quote that state the fact (its subject, and which of its dates); null: "
    "the citation supports the fact without stating it"
)


class SourceRef(Public):
    """A source cited for a fact, with the passage cited where its text is stored."""

    id: str
    title: str
    quote: str | None = None
    states: Stating | None = Field(default=None, description=STATES_DESCRIPTION)


class Names(Public):
    """A name in the SCO's working languages; null where no name is known in one."""

    en: str | None = Field(examples=["India"])
    ru: str | None = Field(examples=["Индия"])
    zh: str | None = Field(examples=["印度"])


class StateRef(Public):
    """A state, wherever one is named: codes and names from ISO 3166-1."""

    iso3: str = Field(examples=["IND"])
    iso2: str = Field(examples=["IN"])
    numeric: str = Field(examples=["356"])
    name: str = Field(examples=["India"])
    names: Names


class Holds(StrEnum):
    """Whether a fact holds on the `as_of` day however its imprecise dates resolve
    (`certainly`), or only under the widest reading of a date known to the month or year
    (`possibly`)."""

    certainly = "certainly"
    possibly = "possibly"


HOLDS_DESCRIPTION = (
    "With `as_of`: `certainly` when the fact holds on that day however its imprecise dates "
    "resolve, `possibly` when the day falls inside a boundary known only to the month or "
    "year, or the fact is inferred (`basis`); null without `as_of`"
)


class Fact(Public):
    id: str = Field(description="Public id, minted when the fact was created; never changes")
    revision: int = Field(description="Grows by one with each change to the fact")


class Basis(StrEnum):
    """Whether a source states the fact (`stated`), or it is `inferred` by a rule from
    stated facts (the rule is its `inference`)."""

    stated = "stated"
    inferred = "inferred"


class Dated(Public):
    start_date: PartialDate
    start_date_precision: Precision
    end_date: PartialDate | None = Field(description="Last day the fact held; null: it still holds")
    end_date_precision: Precision | None
    inference: str | None = Field(
        default=None,
        description="How the fact is inferred, in words, where no source states who or what; "
        "null: a source states it",
    )
    basis: Basis = Field(
        description="`stated`: a citation's quote states the fact; `inferred`: no source "
        "does, it follows from `inference` (it then holds `possibly` on every day, and "
        "`certain=true` leaves it out)"
    )

    @model_validator(mode="before")
    @classmethod
    def _basis(cls, data: Any) -> Any:
        if isinstance(data, dict) and "basis" not in data:
            data = {**data, "basis": Basis.inferred if data.get("inference") else Basis.stated}
        return data


class SummitRef(Public):
    id: str
    city: str
    start_date: PartialDate
    start_date_precision: Precision
    end_date: PartialDate
    end_date_precision: Precision


class DocumentRef(Fact):
    """A founding act, as another fact names it."""

    id: str = Field(examples=["charter"])
    title: str = Field(examples=["Charter of the Shanghai Cooperation Organisation"])
    href: str = Field(examples=["/v1/documents/charter"])


class OtherOrganisation(Public):
    """Another organisation, in which the SCO holds a standing."""

    id: str = Field(examples=["un-general-assembly"])
    names: Names
    aliases: list[str] = Field(description="Other names its sources use (`UNGA`)")


class BodyRef(Public):
    """A body of the organisation, as another fact names it."""

    id: str = Field(examples=["secretariat"])
    name: str = Field(examples=["SCO Secretariat"])
    href: str = Field(examples=["/v1/bodies/secretariat"])


class EventType(StrEnum):
    """What happened on a timeline day."""

    status_granted = "status_granted"
    status_changed = "status_changed"
    status_ended = "status_ended"
    term_began = "term_began"
    term_ended = "term_ended"
    presidency_handover = "presidency_handover"
    summit = "summit"
    document_signed = "document_signed"
    document_in_force = "document_in_force"
    standing_began = "standing_began"
    standing_ended = "standing_ended"
    body_established = "body_established"
    body_moved = "body_moved"
    meeting = "meeting"


OpenEventType = Annotated[EventType, open_list(EventType)]
OpenPost = Annotated[Post, open_list(Post)]
OpenStatus = Annotated[Status, open_list(Status)]


class PersonRef(Public):
    """A person, wherever one is named in passing (the full record: /v1/people/{id})."""

    id: str
    name: str
    names: Names


class TimelineEvent(Public):
    """One dated change. Status events name the state and the statuses before and after;
    term events the person and post; handovers the chairs; summit events the summit;
    document events the founding act; standing events the other organisation; body events
    the body (and, moved, the state of its new seat)."""

    date: PartialDate = Field(
        description="Day of the event, or its month or year where the sources give no day"
    )
    date_precision: Precision
    type: OpenEventType
    summary: str = Field(examples=["India: observer → member"])
    state: StateRef | None = Field(
        default=None,
        description="The state whose status changed, the new chair, the Secretary-General's "
        "state of nationality, or the summit host",
    )
    from_status: OpenStatus | None = Field(
        default=None, description="Status held until the day before"
    )
    to_status: OpenStatus | None = Field(default=None, description="Status held from this day")
    decided_on: PartialDate | None = Field(
        default=None, description="Day of the decision that began the new status"
    )
    decided_on_precision: Precision | None = None
    previous_chair: StateRef | None = None
    person: PersonRef | None = None
    post: OpenPost | None = None
    summit: SummitRef | None = None
    document: DocumentRef | None = Field(
        default=None, description="The founding act signed or entering into force"
    )
    organisation: OtherOrganisation | None = Field(
        default=None, description="The organisation in which a standing began or ended"
    )
    body: BodyRef | None = Field(default=None, description="The body established or moved")
    note: str | None = None
    sources: list[SourceRef]


class StateTimeline(Public):
    """One state's changes of status, oldest first."""

    state: StateRef
    events: list[TimelineEvent]


class CitationPublic(Public):
    fact: str = Field(description="The fact cited, in words")
    fact_type: str
    fact_id: str
    quote: str | None
    states: Stating | None = Field(default=None, description=STATES_DESCRIPTION)


class ClaimPublic(Public):
    id: str = Field(
        description="Its id: its source's, and a digest of its statement, kind and params",
        examples=["indian-awaaz-2022-03-20-5b1f0c2a"],
    )
    source: str = Field(description="The id of the source that makes it")
    statement: str = Field(description="What the source says, verbatim")
    kind: str
    params: dict[str, Any]
    verdict: Verdict
    detail: str
    note: str | None = Field(description="Why the dataset departs from the source, if it does")


class Page(Public, Generic[T]):
    items: list[T]
    total: int = Field(description="Items matching, on all pages")
    limit: int
    offset: int
    not_covered: list[str] | None = Field(
        default=None,
        description="Asked `as_of` a day past a kind's coverage (Coverage-Until): the kinds "
        "of fact this collection lists that the dataset does not hold completely that day, "
        "as in the snapshot; absent otherwise",
    )


class CoveragePublic(Public):
    since: date
    until: date | None = Field(description="Last day the research reached; null: to today")


class DatasetInfo(Public):
    """What this service holds."""

    version: int = Field(description="The seq of the latest change set: the dataset version")
    committed_at: datetime | None = Field(description="When that change set was committed")
    coverage: dict[str, "CoveragePublic | None"] = Field(
        description="For each kind of fact, the days on which the dataset holds every such "
        "fact (null: not covered at all)"
    )
    counts: dict[str, int]


class FactChangePublic(Public):
    kind: str = Field(examples=["status_period"])
    id: str = Field(examples=["ind-member-2017-06-09"])
    op: str = Field(description="create, update or delete")
    revision: int = Field(description="The fact's revision after the change (delete: before)")
    before: dict[str, Any] | None = Field(description="The fact before (null: created)")
    after: dict[str, Any] | None = Field(description="The fact after (null: deleted)")


class ChangeSetPublic(Public):
    """One atomic change to the dataset, with every fact it changed."""

    seq: int = Field(description="Gapless, in commit order; the dataset version after it")
    committed_at: datetime
    actor: str
    channel: str = Field(description="seed, import, migration, …")
    reason: str
    changes: list[FactChangePublic]


class ChangesPage(Public):
    """A page of the change log, oldest first; follow `next` (or `Link: rel="next"`)."""

    items: list[ChangeSetPublic]
    limit: int
    next: str | None = Field(description="The next page; null: none yet (poll it later)")


class AuditEntry(ChangeSetPublic):
    """A change set as the audit shows it: with who made it and in which request."""

    api_key: str | None = Field(description="The name of the API key it was made with")
    request_id: str | None = Field(description="The X-Request-ID of the request that made it")


class AuditPage(Public):
    """A page of the audit, oldest first; follow `next` (or `Link: rel="next"`)."""

    items: list[AuditEntry]
    limit: int
    next: str | None = Field(description="The next page; null: none yet")
