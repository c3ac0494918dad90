"""The change log: every change set, in commit order — a feed to mirror the dataset by."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from app.api.auth import SECURITY, curator
from app.api.listing import link_to
from app.api.params import ChangesQuery, Feed, Recorded
from app.api.responding import answer, dataset_for, refuse_repeated
from app.core.errors import NotFound, problem_responses
from app.domain.dataset import Dataset
from app.domain.public import AuditEntry, AuditPage, ChangeSetPublic, ChangesPage, FactChangePublic
from app.domain.tables import MAX_INT
from app.storage import changelog
from app.storage.changelog import ChangeSetRecord
from app.storage.store import Store

router = APIRouter(tags=["changes"])


def public(record: ChangeSetRecord) -> ChangeSetPublic:
    return ChangeSetPublic(
        seq=record.seq,
        committed_at=record.committed_at,
        actor=record.actor,
        channel=record.channel,
        reason=record.reason,
        changes=[FactChangePublic(**c) for c in record.changes],
    )


def _feed_links(request: Request, q: Feed, version: int, more: bool, last_seq: int) -> str:
    """The Link header of a page of change sets: first, prev, next (while there is one),
    last (the latest `limit` change sets). Seqs are gapless, so every cursor is known."""
    rels = [("first", 0)]
    if q.since > 0:
        rels.append(("prev", max(min(q.since, version) - q.limit, 0)))
    rels += [("next", last_seq)] if more else []
    rels.append(("last", max(version - q.limit, 0)))
    return ", ".join(
        f'<{link_to(request, since=at, limit=q.limit)}>; rel="{rel}"' for rel, at in rels
    )


async def feed_page(
    request: Request, q: Feed, upto: int
) -> tuple[list[ChangeSetRecord], str | None]:
    """The change sets of the page `q` asks for (up to `upto`), and the next page's link."""
    store: Store = request.app.state.store
    sets = await store.read(lambda conn: changelog.change_sets(conn, q.since, q.limit + 1, upto))
    page = sets[: q.limit]
    next_url = link_to(request, since=page[-1].seq, limit=q.limit) if len(sets) > q.limit else None
    return page, next_url


@router.get("/changes", response_model=ChangesPage, responses=problem_responses(404, 422, 503))
async def list_changes(request: Request, q: Annotated[ChangesQuery, Query()]) -> Response:
    """The change sets after `since`, oldest first, each whole (a change set is never split
    across pages; `limit` counts change sets). Replaying them from `since=0` rebuilds the
    dataset: apply each change's `after` under its kind and id (`delete`: remove it).
    `next` (and `Link: rel="next"`) names the following page while there is one; poll
    `since=<last seq>` for new ones. `Link` also names the first, previous and last pages
    (`rel="last"`: the latest `limit` change sets). Who made a change is `actor` and
    `channel`; the audit (`GET /v1/audit`) names the API key too."""
    ds = await dataset_for(request, q)
    page, next_url = await feed_page(request, q, ds.version)
    last_seq = page[-1].seq if page else q.since
    headers = {"Link": _feed_links(request, q, ds.version, next_url is not None, last_seq)}
    body = ChangesPage(items=[public(s) for s in page], limit=q.limit, next=next_url)
    return answer(request, body.model_dump_json().encode(), ds, q.pinned, headers)


async def _auditor(request: Request) -> None:
    """The key first (a dependency runs before the query is read): a client without one
    learns that, not what is wrong with its query."""
    await curator(request, "audit:read")


@router.get(
    "/audit",
    response_model=AuditPage,
    responses=problem_responses(401, 403, 422, 503),
    openapi_extra={"security": SECURITY},
    dependencies=[Depends(_auditor)],
)
async def get_audit(request: Request, q: Annotated[Feed, Query()]) -> Response:
    """The full change log for auditors (scope `audit:read`): every change set after
    `since` with, beside what the public feed shows, the name of the API key it was made
    with and the id of the request that made it. Never cached: `Cache-Control: private,
    no-store`."""
    refuse_repeated(request)
    store: Store = request.app.state.store
    version = (await store.dataset()).version  # a database not seeded yet: 503, as reads
    page, next_url = await feed_page(request, q, version)
    last_seq = page[-1].seq if page else q.since
    items = [
        AuditEntry(**public(s).model_dump(), api_key=s.api_key, request_id=s.request_id)
        for s in page
    ]
    body = AuditPage(items=items, limit=q.limit, next=next_url)
    return Response(
        body.model_dump_json().encode(),
        media_type="application/json",
        headers={
            "Cache-Control": "private, no-store",
            "Dataset-Version": str(version),
            "Link": _feed_links(request, q, version, next_url is not None, last_seq),
            "Vary": "Authorization",
        },
    )


@router.get(
    "/change-sets/{seq}", response_model=ChangeSetPublic, responses=problem_responses(404, 422, 503)
)
async def get_change_set(
    request: Request,
    seq: Annotated[int, Path(ge=1, le=MAX_INT, description="The change set's seq")],
    q: Annotated[Recorded, Query()],
) -> Response:
    """One change set with every fact change it made (before and after)."""
    ds = await dataset_for(request, q)
    found = await change_set(request, ds, seq)
    # A committed change set never changes: its answer is fixed whatever the version.
    return answer(request, found.model_dump_json().encode(), ds, True)


async def change_set(request: Request, ds: Dataset, seq: int) -> ChangeSetPublic:
    """Change set `seq`, as recorded by the version `ds` is at; 404 for a later one."""
    store: Store = request.app.state.store
    found = await store.read(lambda conn: changelog.change_sets(conn, seq - 1, 1, upto=ds.version))
    if not found or found[0].seq != seq:
        raise NotFound(f"No change set has the seq {seq}; the dataset is at version {ds.version}")
    return public(found[0])
