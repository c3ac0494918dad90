"""Answers to every read, computed from the in-memory dataset."""

import itertools
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from datetime import date
from typing import TypeVar

import pycountry

from app.dataset import Dataset, FactKey, fact_key
from app.dates import follows, holds_on, parse, render
from app.errors import NotFound
from app.models import (
    COVERAGE_KINDS,
    Citation,
    DatedFact,
    Post,
    Precision,
    Presidency,
    State,
    Status,
    StatusPeriod,
    SummitFormat,
    Term,
    Verdict,
)
from app.schemas import (
    CitationPublic,
    ClaimPublic,
    EventType,
    Names,
    Page,
    PermanentBodyPublic,
    PersonPublic,
    PersonRef,
    PresidencyPublic,
    Snapshot,
    SourceDetail,
    SourceRef,
    SourceSummary,
    StateDetail,
    StateRef,
    StateStatus,
    StateTimeline,
    StatusPeriodPublic,
    SummitPublic,
    SummitRef,
    TermPublic,
    TimelineEvent,
)

T = TypeVar("T")


def paginate(items: Sequence[T], limit: int, offset: int) -> Page[T]:
    return Page[T](
        items=list(items[offset : offset + limit]), total=len(items), limit=limit, offset=offset
    )


def sources_of(ds: Dataset, key: FactKey) -> list[SourceRef]:
    return [
        SourceRef(id=c.source_id, title=ds.sources[c.source_id].title, quote=c.quote)
        for c in ds.citations_by_fact.get(key, [])
    ]


def state_ref(ds: Dataset, iso3: str) -> StateRef:
    state = ds.states[iso3]
    return StateRef(iso3=state.iso3, iso2=state.iso2, name=state.name)


def _dated(fact: DatedFact) -> dict[str, object]:
    return {
        "start_date": render(fact.start_date, fact.start_precision),
        "start_date_precision": fact.start_precision,
        "end_date": render(fact.end_date, fact.end_precision),
        "end_date_precision": fact.end_precision,
    }


def _period_fields(ds: Dataset, period: StatusPeriod) -> dict[str, object]:
    return {
        **_dated(period),
        "status": period.status,
        "decided_on": render(period.decided_on, period.decided_precision),
        "decided_on_precision": period.decided_precision,
        "note": period.note,
        "sources": sources_of(ds, ("status_period_id", period.id or 0)),
    }


def state_statuses(ds: Dataset, status: Status | None, as_of: date | None) -> list[StateStatus]:
    """Status periods with their states, by state name then start: every period, or those
    holding on `as_of`; of one status or of any."""
    items = []
    for iso3, state in ds.states.items():  # states are in name order
        for period in ds.periods_by_state.get(iso3, []):
            if status is not None and period.status != status:
                continue
            if as_of is not None and not holds_on(period, as_of):
                continue
            items.append(
                StateStatus(
                    iso3=iso3, iso2=state.iso2, name=state.name, **_period_fields(ds, period)
                )
            )
    return items


def find_state(ds: Dataset, code: str) -> State:
    """A state by alpha-2 or alpha-3 code, in any case; 404 if it never held a status."""
    wanted = code.upper()
    for state in ds.states.values():
        if wanted in (state.iso3, state.iso2) and ds.periods_by_state.get(state.iso3):
            return state
    country = (
        pycountry.countries.get(alpha_2=wanted)
        if len(wanted) == 2
        else (pycountry.countries.get(alpha_3=wanted))
    )
    if country is None:
        raise NotFound(f"{code!r} is not an ISO 3166-1 alpha-2 or alpha-3 country code")
    raise NotFound(f"{country.name} ({country.alpha_3}) has held no SCO status in this dataset")


def status_on(ds: Dataset, iso3: str, day: date) -> Status | None:
    for period in ds.periods_by_state.get(iso3, []):
        if holds_on(period, day):
            return period.status
    return None


def state_detail(ds: Dataset, code: str, today: date) -> StateDetail:
    state = find_state(ds, code)
    return StateDetail(
        iso3=state.iso3,
        iso2=state.iso2,
        numeric=state.numeric,
        name=state.name,
        official_name=state.official_name,
        names=Names(en=state.name, ru=state.name_ru, zh=state.name_zh),
        wikidata=state.wikidata_qid,
        status=status_on(ds, state.iso3, today),
        history=[
            StatusPeriodPublic(**_period_fields(ds, p)) for p in ds.periods_by_state[state.iso3]
        ],
    )


