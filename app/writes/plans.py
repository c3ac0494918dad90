"""Curators' change sets, planned against the facts as they stand: each body (app.writes.
bodies) becomes a fact's document, the form the write service and the change log work in.

A change set's operations are planned in order, each against the facts as the operations
before it left them, so that a later one may cite a source an earlier one created. Every
refusal names the operation and field it concerns (`operations.2.data.start_date`); the
candidate dataset is then checked as a whole by the one rule set (app.domain.rules), whose
problems are named the same way.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import json_merge_patch  # type: ignore[import-untyped]
from pydantic import (
    ValidationError,
)
from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.core.errors import (
    AppError,
    Conflict,
    InvalidParam,
    InvalidParameters,
    NotFound,
    Unavailable,
)
from app.domain.building import build
from app.domain.dataset import Dataset
from app.domain.facts import Facts, claim_id, mint_id, normalise
from app.domain.fields import Doc
from app.domain.kind import Kind
from app.domain.kinds import BY_NAME, COVERAGE_KINDS, KINDS
from app.domain.records import FactKey
from app.domain.rules import Problem
from app.domain.tables import DatasetVersion
from app.writes import service as writes
from app.writes.bodies import (
    READ_ONLY,
    WRITABLE,
    ClaimBody,
    ClaimNote,
    OperationIn,
    Writable,
    body_field,
    body_of,
    claim_href,
    doc_of,
    href,
)
from app.writes.refusals import data_of, invalid, invalid_body, named, validated


@dataclass
class Planned:
    """A change set's operations as the write service takes them, and which request
    operation each fact was changed by (to name it in a refusal)."""

    operations: list[writes.Operation] = field(default_factory=list)
    by_fact: dict[FactKey, int] = field(default_factory=dict)
    prefixes: list[str] = field(default_factory=list)


# A check of a single-resource write under the writer lock (If-Match): the facts as they
# stand, the dataset built from them, and the database's epoch.
Precondition = Callable[[Facts, Dataset, str], None]


def plan(
    requested: list[OperationIn],
    prefixes: list[str],
    planned: Planned,
    precondition: Precondition | None = None,
) -> writes.Plan:
    """The write service's plan of a change set: run under the writer lock, against the
    facts as they stand; `prefixes` name each operation in refusals (`operations.0`, or
    nothing for a single-resource write). `planned` is filled in for naming problems."""

    def run(current: Facts, conn: Connection) -> list[writes.Operation]:
        if precondition is not None:
            epoch = conn.execute(select(DatasetVersion.epoch)).scalar() or ""  # type: ignore[call-overload]
            precondition(current, build(current), epoch)
        working = current.copy()
        taken = {k: set(working.docs[k]) | writes.used_ids(conn, k) for k in WRITABLE}
        planned.operations.clear()
        planned.by_fact.clear()
        planned.prefixes[:] = prefixes
        for i, (req, prefix) in enumerate(zip(requested, prefixes, strict=True)):
            for o in _operation(req, prefix, working, current, taken):
                key = (o.kind.name, o.id)
                if key not in planned.by_fact:
                    planned.operations.append(o)
                elif req.kind == "claim":
                    # A source and its claims, changed by several operations: one change of
                    # the source, whose document has them all.
                    at = next(
                        j for j, p in enumerate(planned.operations) if (p.kind.name, p.id) == key
                    )
                    earlier = planned.operations[at]
                    planned.operations[at] = writes.Operation(earlier.op, o.kind, o.id, o.doc)
                else:
                    earlier_name = prefixes[planned.by_fact[key]] or "an earlier operation"
                    raise invalid(
                        named(prefix, "id"),
                        f"{o.kind.name} {o.id} is changed by {earlier_name} already: give "
                        "each fact one operation",
                    )
                planned.by_fact[key] = i
                working, _ = writes.apply(working, [o])
        return planned.operations

    return run


def _expect(req: OperationIn, prefix: str, base: Facts, key: FactKey, href: str) -> None:
    """An update or delete in a change set names the revision it expects the fact to be at
    (as the change set found it): a stale one is a conflict naming the current one."""
    if prefix and req.revision is None:
        raise invalid(named(prefix, "revision"), f"an {req.op} names the revision it expects")
    revision = base.revisions.get(key)
    if req.revision is not None and revision is not None and req.revision != revision:
        raise Conflict(
            f"{prefix or 'The change'}: {key[0].replace('_', ' ')} {key[1]} is at revision "
            f"{revision}, not {req.revision}: it changed since it was read",
            [
                InvalidParam(
                    name=named(prefix, "revision"),
                    reason=f"stale: the current revision is {revision}",
                )
            ],
            conflicts_with=[href],
        )


def _create(
    req: OperationIn, prefix: str, w: Writable, working: Facts, taken: dict[str, set[str]]
) -> list[writes.Operation]:
    """A new fact (and any state its first status period brings), its id given in its body
    or minted from its fields, never one ever taken."""
    kind = w.kind
    data_name = data_of(prefix)
    if not kind.created:
        fixed = (
            f"its kinds are fixed ({', '.join(COVERAGE_KINDS)})"
            if kind.name == "coverage"
            else "there is one, imported with the dataset"
        )
        raise invalid(named(prefix, "op"), f"{kind.name} is only updated: {fixed}")
    if req.id is not None:
        raise invalid(
            named(prefix, "id"),
            "a new fact's id is "
            + ("given in data" if w.given_id else "minted from its fields: send none"),
        )
    body = validated(w.create_body, req.data or {}, data_name)
    doc = doc_of(kind, body, None, None)
    if w.given_id:
        if doc["id"] in working.docs[kind.name] or doc["id"] in taken[kind.name]:
            exists = doc["id"] in working.docs[kind.name]
            raise Conflict(
                f"A {kind.name.replace('_', ' ')} with the id {doc['id']!r} "
                + ("exists already" if exists else "existed before: ids are never reused"),
                [InvalidParam(name=named(data_name, "id"), reason="taken")],
                conflicts_with=[kind.href(doc["id"])] if exists else None,
            )
    else:
        doc["id"] = mint_id(kind, doc, taken[kind.name])
    taken[kind.name].add(doc["id"])
    ops = _new_states(doc, working)
    return [*ops, writes.Operation("create", kind, doc["id"], _normal(kind, doc, data_name))]


def _operation(
    req: OperationIn,
    prefix: str,
    working: Facts,
    base: Facts,
    taken: dict[str, set[str]],
) -> list[writes.Operation]:
    """The write service's operations for one requested operation, planned against the
    facts the operations before it left (`working`); revisions are those the change set
    found (`base`). An update that changes nothing is no operation."""
    if req.kind == "claim":
        return _claim(req, prefix, working, base)
    w = WRITABLE[req.kind]
    kind = w.kind
    data_name = data_of(prefix)
    current = working.docs[kind.name].get(req.id) if req.id is not None else None
    if req.op == "create":
        return _create(req, prefix, w, working, taken)
    if req.id is None:
        raise invalid(named(prefix, "id"), f"an {req.op} names the fact's id")
    if current is None:
        raise NotFound(
            f"No {kind.name.replace('_', ' ')} has the id {req.id!r} "
            f"({prefix or 'the path'}); GET {kind.listed} lists them"
        )
    _expect(req, prefix, base, (kind.name, req.id), kind.href(req.id))
    if req.op == "delete":
        if req.data is not None:
            raise invalid(data_name, "a delete sends no data")
        return [writes.Operation("delete", kind, req.id)]
    if not isinstance(req.data, dict):
        raise invalid(data_name, "an update sends a JSON Merge Patch object of the fields")
    for name in READ_ONLY:
        if name in req.data:
            raise invalid(
                named(data_name, name),
                "read-only: " + ("a fact's id never changes" if name == "id" else "derived"),
            )
    patched = json_merge_patch.merge(body_of(kind, current), req.data)
    body = validated(w.update_body, patched, data_name)
    doc = _normal(kind, doc_of(kind, body, req.id, current), data_name)
    if doc == current:
        return []
    return [*_new_states(doc, working), writes.Operation("update", kind, req.id, doc)]


def find_claim(facts: Facts, claim: str) -> tuple[str, int] | None:
    """The source and place of the claim with this id."""
    for source_id, source in facts.docs["source"].items():
        if claim.startswith(source_id):
            for i, c in enumerate(source.get("claims", [])):
                if claim_id(source_id, c) == claim:
                    return source_id, i
    return None


def _claim(req: OperationIn, prefix: str, working: Facts, base: Facts) -> list[writes.Operation]:
    """A claim's operation, as the change of its source (a claim is part of its source's
    record: its revision is the source's)."""
    data_name = data_of(prefix)
    sources = working.docs["source"]
    if req.op == "create":
        if req.id is not None:
            raise invalid(named(prefix, "id"), "a claim's id is made from its source and statement")
        body = validated(ClaimBody, req.data or {}, data_name)
        assert isinstance(body, ClaimBody)
        source = sources.get(body.source)
        if source is None and not prefix:  # the source in the path
            raise NotFound(f"No source has the id {body.source!r}; GET /v1/sources lists them")
        if source is None:
            raise invalid(named(data_name, "source"), f"no source has the id {body.source!r}")
        new = claim_id(body.source, body.model_dump(mode="json"))
        if find_claim(working, new) is not None:
            raise Conflict(
                f"Source {body.source} makes this claim already",
                [InvalidParam(name=named(data_name, "statement"), reason="claimed already")],
                conflicts_with=[claim_href(body.source, new)],
            )
        claim = body.model_dump(mode="json", exclude={"source"})
        claims = [*source.get("claims", []), claim]
    else:
        found = find_claim(working, req.id or "")
        if found is None:
            raise NotFound(
                f"No claim has the id {req.id!r} ({prefix or 'the path'}); GET "
                "/v1/sources/{id} lists a source's claims"
            )
        source_id, at = found
        source = sources[source_id]
        _expect(req, prefix, base, ("source", source_id), f"/v1/sources/{source_id}")
        claims = list(source.get("claims", []))
        if req.op == "delete":
            del claims[at]
        else:
            if not isinstance(req.data, dict):
                raise invalid(data_name, "an update sends a JSON Merge Patch object of the fields")
            for name in req.data:
                if name != "note":
                    raise invalid(
                        named(data_name, name),
                        "read-only: a claim is its source's words and how they are read "
                        "(to change those, delete the claim and create another); only its "
                        "note changes",
                    )
            body = validated(
                ClaimNote, json_merge_patch.merge({"note": claims[at]["note"]}, req.data), data_name
            )
            claims[at] = {**claims[at], "note": body.model_dump(mode="json")["note"]}
    doc = _normal(BY_NAME["source"], {**source, "claims": claims}, data_name)
    if doc == source:
        return []
    return [writes.Operation("update", BY_NAME["source"], source["id"], doc)]


