"""Answers to every read, computed from the in-memory dataset."""

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import TypeVar

import pycountry

from app.dataset import Dataset, FactKey, fact_key
from app.dates import holds_on, render
from app.errors import NotFound
from app.models import (
    COVERAGE_KINDS,
    Citation,
    DatedFact,
    Post,
    Presidency,
    State,
    Status,
    StatusPeriod,
    Term,
    Verdict,
)
from app.schemas import (
    CitationPublic,
    ClaimPublic,
    Names,
    Page,
    PermanentBodyPublic,
    PersonPublic,
    PresidencyPublic,
    Snapshot,
    SourceDetail,
    SourceRef,
    SourceSummary,
    StateDetail,
    StateRef,
    StateStatus,
    StatusPeriodPublic,
    SummitPublic,
    SummitRef,
    TermPublic,
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
    summit = ds.summits.get(p.summit_id) if p.summit_id else None
    return PresidencyPublic(
        **_dated(p),
        chair=state_ref(ds, p.chair_iso3),
        summit=SummitRef(
            id=summit.id, city=summit.city, start_date=summit.start_date, end_date=summit.end_date
        )
        if summit
        else None,
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
