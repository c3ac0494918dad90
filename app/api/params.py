"""What routes receive: their query parameters as one validated model each, and the helper
that computes an answer from the dataset.

A query model forbids unknown parameters, so a misspelt one (`asof=`) is refused with 422
rather than ignored with a silently wrong answer. Routes take no `Depends`: each dependency
costs FastAPI a resolution step per request (and a plain `def` one a threadpool hop), which
the cached read path must not pay.
"""

import hashlib
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from email.utils import format_datetime
from typing import Annotated, Any

from fastapi import Path, Request, Response
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from app.api.languages import Lang, chosen, localised
from app.core.dates import latest_day, today
from app.core.db import make_engine
from app.core.errors import Forbidden, InvalidParam, InvalidParameters, Unauthorized, Unavailable
from app.domain.dataset import Dataset
from app.domain.public import EventType
from app.domain.tables import MAX_INT, Status
from app.http.read_cache import IMMUTABLE, REVALIDATE
from app.reads.search import fold
from app.storage import keys
from app.storage.store import Store

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


def refuse_repeated(request: Request) -> None:
    params = request.query_params
    repeated = sorted({k for k, _ in params.multi_items() if len(params.getlist(k)) > 1})
    if repeated:
        raise InvalidParameters(
            f"Repeated query parameter(s): {', '.join(repeated)}; give each once",
            [InvalidParam(name=name, reason="given more than once") for name in repeated],
        )


async def dataset_for(request: Request, q: Recorded) -> Dataset:
    """The dataset the request asks for: as it stands, or as recorded at a version."""
    refuse_repeated(request)
    store: Store = request.app.state.store
    if q.version is not None:
        return await store.dataset_at(q.version)
    if q.as_recorded is not None:
        return await store.dataset_at(await store.recorded_by(q.as_recorded))
    return await store.dataset()


def answer(
    body: bytes,
    ds: Dataset,
    fixed: bool,
    headers: dict[str, str] | None = None,
    media_type: str = "application/json",
    *,
    of_today: bool = False,
) -> Response:
    """An answer (JSON unless told) with its strong ETag (of the body; of the epoch too
    where the answer is fixed by a version, since another database may have another dataset
    at that number) and its Last-Modified: when the change set it reflects was committed,
    or the start of this UTC day for an answer `of_today` (it changes at midnight too)."""
    modified: dict[str, str] = {}
    if ds.committed_at is not None:
        when = ds.committed_at.astimezone(UTC)
        if of_today:
            when = max(when, datetime.combine(today(), time(), UTC))
        modified["Last-Modified"] = format_datetime(when, usegmt=True)
    return Response(
        body,
        media_type=media_type,
        headers={
            "ETag": etag(body, ds.epoch if fixed else None),
            "Dataset-Version": str(ds.version),
            "Cache-Control": IMMUTABLE if fixed else REVALIDATE,
            **modified,
            **(headers or {}),
        },
    )


def encoded(model: BaseModel, lang: Lang) -> bytes:
    """The JSON body of an answer, its names in `lang`: what its ETag is the hash of."""
    return localised(model, lang).model_dump_json().encode()


def etag(body: bytes, epoch: str | None = None) -> str:
    """The strong entity tag of an answer's body (and of the epoch of the database, for an
    answer fixed by a version)."""
    digest = hashlib.blake2b(body, digest_size=16)
    if epoch is not None:
        digest.update(epoch.encode())
    return f'"{digest.hexdigest()}"'


async def respond(
    request: Request,
    q: Versioned,
    compute: Callable[[Dataset], BaseModel],
    *,
    depends_on_today: bool = False,
) -> Response:
    """The answer computed from the dataset the request asks for. An answer fully fixed by
    its request (a recorded version, and an explicit `as_of` where the default is today) is
    the same for ever. The read cache in front of the application (app.http.read_cache) keeps it
    for the next request that asks the same."""
    ds = await dataset_for(request, q)
    of_today = depends_on_today and getattr(q, "as_of", None) is None
    fixed = q.pinned and not of_today
    lang, headers = language(request, q)
    body = encoded(compute(ds), lang)
    return answer(body, ds, fixed, headers, of_today=of_today)


def language(request: Request, q: Versioned, vary: str = "") -> tuple[Lang, dict[str, str]]:
    """The language of the names an answer shows (`lang=`, else Accept-Language), and the
    headers that say so (Vary: Accept-Language, after the `vary` given)."""
    lang = chosen(q.lang, request.headers.get("accept-language"))
    varies = f"{vary}, Accept-Language" if vary else "Accept-Language"
    return lang, {"Content-Language": lang, "Vary": varies}


# --- Curators: their API keys, and the engine their writes go through ---------------------

REALM = 'Bearer realm="SCO Data API"'
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]  # OpenAPI: needs a key


def writer(request: Request) -> Engine:
    """The engine of writes (and of key checks): made on the first write, not for reads."""
    engine: Engine | None = getattr(request.app.state, "writer", None)
    if engine is None:
        engine = request.app.state.writer = make_engine(request.app.state.database_url)
    return engine


def _find_key(engine: Engine, secret: str) -> keys.Key | None:
    try:
        return keys.find(engine, secret)
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None) or exc
        missing = "no such table" in str(orig) or "does not exist" in str(orig)
        raise Unavailable(
            "The database is not migrated: run `sco-api migrate`"
            if missing
            else "The database cannot be used to check the API key"
        ) from exc


async def curator(request: Request, *scopes: str) -> keys.Key:
    """The API key of the request, which must hold each of `scopes`: 401 (with
    WWW-Authenticate) without a valid one, 403 naming the scope it lacks. The secret is
    never logged nor echoed."""
    header = request.headers.get("authorization")
    if not header:
        raise Unauthorized(
            "This operation needs an API key: send `Authorization: Bearer <key>`",
            headers={"WWW-Authenticate": REALM},
        )
    scheme, _, secret = header.partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not keys.SECRET.match(secret):
        raise Unauthorized(
            "The Authorization header is not `Bearer <key>` with a key of this service "
            "(`sco_` and 43 characters)",
            headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
        )
    key = await run_in_threadpool(_find_key, writer(request), secret)
    if key is None or not key.active:
        said = "was revoked" if key is not None else "is not known here"
        raise Unauthorized(
            f"The API key {said}",
            headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
        )
    for scope in scopes:
        require(key, scope)
    return key


def require(key: keys.Key, scope: str) -> None:
    """403 naming `scope` unless `key` holds it."""
    if scope not in key.scopes:
        raise Forbidden(
            f"The API key {key.name!r} lacks the scope {scope!r} this operation needs",
            headers={"WWW-Authenticate": f'{REALM}, error="insufficient_scope", scope="{scope}"'},
        )


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