def _normal(kind: Kind, doc: Doc, prefix: str) -> Doc:
    try:
        return normalise(kind, doc)
    except ValidationError as exc:  # a body passed its own model: this is a doc-only limit
        raise invalid_body(exc, prefix) from None


# The document fields that name a state, whatever their kind (from the declarations).
STATE_FIELDS = sorted({name for k in KINDS for name, target in k.references if target == "state"})


def _new_states(doc: Doc, working: Facts) -> list[writes.Operation]:
    """A state a fact names that has no entry yet, created from ISO 3166-1 (its codes and
    names are never typed)."""
    found = []
    for name in STATE_FIELDS:
        code = doc.get(name)
        if isinstance(code, str) and code not in working.docs["state"]:
            state: Doc = {"id": code, "wikidata": None, "aliases": [], "sources": []}
            found.append(writes.Operation("create", BY_NAME["state"], code, state))
    return found


def refusal(exc: writes.Refused, planned: Planned) -> AppError:
    """The rule set's problems with a change set, each named by the operation and field it
    concerns: 409 when one is a clash with another record (app.writes.service), else 422."""
    problems = [p if isinstance(p, Problem) else Problem(str(p)) for p in exc.details]
    params = []
    clashes: list[str] = []
    for p in problems:
        fact, other = p.fact, p.conflict
        if fact not in planned.by_fact and other in planned.by_fact:
            fact, other = other, fact  # name the side this change set touched
        at = planned.by_fact.get(fact) if fact is not None else None
        if fact is not None and at is not None:
            data = data_of(planned.prefixes[at])
            where = named(data, body_field(p.field) or "").rstrip(".") or "body"
        else:
            where = f"{fact[0]}/{fact[1]}" if fact else "body"
        params.append(InvalidParam(name=where, reason=p.message))
        if other is not None:
            clashes.append(href(*other))
    if exc.status == 503:
        return Unavailable("; ".join(p.message for p in problems))
    if exc.status == 409:
        return Conflict(
            "The change collides with the record: " + "; ".join(p.message for p in problems),
            params,
            conflicts_with=sorted(set(clashes)) or None,
        )
    return InvalidParameters(
        "The change breaks the dataset's rules: " + "; ".join(p.message for p in problems),
        params,
    )
