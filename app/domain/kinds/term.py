"""Terms of office (the Secretary-General's), declared once: the table, document, record,
answer, write body and declaration."""

from dataclasses import dataclass

from pydantic import Field
from sqlmodel import Field as TableField

from app.core.dates import parse
from app.domain import documents as f
from app.domain.bodies import DatedBody
from app.domain.fields import DATED, Plain
from app.domain.kind import Kind, slug, span
from app.domain.kinds.person import PersonPublic
from app.domain.public import HOLDS_DESCRIPTION, Dated, Fact, Holds, Names, OpenPost, SourceRef
from app.domain.records import DatedRec
from app.domain.tables import (
    DatedTable,
    Post,
    end_after_start,
    enum_column,
    public_id_column,
    revision_column,
)


class Term(DatedTable, table=True):
    __table_args__ = (end_after_start(),)

    id: int | None = TableField(default=None, primary_key=True)
    public_id: str = public_id_column()
    revision: int = revision_column()
    person_id: str = TableField(foreign_key="person.id", index=True, max_length=64)
    post: Post = enum_column(Post)


class TermFields(f.DatedIn):
    post: Post = Post.secretary_general


class TermIn(TermFields):
    id: f.FactId | None = None


class TermDoc(TermFields):
    id: f.FactId
    person: f.Slug


@dataclass(frozen=True, slots=True)
class TermRec(DatedRec):
    person_id: str
    post: str


class TermBody(DatedBody):
    """A term of office (its id is minted from person, post and start)."""

    person: f.Slug = Field(description="The person's id", examples=["zhang-ming"])
    post: Post = Post.secretary_general


class TermPublic(Dated, Fact):
    """A term of office."""

    post: OpenPost
    titles: Names = Field(
        description="The post's title in each language at the term's start (the Secretariat's "
        "head was Исполнительный секретарь, Executive Secretary, until 2006); null where none "
        "is recorded"
    )
    person: PersonPublic
    holds: Holds | None = Field(description=HOLDS_DESCRIPTION)
    note: str | None
    sources: list[SourceRef]


KIND = Kind(
    name="term",
    listed="/v1/terms",
    path="/v1/terms",
    param="term_id",
    one_at_a_time=("one person holds the post at a time ({})", lambda t: t.post),
    plural="terms",
    table=Term,
    model=TermDoc,
    record=TermRec,
    description="a term of office (the Secretary-General's, the RATS Director's)",
    references=(("person", "person"),),
    natural_key=lambda d: (d["person"], d["post"], d["start"]),
    fields=(Plain("person", "person_id"), Plain("post"), *DATED),
    describe=lambda ds, t: f"{ds.persons[t.person_id].name}: {t.post} {span(t)}",
    subject=lambda ds, t: ds.persons[t.person_id].names,
    stated=("start",),
    mint=lambda d: slug(d["person"], d["post"], d["start"]),
    public=TermPublic,
    body=TermBody,
    section="terms",
    entry=TermIn,
    within="person",
    holder="person",
    file_order=lambda doc, nested: (parse(doc["start"])[0], doc["id"]),
    covers=tuple(p.value for p in Post),
    in_snapshot=True,
)
