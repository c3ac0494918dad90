"""Answers to every read, computed from the in-memory dataset."""

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from app.core.dates import certainly_holds, holds_on, latest, render
from app.core.errors import NotFound
from app.domain.answering import (
    as_written,
    holds,
    names_of,
    sources_of,
    state_ref,
    stating,
    summit_ref,
)
from app.domain.countries import country_of
from app.domain.dataset import Dataset, describe
from app.domain.kinds import BY_NAME, SNAPSHOT_KINDS, permanent_body, summit
from app.domain.kinds.permanent_body import PermanentBodyPublic
from app.domain.kinds.person import PersonPublic, PersonRec
from app.domain.kinds.presidency import PresidencyPublic, PresidencyRec
from app.domain.kinds.source import SourceDetail, SourceRec, SourceSummary
from app.domain.kinds.state import StateDetail, StateRec
from app.domain.kinds.status_period import PeriodRec, StatusPeriodPublic
from app.domain.kinds.summit import SummitPublic, SummitRec
from app.domain.kinds.term import TermPublic, TermRec
from app.domain.public import CitationPublic, ClaimPublic, Holds, Names, Public
from app.domain.records import ClaimRec
from app.domain.snapshot import Snapshot, SnapshotEntry
from app.domain.tables import Post, Status, Verdict
from app.reads.holding import holding
from app.reads.parts import by_holds
from app.reads.search import matches

T = TypeVar("T")


def fact_or_404(ds: Dataset, kind: str, fact_id: str) -> Any:
    """The record of a fact, or 404 saying where the facts of its kind are listed."""
    fact = ds.by_id.get((kind, fact_id))
    if fact is None:
        listed = BY_NAME[kind].listed
        raise NotFound(
            f"No {kind.replace('_', ' ')} has the id {fact_id!r}; GET {listed} lists them"
        )
    return fact


# The answer to a GET of one fact, by kind: each function that makes one says which kind's
# (@answers), and its kind's declaration names the model it answers with.
ONE: dict[str, Callable[[Dataset, Any], Public]] = {}
A = TypeVar("A", bound=Callable[..., Public])


def answers(kind: str) -> Callable[[A], A]:
    """Register the function that answers a GET of one fact of `kind` (from its record)."""
    assert BY_NAME[kind].public is not None, f"{kind} declares no answer"

    def register(fn: A) -> A:
        ONE[kind] = fn
        return fn

    return register


def one(ds: Dataset, kind: str, fact_id: str) -> Public:
    """The answer to a GET of the fact `fact_id` of `kind`."""
    return ONE[kind](ds, fact_or_404(ds, kind, fact_id))


@answers("status_period")
@by_holds
def period_public(ds: Dataset, period: PeriodRec, as_of: date | None = None) -> StatusPeriodPublic:
    return StatusPeriodPublic(
        id=period.id,
        revision=period.revision,
        state=state_ref(ds, period.state_iso3),
        holds=holds(period, as_of),
        sources=sources_of(ds, ("status_period", period.id)),
        **as_written(BY_NAME["status_period"], period),
    )


def _periods(
    ds: Dataset,
    status: Status | None,
    as_of: date | None,
    certain: bool = False,
    search: str | None = None,
) -> list[PeriodRec]:
    """Status periods by state name, then start: of one status or of any, of the states
    whose names match `search` (all without it)."""
    return [
        period
        for period in holding(ds, "periods by state", lambda: _by_state(ds), as_of, certain)
        if status is None or period.status == status
        if search is None or matches(search, ds.states[period.state_iso3].names)
    ]


def _by_state(ds: Dataset) -> list[PeriodRec]:
    """Every status period by state name (states are in name order), then start."""
    return [period for iso3 in ds.states for period in ds.periods_by_state.get(iso3, [])]


def state_statuses(
    ds: Dataset,
    status: Status | None,
    as_of: date | None,
    certain: bool = False,
    search: str | None = None,
) -> list[StatusPeriodPublic]:
    """Status periods with their states, by state name then start: every period, or those
    holding on `as_of`; of one status or of any; of the states `search` finds or of all."""
    return [period_public(ds, p, as_of) for p in _periods(ds, status, as_of, certain, search)]


