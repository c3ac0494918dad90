"""Answering a read: the dataset the request asks for (a version, or as recorded on a day),
the answer computed from it, and the answer sent as JSON in the asked language with its
ETag, Dataset-Version and Cache-Control (an answer naming a version never changes)."""

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, time
from email.utils import format_datetime

from fastapi import Request, Response
from pydantic import (
    BaseModel,
)

from app.api.languages import Lang, chosen, localised
from app.api.params import Recorded, Versioned
from app.core.dates import today
from app.core.errors import InvalidParam, InvalidParameters
from app.domain.dataset import Dataset
from app.http.read_cache import IMMUTABLE
from app.storage.store import Store


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
    request: Request,
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
            "Cache-Control": IMMUTABLE if fixed else request.app.state.revalidate,
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
    return answer(request, body, ds, fixed, headers, of_today=of_today)


def language(request: Request, q: Versioned, vary: str = "") -> tuple[Lang, dict[str, str]]:
    """The language of the names an answer shows (`lang=`, else Accept-Language), and the
    headers that say so (Vary: Accept-Language, after the `vary` given)."""
    lang = chosen(q.lang, request.headers.get("accept-language"))
    varies = f"{vary}, Accept-Language" if vary else "Accept-Language"
    return lang, {"Content-Language": lang, "Vary": varies}
