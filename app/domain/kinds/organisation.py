"""The organisation itself: its names and short names, its founding and the Shanghai Five
that preceded it; one fact (`sco`), declared once: the table, document, record, answer,
write body and declaration. Its languages and standings are facts of their own kinds
(app.domain.kinds.language, .standing); its headquarters is its Secretariat's seat."""

from dataclasses import dataclass
from datetime import date

from pydantic import Field
from sqlalchemy import Text
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from app.core.dates import PartialDate, Precision, render
from app.domain import documents as f
from app.domain.bodies import Body, Citations
from app.domain.fields import Many, Mapping, Partial, Plain
from app.domain.kind import Kind, id_key
from app.domain.kinds.language import LanguagePublic
from app.domain.kinds.standing import StandingPublic
from app.domain.public import DocumentRef, Fact, Names, Public, SourceRef, StateRef
from app.domain.tables import aliases_column, enum_column, names_column, revision_column


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"

    id: str = TableField(primary_key=True, max_length=64)
    revision: int = revision_column()
    names: dict[str, str] = names_column()
    short_names: dict[str, str] = names_column()
    aliases: list[str] = aliases_column()
    founded_on: date
    founded_precision: Precision = enum_column(Precision)
    founding_document_id: str | None = TableField(
        default=None, foreign_key="document.id", max_length=64
    )
    predecessor_names: dict[str, str] = names_column()
    predecessor_first_met_on: date | None = None
    predecessor_first_met_precision: Precision | None = enum_column(
        Precision, default=None, nullable=True
    )
    note: str | None = TableField(default=None, sa_type=Text)


class OrganisationIn(f.Cited):
    id: f.Slug
    names: dict[f.Lang, f.Name] = Field(min_length=1)
    short_names: dict[f.Lang, f.Name] = Field(default={})
    aliases: f.Aliases = Field(default=[])
    founded: f.PartialDate
    founding_document: f.Slug | None = None
    predecessor: dict[f.Lang, f.Name] = Field(default={})
    predecessor_first_met: f.PartialDate | None = None


@dataclass(frozen=True, slots=True)
class OrganisationRec:
    id: str
    revision: int
    names: dict[str, str]
    short_names: dict[str, str]
    aliases: tuple[str, ...]
    founded_on: date
    founded_precision: Precision
    founding_document_id: str | None
    predecessor_names: dict[str, str]
    predecessor_first_met_on: date | None
    predecessor_first_met_precision: Precision | None
    note: str | None

    @property
    def called(self) -> tuple[str, ...]:
        """Every name it, or the Shanghai Five before it, goes by."""
        return (
            *self.names.values(),
            *self.short_names.values(),
            *self.aliases,
            *self.predecessor_names.values(),
        )


class Predecessor(Public):
    """What preceded the organisation: the Shanghai Five."""

    names: Names
    first_met_on: PartialDate | None = Field(description="The day of its first meeting")
    first_met_on_precision: Precision | None


class Headquarters(Public):
    """Where the organisation is seated: its Secretariat's seat (not a fact of its own)."""

    body: str = Field(description="The body whose seat it is", examples=["secretariat"])
    city: str = Field(examples=["Beijing"])
    state: StateRef


class OrganisationPublic(Fact):
    """The Shanghai Cooperation Organisation: its names, its founding and what preceded it,
    its headquarters, and (on the `as_of` day, today by default) its languages and its
    standings in other organisations."""

    id: str = Field(examples=["sco"])
    as_of: date = Field(description="The day its languages and standings are shown for")
    names: Names
    short_names: Names
    aliases: list[str]
    founded_on: PartialDate
    founded_on_precision: Precision
    founding_document: DocumentRef | None = Field(description="The act that founded it")
    predecessor: Predecessor
    headquarters: Headquarters | None
    languages: list[LanguagePublic] = Field(description="Its languages on the `as_of` day")
    standings: list[StandingPublic] = Field(description="Its standings on the `as_of` day")
    not_covered: list[str] = Field(
        description="The kinds shown here that the dataset does not hold completely on the "
        "`as_of` day (`language`, `standing`): absence there proves nothing"
    )
    note: str | None
    sources: list[SourceRef]


class OrganisationBody(Body):
    """The organisation's names, founding and predecessor."""

    names: dict[f.Lang, f.Name] = Field(min_length=1, examples=[{"en": "X"}])
    short_names: dict[f.Lang, f.Name] = Field(default={})
    aliases: f.Aliases = Field(default=[])
    founded_on: f.PartialDate
    founding_document: f.Slug | None = None
    predecessor: dict[f.Lang, f.Name] = Field(default={})
    predecessor_first_met_on: f.PartialDate | None = None
    note: f.Note | None = None
    sources: Citations


KIND = Kind(
    name="organisation",
    path="/v1/organisation",
    listed="/v1/organisation",
    created=False,  # one fact, `sco`: a change set updates it (the dataset file brings it)
    plural="organisation",
    table=Organisation,
    model=OrganisationIn,
    record=OrganisationRec,
    description="the organisation: its names, founding and predecessor",
    references=(("founding_document", "document"),),
    natural_key=id_key,
    fields=(
        Mapping("names"),
        Mapping("short_names"),
        Many("aliases"),
        Partial("founded", "founded_on", precision="founded_precision"),
        Plain("founding_document", "founding_document_id"),
        Mapping("predecessor", "predecessor_names"),
        Partial(
            "predecessor_first_met",
            "predecessor_first_met_on",
            precision="predecessor_first_met_precision",
        ),
        Plain("note"),
    ),
    describe=lambda ds, o: f"{o.called[0]}, founded {render(o.founded_on, o.founded_precision)}",
    subject=lambda ds, o: o.called,
    stated=("founded", "predecessor_first_met"),
    public=OrganisationPublic,
    body=OrganisationBody,
    section="organisation",
    entry=OrganisationIn,
)
