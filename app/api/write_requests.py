"""What a write sends, read and checked: its JSON body (of the right media type, within
MAX_BODY), its Change-Reason, its If-Match against the fact's current answers, its
Idempotency-Key; and each kind's answer as its GET sends it, whose ETag If-Match names."""

import hashlib
import itertools
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
from app.domain.text import dotted, faults, read_int, text_fault
from app.http.answers import plain_tag
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


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


# The places at fault a refusal names at most (one body may hold thousands).
MAX_NAMED = 20


def refuse_faults(value: Any, where: tuple[str | int, ...] = ()) -> None:
    """422 naming each place in `value` whose text or number the record cannot keep
    (app.domain.text): checked before any work, on every engine alike."""
    found = list(itertools.islice(faults(value, where), MAX_NAMED + 1))
    if not found:
        return
    params = [InvalidParam(name=dotted(path) or "body", reason=why) for path, why in found]
    more = " (and more)" if len(params) > MAX_NAMED else ""
    params = params[:MAX_NAMED]
    raise InvalidParameters(
        "The body holds what the record cannot keep: "
        + "; ".join(f"{p.name}: {p.reason}" for p in params)
        + more,
        params,
    )


async def read_body(request: Request, media_type: str) -> Any:
    """The request's JSON body, of `media_type`, in UTF-8, within MAX_BODY bytes, its texts
    and numbers ones the record keeps."""
    kind, _, parameters = request.headers.get("content-type", "").partition(";")
    sent = kind.strip().lower()
    header = "Accept-Patch" if media_type == MERGE_PATCH else "Accept-Post"
    if sent != media_type:
        raise UnsupportedMediaType(
            f"This operation takes a body of type {media_type}, not {sent or 'none'}",
            headers={header: media_type},
        )
    charset = _charset(parameters)
    if charset not in (None, "utf-8", "utf8"):
        raise UnsupportedMediaType(
            f"A JSON body is UTF-8 (RFC 8259), not {charset}", headers={header: media_type}
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
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise UnsupportedMediaType(
            f"The body is not UTF-8 (byte {exc.start + 1} is not): a JSON body is UTF-8 (RFC 8259)",
            headers={header: media_type},
        ) from None
    try:
        value = json.loads(text, parse_int=read_int, parse_constant=_no_constant)
    except ValueError as exc:  # json.JSONDecodeError, or NaN and Infinity
        raise AppError(f"The body is not valid JSON: {exc}") from None
    except RecursionError:
        raise AppError("The body is not JSON this service reads: it nests too deeply") from None
    refuse_faults(value)
    return value


def _charset(parameters: str) -> str | None:
    """The `charset` parameter of a Content-Type's parameters, lower-cased, if any."""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


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
    fault = text_fault(reason)
    if fault is not None:
        raise refused(f"Change-Reason holds {fault}", fault)
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
