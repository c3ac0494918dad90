"""The service itself: what it holds, and whether it is up."""

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from app.dataset import Dataset
from app.deps import StoreDep, respond
from app.errors import Unavailable, problem_responses
from app.schemas import DatasetInfo
from app.store import NOT_READY

router = APIRouter(tags=["service"])


def _info(ds: Dataset) -> DatasetInfo:
    return DatasetInfo(
        version=ds.version,
        content_hash=ds.content_hash,
        loaded_at=ds.loaded_at,
        coverage=ds.coverage,
        counts={
            "states": len(ds.states),
            "status_periods": len(ds.periods),
            "terms": len(ds.terms),
            "summits": len(ds.summits),
            "presidencies": len(ds.presidencies),
            "sources": len(ds.sources),
            "citations": len(ds.citations),
            "claims": len(ds.claims),
        },
    )


@router.get("/v1", response_model=DatasetInfo, responses=problem_responses(503))
async def dataset_info(request: Request, store: StoreDep) -> Response:
    """The dataset this service holds: version, what it covers from which day, counts."""
    return await respond(request, store, "info", _info)


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    version: int


@router.get("/healthz", response_model=Health, responses=problem_responses(503))
async def health(store: StoreDep) -> Health:
    """200 when the database answers and holds a seeded dataset, else 503 (for probes)."""
    ds = await store.dataset()
    if not ds.states:
        raise Unavailable(NOT_READY)
    return Health(status="ok", version=ds.version)
