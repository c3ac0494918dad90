"""The write API: curators create, change and delete facts over HTTP, with an API key.

Every write is a change set, planned and checked by the one write service (app.writes.service) and
the one rule set, in one transaction with its change-log rows: a single-resource POST,
PATCH or DELETE is a change set of one operation; `POST /v1/change-sets` takes several
that are only valid together. A PATCH or DELETE names the fact as it was read (If-Match,
checked under the writer lock, so of two writers with the same ETag one wins); a POST may
be retried safely with an Idempotency-Key.
"""

import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import unquote

from asgi_correlation_id import correlation_id
from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool

from app.api.languages import Lang
from app.api.params import (
    SECURITY,
    ClaimIdPath,
    SourceIdPath,
    curator,
    encoded,
    etag,
    require,
    writer,
)
from app.core.errors import (
    AppError,
    ContentTooLarge,
    InvalidParam,
    InvalidParameters,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    Unavailable,
    UnsupportedMediaType,
    problem_responses,
)
from app.domain.dataset import Dataset
from app.domain.facts import Facts, claim_id
from app.domain.kinds import BY_NAME
from app.domain.public import ClaimPublic
from app.domain.tables import IdempotentRequest, table_of
from app.http.read_cache import plain_tag
from app.reads import answers as queries
from app.storage import keys
from app.storage.probes import NOT_SEEDED
from app.writes import bodies, refusals
from app.writes import plans as curation
from app.writes import revert as reverting
from app.writes import service as writes
from app.writes.bodies import WRITABLE, ChangeSetIn, OperationIn
from app.writes.plans import Planned

router = APIRouter(tags=["curation"])

MAX_BODY = 2 * 1024 * 1024  # bytes a write's body may have (a source's text is ≤ 200,000 chars)
IDEMPOTENCY_HOURS = 24
JSON = "application/json"
MERGE_PATCH = "application/merge-patch+json"
ACTOR = "sco-api write API"  # the public feed's actor; the key's name is in the audit only


# The answer of each kind, as its GET sends it: its declaration's model, made by the answer
# function that registered for it (app.reads.answers); a claim's by its id.
def _answer_of(kind: str) -> tuple[Callable[[Dataset, str], BaseModel], type[BaseModel]]:
    model = BY_NAME[kind].public
    assert model is not None, f"{kind} declares no answer"
    return (lambda ds, fact_id: queries.one(ds, kind, fact_id)), model


ANSWERS: dict[str, tuple[Callable[[Dataset, str], BaseModel], type[BaseModel]]] = {
    **{k: _answer_of(k) for k in queries.ONE},
    "claim": (queries.claim_by_id, ClaimPublic),
}


def _plain(ds: Dataset, kind: str, fact_id: str, lang: Lang = Lang.en) -> bytes:
    compute, _ = ANSWERS[kind]
    return encoded(compute(ds, fact_id), lang)


def etags_of(ds: Dataset, kind: str, fact_id: str, epoch: str) -> set[str]:
    """The ETag of every answer of the fact as it stands: in each language, and pinned by
    its version (whatever coding it was sent in: codings are compared without theirs)."""
    found = set()
    for lang in Lang:
        body = _plain(ds, kind, fact_id, lang)
        found |= {etag(body), etag(body, epoch)}
    return found


# --- What a write sends -------------------------------------------------------------------


async def _body(request: Request, media_type: str) -> Any:
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


def _reason(value: str | None) -> str:
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


def _if_match(request: Request) -> set[str]:
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


def _precondition(
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
                headers={"ETag": etag(_plain(ds, kind, fact_id))},
            )

    return check


# --- Idempotent retries -------------------------------------------------------------------


@dataclass(frozen=True)
class Retry:
    """What identifies an idempotent POST: its API key, its Idempotency-Key, its content."""

    api_key: str
    key: str
    digest: str


class Replayed(Exception):
    def __init__(self, row: Any) -> None:
        self.row = row


def _retry(request: Request, key: keys.Key, content: Any) -> Retry | None:
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


