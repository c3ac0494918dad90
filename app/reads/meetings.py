"""Answers about the meetings of the organisation's councils: those of the Councils of Heads
of Government and of Foreign Ministers (kind meeting), and the summits of the Council of
Heads of State in the same shape, with the same ids."""

from datetime import date

from app.core.dates import Precision, holds_on, latest, render
from app.domain.answering import as_written, holds, sources_of, state_ref
from app.domain.dataset import Dataset
from app.domain.kinds import BY_NAME
from app.domain.kinds.meeting import MeetingPublic, MeetingRec
from app.domain.kinds.summit import SummitRec
from app.domain.public import BodyRef, Names
from app.reads.answers import answers, fact_or_404
from app.reads.holding import holding
from app.reads.parts import by_holds
from app.reads.structure import names

HEADS_OF_STATE = "council-of-heads-of-state"
COUNCIL_NAMES = {HEADS_OF_STATE: "Council of Heads of State"}


def council_ref(ds: Dataset, body_id: str) -> BodyRef:
    """The council that met (as the dataset names it, or by its id where a version holds no
    record of the bodies)."""
    b = ds.records.get("body", {}).get(body_id)
    name = b.name if b is not None else COUNCIL_NAMES.get(body_id, body_id)
    return BodyRef(id=body_id, name=name, href=f"/v1/bodies/{body_id}")


@answers("meeting")
@by_holds
def meeting_public(ds: Dataset, m: MeetingRec, as_of: date | None = None) -> MeetingPublic:
    shown = as_written(BY_NAME["meeting"], m)
    return MeetingPublic(
        id=m.id,
        revision=m.revision,
        body=council_ref(ds, m.body_id),
        host=state_ref(ds, m.host_iso3),
        city_names=names(m.city_names),
        holds=holds(m, as_of),
        basis="inferred" if m.inferred else "stated",
        sources=sources_of(ds, ("meeting", m.id)),
        **{k: v for k, v in shown.items() if k != "city_names"},
    )


@by_holds
def summit_as_meeting(ds: Dataset, s: SummitRec, as_of: date | None = None) -> MeetingPublic:
    """A summit, a meeting of the Council of Heads of State, in the shape of a meeting."""
    return MeetingPublic(
        id=s.id,
        revision=s.revision,
        body=council_ref(ds, HEADS_OF_STATE),
        ordinal=None,
        extraordinary=False,
        host=state_ref(ds, s.host_iso3),
        city=s.city,
        city_names=Names(en=s.city, ru=None, zh=None),
        aliases=list(s.aliases),
        start_date=render(s.start_date, Precision.day) or "",
        start_date_precision=Precision.day,
        end_date=render(s.end_date, Precision.day),
        end_date_precision=Precision.day,
        format=s.format,
        holds=holds(s, as_of),
        basis="stated",
        note=s.note,
        sources=sources_of(ds, ("summit", s.id)),
    )


def meetings(
    ds: Dataset,
    body: str | None,
    as_of: date | None = None,
    since: date | None = None,
    until: date | None = None,
    year: int | None = None,
) -> list[MeetingPublic]:
    """The meetings of `body` (of every council: None), oldest first, summits included;
    with `as_of`, those in session that day; `since`/`until` keep those whose days may fall
    in the range; `year`, those that began in that year."""
    found: list[tuple[date, str, MeetingPublic]] = []

    def wanted(fact: MeetingRec | SummitRec) -> bool:
        first = fact.start_date
        end = fact.end_date or fact.start_date
        last = latest(end, fact.end_precision or fact.start_precision)
        return (
            (as_of is None or holds_on(fact, as_of))
            and (since is None or last >= since)
            and (until is None or first <= until)
            and (year is None or first.year == year)
        )

    for m in holding(ds, "meeting", lambda: list(ds.records.get("meeting", {}).values()), as_of):
        if body in (None, m.body_id) and wanted(m):
            found.append((m.start_date, m.id, meeting_public(ds, m, as_of)))
    if body in (None, HEADS_OF_STATE):
        for s in holding(ds, "summits", lambda: list(ds.summits.values()), as_of):
            if wanted(s):
                found.append((s.start_date, s.id, summit_as_meeting(ds, s, as_of)))
    return [m for _, _, m in sorted(found, key=lambda f: (f[0], f[1]))]


def latest_meetings(ds: Dataset, day: date) -> list[MeetingPublic]:
    """The latest meeting of each council that began by `day`."""
    latest: dict[str, MeetingPublic] = {}
    for m in meetings(ds, None, until=day):
        latest[m.body.id] = m
    return list(latest.values())


def one(ds: Dataset, meeting_id: str) -> MeetingPublic:
    """A meeting by its id: a council's, or a summit's in the shape of a meeting."""
    summit = ds.summits.get(meeting_id)
    if summit is not None:
        return summit_as_meeting(ds, summit)
    return meeting_public(ds, fact_or_404(ds, "meeting", meeting_id))