def term_public(ds: Dataset, term: Term) -> TermPublic:
    person = ds.persons[term.person_id]
    return TermPublic(
        **_dated(term),
        post=term.post,
        person=PersonPublic(
            id=person.id,
            name=person.name,
            name_ru=person.name_ru,
            name_zh=person.name_zh,
            nationality=state_ref(ds, person.nationality_iso3),
        ),
        note=term.note,
        sources=sources_of(ds, ("term_id", term.id or 0)),
    )


def terms(ds: Dataset, post: Post, as_of: date | None) -> list[TermPublic]:
    return [
        term_public(ds, t)
        for t in ds.terms
        if t.post == post and (as_of is None or holds_on(t, as_of))
    ]


def summit_public(ds: Dataset, summit_id: str) -> SummitPublic:
    s = ds.summits[summit_id]
    return SummitPublic(
        id=s.id,
        host=state_ref(ds, s.host_iso3),
        city=s.city,
        start_date=s.start_date,
        end_date=s.end_date,
        format=s.format,
        note=s.note,
        sources=sources_of(ds, ("summit_id", s.id)),
    )


def summits(ds: Dataset, year: int | None, as_of: date | None) -> list[SummitPublic]:
    return [
        summit_public(ds, sid)
        for sid, s in ds.summits.items()
        if (year is None or year in (s.start_date.year, s.end_date.year))
        and (as_of is None or holds_on(s, as_of))
    ]


def presidency_public(ds: Dataset, p: Presidency) -> PresidencyPublic:
    return PresidencyPublic(
        **_dated(p),
        chair=state_ref(ds, p.chair_iso3),
        summit=_summit_ref(ds, p.summit_id),
        note=p.note,
        sources=sources_of(ds, ("presidency_id", p.id or 0)),
    )


def presidencies(ds: Dataset, as_of: date | None) -> list[PresidencyPublic]:
    return [
        presidency_public(ds, p) for p in ds.presidencies if as_of is None or holds_on(p, as_of)
    ]


def permanent_bodies(ds: Dataset) -> list[PermanentBodyPublic]:
    return [
        PermanentBodyPublic(
            id=b.id,
            name=b.name,
            seat_city=b.seat_city,
            seat_state=state_ref(ds, b.seat_state_iso3),
            note=b.note,
            sources=sources_of(ds, ("permanent_body_id", b.id)),
        )
        for b in ds.bodies
    ]


SNAPSHOT_KINDS = [kind for kind in COVERAGE_KINDS if kind != "summit"]


def snapshot(ds: Dataset, day: date) -> Snapshot:
    def holding(status: Status) -> list[StateRef]:
        return [
            StateRef(iso3=s.iso3, iso2=s.iso2, name=s.name) for s in state_statuses(ds, status, day)
        ]

    in_office = terms(ds, Post.secretary_general, day)
    chairs = presidencies(ds, day)
    return Snapshot(
        as_of=day,
        member_states=holding(Status.member),
        observer_states=holding(Status.observer),
        dialogue_partners=holding(Status.dialogue_partner),
        partners=holding(Status.partner),
        secretary_general=in_office[0] if in_office else None,
        presidency=chairs[0] if chairs else None,
        permanent_bodies=permanent_bodies(ds),
        not_covered=[kind for kind in SNAPSHOT_KINDS if not ds.covered(kind, day)],
    )


def source_summary_fields(ds: Dataset, source_id: str) -> dict[str, object]:
    s = ds.sources[source_id]
    verdicts = Counter(Verdict(c.verdict) for c in ds.claims if c.source_id == source_id)
    return {
        "citation_count": sum(1 for c in ds.citations if c.source_id == source_id),
        "claim_verdicts": dict(sorted(verdicts.items())),
        "id": s.id,
        "kind": s.kind,
        "title": s.title,
        "publisher": s.publisher,
        "published_on": render(s.published_on, s.published_precision),
        "published_on_precision": s.published_precision,
        "url": s.url,
        "language": s.language,
        "text_scope": s.text_scope,
    }


def sources(ds: Dataset) -> list[SourceSummary]:
    return [SourceSummary(**source_summary_fields(ds, sid)) for sid in ds.sources]