def _replay_check(conn: Connection, retry: Retry) -> None:
    """Under the writer lock: a retry of an answered request replays its answer; the same
    key with other content is refused."""
    table = table_of(IdempotentRequest)
    cutoff = datetime.now(UTC) - timedelta(hours=IDEMPOTENCY_HOURS)
    conn.execute(delete(table).where(table.c.created_at < cutoff))
    row = conn.execute(
        select(table).where(table.c.api_key == retry.api_key, table.c.key == retry.key)
    ).first()
    if row is None:
        return
    if not hmac.compare_digest(row.request_hash, retry.digest):
        raise InvalidParameters(
            "This Idempotency-Key was used, within the last 24 hours, for a request with "
            "other content: use a new key for a new request",
            [InvalidParam(name="Idempotency-Key", reason="used for another request")],
        )
    raise Replayed(row)


def _replay(row: Any) -> Response:
    headers = {**row.headers, "Idempotent-Replayed": "true"}
    return Response(row.body.encode(), status_code=row.status, headers=headers, media_type=JSON)


# --- Writing ------------------------------------------------------------------------------


class FactResult(BaseModel):
    """A fact a change set created, changed or deleted, as it now stands."""

    kind: str = Field(examples=["status_period"])
    id: str = Field(examples=["lao-partner-2026-09-01"])
    op: str = Field(description="create, update or delete")
    revision: int = Field(description="Its revision now (delete: its last)")
    etag: str | None = Field(
        description="The ETag of its plain answer; null when deleted, or for a kind with no "
        "answer of its own (a state: see /v1/states/{code}; coverage: /v1)"
    )
    href: str = Field(description="Its path")


class ChangeSetResult(BaseModel):
    """A committed change set: its seq (the new dataset version) and the facts it changed."""

    seq: int = Field(description="Its seq in the change log: the dataset version it made")
    href: str = Field(description="Its path: GET it for each fact's before and after")
    changes: list[FactResult]


def _results(outcome: writes.Outcome) -> list[FactResult]:
    ds = outcome.dataset
    assert ds is not None
    found = []
    for c in outcome.changes:
        has_answer = c.op != "delete" and c.kind in ANSWERS
        found.append(
            FactResult(
                kind=c.kind,
                id=c.id,
                op=c.op,
                revision=c.revision,
                etag=etag(_plain(ds, c.kind, c.id)) if has_answer else None,
                href=bodies.href(c.kind, c.id),
            )
        )
    return found


async def write(
    request: Request,
    key: keys.Key,
    reason: str,
    operations: list[OperationIn],
    prefixes: list[str],
    make_answer: Callable[[writes.Outcome], Response],
    *,
    retry: Retry | None = None,
    precondition: curation.Precondition | None = None,
    revert: int | None = None,
    unchanged: Callable[[], Awaitable[Response]] | None = None,
) -> Response:
    """Commit the change set of `operations` (or the inverse of change set `revert`) for
    `key`, answering what `make_answer` makes of it (kept, with an Idempotency-Key, to
    replay to retries)."""
    planned = Planned()
    if revert is None:
        plan = curation.plan(operations, prefixes, planned, precondition)
    else:
        plan = reverting.plan(revert)

    def guarded(current: Facts, conn: Connection) -> list[writes.Operation]:
        if not current.count():
            # An import, not a curator, makes a database's first change set.
            raise Unavailable(NOT_SEEDED)
        if retry is not None:
            _replay_check(conn, retry)
        return plan(current, conn)

    answers: list[Response] = []

    def keep(conn: Connection, outcome: writes.Outcome) -> None:
        answer = make_answer(outcome)
        answers.append(answer)
        if retry is not None:
            conn.execute(
                insert(table_of(IdempotentRequest)).values(
                    api_key=retry.api_key,
                    key=retry.key,
                    request_hash=retry.digest,
                    status=answer.status_code,
                    headers={
                        k: v for k, v in answer.headers.items() if k.lower() != "content-length"
                    },
                    body=bytes(answer.body).decode(),
                    created_at=datetime.now(UTC),
                )
            )

    try:
        outcome = await run_in_threadpool(
            writes.commit,
            writer(request),
            guarded,
            actor=ACTOR,
            reason=reason,
            channel="api" if revert is None else "revert",
            request_id=correlation_id.get(),
            api_key=key.name,
            after=keep,
        )
    except Replayed as replayed:
        return _replay(replayed.row)
    except writes.Refused as exc:
        raise curation.refusal(exc, planned) from exc
    if not outcome.committed and unchanged is not None:
        return await unchanged()
    if not outcome.committed:
        raise InvalidParameters(
            "The change changes nothing: every fact already stands as sent",
            [InvalidParam(name=(prefixes or ["revert"])[0] or "body", reason="no change")],
        )
    return answers[0]


