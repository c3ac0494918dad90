"""What a write sends, read and checked: its JSON body (of the right media type, within
MAX_BODY), its Change-Reason, its If-Match against the fact's current answers, its
Idempotency-Key; and each kind's answer as its GET sends it, whose ETag If-Match names."""

import hashlib
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from fastapi import Request, Response
from pydantic import BaseModel

from app.api.languages import Lang
from app.api.responding import encoded, etag
from app.core.errors import (
    AppError,
    ContentTooLarge,
    InvalidParam,
    InvalidParameters,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    UnsupportedMediaType,
)
from app.domain.dataset import Dataset
from app.domain.facts import Facts
from app.domain.kinds import BY_NAME
from app.domain.public import ClaimPublic
from app.http.read_cache import plain_tag
from app.reads import answers as queries
from app.reads import meetings, structure  # noqa: F401  (they register their answers)
from app.storage import keys
from app.storage.idempotency import Retry
from app.writes import bodies, refusals
from app.writes import plans as curation
from app.writes import service as writes

MAX_BODY = 2 * 1024 * 1024  # bytes a write's body may have (a source's text is ≤ 200,000 chars)


JSON = "application/json"


MERGE_PATCH = "application/merge-patch+json"


# The answer of each kind, as its GET sends it: its declaration's model, made by the answer
# function that registered for it (app.reads.answers); a claim's by its id.
def answer_of(kind: str) -> tuple[Callable[[Dataset, str], BaseModel], type[BaseModel]]:
    model = BY_NAME[kind].public
    assert model is not None, f"{kind} declares no answer"
    return (lambda ds, fact_id: queries.one(ds, kind, fact_id)), model


ANSWERS: dict[str, tuple[Callable[[Dataset, str], BaseModel], type[BaseModel]]] = {
    **{k: answer_of(k) for k in queries.ONE},
    "claim": (queries.claim_by_id, ClaimPublic),
}


def plain(ds: Dataset, kind: str, fact_id: str, lang: Lang = Lang.en) -> bytes:
    compute, _ = ANSWERS[kind]
    return encoded(compute(ds, fact_id), lang)


def etags_of(ds: Dataset, kind: str, fact_id: str, epoch: str) -> set[str]:
    """The ETag of every answer of the fact as it stands: in each language, and pinned by
    its version (whatever coding it was sent in: codings are compared without theirs)."""
    found = set()
    for lang in Lang:
        body = plain(ds, kind, fact_id, lang)
        found |= {etag(body), etag(body, epoch)}
    return found


async def read_body(request: Request, media_type: str) -> Any:
    """The request's JSON body, of `media_type`, within MAX_BODY bytes."""
    sent = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if sent != media_type:
        name = "Accept-Patch" if media_type == MERGE_PATCH else "Accept-Post"
        raise UnsupportedMediaType(
            f"This operation takes a body of type {media_type}, not {sent or 'none'}",
            headers={name: media_type},
        )
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_BODY:
        raise ContentTooLarge(f"The body has {length} bytes; the limit is {MAX_BODY}")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BODY:
            raise ContentTooLarge(f"The body has more than the limit of {MAX_BODY} bytes")
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AppError(f"The body is not valid JSON: {exc}") from None
    except RecursionError:
        raise AppError("The body is not JSON this service reads: it nests too deeply") from None


def read_reason(value: str | None) -> str:
    """The Change-Reason header, percent-decoded (UTF-8)."""

    def refused(detail: str, reason: str) -> InvalidParameters:
        return InvalidParameters(detail, [InvalidParam(name="Change-Reason", reason=reason)])

    try:
        reason = unquote(value or "", errors="strict").strip()
    except UnicodeDecodeError:
        raise refused(
            "Change-Reason is not percent-encoded UTF-8", "not percent-encoded UTF-8"
        ) from None
    if not reason:
        raise refused(
            "A write says why: send a Change-Reason header (percent-encoded UTF-8)", "missing"
        )
    if len(reason) > writes.MAX_REASON:
        raise refused(
            f"Change-Reason has {len(reason)} characters; at most {writes.MAX_REASON} are taken",
            "too long",
        )
    return reason


def read_if_match(request: Request) -> set[str]:
    value = request.headers.get("if-match")
    if value is None:
        raise PreconditionRequired(
            "Send If-Match with the ETag of the fact as you read it (GET it first), so that "
            "no one's change is overwritten unseen"
        )
    # Strong comparison (RFC 9110 13.1.1): a weak tag never matches; a coding's suffix is
    # not part of the fact's identity.
    tags = [t.strip() for t in value.split(",") if t.strip()]
    return {plain_tag(t.encode()).decode() for t in tags if not t.startswith("W/")}


def precondition_of(
    kind: str, fact_id: str, tags: set[str], source_id: str | None
) -> curation.Precondition:
    """If-Match, checked under the writer lock against the facts as they stand (`ds`, built
    from them; `epoch`, the database's): the fact (a claim: of the source in the path) must
    exist, and one of the tags must be the ETag of one of its answers."""

    def check(current: Facts, ds: Dataset, epoch: str) -> None:
        if kind == "claim":
            found = curation.find_claim(current, fact_id)
            exists = found is not None and found[0] == source_id
        else:
            exists = fact_id in current.docs[kind]
        if not exists:
            where = (
                f"GET /v1/sources/{source_id} lists its claims"
                if kind == "claim"
                else f"GET {BY_NAME[kind].listed} lists them"
            )
            raise NotFound(f"No {kind.replace('_', ' ')} has the id {fact_id!r}; {where}")
        if "*" in tags:
            return
        if not tags & etags_of(ds, kind, fact_id, epoch):
            raise PreconditionFailed(
                f"The {kind.replace('_', ' ')} {fact_id} changed since it was read: If-Match "
                "names none of its current answers",
                headers={"ETag": etag(plain(ds, kind, fact_id))},
            )

    return check


def retry_of(request: Request, key: keys.Key, content: Any) -> Retry | None:
    value = request.headers.get("idempotency-key")
    if value is None:
        return None
    value = value.strip().strip('"')
    if not 1 <= len(value) <= 255 or not value.isprintable():
        raise InvalidParameters(
            "Idempotency-Key is 1 to 255 printable characters (a UUID will do)",
            [InvalidParam(name="Idempotency-Key", reason="malformed")],
        )
    what = json.dumps(
        [request.method, request.url.path, request.headers.get("change-reason"), content],
        sort_keys=True,
    )
    return Retry(key.name, value, hashlib.sha256(what.encode()).hexdigest())


def replay_answer(row: Any) -> Response:
    headers = {**row.headers, "Idempotent-Replayed": "true"}
    return Response(row.body.encode(), status_code=row.status, headers=headers, media_type=JSON)


def as_object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidParameters(
            "The body is a JSON object of the fact's fields (a merge patch: of those to change)",
            [InvalidParam(name="body", reason="not a JSON object")],
        )
    return data


def claim_of(source_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """A claim body of the source in the path (which the body does not name again), with
    its defaults filled (its id is made from them)."""
    if "source" in data:
        raise InvalidParameters(
            "A claim's source is the one in the path: send no `source`",
            [InvalidParam(name="source", reason="given by the path")],
        )
    new = refusals.validated(bodies.ClaimNew, data, "")
    return {**new.model_dump(mode="json"), "source": source_id}
