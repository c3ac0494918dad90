"""The titles of the posts that head the organisation's permanent bodies, by language, as
they stood (the Secretariat's head: Исполнительный секретарь, Executive Secretary, until the
2006 protocol; 秘书长 throughout), each a dated fact; declared once: the table, document,
record, answer, write body and declaration. Each term shows the titles of its start."""

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field
from sqlmodel import Field as TableField

from app.core.dates import parse
from app.domain import documents as f
from app.domain.bodies import DatedBody
from app.domain.fields import DATED, Plain
from app.domain.kind import Kind, slug, span
from app.domain.public import HOLDS_DESCRIPTION, Dated, Fact, Holds, OpenPost, SourceRef
from app.domain.records import DatedRec
from app.domain.tables import (
    DatedTable,
    Post,
    end_after_start,
    enum_column,
    public_id_column,
    revision_column,
)

LanguageCode = Annotated[str, Field(pattern="^(en|ru|zh)$", examples=["ru"])]


class PostTitle(DatedTable, table=True):
    __tablename__ = "post_title"
    __table_args__ = (end_after_start(),)

    id: int | None = TableField(default=None, primary_key=True)
    public_id: str = public_id_column()
    revision: int = revision_column()
    post: Post = enum_column(Post)
    language: str = TableField(max_length=8)
    title: str


class PostTitleIn(f.DatedIn):
    id: f.FactId | None = None
    post: Post
    language: LanguageCode
    title: f.Name


@dataclass(frozen=True, slots=True)
class PostTitleRec(DatedRec):
    post: str
    language: str
    title: str


class PostTitlePublic(Dated, Fact):
    """The title of a post in one language, from `start_date` to `end_date`."""

    post: OpenPost
    language: str = Field(description="en, ru or zh", examples=["ru"])
    title: str = Field(examples=["Исполнительный секретарь"])
    holds: Holds | None = Field(description=HOLDS_DESCRIPTION)
    note: str | None
    sources: list[SourceRef]


class PostTitleBody(DatedBody):
    """A post's title in one language (its id is minted from post, language and start)."""

    post: Post
    language: LanguageCode
    title: f.Name


KIND = Kind(
    name="post_title",
    listed="/v1/post-titles",
    path="/v1/post-titles",
    param="post_title_id",
    one_at_a_time=(
        "a post has one title at a time in a language ({})",
        lambda t: f"{t.post}, {t.language}",
    ),
    plural="post_titles",
    table=PostTitle,
    model=PostTitleIn,
    record=PostTitleRec,
    description="the title of a post in one language",
    natural_key=lambda d: (d["post"], d["language"], d["start"]),
    fields=(Plain("post"), Plain("language"), Plain("title"), *DATED),
    describe=lambda ds, t: f"{t.title} ({t.post}, {t.language}) {span(t)}",
    subject=lambda ds, t: (t.title,),
    stated=("start",),
    mint=lambda d: slug(d["post"], d["language"], d["start"]),
    public=PostTitlePublic,
    body=PostTitleBody,
    section="post_titles",
    entry=PostTitleIn,
    file_order=lambda doc, nested: (parse(doc["start"])[0], doc["id"]),
    covers=("post_title",),
)