def _fact_response(
    ds: Dataset, kind: str, fact_id: str, version: int, status: int, location: str | None
) -> Response:
    """A fact's plain answer, as its GET sends it, with its ETag."""
    body = _plain(ds, kind, fact_id)
    headers = {"ETag": etag(body), "Dataset-Version": str(version)}
    if location is not None:
        headers["Location"] = location
    return Response(body, status_code=status, headers=headers, media_type=JSON)


def _fact_answer(
    kind: str, fact_id: str, status: int, location: str | None = None
) -> Callable[[writes.Outcome], Response]:
    def make(outcome: writes.Outcome) -> Response:
        assert outcome.dataset is not None
        assert outcome.seq is not None
        return _fact_response(outcome.dataset, kind, fact_id, outcome.seq, status, location)

    return make


def _no_content(outcome: writes.Outcome) -> Response:
    return Response(status_code=204, headers={"Dataset-Version": str(outcome.seq)})


def _claim_of(source_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """A claim body of the source in the path (which the body does not name again), with
    its defaults filled (its id is made from them)."""
    if "source" in data:
        raise InvalidParameters(
            "A claim's source is the one in the path: send no `source`",
            [InvalidParam(name="source", reason="given by the path")],
        )
    new = refusals.validated(bodies.ClaimNew, data, "")
    return {**new.model_dump(mode="json"), "source": source_id}


async def create_one(request: Request, kind: str, source_id: str | None = None) -> Response:
    key = await curator(request, bodies.SCOPE_OF[kind])
    reason = _reason(request.headers.get("change-reason"))
    data = _object(await _body(request, JSON))
    retry = _retry(request, key, data)
    if source_id is not None:
        data = _claim_of(source_id, data)

    def answer(outcome: writes.Outcome) -> Response:
        if source_id is not None:
            made = claim_id(source_id, data)
            return _fact_answer(kind, made, 201, bodies.claim_href(source_id, made))(outcome)
        created = next(c for c in outcome.changes if c.kind == kind)
        return _fact_answer(kind, created.id, 201, bodies.href(kind, created.id))(outcome)

    operation = OperationIn.model_validate({"op": "create", "kind": kind, "data": data})
    return await write(request, key, reason, [operation], [""], answer, retry=retry)


async def change_one(
    request: Request, kind: str, fact_id: str, op: str, source_id: str | None = None
) -> Response:
    key = await curator(request, bodies.SCOPE_OF[kind])
    reason = _reason(request.headers.get("change-reason"))
    tags = _if_match(request)
    data = _object(await _body(request, MERGE_PATCH)) if op == "update" else None
    check = _precondition(kind, fact_id, tags, source_id)
    operation = OperationIn.model_validate({"op": op, "kind": kind, "id": fact_id, "data": data})
    make = _no_content if op == "delete" else _fact_answer(kind, fact_id, 200)

    async def unchanged() -> Response:
        """A patch that changes nothing writes nothing: the fact as it stands."""
        ds: Dataset = await request.app.state.store.dataset()
        return _fact_response(ds, kind, fact_id, ds.version, 200, None)

    return await write(
        request,
        key,
        reason,
        [operation],
        [""],
        make,
        precondition=check,
        unchanged=unchanged if op == "update" else None,
    )


def _object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidParameters(
            "The body is a JSON object of the fact's fields (a merge patch: of those to change)",
            [InvalidParam(name="body", reason="not a JSON object")],
        )
    return data


# --- Routes -------------------------------------------------------------------------------

# The refusals each kind of write can answer (503 is added to every one by app.api.openapi).
CREATE_ERRORS = (400, 401, 403, 409, 413, 415, 422)
UPDATE_ERRORS = (400, 401, 403, 404, 412, 413, 415, 422, 428)
DELETE_ERRORS = (401, 403, 404, 412, 422, 428)


def _header(name: str, description: str, example: str, required: bool = True) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": required,
        "description": description,
        "schema": {"type": "string", "minLength": 1},
        "example": example,
    }


