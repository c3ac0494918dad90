"""Writing through the API: a request's operations committed as one change set by the write
service (app.writes.service), answered with the facts as they now stand, a retry replayed."""

from collections.abc import Awaitable, Callable

from asgi_correlation_id import correlation_id
from fastapi import Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool

from app.api.auth import curator, writer
from app.api.responding import etag
from app.api.write_requests import (
    ANSWERS,
    JSON,
    MERGE_PATCH,
    as_object,
    claim_of,
    plain,
    precondition_of,
    read_body,
    read_if_match,
    read_reason,
    replay_answer,
    retry_of,
)
from app.core.errors import (
    InvalidParam,
    InvalidParameters,
    Unavailable,
)
from app.domain.dataset import Dataset
from app.domain.facts import Facts, claim_id
from app.storage import idempotency, keys
from app.storage.idempotency import Replayed, Retry
from app.storage.probes import NOT_SEEDED
from app.storage.store import Store
from app.writes import bodies
from app.writes import plans as curation
from app.writes import revert as reverting
from app.writes import service as writes
from app.writes.bodies import OperationIn
from app.writes.plans import Planned

ACTOR = "sco-api write API"  # the public feed's actor; the key's name is in the audit only


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


def results(outcome: writes.Outcome) -> list[FactResult]:
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
                etag=etag(plain(ds, c.kind, c.id)) if has_answer else None,
                href=bodies.href(c.kind, c.id),
            )
        )
    return found


def _guarded(plan: writes.Plan, retry: Retry | None) -> writes.Plan:
    """The plan, under the writer lock, of a database seeded (an import, not a curator, makes
    its first change set), a retry of an answered request replayed instead."""

    def guarded(current: Facts, conn: Connection) -> list[writes.Operation]:
        if not current.count():
            raise Unavailable(NOT_SEEDED)
        if retry is not None:
            idempotency.check(conn, retry)
        return plan(current, conn)

    return guarded


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

    answers: list[Response] = []

    def keep(conn: Connection, outcome: writes.Outcome) -> None:
        answer = make_answer(outcome)
        answers.append(answer)
        if retry is not None:
            headers = {k: v for k, v in answer.headers.items() if k.lower() != "content-length"}
            idempotency.record(conn, retry, answer.status_code, headers, bytes(answer.body))

    try:
        outcome = await run_in_threadpool(
            writes.commit,
            writer(request),
            _guarded(plan, retry),
            actor=ACTOR,
            reason=reason,
            channel="api" if revert is None else "revert",
            request_id=correlation_id.get(),
            api_key=key.name,
            after=keep,
            ring=lambda done: announce(request.app.state.store, done),
        )
    except Replayed as replayed:
        return replay_answer(replayed.row)
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


def announce(store: Store, outcome: writes.Outcome) -> None:
    """Once a write has committed (in its thread, before it is answered, whatever becomes
    of its request): this worker holds the dataset it committed, then the beacon tells
    every worker on the host. Held first, so that this worker's readers, told by the
    beacon, find it current rather than read it again."""
    if outcome.committed_dataset is not None:
        store.install(outcome.committed_dataset)
    store.ring()


def fact_response(
    ds: Dataset, kind: str, fact_id: str, version: int, status: int, location: str | None
) -> Response:
    """A fact's plain answer, as its GET sends it, with its ETag."""
    body = plain(ds, kind, fact_id)
    headers = {"ETag": etag(body), "Dataset-Version": str(version)}
    if location is not None:
        headers["Location"] = location
    return Response(body, status_code=status, headers=headers, media_type=JSON)


def fact_answer(
    kind: str, fact_id: str, status: int, location: str | None = None
) -> Callable[[writes.Outcome], Response]:
    def make(outcome: writes.Outcome) -> Response:
        assert outcome.dataset is not None
        assert outcome.seq is not None
        return fact_response(outcome.dataset, kind, fact_id, outcome.seq, status, location)

    return make


def no_content(outcome: writes.Outcome) -> Response:
    return Response(status_code=204, headers={"Dataset-Version": str(outcome.seq)})


async def create_one(request: Request, kind: str, source_id: str | None = None) -> Response:
    key = await curator(request, bodies.SCOPE_OF[kind])
    reason = read_reason(request.headers.get("change-reason"))
    data = as_object(await read_body(request, JSON))
    retry = retry_of(request, key, data)
    if source_id is not None:
        data = claim_of(source_id, data)

    def answer(outcome: writes.Outcome) -> Response:
        if source_id is not None:
            made = claim_id(source_id, data)
            return fact_answer(kind, made, 201, bodies.claim_href(source_id, made))(outcome)
        created = next(c for c in outcome.changes if c.kind == kind)
        return fact_answer(kind, created.id, 201, bodies.href(kind, created.id))(outcome)

    operation = OperationIn.model_validate({"op": "create", "kind": kind, "data": data})
    return await write(request, key, reason, [operation], [""], answer, retry=retry)


async def change_one(
    request: Request, kind: str, fact_id: str, op: str, source_id: str | None = None
) -> Response:
    key = await curator(request, bodies.SCOPE_OF[kind])
    reason = read_reason(request.headers.get("change-reason"))
    tags = read_if_match(request)
    data = as_object(await read_body(request, MERGE_PATCH)) if op == "update" else None
    check = precondition_of(kind, fact_id, tags, source_id)
    operation = OperationIn.model_validate({"op": op, "kind": kind, "id": fact_id, "data": data})
    make = no_content if op == "delete" else fact_answer(kind, fact_id, 200)

    async def unchanged() -> Response:
        """A patch that changes nothing writes nothing: the fact as it stands."""
        ds: Dataset = await request.app.state.store.dataset()
        return fact_response(ds, kind, fact_id, ds.version, 200, None)

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
