"""What routes receive: their query parameters as one validated model each, and their path
parameters (answering from the dataset is app.api.responding).

A query model forbids unknown parameters, so a misspelt one (`asof=`) is refused with 422
rather than ignored with a silently wrong answer. Routes take no `Depends`: each dependency
costs FastAPI a resolution step per request (and a plain `def` one a threadpool hop), which
the cached read path must not pay.
"""

import re
from datetime import date
from typing import Annotated, Any

from fastapi import Path
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from app.api.languages import Lang
from app.core.dates import latest_day, today
from app.core.errors import InvalidParam, InvalidParameters
from app.domain.public import EventType
from app.domain.tables import MAX_INT, Status
from app.reads.search import fold

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_day(value: Any) -> Any:
    # Pydantic would also read 86400 or 2022-03-17T00:00 as a date: a wrong value must not
    # look like an answer.
    if isinstance(value, str) and not _DAY.match(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_iso_day)]
_WHOLE = re.compile(r"^(0|[1-9][0-9]*)$")


def _whole_number(value: Any) -> Any:
    # Pydantic would also read `1.0`, `+5`, `1_000`, `0001` or ` 5` as integers; each spelling
    # would be another cache key for the same answer, and a typo would look like an answer.
    if isinstance(value, str) and not _WHOLE.match(value):
        raise ValueError("must be a whole number written in digits: 0 or 1-9 then digits")
    return value


# Integer query parameters, written in digits only. The bounds sit inside each type (before
# the validator), so the OpenAPI schema shows them as minimum and maximum.
_DIGITS = BeforeValidator(_whole_number)
Offset = Annotated[int, Field(ge=0, le=MAX_INT), _DIGITS]
Version = Annotated[int, Field(ge=1, le=MAX_INT), _DIGITS]
Limit = Annotated[int, Field(ge=1, le=1000), _DIGITS]
FeedLimit = Annotated[int, Field(ge=1, le=200), _DIGITS]
Year = Annotated[int, Field(ge=2001, le=2100), _DIGITS]


class NoQuery(BaseModel):
    """A path that takes no query parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Recorded(NoQuery):
    """What every GET under /v1 accepts: the dataset as it was recorded at an earlier
    version, or at the end of an earlier UTC day."""

    version: Version | None = Field(
        default=None,
        description="Answer from the dataset right after change set N (see /v1/changes); "
        "such an answer never changes",
    )
    as_recorded: Day | None = Field(
        default=None,
        description="Answer from the dataset as it stood at the end of this UTC day "
        "(YYYY-MM-DD, before today)",
    )

    @field_validator("as_recorded")
    @classmethod
    def _past(cls, value: date | None) -> date | None:
        if value is not None and value >= today():
            raise ValueError(
                f"must be before today ({today()}, UTC): the record of today is still open; "
                "leave as_recorded out for the dataset as it stands"
            )
        return value

    @model_validator(mode="after")
    def _one_axis(self) -> "Recorded":
        if self.version is not None and self.as_recorded is not None:
            raise ValueError("give version or as_recorded, not both")
        return self

    @property
    def pinned(self) -> bool:
        """Whether the request names a recorded version (so its answer is fixed)."""
        return self.version is not None or self.as_recorded is not None


class Versioned(Recorded):
    """A read that shows names: the language they are shown in besides the version. (The
    change log and the exports show every name as recorded, so they take no `lang`.)"""

    lang: Lang | None = Field(
        default=None,
        description="Language of each `name` shown (`names` always holds all three): en, ru "
        "or zh; wins over the Accept-Language header. Where a fact has no name in that "
        "language, its English name is shown. Default: from Accept-Language, else en",
        examples=["ru"],
    )


class Paged(Versioned):
    limit: Limit = Field(default=100, description="Items per page")
    offset: Offset = Field(default=0, description="Items to skip")


def _not_future(value: date | None) -> date | None:
    if value is not None and value > latest_day():
        raise ValueError(
            f"must not be later than today ({latest_day()} at the latest, the date somewhere "
            "on Earth): the dataset records facts up to today"
        )
    return value


# A day a read may ask for: today at the latest (the dataset records facts up to today).
PastDay = Annotated[Day, AfterValidator(_not_future)]


class DatedPage(Paged):
    as_of: Day | None = Field(
        default=None,
        description="Only facts holding on this day (YYYY-MM-DD); default: every period. "
        "Each item then says whether it holds `certainly` or only `possibly`",
    )
    certain: bool = Field(
        default=False,
        description="With as_of: only the facts that certainly hold on that day (not those "
        "whose boundary, known only to the month or year, may fall either side of it)",
    )

    _as_of_not_future = field_validator("as_of")(_not_future)


def _searchable(value: str) -> str:
    if not fold(value):
        raise ValueError("must contain a letter or digit other than `y` (which search ignores)")
    return value


# At most 100 characters: longer than any name, short enough to keep cache keys small.
Search = Annotated[
    str, Field(min_length=1, max_length=100), AfterValidator(str.strip), AfterValidator(_searchable)
]
SEARCH_DESCRIPTION = (
    "Only {what} with a name (English, Russian or Chinese) or alias containing this text, "
    "ignoring case and accents; in Latin letters `y` is ignored too, so that transliterations "
    "of one Russian name (Imanaliyev, Imanaliev) find each other. 1 to 100 characters"
)


class StatesQuery(DatedPage):
    status: Status | None = Field(default=None, description="Only periods of this status")
    search: Search | None = Field(
        default=None,
        alias="q",
        description=SEARCH_DESCRIPTION.format(what="states"),
        examples=["Turkey", "Иран", "印度"],
    )


class PeopleQuery(Paged):
    search: Search | None = Field(
        default=None,
        alias="q",
        description=SEARCH_DESCRIPTION.format(what="people"),
        examples=["imanaliyev", "Мезенцев", "张明"],
    )


class SummitsQuery(DatedPage):
    year: Year | None = Field(default=None, description="Only summits held in this year")


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


class DayQuery(Versioned):
    as_of: Day | None = Field(
        default=None, description="The day to describe (YYYY-MM-DD); default: today"
    )
    certain: bool = Field(
        default=False, description="Only the facts that certainly hold on that day"
    )

    _as_of_not_future = field_validator("as_of")(_not_future)


class Feed(NoQuery):
    since: Offset = Field(default=0, description="Change sets after this seq (0: from the start)")
    limit: FeedLimit = Field(default=20, description="Change sets per page")


class ChangesQuery(Feed, Recorded):
    """The query of the public change feed."""


SourceIdPath = Annotated[
    str,
    Path(max_length=64, description="The source's id", examples=["indian-awaaz-2022-03-20"]),
]
ClaimIdPath = Annotated[
    str,
    Path(
        max_length=96,
        pattern="^[a-z0-9-]+$",
        description="The claim's id (its source's, and a digest of what it says)",
        examples=["indian-awaaz-2022-03-20-d8a6038e"],
    ),
]