def find_state(ds: Dataset, code: str) -> StateRec:
    """A state by alpha-2, alpha-3 or numeric code (alphas in any case); 404 naming the code
    tried if no state has it, or if its country never held a status."""
    wanted = code.upper()
    for state in ds.states.values():
        if wanted in (state.iso3, state.iso2, state.numeric) and ds.periods_by_state.get(
            state.iso3
        ):
            return state
    kind, country = country_of(wanted)
    if country is None:
        raise NotFound(f"{code!r} is not an ISO 3166-1 {kind} country code")
    raise NotFound(f"{country.name} ({kind} code {code!r}) has held no SCO status in this dataset")


def status_on(ds: Dataset, iso3: str, day: date) -> Status | None:
    for period in ds.periods_by_state.get(iso3, []):
        if holds_on(period, day):
            return Status(period.status)
    return None


def state_detail(ds: Dataset, code: str, today: date) -> StateDetail:
    state = find_state(ds, code)
    return StateDetail(
        id=state.iso3,
        iso3=state.iso3,
        iso2=state.iso2,
        numeric=state.numeric,
        revision=state.revision,
        name=state.name,
        official_name=state.official_name,
        names=names_of(state),
        aliases=[*state.aliases, *state.iso_names],
        wikidata=state.wikidata_qid,
        status=status_on(ds, state.iso3, today),
        history=[period_public(ds, p) for p in ds.periods_by_state[state.iso3]],
        sources=sources_of(ds, ("state", state.iso3)),
    )


@answers("person")
def person_public(ds: Dataset, person: PersonRec) -> PersonPublic:
    return PersonPublic(
        id=person.id,
        revision=person.revision,
        name=person.name,
        names=names_of(person),
        aliases=list(person.aliases),
        nationality=state_ref(ds, person.nationality_iso3) if person.nationality_iso3 else None,
        wikidata=person.wikidata_qid,
        sources=sources_of(ds, ("person", person.id)),
    )


def people(ds: Dataset, search: str | None = None) -> list[PersonPublic]:
    """Every person, by id; or those whose names `search` finds."""
    return [
        person_public(ds, p)
        for p in ds.persons.values()
        if search is None or matches(search, p.names)
    ]


def titles_at(ds: Dataset, post: str, day: date) -> Names:
    """A post's title in each language on `day` (null where none is recorded)."""
    held = {
        t.language: t.title
        for t in ds.records.get("post_title", {}).values()
        if t.post == post and holds_on(t, day)
    }
    return Names(en=held.get("en"), ru=held.get("ru"), zh=held.get("zh"))


@answers("term")
@by_holds
def term_public(ds: Dataset, term: TermRec, as_of: date | None = None) -> TermPublic:
    return TermPublic(
        id=term.id,
        revision=term.revision,
        # the titles of its first day (of the last day its start may be, where imprecise)
        titles=titles_at(ds, term.post, latest(term.start_date, term.start_precision)),
        person=person_public(ds, ds.persons[term.person_id]),
        holds=holds(term, as_of),
        sources=sources_of(ds, ("term", term.id)),
        **as_written(BY_NAME["term"], term),
    )


def terms(
    ds: Dataset, post: Post | None, as_of: date | None, certain: bool = False
) -> list[TermPublic]:
    """The terms of `post` (of every post: None), oldest first; with `as_of`, that day's."""
    return [
        term_public(ds, t, as_of)
        for t in holding(ds, "terms", lambda: ds.terms, as_of, certain)
        if post is None or t.post == post
    ]


@answers("summit")
@by_holds
def summit_public(ds: Dataset, s: SummitRec, as_of: date | None = None) -> SummitPublic:
    return SummitPublic(
        id=s.id,
        revision=s.revision,
        host=state_ref(ds, s.host_iso3),
        holds=holds(s, as_of),
        sources=sources_of(ds, ("summit", s.id)),
        **as_written(summit.KIND, s),
    )


def summits(
    ds: Dataset, year: int | None, as_of: date | None, certain: bool = False
) -> list[SummitPublic]:
    return [
        summit_public(ds, s, as_of)
        for s in holding(ds, "summits", lambda: list(ds.summits.values()), as_of, certain)
        if year is None or year in (s.start_date.year, s.end_date.year)
    ]


