"""Founding acts: the agreements, the Declaration, the Charter and the protocols amending it,
each with when and where it was signed, when it entered into force and what it amends;
declared once: the table, document, record, answer, write bodies and declaration."""

from dataclasses import dataclass
from datetime import date

from pydantic import Field, model_validator
from sqlalchemy import Text
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from app.core.dates import PartialDate, Precision, parse, render
from app.domain import documents as f
from app.domain.bodies import Body, Citations, StateCode
from app.domain.fields import Many, Mapping, Partial, Plain
from app.domain.kind import Kind, id_key
from app.domain.public import DocumentRef, Fact, Names, SourceRef, StateRef
from app.domain.tables import aliases_column, enum_column, names_column, revision_column


class Document(SQLModel, table=True):
    """A founding act of the organisation."""

    __tablename__ = "document"

    id: str = TableField(primary_key=True, max_length=64)
    revision: int = revision_column()
    titles: dict[str, str] = names_column()
    short_title: str | None = None
    aliases: list[str] = aliases_column()
    signed_on: date
    signed_precision: Precision = enum_column(Precision)
    place: str | None = None
    place_iso3: str | None = TableField(default=None, foreign_key="state.iso3", max_length=3)
    in_force_on: date | None = None
    in_force_precision: Precision | None = enum_column(Precision, default=None, nullable=True)
    amends: list[str] = aliases_column()
    text_source_id: str | None = TableField(default=None, foreign_key="source.id", max_length=64)
    note: str | None = TableField(default=None, sa_type=Text)


def in_force_not_before_signing(signed: str | None, in_force: str | None) -> None:
    if signed is None or in_force is None:
        return
    if parse(in_force, end=True)[0] < parse(signed)[0]:
        raise ValueError(f"in force {in_force} before it was signed ({signed})")


class DocumentIn(f.Cited):
    id: f.Slug
    titles: dict[f.Lang, f.Name] = Field(min_length=1)
    short_title: f.Name | None = None
    aliases: f.Aliases = Field(default=[])
    signed: f.PartialDate
    place: f.Name | None = None
    place_state: f.Iso3 | None = None
    in_force: f.PartialDate | None = None
    amends: f.Refs = Field(default=[])
    text_source: f.Slug | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "DocumentIn":
        in_force_not_before_signing(self.signed, self.in_force)
        return self


@dataclass(frozen=True, slots=True)
class DocumentRec:
    id: str
    revision: int
    titles: dict[str, str]
    short_title: str | None
    aliases: tuple[str, ...]
    signed_on: date
    signed_precision: Precision
    place: str | None
    place_iso3: str | None
    in_force_on: date | None
    in_force_precision: Precision | None
    amends: tuple[str, ...]
    text_source_id: str | None
    note: str | None

    @property
    def title(self) -> str:
        """What it is called in short: its short title, else its English title."""
        return self.short_title or self.titles.get("en") or next(iter(self.titles.values()))

    @property
    def names(self) -> tuple[str, ...]:
        """Every title it goes by: in each language, and its aliases (`the Charter`)."""
        short = (self.short_title,) if self.short_title else ()
        return (*self.titles.values(), *short, *self.aliases)

    def in_force(self, day: date) -> bool | None:
        """Whether it is in force on `day` (None: its entry into force is not known, or known
        only to a month or year that holds the day)."""
        if self.in_force_on is None:
            return None
        last = parse(render(self.in_force_on, self.in_force_precision) or "", end=True)[0]
        if day >= last:
            return True
        return False if day < self.in_force_on else None


class DocumentPublic(Fact):
    """A founding act of the organisation: when and where it was signed, when it entered
    into force, and what it amends."""

    id: str = Field(examples=["charter"])
    titles: Names
    short_title: str | None = Field(
        description="What it is called in short, in English", examples=["SCO Charter"]
    )
    aliases: list[str] = Field(description="Other titles its sources use (`Хартия ШОС`)")
    signed_on: PartialDate
    signed_on_precision: Precision
    place: str | None = Field(description="The city where it was signed")
    place_state: StateRef | None
    in_force_on: PartialDate | None = Field(
        description="The day it entered into force; null: not known, or never"
    )
    in_force_on_precision: Precision | None
    in_force: bool | None = Field(
        description="With `as_of`: whether it was in force that day (null: not known, or "
        "without `as_of`)"
    )
    amends: list[DocumentRef] = Field(description="The documents it amends")
    amended_by: list[DocumentRef] = Field(description="The documents that amend it")
    text_source: str | None = Field(
        description="The id of the source that stores its text (GET /v1/sources/{id})"
    )
    note: str | None
    sources: list[SourceRef]


class DocumentFields(Body):
    titles: dict[f.Lang, f.Name] = Field(
        min_length=1, description="Its title by language (en, ru, zh)", examples=[{"en": "X"}]
    )
    short_title: f.Name | None = Field(default=None, description="What it is called in short")
    aliases: f.Aliases = Field(default=[], description="Other titles its sources use")
    signed_on: f.PartialDate
    place: f.Name | None = None
    place_state: StateCode | None = None
    in_force_on: f.PartialDate | None = None
    amends: f.Refs = Field(default=[], description="The ids of the documents it amends")
    text_source: f.Slug | None = Field(
        default=None, description="The id of a source storing its text"
    )
    note: f.Note | None = None
    sources: Citations

    @model_validator(mode="after")
    def _ordered(self) -> "DocumentFields":
        in_force_not_before_signing(self.signed_on, self.in_force_on)
        return self


class DocumentBody(DocumentFields):
    """A founding act, created with its id (a slug, e.g. `charter`)."""

    id: f.Slug = Field(examples=["protocol-2006"])


KIND = Kind(
    name="document",
    listed="/v1/documents",
    path="/v1/documents",
    param="document_id",
    plural="documents",
    table=Document,
    model=DocumentIn,
    record=DocumentRec,
    description="a founding act of the organisation",
    references=(
        ("place_state", "state"),
        ("text_source", "source"),
        ("amends", "document"),
    ),
    natural_key=id_key,
    fields=(
        Mapping("titles"),
        Plain("short_title"),
        Many("aliases"),
        Partial("signed", "signed_on", precision="signed_precision"),
        Plain("place"),
        Plain("place_state", "place_iso3"),
        Partial("in_force", "in_force_on", precision="in_force_precision"),
        Many("amends"),
        Plain("text_source", "text_source_id"),
        Plain("note"),
    ),
    describe=lambda ds, d: f"{d.title}, signed {render(d.signed_on, d.signed_precision)}",
    subject=lambda ds, d: d.names,
    stated=("signed", "in_force"),
    public=DocumentPublic,
    body=DocumentFields,
    new_body=DocumentBody,
    section="documents",
    entry=DocumentIn,
    file_order=lambda doc, nested: (parse(doc["signed"])[0], doc["id"]),
    covers=("document",),
    in_snapshot=True,
)
