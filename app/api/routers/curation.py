"""The write API: curators create, change and delete facts over HTTP, with an API key.

Every write is a change set, planned and checked by the one write service (app.writes.service) and
the one rule set, in one transaction with its change-log rows: a single-resource POST,
PATCH or DELETE is a change set of one operation; `POST /v1/change-sets` takes several
that are only valid together. A PATCH or DELETE names the fact as it was read (If-Match,
checked under the writer lock, so of two writers with the same ETag one wins); a POST may
be retried safely with an Idempotency-Key.
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel

from app.api.auth import SECURITY, curator, require
from app.api.params import ClaimIdPath, SourceIdPath
from app.api.write_requests import ANSWERS, JSON, MERGE_PATCH, read_body, retry_of
from app.api.writing import ChangeSetResult, change_one, create_one, results, write
from app.core.errors import (
    problem_responses,
)
from app.domain.public import ClaimPublic
from app.storage.idempotency import IDEMPOTENCY_HOURS
from app.writes import bodies, refusals
from app.writes import service as writes
from app.writes.bodies import WRITABLE, ChangeSetIn

router = APIRouter(tags=["curation"])


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


# The kinds written on paths of their own (the organisation's one fact and coverage are
# written with change sets only).
ROUTED = [
    k for k in ANSWERS if k in WRITABLE and WRITABLE[k].kind.param and WRITABLE[k].kind.created
]
# The bodies the write operations read themselves, for app.api.openapi to document; a PATCH
# takes a merge patch of its kind's fields (PATCH_MODELS: documented with none required).
PATCH_MODELS: list[type[BaseModel]] = [
    *(WRITABLE[k].update_body for k in ROUTED),
    bodies.ClaimNote,
]
REQUEST_MODELS: list[type[BaseModel]] = [
    ChangeSetIn,
    bodies.ClaimNew,
    *(WRITABLE[k].create_body for k in ROUTED),
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
    data = await read_body(request, JSON)
    change = refusals.validated(ChangeSetIn, data, "")
    assert isinstance(change, ChangeSetIn)
    # A revert may touch facts and sources alike: it needs both scopes.
    needed = {bodies.SCOPE_OF[o.kind] for o in change.operations} or {
        "facts:write",
        "sources:write",
    }
    for scope in sorted(needed):
        require(key, scope)
    retry = retry_of(request, key, data)
    prefixes = [f"operations.{i}" for i in range(len(change.operations))]

    def answer(outcome: writes.Outcome) -> Response:
        assert outcome.seq is not None
        href = f"/v1/change-sets/{outcome.seq}"
        body = ChangeSetResult(seq=outcome.seq, href=href, changes=results(outcome))
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
