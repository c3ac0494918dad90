"""The organisation on one day, as /v1/snapshot answers: who holds which status, the
Secretary-General, the presidency, the permanent bodies, the founding acts signed by then,
the languages and the standings, each as its own kind's answer."""

from datetime import date

from pydantic import Field

from app.domain.kinds.body import BodyPublic
from app.domain.kinds.language import LanguagePublic
from app.domain.kinds.meeting import MeetingPublic
from app.domain.kinds.permanent_body import PermanentBodyPublic
from app.domain.kinds.presidency import PresidencyPublic
from app.domain.kinds.standing import StandingPublic
from app.domain.kinds.term import TermPublic
from app.domain.public import HOLDS_DESCRIPTION, DocumentRef, Holds, Public, StateRef


class SnapshotEntry(Public):
    """A state holding a status on the snapshot's day, with the period that says so."""

    state: StateRef
    period_id: str
    holds: Holds = Field(description=HOLDS_DESCRIPTION)


class SnapshotDocument(Public):
    """A founding act signed by the snapshot's day, and whether it was in force then."""

    document: DocumentRef
    in_force: bool | None = Field(
        description="Whether it was in force that day; null: its entry into force is not "
        "known (or not known to the day), or it needs none (a declaration)"
    )


class Snapshot(Public):
    """The organisation on one day."""

    as_of: date
    member_states: list[SnapshotEntry]
    observer_states: list[SnapshotEntry]
    dialogue_partners: list[SnapshotEntry]
    partners: list[SnapshotEntry]
    secretary_general: TermPublic | None
    presidency: PresidencyPublic | None
    rats_director: TermPublic | None = Field(
        default=None, description="The Director of the RATS Executive Committee that day"
    )
    permanent_bodies: list[PermanentBodyPublic] = Field(
        description="The permanent bodies seated that day, each with its seat (as before the "
        "bodies were recorded; `bodies` shows them whole)"
    )
    meetings: list[MeetingPublic] = Field(
        default=[],
        description="The latest meeting of each council that began by that day (a summit: "
        "the Council of Heads of State's)",
    )
    bodies: list[BodyPublic] = Field(
        default=[],
        description="The councils and permanent bodies that existed that day, each with its "
        "seat and head that day",
    )
    documents: list[SnapshotDocument] = Field(
        default=[], description="The founding acts signed by that day, in the order signed"
    )
    languages: list[LanguagePublic] = Field(
        default=[], description="The organisation's official and working languages that day"
    )
    standings: list[StandingPublic] = Field(
        default=[], description="The organisation's standings in other organisations that day"
    )
    not_covered: list[str] = Field(
        description="Kinds of fact the dataset does not yet cover on this day: an empty list "
        "there means 'not known here', not 'none'"
    )
