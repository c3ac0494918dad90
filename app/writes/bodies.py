"""Curators' write bodies, in the answers' own words, and how a body becomes a fact's
document and back.

A body names a fact's fields as its answer does (`start_date`, `decided_on`, `sources:
[{id, quote}]`, `names: {ru, zh}`), never its read-only or derived ones (`revision`,
`holds`, precisions, localised names, titles in source references). Each kind's bodies are
declared with it (app.domain.kinds); a claim's, an operation's and a change set's are here.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, model_validator

from app.domain import documents as f
from app.domain.bodies import Body
from app.domain.fields import Doc
from app.domain.kind import Kind
from app.domain.kinds import BY_NAME, KINDS, RENAMED
from app.domain.tables import MAX_INT
from app.writes import service as writes

MAX_OPERATIONS = 500  # per change set (the Tianjin merger changed 34 facts)


class ClaimNote(Body):
    """What changes in a claim: its note (a JSON Merge Patch of it)."""

    note: f.Note | None = Field(default=None, description="How its words were read, if need be")


class ClaimFields(ClaimNote):
    """What a claim says, in the terms app.domain.claims checks against the data."""

    kind: str = Field(
        max_length=32,
        description="status_count, status_set, granted_at_summit, anniversary, office_holder, "
        "term_boundary, nationality, presidency_after, summit_hosted or seat",
        examples=["status_count"],
    )
    params: dict[str, Any] = Field(
        default={}, max_length=f.MAX_PARAMS, examples=[{"status": "member", "count": 9}]
    )


class ClaimNew(ClaimFields):
    """A claim of the source in the path: its statement, verbatim from the source's text."""

    statement: f.Note


class ClaimBody(ClaimNew):
    """A claim, in a change set: the source that makes it, and what it says."""

    source: f.Slug


# The fields an answer shows that no body may send.
READ_ONLY = ("id", "revision", "holds", "iso3", "citations", "claims", "citation_count")


@dataclass(frozen=True)
class Writable:
    """A kind of fact curators write, with the bodies its declaration gives: a change is a
    merge patch of `update_body`; `create_body` also carries the id where ids are given."""

    kind: Kind
    update_body: type[Body]
    create_body: type[Body]

    @classmethod
    def of(cls, kind: Kind) -> "Writable":
        assert kind.body is not None, f"{kind.name} facts are not written"
        return cls(kind, kind.body, kind.new_body or kind.body)

    @property
    def given_id(self) -> bool:
        """Whether a new fact's id comes in its body (not minted)."""
        return self.create_body is not self.update_body


# Every kind that declares a write body.
WRITABLE = {k.name: Writable.of(k) for k in KINDS if k.body is not None}


def href(kind: str, fact_id: str) -> str:
    """The path of a fact a change may touch (a state's too: it is created with its first
    status period)."""
    return BY_NAME[kind].href(fact_id)


def claim_href(source_id: str, claim: str) -> str:
    return f"/v1/sources/{source_id}/claims/{claim}"


# The scope each kind of operation needs.
SCOPE_OF = {"claim": "facts:write", **{k: w.kind.scope for k, w in WRITABLE.items()}}


def body_of(kind: Kind, doc: Doc) -> dict[str, Any]:
    """A fact's document in the words of its answers, without its id: what a merge patch
    applies to."""
    body: dict[str, Any] = {}
    for name, value in kind.to_body(doc).items():
        if name == "id":
            continue
        if name == "sources":
            body["sources"] = [_cite_body(c) for c in value]
            continue
        said = RENAMED.get(name, name)
        if "." in said:  # `names.ru`: a field of an object of the body
            outer, inner = said.split(".")
            body.setdefault(outer, {})[inner] = value
        else:
            body[said] = value
    return body


# A body's names of document fields (`start_date`: `start`).
_BACK = {said: name for name, said in RENAMED.items()}


def _objects(kind: Kind) -> set[str]:
    """A kind's objects of document fields in its bodies (a person's `names`: `name_ru`,
    `name_zh`); another kind's `names` may be a field of its own (the organisation's)."""
    return {f.said.split(".")[0] for f in kind.fields if "." in f.said}


def _cite_body(c: Doc) -> dict[str, Any]:
    """A citation of a document, in the words of a body (`id`; its stated `start_date`)."""
    states = c.get("states")
    if states:
        states = {**states, "dates": [RENAMED.get(d, d) for d in states["dates"]]}
    return {"id": c["source"], "quote": c["quote"], "states": states}


def _cite_doc(c: dict[str, Any]) -> Doc:
    """A citation of a body, in the words of a document (`source`; its stated `start`)."""
    states = c.get("states")
    if states:
        states = {**states, "dates": [_BACK.get(d, d) for d in states["dates"]]}
    return {"source": c["id"], "quote": c["quote"], "states": states}


def doc_of(kind: Kind, body: BaseModel, fact_id: str | None, before: Doc | None) -> Doc:
    """The document of a validated body (`fact_id`: the fact's id, None until minted);
    what no body carries (a source's claims) is kept from the fact `before`."""
    data = body.model_dump(mode="json")
    doc: Doc = {}
    objects = _objects(kind)
    for name, value in data.items():
        if name == "sources":
            doc["sources"] = [_cite_doc(c) for c in value]
        elif name in objects:  # an object of the body (`names`) of document fields
            doc.update(
                {_BACK[f"{name}.{k}"]: v for k, v in value.items() if f"{name}.{k}" in _BACK}
            )
        elif name != "id":
            doc[_BACK.get(name, name)] = value
    doc = kind.from_body(doc, before)
    doc["id"] = fact_id or data.get("id") or ""
    return doc


def body_field(name: str | None) -> str | None:
    """A document field's name in bodies and answers."""
    if name is None:
        return None
    return RENAMED.get(name, name)


Op = Literal["create", "update", "delete"]


# The kinds an operation may name: every kind with a write body, and a source's claims.
OPERATION_KINDS = (*WRITABLE, "claim")
if TYPE_CHECKING:
    OperationKind = str
else:
    OperationKind = Literal[OPERATION_KINDS]


class OperationIn(Body):
    """One operation of a change set."""

    op: Op
    kind: OperationKind
    id: str | None = Field(
        default=None,
        max_length=96,
        description="The fact's id (update, delete); none to create (sources, people and "
        "summits are created with theirs in `data`)",
    )
    revision: int | None = Field(
        default=None,
        ge=1,
        le=MAX_INT,
        description="The revision the update or delete expects the fact to be at (a "
        "claim's: its source's); required for both, and a stale one is refused with 409",
    )
    data: dict[str, Any] | None = Field(
        default=None,
        description="create: the fact's fields as it is read; update: a JSON Merge Patch "
        "(RFC 7386) of them",
    )


class ChangeSetIn(Body):
    """Several operations applied together, all or none."""

    reason: str = Field(
        min_length=1, max_length=writes.MAX_REASON, description="Why, in the curator's words"
    )
    operations: list[OperationIn] = Field(default=[], max_length=MAX_OPERATIONS)
    revert: int | None = Field(
        default=None,
        ge=1,
        le=MAX_INT,
        description="Undo this change set (then give no operations)",
    )

    @model_validator(mode="after")
    def _one_of(self) -> "ChangeSetIn":
        if (self.revert is None) == (not self.operations):
            raise ValueError("give either operations (1 or more) or revert, not both")
        return self