def _span(fact: DatedFact) -> str:
    start = render(fact.start_date, fact.start_precision)
    end = render(fact.end_date, fact.end_precision)
    return f"from {start}" + (f" to {end}" if end else "")


def describe(ds: Dataset, citation: Citation) -> tuple[str, str]:
    """(fact type, the cited fact in words)."""
    column, value = fact_key(citation)
    if column == "status_period_id":
        p = next(p for p in ds.periods if p.id == value)
        return "status_period", f"{ds.states[p.state_iso3].name}: {p.status} {_span(p)}"
    if column == "term_id":
        t = next(t for t in ds.terms if t.id == value)
        return "term", f"{ds.persons[t.person_id].name}: {t.post} {_span(t)}"
    if column == "summit_id":
        s = ds.summits[str(value)]
        return "summit", f"Summit in {s.city}, {s.start_date} to {s.end_date}"
    if column == "presidency_id":
        pr = next(pr for pr in ds.presidencies if pr.id == value)
        return "presidency", f"Presidency of {ds.states[pr.chair_iso3].name} {_span(pr)}"
    body = next(b for b in ds.bodies if b.id == value)
    return "permanent_body", f"{body.name}, seated in {body.seat_city}"


def source_detail(ds: Dataset, source_id: str) -> SourceDetail:
    if source_id not in ds.sources:
        raise NotFound(f"No source has the id {source_id!r}; GET /v1/sources lists them")
    citations = []
    for c in ds.citations:
        if c.source_id == source_id:
            fact_type, fact = describe(ds, c)
            citations.append(CitationPublic(fact_type=fact_type, fact=fact, quote=c.quote))
    return SourceDetail(
        **source_summary_fields(ds, source_id),
        text=ds.sources[source_id].text,
        citations=citations,
        claims=[
            ClaimPublic(
                statement=c.statement,
                kind=c.kind,
                params=c.params,
                verdict=c.verdict,
                detail=c.detail,
                note=c.note,
            )
            for c in ds.claims
            if c.source_id == source_id
        ],
    )


# --- Timelines -------------------------------------------------------------------------

# Order of events on one day: a summit first, then what it decided, then who took over.
EVENT_ORDER = {
    t: i
    for i, t in enumerate(
        [
            EventType.summit,
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

POST_TITLES = {Post.secretary_general: "Secretary-General"}
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

    def ended(p: StatusPeriod) -> TimelineEvent:
        assert p.end_date is not None
        return _event(
            p.end_date,
            p.end_precision,
            EventType.status_ended,
            f"{name}: {STATUS_WORDS[Status(p.status)]} status ends",
            state=ref,
            from_status=p.status,
            note=p.note,
            sources=sources_of(ds, ("status_period_id", p.id or 0)),
        )

    before: StatusPeriod | None = None
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
            note=period.note,
            sources=sources_of(ds, ("status_period_id", period.id or 0)),
        )
        before = period
    if before is not None and before.end_date is not None:
        yield ended(before)


def _term_events(ds: Dataset) -> Iterator[TimelineEvent]:
    for t in ds.terms:
        person = ds.persons[t.person_id]
        who = f"{person.name} ({ds.states[person.nationality_iso3].name})"
        common = {
            "state": state_ref(ds, person.nationality_iso3),
            "person": PersonRef(id=person.id, name=person.name),
            "post": t.post,
            "note": t.note,
            "sources": sources_of(ds, ("term_id", t.id or 0)),
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


def _summit_ref(ds: Dataset, summit_id: str | None) -> SummitRef | None:
    summit = ds.summits.get(summit_id) if summit_id else None
    if summit is None:
        return None
    return SummitRef(
        id=summit.id, city=summit.city, start_date=summit.start_date, end_date=summit.end_date
    )


def _presidency_events(ds: Dataset) -> Iterator[TimelineEvent]:
    before: Presidency | None = None
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
            summit=_summit_ref(ds, previous.summit_id) if previous else None,
            note=p.note,
            sources=sources_of(ds, ("presidency_id", p.id or 0)),
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
            f"Summit in {s.city} ({host.name}), {days}{FORMAT_WORDS.get(s.format, '')}",
            state=host,
            summit=_summit_ref(ds, s.id),
            note=s.note,
            sources=sources_of(ds, ("summit_id", s.id)),
        )


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
    )
    return [e for e in _in_order(every) if wanted(e)]