REASON = _header(
    "Change-Reason",
    "Why, in the curator's words: percent-encoded UTF-8, so any language fits",
    "Laos%20became%20a%20partner%20at%20the%202026%20summit",
)
IF_MATCH = _header(
    "If-Match",
    "The ETag of the fact as you read it (any of its answers: its language and coding do "
    "not matter); 428 without it, 412 when the fact changed since",
    '"3f2a9c0d6b1e4f5a8c7d2e1f0a9b8c7d"',
)
IDEMPOTENCY_KEY = _header(
    "Idempotency-Key",
    f"Makes a retry safe: the same key, body and API key within {IDEMPOTENCY_HOURS} hours "
    "get the first answer again and write nothing more (a UUID will do)",
    "5f0c6f8e-8a51-4c8e-9b8e-6d2f1f0e2a77",
    required=False,
)


def _doc(
    model: type[BaseModel] | None, media_type: str, *headers: dict[str, Any]
) -> dict[str, Any]:
    """What an operation's OpenAPI says beyond its signature: its body, headers, security."""
    extra: dict[str, Any] = {"security": SECURITY, "parameters": list(headers)}
    if model is not None:
        name = model.__name__ + ("Patch" if media_type == MERGE_PATCH else "")
        schema = {"$ref": f"#/components/schemas/{name}"}
        extra["requestBody"] = {"required": True, "content": {media_type: {"schema": schema}}}
    return extra


# The bodies the write operations read themselves, for app.api.openapi to document; a PATCH
# takes a merge patch of its kind's fields (PATCH_MODELS: documented with none required).
PATCH_MODELS: list[type[BaseModel]] = [
    *(WRITABLE[k].update_body for k in ANSWERS if k in WRITABLE),
    bodies.ClaimNote,
]
REQUEST_MODELS: list[type[BaseModel]] = [
    ChangeSetIn,
    bodies.ClaimNew,
    *(WRITABLE[k].create_body for k in ANSWERS if k in WRITABLE),
]


@router.post(
    "/change-sets",
    status_code=201,
    response_model=ChangeSetResult,
    responses=problem_responses(*CREATE_ERRORS, 404),
    openapi_extra=_doc(ChangeSetIn, JSON, IDEMPOTENCY_KEY),
)
async def create_change_set(request: Request) -> Response:
    """Apply several operations together, all or none (scope `facts:write`, and
    `sources:write` where it writes sources). Each operation is planned against the facts
    as the ones before it left them (a later one may cite a source an earlier one
    created); the whole is checked by the rule set that `sco-api check` runs. An update
    names the revision it expects: a stale one is 409. `revert: SEQ` undoes a change set."""
    key = await curator(request)
    if not {"facts:write", "sources:write"} & set(key.scopes):
        require(key, "facts:write")  # a key that may write nothing: no need to read the body
    data = await _body(request, JSON)
    change = refusals.validated(ChangeSetIn, data, "")
    assert isinstance(change, ChangeSetIn)
    # A revert may touch facts and sources alike: it needs both scopes.
    needed = {bodies.SCOPE_OF[o.kind] for o in change.operations} or {
        "facts:write",
        "sources:write",
    }
    for scope in sorted(needed):
        require(key, scope)
    retry = _retry(request, key, data)
    prefixes = [f"operations.{i}" for i in range(len(change.operations))]

    def answer(outcome: writes.Outcome) -> Response:
        assert outcome.seq is not None
        href = f"/v1/change-sets/{outcome.seq}"
        body = ChangeSetResult(seq=outcome.seq, href=href, changes=_results(outcome))
        return Response(
            body.model_dump_json().encode(),
            status_code=201,
            headers={"Location": href, "Dataset-Version": str(outcome.seq)},
            media_type=JSON,
        )

    return await write(
        request,
        key,
        change.reason,
        change.operations,
        prefixes,
        answer,
        retry=retry,
        revert=change.revert,
    )


def _endpoints(kind: str, param: str) -> tuple[Callable[..., Any], ...]:
    """The POST, PATCH and DELETE endpoints of one kind (its id parameter named `param`,
    as on its GET). Their headers are read by the endpoints themselves, after the API key
    (a missing If-Match is 428, not a validation error), and documented by `_doc`."""
    FactIdPath = Annotated[
        str,
        Path(
            alias=param,
            pattern="^[a-z0-9-]{1,96}$",
            description=f"The {kind.replace('_', ' ')}'s id",
        ),
    ]

    async def create(request: Request) -> Response:
        return await create_one(request, kind)

    async def patch(request: Request, fact_id: FactIdPath) -> Response:
        return await change_one(request, kind, fact_id, "update")

    async def remove(request: Request, fact_id: FactIdPath) -> Response:
        return await change_one(request, kind, fact_id, "delete")

    return create, patch, remove


