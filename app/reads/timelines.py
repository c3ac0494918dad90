"""Timelines: every event in order — states' changes of status, Secretaries-General's terms
beginning and ending, presidency handovers, summits, founding acts signed and entering into
force, and the organisation's standings in others beginning and ending — each dated at its
sources' precision and cited; and one state's changes of status."""

import itertools
from collections.abc import Collection, Iterator
from datetime import date

from app.core.dates import Precision, follows, parse, render
from app.domain.answering import names_of, sources_of, state_ref, summit_ref
from app.domain.dataset import Dataset
from app.domain.kinds.presidency import PresidencyRec
from app.domain.kinds.status_period import PeriodRec
from app.domain.kinds.summit import SummitFormat
from app.domain.public import EventType, PersonRef, StateTimeline, TimelineEvent
from app.domain.tables import Post, Status
from app.reads import structure
from app.reads.answers import find_state
from app.reads.structure import document_ref

# Order of events on one day: a summit first, then what it decided, then who took over.
EVENT_ORDER = {
    t: i
    for i, t in enumerate(
        [
            EventType.summit,
            EventType.meeting,
            EventType.body_established,
            EventType.body_moved,
            EventType.document_signed,
            EventType.document_in_force,
            EventType.standing_ended,
            EventType.standing_began,
            EventType.status_ended,
            EventType.status_changed,
            EventType.status_granted,
            EventType.presidency_handover,
            EventType.term_ended,
            EventType.term_began,
        ]
    )
}
STATUS_WORDS = {
    Status.member: "member state",
    Status.observer: "observer state",
    Status.dialogue_partner: "dialogue partner",
    Status.partner: "partner",
}

POST_TITLES = {
    Post.secretary_general: "Secretary-General",
    Post.rats_director: "Director of the RATS Executive Committee",
}
FORMAT_WORDS = {
    SummitFormat.virtual: ", by video link",
    SummitFormat.hybrid: ", in person and by video link",
}


def _event(
    value: date, precision: Precision | None, type_: EventType, summary: str, **fields: object
) -> TimelineEvent:
    return TimelineEvent(
        date=render(value, precision) or "",
        date_precision=precision or Precision.day,
        type=type_,
        summary=summary,
        **fields,
    )


def status_events(ds: Dataset, iso3: str) -> Iterator[TimelineEvent]:
    """A state's changes of status: a status granted (nothing held the day before), one
    status changed into another (observer → member, …), a status ended with none after."""
    ref = state_ref(ds, iso3)
    name = ref.name
    periods = ds.periods_by_state.get(iso3, [])

    def ended(p: PeriodRec) -> TimelineEvent:
        assert p.end_date is not None
        return _event(
            p.end_date,
            p.end_precision,
            EventType.status_ended,
            f"{name}: {STATUS_WORDS[Status(p.status)]} status ends",
            state=ref,
            from_status=p.status,
            note=p.note,
            sources=sources_of(ds, ("status_period", p.id)),
        )

    before: PeriodRec | None = None
    for period in periods:
        changed = before is not None and follows(before, period)
        if before is not None and before.end_date is not None and not changed:
            yield ended(before)
        to_words = STATUS_WORDS[Status(period.status)]
        yield _event(
            period.start_date,
            period.start_precision,
            EventType.status_changed if changed else EventType.status_granted,
            f"{name}: {STATUS_WORDS[Status(before.status)]} → {to_words}"
            if changed and before is not None
            else f"{name} becomes {'an' if to_words[0] in 'aeiou' else 'a'} {to_words}",
            state=ref,
            from_status=before.status if changed and before is not None else None,
            to_status=period.status,
            decided_on=render(period.decided_on, period.decided_precision),
            decided_on_precision=period.decided_precision,
            note=period.note,
            sources=sources_of(ds, ("status_period", period.id)),
        )
        before = period
    if before is not None and before.end_date is not None:
        yield ended(before)


def _term_events(ds: Dataset) -> Iterator[TimelineEvent]:
    for t in ds.terms:
        person = ds.persons[t.person_id]
        who = (
            f"{person.name} ({ds.states[person.nationality_iso3].name})"
            if person.nationality_iso3
            else person.name
        )
        common = {
            "state": state_ref(ds, person.nationality_iso3) if person.nationality_iso3 else None,
            "person": PersonRef(id=person.id, name=person.name, names=names_of(person)),
            "post": t.post,
            "note": t.note,
            "sources": sources_of(ds, ("term", t.id)),
        }
        post = POST_TITLES[Post(t.post)]
        yield _event(
            t.start_date,
            t.start_precision,
            EventType.term_began,
            f"{who} takes office as {post}",
            **common,
        )
        if t.end_date is not None:
            yield _event(
                t.end_date,
                t.end_precision,
                EventType.term_ended,
                f"{who} leaves office as {post}",
                **common,
            )


def _presidency_events(ds: Dataset) -> Iterator[TimelineEvent]:
    before: PresidencyRec | None = None
    for p in ds.presidencies:
        chair = state_ref(ds, p.chair_iso3)
        previous = before if before is not None and follows(before, p) else None
        yield _event(
            p.start_date,
            p.start_precision,
            EventType.presidency_handover,
            f"Presidency: {ds.states[previous.chair_iso3].name} → {chair.name}"
            if previous
            else f"Presidency: {chair.name} takes the chair",
            state=chair,
            previous_chair=state_ref(ds, previous.chair_iso3) if previous else None,
            summit=summit_ref(ds, previous.summit_id) if previous else None,
            note=p.note,
            sources=sources_of(ds, ("presidency", p.id)),
        )
        before = p


