"""The documents the facts come from."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app import queries
from app.deps import Paged, Versioned, respond
from app.errors import problem_responses
from app.schemas import Page, SourceDetail, SourceSummary

router = APIRouter(tags=["sources"])


@router.get(
    "/sources", response_model=Page[SourceSummary], responses=problem_responses(404, 422, 503)
)
async def list_sources(request: Request, q: Annotated[Paged, Query()]) -> Response:
    """Every source, by id."""
    return await respond(
        request,
        q,
        lambda ds: queries.paginate(queries.sources(ds), q.limit, q.offset),
    )


@router.get(
    "/sources/{source_id}", response_model=SourceDetail, responses=problem_responses(404, 422, 503)
)
async def get_source(
    request: Request,
    source_id: Annotated[
        str,
        Path(
            max_length=64,
            description="The source's id, as facts cite it",
            examples=["indian-awaaz-2022-03-20"],
        ),
    ],
    q: Annotated[Versioned, Query()],
) -> Response:
    """One source: its text where stored, the facts it is cited for, and the claims it
    makes about the organisation with the verdict of checking each against the dataset."""
    return await respond(request, q, lambda ds: queries.source_detail(ds, source_id))
