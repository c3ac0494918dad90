"""Offices, presidencies, summits and the organisation on one day."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import Field

from app.api.listing import COVERED_RESPONSES, RESPONSES, Listing, documented, respond_page
from app.api.params import DatedPage, DayQuery, PeopleQuery, SummitsQuery, TimelineQuery, Versioned
from app.api.responding import respond
from app.core.dates import today
from app.core.errors import problem_responses
from app.domain.kinds import COVERAGE_KINDS, presidency, summit
from app.domain.kinds.person import PersonPublic
from app.domain.kinds.presidency import PresidencyPublic
from app.domain.kinds.summit import SummitPublic
from app.domain.kinds.term import TermPublic
from app.domain.public import TimelineEvent
from app.domain.snapshot import Snapshot
from app.domain.tables import Post
from app.reads import answers as queries
from app.reads import timelines
from app.reads.snapshots import snapshot_on
from app.reads.tabular import Table

router = APIRouter(tags=["organisation"])
TERMS = Table(TermPublic)
PRESIDENCIES = Table(PresidencyPublic)
SUMMITS = Table(SummitPublic)
EVENTS = Table(TimelineEvent)
PEOPLE = Table(PersonPublic)


class TermsList(DatedPage, Listing):
    sort: str | None = TERMS.sort_param()
    fields: str | None = TERMS.fields_param()


class AllTermsList(TermsList):
    post: Post | None = Field(
        default=None, description="Only the terms of this post; default: every post"
    )


class PresidenciesList(DatedPage, Listing):
    sort: str | None = PRESIDENCIES.sort_param()
    fields: str | None = PRESIDENCIES.fields_param()


class SummitsList(SummitsQuery, Listing):
    sort: str | None = SUMMITS.sort_param()
    fields: str | None = SUMMITS.fields_param()


class TimelineList(TimelineQuery, Listing):
    sort: str | None = EVENTS.sort_param()
    fields: str | None = EVENTS.fields_param()


class PeopleList(PeopleQuery, Listing):
    sort: str | None = PEOPLE.sort_param()
    fields: str | None = PEOPLE.fields_param()


@router.get(
    "/secretaries-general",
    response_model=TERMS.page,
    responses=COVERED_RESPONSES,
)
@documented(TERMS)
async def list_secretaries_general(request: Request, q: Annotated[TermsList, Query()]) -> Response:
    """Terms of the Secretaries-General, oldest first, with their persons; with `as_of`,
    the one in office on that day."""
    return await respond_page(
        request,
        q,
        TERMS,
        lambda ds: queries.terms(ds, Post.secretary_general, q.as_of, q.certain),
        [Post.secretary_general.value],
    )


@router.get("/terms", response_model=TERMS.page, responses=COVERED_RESPONSES)
@documented(TERMS)
async def list_terms(request: Request, q: Annotated[AllTermsList, Query()]) -> Response:
    """Terms of every post that heads a body of the organisation (`secretary_general`, the
    Secretariat's; `rats_director`, the RATS Executive Committee's), oldest first, each with
    its person and the post's titles at its start; `post=` chooses one post; with `as_of`,
    the terms of that day."""
    return await respond_page(
        request,
        q,
        TERMS,
        lambda ds: queries.terms(ds, q.post, q.as_of, q.certain),
        [q.post.value] if q.post else [p.value for p in Post],
    )


@router.get("/rats-directors", response_model=TERMS.page, responses=COVERED_RESPONSES)
@documented(TERMS)
async def list_rats_directors(request: Request, q: Annotated[TermsList, Query()]) -> Response:
    """Terms of the Directors of the Executive Committee of the Regional Anti-Terrorist
    Structure, oldest first, with their persons; with `as_of`, the one in office that day."""
    return await respond_page(
        request,
        q,
        TERMS,
        lambda ds: queries.terms(ds, Post.rats_director, q.as_of, q.certain),
        [Post.rats_director.value],
    )


@router.get(
    "/presidencies",
    response_model=PRESIDENCIES.page,
    responses=COVERED_RESPONSES,
)
@documented(PRESIDENCIES)
async def list_presidencies(request: Request, q: Annotated[PresidenciesList, Query()]) -> Response:
    """Rotating presidencies, oldest first, each with its chair and the summit that closed
    it; with `as_of`, the presidency on that day."""
    return await respond_page(
        request,
        q,
        PRESIDENCIES,
        lambda ds: queries.presidencies(ds, q.as_of, q.certain),
        presidency.KIND.covers,
    )


@router.get("/summits", response_model=SUMMITS.page, responses=COVERED_RESPONSES)
@documented(SUMMITS)
async def list_summits(request: Request, q: Annotated[SummitsList, Query()]) -> Response:
    """Meetings of the Council of Heads of State, oldest first; with `as_of`, the summit
    in session on that day, with `year`, those held in that year."""
    return await respond_page(
        request,
        q,
        SUMMITS,
        lambda ds: queries.summits(ds, q.year, q.as_of, q.certain),
        summit.KIND.covers,
    )


@router.get("/snapshot", response_model=Snapshot, responses=problem_responses(404, 422, 503))
async def get_snapshot(request: Request, q: Annotated[DayQuery, Query()]) -> Response:
    """The whole organisation on one day (default today): member states, observers,
    dialogue partners, partners, the Secretary-General, the presidency, the permanent
    bodies, the founding acts signed by then (each saying whether it was in force), and the
    organisation's languages and standings in other organisations. `not_covered` names the
    kinds of fact the dataset does not yet hold for that day, so an empty list there is not
    mistaken for 'none'."""
    as_of = q.as_of or today()
    return await respond(
        request, q, lambda ds: snapshot_on(ds, as_of, q.certain), depends_on_today=True
    )


@router.get("/timeline", response_model=EVENTS.page, responses=COVERED_RESPONSES)
@documented(EVENTS)
async def get_timeline(request: Request, q: Annotated[TimelineList, Query()]) -> Response:
    """Every event in order: states' status changes (`status_granted`, `status_changed`,
    `status_ended`), Secretaries-General's terms (`term_began`, `term_ended`), presidency
    handovers (`presidency_handover`), summits (`summit`), founding acts signed and entering
    into force (`document_signed`, `document_in_force`) and the organisation's standings in
    other organisations (`standing_began`, `standing_ended`), and its bodies beginning work
    or seated anew (`body_established`, `body_moved`), and the meetings of its councils of
    Heads of Government and of Foreign Ministers (`meeting`). The list of types may grow:
    expect types you do not know. Filter with `from`, `to`
    (inclusive days) and `type` (comma-separated). An event known only to the month or year
    is dated so, and kept when it may fall in the range."""
    q.check_range()
    return await respond_page(
        request,
        q,
        EVENTS,
        lambda ds: timelines.timeline(ds, q.since, q.until, q.types),
        COVERAGE_KINDS,
    )


FactId = Annotated[str, Path(pattern="^[a-z0-9-]{1,96}$", description="Its id")]
ONE = problem_responses(404, 422, 503)


@router.get("/terms/{term_id}", response_model=TermPublic, responses=ONE)
async def get_term(request: Request, term_id: FactId, q: Annotated[Versioned, Query()]) -> Response:
    """One term of office by its id (e.g. `zhang-ming-secretary-general-2022-01-01`)."""
    return await respond(request, q, lambda ds: queries.one(ds, "term", term_id))


@router.get("/people", response_model=PEOPLE.page, responses=RESPONSES)
@documented(PEOPLE)
async def list_people(request: Request, q: Annotated[PeopleList, Query()]) -> Response:
    """The people who held an office of the organisation, by id, with their names in
    English, Russian and Chinese and the aliases they are also known by; with `q`, those
    a name or alias of whom contains it."""
    return await respond_page(request, q, PEOPLE, lambda ds: queries.people(ds, q.search))


@router.get("/people/{person_id}", response_model=PersonPublic, responses=ONE)
async def get_person(
    request: Request, person_id: FactId, q: Annotated[Versioned, Query()]
) -> Response:
    """One person by id (e.g. `zhang-ming`)."""
    return await respond(request, q, lambda ds: queries.one(ds, "person", person_id))


@router.get("/presidencies/{presidency_id}", response_model=PresidencyPublic, responses=ONE)
async def get_presidency(
    request: Request, presidency_id: FactId, q: Annotated[Versioned, Query()]
) -> Response:
    """One presidency by id (e.g. `ind-presidency-2022-09-17`)."""
    return await respond(request, q, lambda ds: queries.one(ds, "presidency", presidency_id))


@router.get("/summits/{summit_id}", response_model=SummitPublic, responses=ONE)
async def get_summit(
    request: Request, summit_id: FactId, q: Annotated[Versioned, Query()]
) -> Response:
    """One summit by id (e.g. `2022-samarkand`)."""
    return await respond(request, q, lambda ds: queries.one(ds, "summit", summit_id))