def _routes() -> None:
    """POST to each kind's collection, PATCH and DELETE on each fact."""
    for kind, w in WRITABLE.items():
        param, path = w.kind.param, w.kind.path.removeprefix("/v1")
        if not w.kind.created or not param:
            continue
        _, model = ANSWERS[kind]
        words = kind.replace("_", " ")
        fact_path = path + "/{" + param + "}"

        create, patch, remove = _endpoints(kind, param)
        router.add_api_route(
            path,
            create,
            methods=["POST"],
            name=f"create_{kind}",
            status_code=201,
            response_model=model,
            responses=problem_responses(*CREATE_ERRORS),
            openapi_extra=_doc(w.create_body, JSON, REASON, IDEMPOTENCY_KEY),
            summary=f"Create a {words}",
            description=f"Record a new {words} (scope `{w.kind.scope}`), with the reason in "
            "Change-Reason; 201 with its Location and ETag.",
        )
        router.add_api_route(
            fact_path,
            patch,
            methods=["PATCH"],
            name=f"update_{kind}",
            response_model=model,
            responses=problem_responses(*UPDATE_ERRORS, *((409,) if w.kind.exclusive else ())),
            openapi_extra=_doc(w.update_body, MERGE_PATCH, REASON, IF_MATCH),
            summary=f"Change a {words}",
            description=f"Change a {words} with a JSON Merge Patch (RFC 7386: the fields "
            "to change; null removes one; `sources` is replaced whole). If-Match names the "
            "ETag it was read with: 412 when it changed since, with the current ETag.",
        )
        router.add_api_route(
            fact_path,
            remove,
            methods=["DELETE"],
            name=f"delete_{kind}",
            status_code=204,
            response_class=Response,
            responses=problem_responses(*DELETE_ERRORS),
            openapi_extra=_doc(None, "", REASON, IF_MATCH),
            summary=f"Delete a {words}",
            description=f"Delete a {words}; If-Match names the ETag it was read with. "
            "Refused (422) when other facts still name it.",
        )


_routes()


@router.post(
    "/sources/{source_id}/claims",
    status_code=201,
    response_model=ClaimPublic,
    responses=problem_responses(*CREATE_ERRORS, 404),
    openapi_extra=_doc(bodies.ClaimNew, JSON, REASON, IDEMPOTENCY_KEY),
    summary="Add a claim to a source",
)
async def create_claim(request: Request, source_id: SourceIdPath) -> Response:
    """Record a checkable statement the source makes (scope `facts:write`): its words
    verbatim from the source's stored text, a `kind` and its `params`. Refused (422) when
    the data contradicts it: correct the data, or leave the claim out and say so in the
    fact's note. Its id is made from the source's and a digest of the statement."""
    return await create_one(request, "claim", source_id)


@router.patch(
    "/sources/{source_id}/claims/{claim_id}",
    response_model=ClaimPublic,
    responses=problem_responses(*UPDATE_ERRORS),
    openapi_extra=_doc(bodies.ClaimNote, MERGE_PATCH, REASON, IF_MATCH),
    summary="Change a claim",
)
async def update_claim(
    request: Request, source_id: SourceIdPath, claim_id: ClaimIdPath
) -> Response:
    """Change a claim's `note` with a JSON Merge Patch: its words and how they are read
    (`kind`, `params`) are what it is, and its id is made from them (to change those,
    delete it and add another). If-Match names the ETag of the claim as read at its path."""
    return await change_one(request, "claim", claim_id, "update", source_id)


@router.delete(
    "/sources/{source_id}/claims/{claim_id}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(*DELETE_ERRORS),
    openapi_extra=_doc(None, "", REASON, IF_MATCH),
    summary="Delete a claim",
)
async def delete_claim(
    request: Request, source_id: SourceIdPath, claim_id: ClaimIdPath
) -> Response:
    """Delete a claim of a source; If-Match names the ETag of the claim as read."""
    return await change_one(request, "claim", claim_id, "delete", source_id)
