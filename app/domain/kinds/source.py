"""Sources: the documents facts are cited from, with their stored text and the claims they
make, declared once: the table, document, record, answers, write bodies and declaration."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import Text
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from app.core.dates import PartialDate, Precision
from app.domain import documents as f
from app.domain.bodies import Body
from app.domain.documents import MAX_TEXT_CHARS
from app.domain.fields import Doc, Partial, Plain
from app.domain.kind import Kind, id_key
from app.domain.public import CitationPublic, ClaimPublic, Fact, open_list
from app.domain.tables import Verdict, enum_column, revision_column


class SourceKind(StrEnum):
    news_article = "news_article"
    official_document = "official_document"
    reference_work = "reference_work"


class TextScope(StrEnum):
    """How much of a source's text is stored: all of it, or the passage that was read."""

    full = "full"
    excerpt = "excerpt"


class Source(SQLModel, table=True):
    id: str = TableField(primary_key=True, max_length=64)
    revision: int = revision_column()
    kind: SourceKind = enum_column(SourceKind)
    title: str
    publisher: str
    published_on: date | None = None
    published_precision: Precision | None = enum_column(Precision, default=None, nullable=True)
    url: str | None = None
    language: str = TableField(max_length=8)
    text: str | None = TableField(default=None, sa_type=Text)
    text_scope: TextScope | None = enum_column(TextScope, default=None, nullable=True)


class ClaimIn(f.In):
    statement: f.Note
    kind: str = Field(max_length=32)
    params: dict[str, Any] = Field(default={}, max_length=f.MAX_PARAMS)
    note: f.Note | None = None  # context for the claim, e.g. how its words were read


class SourceIn(f.In):
    id: f.Slug
    kind: SourceKind
    title: f.Name
    publisher: f.Name
    published: f.PartialDate | None = None
    url: Annotated[str, Field(max_length=2000)] | None = None
    language: str = Field(max_length=8)
    text: Annotated[str, Field(max_length=MAX_TEXT_CHARS)] | None = None
    text_file: str | None = None
    text_scope: TextScope | None = None
    claims: list[ClaimIn] = Field(default=[], max_length=f.MAX_CLAIMS)


def _scope_of(doc: Doc) -> str | None:
    """How much of a source its stored text is: `full` unless said, none without a text."""
    return (doc.get("text_scope") or TextScope.full.value) if doc.get("text") is not None else None


@dataclass(frozen=True)
class _TextScope(Plain):
    def values(self, doc: Doc) -> dict[str, Any]:
        return {self.col: _scope_of(doc)}


@dataclass(frozen=True, slots=True)
class SourceRec:
    id: str
    revision: int
    kind: str
    title: str
    publisher: str
    published_on: date | None
    published_precision: Precision | None
    url: str | None
    language: str
    text: str | None
    text_scope: str | None


class SourceSummary(Fact):
    kind: Annotated[SourceKind, open_list(SourceKind)]
    title: str
    publisher: str
    published_on: PartialDate | None
    published_on_precision: Precision | None
    url: str | None
    language: str
    text_scope: TextScope | None = Field(
        description="How much of the text is stored: full, excerpt (the passage read), or none"
    )
    citation_count: int = Field(description="Facts this source is cited for")
    claim_verdicts: dict[Verdict, int] = Field(
        description="Its claims about the organisation, counted by verdict"
    )


class SourceDetail(SourceSummary):
    text: str | None
    citations: list[CitationPublic]
    claims: list[ClaimPublic]


class SourceFields(Body):
    kind: SourceKind
    title: f.Name
    publisher: f.Name
    published_on: f.PartialDate | None = None
    url: Annotated[str, Field(max_length=2000)] | None = None
    language: str = Field(max_length=8, examples=["en"])
    text: Annotated[str, Field(max_length=f.MAX_TEXT_CHARS)] | None = Field(
        default=None, description="The stored text quotes are checked against"
    )
    text_scope: TextScope | None = Field(
        default=None, description="full (default where a text is given) or excerpt"
    )


class SourceBody(SourceFields):
    """A source, created with its id (a slug)."""

    id: f.Slug = Field(examples=["sco-2026-bishkek-declaration"])


def _body_view(doc: Doc) -> Doc:
    """A source as its write body sees it: no text scope without a text, no claims (they
    are written apart, at /v1/sources/{id}/claims)."""
    no_text = doc["text"] is None
    return {k: v for k, v in doc.items() if k != "claims" and not (k == "text_scope" and no_text)}


def _from_body(doc: Doc, before: Doc | None) -> Doc:
    """A source's document from its body: its claims kept, its text scope `full` unless
    said, none without a text."""
    return {**doc, "claims": list((before or {}).get("claims", [])), "text_scope": _scope_of(doc)}


def _without_text_no_scope(doc: Doc) -> Doc:
    """A source with no stored text has no text scope."""
    return {**doc, "text_scope": None} if doc["text"] is None else doc


KIND = Kind(
    name="source",
    makes_claims=True,
    to_body=_body_view,
    from_body=_from_body,
    listed="/v1/sources",
    path="/v1/sources",
    param="source_id",
    scope="sources:write",
    plural="sources",
    table=Source,
    model=SourceIn,  # recorded with its text inline: `text_file` is dropped
    record=SourceRec,
    description="a document facts are cited from, with its stored text and claims",
    natural_key=id_key,
    fields=(
        Plain("kind"),
        Plain("title"),
        Plain("publisher"),
        Partial("published", "published_on", precision="published_precision"),
        Plain("url"),
        Plain("language"),
        Plain("text"),
        _TextScope("text_scope"),
    ),
    cited=False,
    public=SourceDetail,
    body=SourceFields,
    new_body=SourceBody,
    section="sources",
    entry=SourceIn,
    required=True,
    exclude=frozenset({"text_file"}),
    read=_without_text_no_scope,
)
