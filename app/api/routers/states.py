"""States and their SCO status periods."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.api.listing import COVERED_RESPONSES, Listing, documented, respond_page
from app.api.params import DatedPage, StatesQuery, Versioned
from app.api.responding import respond
from app.core.dates import today
from app.core.errors import problem_responses
from app.domain.kinds.state import StateDetail
from app.domain.kinds.status_period import StatusPeriodPublic
from app.domain.public import StateTimeline
from app.domain.tables import Status
from app.reads import answers as queries
from app.reads import timelines
from app.reads.tabular import Table

router = APIRouter(tags=["states"])
PERIODS = Table(StatusPeriodPublic)


class PeriodsListing(Listing):
    sort: str | None = PERIODS.sort_param()
    fields: str | None = PERIODS.fields_param()


class StatesList(StatesQuery, PeriodsListing):
    """The query of /v1/states."""


class PeriodsList(DatedPage, PeriodsListing):
    """The query of the collections of one status."""


async def _statuses(
    request: Request,
    status: Status | None,
    q: StatesList | PeriodsList,
    search: str | None = None,
) -> Response:
    covers = [status.value] if status else [s.value for s in Status]
    return await respond_page(
        request,
        q,
        PERIODS,
        lambda ds: queries.state_statuses(ds, status, q.as_of, q.certain, search),
        covers,
    )


@router.get("/states", response_model=PERIODS.page, responses=COVERED_RESPONSES)
@documented(PERIODS)
async def list_states(request: Request, q: Annotated[StatesList, Query()]) -> Response:
    """States with any SCO status: one item per state and status period, by state name.

    With `as_of`, only the periods holding on that day (so each state at most once); with
    `q`, only the periods of the states a name or alias of which contains it (`total`
    counts those)."""
    return await _statuses(request, q.status, q, q.search)


@router.get("/member-states", response_model=PERIODS.page, responses=COVERED_RESPONSES)
@documented(PERIODS)
async def list_member_states(request: Request, q: Annotated[PeriodsList, Query()]) -> Response:
    """Member-state periods; with `as_of`, the member states on that day."""
    return await _statuses(request, Status.member, q)


@router.get("/observer-states", response_model=PERIODS.page, responses=COVERED_RESPONSES)
@documented(PERIODS)
async def list_observer_states(request: Request, q: Annotated[PeriodsList, Query()]) -> Response:
    """Observer-state periods; with `as_of`, the observer states on that day."""
    return await _statuses(request, Status.observer, q)


@router.get("/dialogue-partners", response_model=PERIODS.page, responses=COVERED_RESPONSES)
@documented(PERIODS)
async def list_dialogue_partners(request: Request, q: Annotated[PeriodsList, Query()]) -> Response:
    """Dialogue-partner periods; with `as_of`, the dialogue partners on that day."""
    return await _statuses(request, Status.dialogue_partner, q)


@router.get("/partners", response_model=PERIODS.page, responses=COVERED_RESPONSES)
@documented(PERIODS)
async def list_partners(request: Request, q: Annotated[PeriodsList, Query()]) -> Response:
    """Partner periods (the status that merged observers and dialogue partners at the 2025
    Tianjin summit); with `as_of`, the partners on that day."""
    return await _statuses(request, Status.partner, q)


StateCode = Annotated[
    str,
    Path(
        pattern="^(?:[A-Za-z]{2,3}|[0-9]{3})$",
        description="ISO 3166-1 code: alpha-2 or alpha-3 in any case, or numeric written with "
        "its three digits as the standard does (`004` is Afghanistan; `4` is refused)",
        examples=["IN", "ind", "356"],
    ),
]


@router.get(
    "/states/{code}", response_model=StateDetail, responses=problem_responses(404, 422, 503)
)
async def get_state(
    request: Request, code: StateCode, q: Annotated[Versioned, Query()]
) -> Response:
    """One state with its codes, names (English, Russian, Chinese), aliases, Wikidata id,
    status today and whole status history."""
    day = today()
    return await respond(
        request, q, lambda ds: queries.state_detail(ds, code, day), depends_on_today=True
    )


@router.get(
    "/states/{code}/timeline",
    response_model=StateTimeline,
    responses=problem_responses(404, 422, 503),
)
async def get_state_timeline(
    request: Request, code: StateCode, q: Annotated[Versioned, Query()]
) -> Response:
    """One state's changes of status, oldest first: `status_granted` (a status begins with
    none held the day before; `decided_on` is the decision that began it),
    `status_changed` (one status turns into another the next day, e.g. observer → member)
    and `status_ended` (dated on the last day the status held), each with its sources."""
    return await respond(request, q, lambda ds: timelines.state_timeline(ds, code))


FactId = Annotated[
    str, Path(pattern="^[a-z0-9-]{1,96}$", examples=["ind-member-2017-06-09"], description="Its id")
]


@router.get(
    "/status-periods/{period_id}",
    response_model=StatusPeriodPublic,
    responses=problem_responses(404, 422, 503),
)
async def get_status_period(
    request: Request, period_id: FactId, q: Annotated[Versioned, Query()]
) -> Response:
    """One status period by its id, with its revision; its ETag changes whenever the period
    or anything shown inside it (a source title, a state name) changes."""
    return await respond(request, q, lambda ds: queries.one(ds, "status_period", period_id))
