"""The documents the facts come from."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.api.listing import RESPONSES, Listing, documented, respond_page
from app.api.params import ClaimIdPath, SourceIdPath, Versioned
from app.api.responding import respond
from app.core.errors import problem_responses
from app.domain.kinds.source import SourceDetail, SourceSummary
from app.domain.public import ClaimPublic
from app.reads import answers as queries
from app.reads.tabular import Table

router = APIRouter(tags=["sources"])
SOURCES = Table(SourceSummary)


class SourcesList(Listing):
    sort: str | None = SOURCES.sort_param()
    fields: str | None = SOURCES.fields_param()


@router.get("/sources", response_model=SOURCES.page, responses=RESPONSES)
@documented(SOURCES)
async def list_sources(request: Request, q: Annotated[SourcesList, Query()]) -> Response:
    """Every source, by id."""
    return await respond_page(request, q, SOURCES, queries.sources)


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
    return await respond(request, q, lambda ds: queries.one(ds, "source", source_id))


@router.get(
    "/sources/{source_id}/claims/{claim_id}",
    response_model=ClaimPublic,
    responses=problem_responses(404, 422, 503),
)
async def get_claim(
    request: Request,
    source_id: SourceIdPath,
    claim_id: ClaimIdPath,
    q: Annotated[Versioned, Query()],
) -> Response:
    """One claim of a source, with its verdict against the data; its ETag is what
    If-Match names to change or delete it."""
    return await respond(request, q, lambda ds: queries.claim_by_id(ds, claim_id, source_id))