@answers("presidency")
@by_holds
def presidency_public(ds: Dataset, p: PresidencyRec, as_of: date | None = None) -> PresidencyPublic:
    return PresidencyPublic(
        id=p.id,
        revision=p.revision,
        chair=state_ref(ds, p.chair_iso3),
        summit=summit_ref(ds, p.summit_id),
        holds=holds(p, as_of),
        sources=sources_of(ds, ("presidency", p.id)),
        **as_written(BY_NAME["presidency"], p),
    )


def presidencies(ds: Dataset, as_of: date | None, certain: bool = False) -> list[PresidencyPublic]:
    held = holding(ds, "presidencies", lambda: ds.presidencies, as_of, certain)
    return [presidency_public(ds, p, as_of) for p in held]


def permanent_bodies(ds: Dataset) -> list[PermanentBodyPublic]:
    return [
        PermanentBodyPublic(
            id=b.id,
            revision=b.revision,
            seat_state=state_ref(ds, b.seat_state_iso3),
            sources=sources_of(ds, ("permanent_body", b.id)),
            **as_written(permanent_body.KIND, b),
        )
        for b in ds.bodies
    ]


def snapshot(ds: Dataset, day: date, certain: bool = False, **parts: Any) -> Snapshot:
    """The organisation on `day`; `parts` are the snapshot's parts that other modules
    answer (app.reads.structure: the documents, languages and standings)."""

    def holding(status: Status) -> list[SnapshotEntry]:
        return [
            SnapshotEntry(
                state=state_ref(ds, p.state_iso3),
                period_id=p.id,
                holds=Holds.certainly if certainly_holds(p, day) else Holds.possibly,
            )
            for p in _periods(ds, status, day, certain)
        ]

    in_office = terms(ds, Post.secretary_general, day, certain)
    chairs = presidencies(ds, day, certain)
    return Snapshot(
        as_of=day,
        member_states=holding(Status.member),
        observer_states=holding(Status.observer),
        dialogue_partners=holding(Status.dialogue_partner),
        partners=holding(Status.partner),
        secretary_general=in_office[0] if in_office else None,
        presidency=chairs[0] if chairs else None,
        **{"permanent_bodies": permanent_bodies(ds), **parts},
        not_covered=[kind for kind in SNAPSHOT_KINDS if not ds.covered(kind, day)],
    )


def source_summary_fields(ds: Dataset, source_id: str) -> dict[str, object]:
    s = ds.sources[source_id]
    verdicts = Counter(Verdict(c.verdict) for c in ds.claims_by_source.get(source_id, []))
    return {
        "citation_count": len(ds.citations_by_source.get(source_id, [])),
        "claim_verdicts": dict(sorted(verdicts.items())),
        "id": s.id,
        "revision": s.revision,
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


@answers("source")
def source_detail(ds: Dataset, source: SourceRec) -> SourceDetail:
    source_id = source.id
    citations = []
    for c in ds.citations_by_source.get(source_id, []):
        fact_type, fact = describe(ds, c)
        citations.append(
            CitationPublic(
                fact_type=fact_type,
                fact=fact,
                fact_id=c.fact_id,
                quote=c.quote,
                states=stating(c.states),
            )
        )
    return SourceDetail(
        **source_summary_fields(ds, source_id),
        text=source.text,
        citations=citations,
        claims=[claim_public(c) for c in ds.claims_by_source.get(source_id, [])],
    )


def claim_public(c: ClaimRec) -> ClaimPublic:
    return ClaimPublic(
        id=c.id,
        source=c.source_id,
        statement=c.statement,
        kind=c.kind,
        params=c.params,
        verdict=Verdict(c.verdict),
        detail=c.detail,
        note=c.note,
    )


def claim_by_id(ds: Dataset, claim_key: str, source_id: str | None = None) -> ClaimPublic:
    """One claim by its id (of the source `source_id`, where given)."""
    for c in ds.claims_by_source.get(source_id, []) if source_id is not None else ds.claims:
        if c.id == claim_key:
            return claim_public(c)
    if source_id is None:
        raise NotFound(f"No claim has the id {claim_key!r}")
    fact_or_404(ds, "source", source_id)
    raise NotFound(
        f"Source {source_id!r} makes no claim with the id {claim_key!r}; GET "
        f"/v1/sources/{source_id} lists its claims"
    )
