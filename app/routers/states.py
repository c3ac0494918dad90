"""States and their SCO status periods."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app import queries
from app.deps import AsOf, PageDep, StoreDep, respond, today
from app.errors import problem_responses
from app.models import Status
from app.schemas import Page, StateDetail, StateStatus

router = APIRouter(tags=["states"])
LIST_ERRORS = problem_responses(422)


async def _statuses(
    request: Request, store: StoreDep, status: Status | None, as_of: AsOf, page: PageDep
) -> Response:
    return await respond(
        request,
        store,
        ("states", status, as_of, page.limit, page.offset),
        lambda ds: queries.paginate(
            queries.state_statuses(ds, status, as_of), page.limit, page.offset
        ),
    )


@router.get("/states", response_model=Page[StateStatus], responses=LIST_ERRORS)
async def list_states(
    request: Request,
    store: StoreDep,
    as_of: AsOf,
    page: PageDep,
    status: Annotated[Status | None, Query(description="Only periods of this status")] = None,
) -> Response:
    """States with any SCO status: one item per state and status period, by state name.

    With `as_of`, only the periods holding on that day (so each state at most once)."""
    return await _statuses(request, store, status, as_of, page)


@router.get("/member-states", response_model=Page[StateStatus], responses=LIST_ERRORS)
async def list_member_states(
    request: Request, store: StoreDep, as_of: AsOf, page: PageDep
) -> Response:
    """Member-state periods; with `as_of`, the member states on that day."""
    return await _statuses(request, store, Status.member, as_of, page)


@router.get("/observer-states", response_model=Page[StateStatus], responses=LIST_ERRORS)
async def list_observer_states(
    request: Request, store: StoreDep, as_of: AsOf, page: PageDep
) -> Response:
    """Observer-state periods; with `as_of`, the observer states on that day."""
    return await _statuses(request, store, Status.observer, as_of, page)


@router.get("/dialogue-partners", response_model=Page[StateStatus], responses=LIST_ERRORS)
async def list_dialogue_partners(
    request: Request, store: StoreDep, as_of: AsOf, page: PageDep
) -> Response:
    """Dialogue-partner periods; with `as_of`, the dialogue partners on that day."""
    return await _statuses(request, store, Status.dialogue_partner, as_of, page)


@router.get("/partners", response_model=Page[StateStatus], responses=LIST_ERRORS)
async def list_partners(request: Request, store: StoreDep, as_of: AsOf, page: PageDep) -> Response:
    """Partner periods (the status that merged observers and dialogue partners at the 2025
    Tianjin summit); with `as_of`, the partners on that day."""
    return await _statuses(request, store, Status.partner, as_of, page)


@router.get("/states/{code}", response_model=StateDetail, responses=problem_responses(404, 422))
async def get_state(
    request: Request,
    store: StoreDep,
    code: Annotated[
        str,
        Path(
            pattern="^[A-Za-z]{2,3}$",
            description="ISO 3166-1 alpha-2 or alpha-3 code, any case",
            examples=["IN", "ind"],
        ),
    ],
) -> Response:
    """One state with its codes, names (English, Russian, Chinese), Wikidata id, status
    today and whole status history."""
    day = today()
    return await respond(
        request, store, ("state", code.upper(), day), lambda ds: queries.state_detail(ds, code, day)
    )