def _summit_events(ds: Dataset) -> Iterator[TimelineEvent]:
    for s in ds.summits.values():
        host = state_ref(ds, s.host_iso3)
        days = str(s.start_date) + (f" to {s.end_date}" if s.end_date != s.start_date else "")
        yield _event(
            s.start_date,
            Precision.day,
            EventType.summit,
            f"Summit in {s.city} ({host.name}), {days}"
            + FORMAT_WORDS.get(SummitFormat(s.format), ""),
            state=host,
            summit=summit_ref(ds, s.id),
            note=s.note,
            sources=sources_of(ds, ("summit", s.id)),
        )


def _document_events(ds: Dataset) -> Iterator[TimelineEvent]:
    for d in ds.records.get("document", {}).values():
        place = f" in {d.place}" if d.place else ""
        common = {
            "document": document_ref(ds, d.id),
            "state": state_ref(ds, d.place_iso3) if d.place_iso3 else None,
            "sources": sources_of(ds, ("document", d.id)),
        }
        yield _event(
            d.signed_on,
            d.signed_precision,
            EventType.document_signed,
            f"{d.title} signed{place}",
            note=d.note,
            **common,
        )
        if d.in_force_on is not None:
            yield _event(
                d.in_force_on,
                d.in_force_precision,
                EventType.document_in_force,
                f"{d.title} enters into force",
                **common,
            )


def _standing_events(ds: Dataset) -> Iterator[TimelineEvent]:
    for s in ds.records.get("standing", {}).values():
        other = structure.other_organisation(s)
        common = {
            "organisation": other,
            "note": s.note,
            "sources": sources_of(ds, ("standing", s.id)),
        }
        yield _event(
            s.start_date,
            s.start_precision,
            EventType.standing_began,
            f"The SCO becomes {s.status} in the {other.names.en or other.id}",
            **common,
        )
        if s.end_date is not None:
            yield _event(
                s.end_date,
                s.end_precision,
                EventType.standing_ended,
                f"The SCO is no longer {s.status} in the {other.names.en or other.id}",
                **common,
            )


def _meeting_events(ds: Dataset) -> Iterator[TimelineEvent]:
    for m in ds.records.get("meeting", {}).values():
        host = state_ref(ds, m.host_iso3)
        council = ds.records["body"][m.body_id].name  # a meeting's council always exists
        days = render(m.start_date, m.start_precision) or ""
        if m.end_date is not None and m.end_date != m.start_date:
            days += f" to {render(m.end_date, m.end_precision)}"
        yield _event(
            m.start_date,
            m.start_precision,
            EventType.meeting,
            ("Extraordinary meeting" if m.extraordinary else "Meeting")
            + f" of the {council} in {m.city} ({host.name}), {days}"
            + FORMAT_WORDS.get(SummitFormat(m.format), ""),
            state=host,
            body=structure.body_ref(ds, m.body_id),
            note=m.note,
            sources=sources_of(ds, ("meeting", m.id)),
        )


def _body_events(ds: Dataset) -> Iterator[TimelineEvent]:
    for b in ds.records.get("body", {}).values():
        ref = structure.body_ref(ds, b.id)
        if b.start_date is not None:
            yield _event(
                b.start_date,
                b.start_precision,
                EventType.body_established,
                f"{b.name} begins work",
                body=ref,
                note=b.note,
                sources=sources_of(ds, ("body", b.id)),
            )
        before = None
        for seat in structure.seats_of(ds, b.id):
            yield _event(
                seat.start_date,
                seat.start_precision,
                EventType.body_moved,
                f"{b.name}: seat moved from {before.city} to {seat.city}"
                if before is not None
                else f"{b.name}: seated in {seat.city}",
                body=ref,
                state=state_ref(ds, seat.state_iso3),
                note=seat.note,
                sources=sources_of(ds, ("seat", seat.id)),
            )
            before = seat


def _in_order(events: Iterator[TimelineEvent]) -> list[TimelineEvent]:
    return sorted(events, key=lambda e: (parse(e.date)[0], EVENT_ORDER[e.type], e.summary))


def state_timeline(ds: Dataset, code: str) -> StateTimeline:
    state = find_state(ds, code)
    return StateTimeline(
        state=state_ref(ds, state.iso3), events=_in_order(status_events(ds, state.iso3))
    )


def timeline(
    ds: Dataset, since: date | None, until: date | None, types: Collection[EventType] | None
) -> list[TimelineEvent]:
    """Every event in order; those whose day (or the month or year it may be) falls in
    since..until, of the given types."""

    def wanted(e: TimelineEvent) -> bool:
        first, last = parse(e.date)[0], parse(e.date, end=True)[0]
        return (
            (types is None or e.type in types)
            and (since is None or last >= since)
            and (until is None or first <= until)
        )

    every = itertools.chain(
        (e for iso3 in ds.states for e in status_events(ds, iso3)),
        _term_events(ds),
        _presidency_events(ds),
        _summit_events(ds),
        _document_events(ds),
        _standing_events(ds),
        _body_events(ds),
        _meeting_events(ds),
    )
    return [e for e in _in_order(every) if wanted(e)]
