"""The service itself: what it holds, and whether it is up."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from app.api.params import NoQuery, Versioned
from app.api.responding import respond
from app.core.errors import problem_responses
from app.domain.dataset import Dataset
from app.domain.kinds import COVERAGE_KINDS, KINDS
from app.domain.public import CoveragePublic, DatasetInfo
from app.storage.store import Store

router = APIRouter(tags=["service"])


def _info(ds: Dataset) -> DatasetInfo:
    return DatasetInfo(
        version=ds.version,
        committed_at=ds.committed_at,
        coverage={
            kind: CoveragePublic(since=span.since, until=span.until)
            if (span := ds.coverage.get(kind))
            else None
            for kind in COVERAGE_KINDS
        },
        counts={
            **{kind.plural: ds.count(kind.name) for kind in KINDS if kind.counted},
            "citations": len(ds.citations),
            "claims": len(ds.claims),
        },
    )


@router.get("/v1", response_model=DatasetInfo, responses=problem_responses(404, 422, 503))
async def dataset_info(request: Request, q: Annotated[Versioned, Query()]) -> Response:
    """The dataset this service holds: version (the seq of the latest change set), what it
    covers from which day, counts."""
    return await respond(request, q, _info)


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class Ready(BaseModel):
    status: str = Field(examples=["ready"])
    version: int = Field(description="The dataset version served", examples=[1])


@router.get("/healthz", response_model=Health, responses=problem_responses(422))
async def health(q: Annotated[NoQuery, Query()]) -> Health:
    """Liveness: 200 while the process answers; the database is not asked (a database that
    is away is what /readyz says), so a probe never restarts a process for it."""
    return Health(status="ok")


@router.get("/readyz", response_model=Ready, responses=problem_responses(422, 503))
async def ready(request: Request, q: Annotated[NoQuery, Query()]) -> Ready:
    """Readiness: 200 with the dataset version when the database answers within 2 s and
    holds a migrated, seeded dataset; else 503 saying what is wrong (with Retry-After)."""
    store: Store = request.app.state.store
    with store.budget():
        await store.version(fresh=True)  # asked now, whatever the beacon says
        ds = await store.dataset()
    return Ready(status="ready", version=ds.version)
