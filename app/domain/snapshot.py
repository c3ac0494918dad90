"""The organisation on one day, as /v1/snapshot answers: who holds which status, the
Secretary-General, the presidency and the permanent bodies, each as its own kind's answer."""

from datetime import date

from pydantic import Field

from app.domain.kinds.permanent_body import PermanentBodyPublic
from app.domain.kinds.presidency import PresidencyPublic
from app.domain.kinds.term import TermPublic
from app.domain.public import HOLDS_DESCRIPTION, Holds, Public, StateRef


class SnapshotEntry(Public):
    """A state holding a status on the snapshot's day, with the period that says so."""

    state: StateRef
    period_id: str
    holds: Holds = Field(description=HOLDS_DESCRIPTION)


class Snapshot(Public):
    """The organisation on one day."""

    as_of: date
    member_states: list[SnapshotEntry]
    observer_states: list[SnapshotEntry]
    dialogue_partners: list[SnapshotEntry]
    partners: list[SnapshotEntry]
    secretary_general: TermPublic | None
    presidency: PresidencyPublic | None
    permanent_bodies: list[PermanentBodyPublic]
    not_covered: list[str] = Field(
        description="Kinds of fact the dataset does not yet cover on this day: an empty list "
        "there means 'not known here', not 'none'"
    )
