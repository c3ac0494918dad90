"""Metrics for Prometheus to scrape."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.params import NoQuery
from app.core import metrics
from app.core.errors import problem_responses

router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {
            "description": "The metrics in the Prometheus text exposition format",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
        **problem_responses(422),
    },
    summary="Read the service's metrics",
)
async def get_metrics(request: Request, q: Annotated[NoQuery, Query()]) -> Response:
    """Requests by route template, method and status; a latency histogram by route;
    read-cache hits and misses; dataset reloads; the time of dataset-version reads; writes
    by channel and outcome; and the Python process's own. Reads no database."""
    tally = getattr(request.app.state, "tally", None)
    if tally is not None:
        tally.flush()  # this worker's counts to the minute; another's are 0.1 s late at most
    return Response(metrics.exposition(), media_type=metrics.CONTENT_TYPE)
