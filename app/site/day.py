"""The day page (`/`): the organisation on a day, every fact with its dates, how surely it
holds that day, and its sources' quotes. Made from the same snapshot as `/v1/snapshot`
(app.reads.snapshots), with each status period whole (its dates and sources)."""

from dataclasses import dataclass
from datetime import date

from app.domain.dataset import Dataset
from app.domain.kinds.status_period import StatusPeriodPublic
from app.domain.public import Holds
from app.domain.snapshot import Snapshot
from app.reads.answers import one
from app.reads.snapshots import founded, snapshot_on
from app.site.speech import N_, Tongue

# The snapshot's lists of states, in the page's order, with their headings.
GROUPS = (
    ("member_states", "member", N_("Member states")),
    ("observer_states", "observer", N_("Observer states")),
    ("dialogue_partners", "dialogue_partner", N_("Dialogue partners")),
    ("partners", "partner", N_("SCO partners")),
)
# What a kind the dataset does not cover on a day is called on the page.
UNCOVERED = {
    "member": N_("membership"),
    "observer": N_("observer status"),
    "dialogue_partner": N_("dialogue partnership"),
    "partner": N_("partner status"),
    "secretary_general": N_("the Secretary-General"),
    "rats_director": N_("the Director of the RATS Executive Committee"),
    "presidency": N_("the presidency"),
    "document": N_("the founding acts"),
    "language": N_("the languages"),
    "standing": N_("the standings in other organisations"),
    "body": N_("the bodies"),
    "council-of-heads-of-government": N_("the meetings of the Council of Heads of Government"),
    "council-of-foreign-ministers": N_("the meetings of the Council of Foreign Ministers"),
}


@dataclass(frozen=True)
class Held:
    """A state's status on the day: the period that says so, and how surely it holds."""

    period: StatusPeriodPublic
    holds: Holds


@dataclass(frozen=True)
class Group:
    status: str
    heading: str  # a message: translated where shown
    held: list[Held]


@dataclass(frozen=True)
class DayPage:
    day: date
    today: bool  # the day was not asked for: it is today
    founded: date | None
    snapshot: Snapshot
    groups: list[Group]
    not_covered: list[str]  # in words


def _period(ds: Dataset, period_id: str) -> StatusPeriodPublic:
    period = one(ds, "status_period", period_id)
    assert isinstance(period, StatusPeriodPublic)
    return period


def day_page(ds: Dataset, day: date, is_today: bool, t: Tongue) -> DayPage:
    snapshot = snapshot_on(ds, day)
    groups = [
        Group(
            status,
            heading,
            [Held(_period(ds, e.period_id), e.holds) for e in getattr(snapshot, field)],
        )
        for field, status, heading in GROUPS
    ]
    return DayPage(
        day=day,
        today=is_today,
        founded=founded(ds),
        snapshot=snapshot,
        groups=groups,
        not_covered=[
            t.gettext(UNCOVERED[kind]) if kind in UNCOVERED else kind.replace("_", " ")
            for kind in snapshot.not_covered
        ],
    )
