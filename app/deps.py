"""What routes receive: their query parameters as one validated model each, and the helper
that computes an answer from the dataset.

A query model forbids unknown parameters, so a misspelt one (`asof=`) is refused with 422
rather than ignored with a silently wrong answer. Routes take no `Depends`: each dependency
costs FastAPI a resolution step per request (and a plain `def` one a threadpool hop), which
the cached read path must not pay.
"""

import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import Request, Response
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
)

from app.dataset import Dataset
from app.dates import latest_day
from app.errors import InvalidParam, InvalidParameters
from app.models import Status
from app.schemas import EventType
from app.store import Store

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_day(value: Any) -> Any:
    # Pydantic would also read 86400 or 2022-03-17T00:00 as a date: a wrong value must not
    # look like an answer.
    if isinstance(value, str) and not _DAY.match(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_iso_day)]


class NoQuery(BaseModel):
    """A path that takes no query parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Paged(NoQuery):
    limit: int = Field(default=100, ge=1, le=1000, description="Items per page")
    offset: int = Field(default=0, ge=0, description="Items to skip")


def _not_future(value: date | None) -> date | None:
    if value is not None and value > latest_day():
        raise ValueError(
            f"must not be later than today ({latest_day()} at the latest, the date somewhere "
            "on Earth): the dataset records facts up to today"
        )
    return value


class DatedPage(Paged):
    as_of: Day | None = Field(
        default=None,
        description="Only facts holding on this day (YYYY-MM-DD); default: every period",
    )

    _as_of_not_future = field_validator("as_of")(_not_future)


class StatesQuery(DatedPage):
    status: Status | None = Field(default=None, description="Only periods of this status")


class SummitsQuery(DatedPage):
    year: int | None = Field(
        default=None, ge=2001, le=2100, description="Only summits held in this year"
    )


def _event_types(value: str) -> str:
    names = [part.strip() for part in value.split(",")]
    unknown = [n for n in names if n not in EventType.__members__]
    if unknown:
        raise ValueError(
            f"unknown event type(s) {', '.join(map(repr, unknown))}; known: {', '.join(EventType)}"
        )
    return value


_ONE_TYPE = "(?:" + "|".join(EventType) + ")"


class TimelineQuery(Paged):
    since: Day | None = Field(
        default=None,
        alias="from",
        description="Only events on or after this day (YYYY-MM-DD); an event known only to "
        "the month or year is kept if it may fall in the range",
    )
    until: Day | None = Field(
        default=None, alias="to", description="Only events on or before this day (YYYY-MM-DD)"
    )
    type: Annotated[str, AfterValidator(_event_types)] | None = Field(
        default=None,
        description="Only events of these types, comma-separated: " + ", ".join(EventType),
        examples=["status_granted,status_changed"],
        # In the schema only: the validator above names the unknown types in its refusal.
        json_schema_extra={"pattern": f"^{_ONE_TYPE}(?:,{_ONE_TYPE})*$"},
    )

    @property
    def types(self) -> frozenset[EventType] | None:
        if self.type is None:
            return None
        return frozenset(EventType(part.strip()) for part in self.type.split(","))

    def check_range(self) -> None:
        if self.since is not None and self.until is not None and self.since > self.until:
            raise InvalidParameters(
                f"The range is empty: from ({self.since}) is later than to ({self.until})",
                [InvalidParam(name="from", reason=f"must not be later than to ({self.until})")],
            )


class DayQuery(NoQuery):
    as_of: Day | None = Field(
        default=None, description="The day to describe (YYYY-MM-DD); default: today"
    )

    _as_of_not_future = field_validator("as_of")(_not_future)


async def respond(request: Request, compute: Callable[[Dataset], BaseModel]) -> Response:
    """The answer computed from the dataset as of this request. The read cache in front of
    the application (app.read_cache) keeps it for the next request that asks the same."""
    repeated = sorted(
        {
            k
            for k, _ in request.query_params.multi_items()
            if len(request.query_params.getlist(k)) > 1
        }
    )
    if repeated:
        raise InvalidParameters(
            f"Repeated query parameter(s): {', '.join(repeated)}; give each once",
            [InvalidParam(name=name, reason="given more than once") for name in repeated],
        )
    store: Store = request.app.state.store
    body = compute(await store.dataset()).model_dump_json().encode()
    return Response(body, media_type="application/json")
