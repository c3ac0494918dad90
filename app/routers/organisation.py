"""Offices, presidencies, summits and the organisation on one day."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app import queries
from app.dataset import Dataset
from app.dates import today
from app.deps import DatedPage, DayQuery, SummitsQuery, TimelineQuery, respond
from app.errors import InvalidParam, InvalidParameters, problem_responses
from app.models import Post, Status
from app.schemas import (
    Page,
    PresidencyPublic,
    Snapshot,
    SummitPublic,
    TermPublic,
    TimelineEvent,
)

router = APIRouter(tags=["organisation"])


@router.get(
    "/secretaries-general", response_model=Page[TermPublic], responses=problem_responses(422)
)
async def list_secretaries_general(request: Request, q: Annotated[DatedPage, Query()]) -> Response:
    """Terms of the Secretaries-General, oldest first, with their persons; with `as_of`,
    the one in office on that day."""
    return await respond(
        request,
        lambda ds: queries.paginate(
            queries.terms(ds, Post.secretary_general, q.as_of), q.limit, q.offset
        ),
    )


@router.get(
    "/presidencies", response_model=Page[PresidencyPublic], responses=problem_responses(422)
)
async def list_presidencies(request: Request, q: Annotated[DatedPage, Query()]) -> Response:
    """Rotating presidencies, oldest first, each with its chair and the summit that closed
    it; with `as_of`, the presidency on that day."""
    return await respond(
        request,
        lambda ds: queries.paginate(queries.presidencies(ds, q.as_of), q.limit, q.offset),
    )


@router.get("/summits", response_model=Page[SummitPublic], responses=problem_responses(422))
async def list_summits(request: Request, q: Annotated[SummitsQuery, Query()]) -> Response:
    """Meetings of the Council of Heads of State, oldest first; with `as_of`, the summit
    in session on that day, with `year`, those held in that year."""
    return await respond(
        request,
        lambda ds: queries.paginate(queries.summits(ds, q.year, q.as_of), q.limit, q.offset),
    )


def _snapshot(ds: Dataset, as_of: date) -> Snapshot:
    founded = min((p.start_date for p in ds.periods if p.status == Status.member), default=None)
    if founded is not None and as_of < founded:
        raise InvalidParameters(
            f"as_of {as_of} is before the SCO was founded ({founded})",
            [InvalidParam(name="as_of", reason=f"must be {founded} or later")],
        )
    return queries.snapshot(ds, as_of)


@router.get("/snapshot", response_model=Snapshot, responses=problem_responses(422))
async def get_snapshot(request: Request, q: Annotated[DayQuery, Query()]) -> Response:
    """The whole organisation on one day (default today): member states, observers,
    dialogue partners, partners, the Secretary-General, the presidency and the permanent
    bodies. `not_covered` names the kinds of fact the dataset does not yet hold for that
    day, so an empty list there is not mistaken for 'none'."""
    as_of = q.as_of or today()
    return await respond(request, lambda ds: _snapshot(ds, as_of))


@router.get("/timeline", response_model=Page[TimelineEvent], responses=problem_responses(422))
async def get_timeline(request: Request, q: Annotated[TimelineQuery, Query()]) -> Response:
    """Every event in order: states' status changes (`status_granted`, `status_changed`,
    `status_ended`), Secretaries-General's terms (`term_began`, `term_ended`), presidency
    handovers (`presidency_handover`) and summits (`summit`). Filter with `from`, `to`
    (inclusive days) and `type` (comma-separated). An event known only to the month or year
    is dated so, and kept when it may fall in the range."""
    q.check_range()
    return await respond(
        request,
        lambda ds: queries.paginate(
            queries.timeline(ds, q.since, q.until, q.types), q.limit, q.offset
        ),
    )
