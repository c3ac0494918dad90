"""People who held an office of the organisation: their names in the SCO's working languages,
nationality and Wikidata item, declared once: the table, document, record, answer, write
bodies and declaration. Their terms are app.domain.kinds.term."""

from dataclasses import dataclass

from pydantic import Field, ValidationInfo, field_validator
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from app.core.dates import parse
from app.domain import documents as f
from app.domain.bodies import Body, SomeCitations, StateCode
from app.domain.fields import Doc, Many, Plain
from app.domain.kind import Kind, id_key
from app.domain.public import Fact, Names, SourceRef, StateRef
from app.domain.tables import aliases_column, revision_column


class Person(SQLModel, table=True):
    id: str = TableField(primary_key=True, max_length=64)
    revision: int = revision_column()
    name: str
    name_ru: str | None = None
    name_zh: str | None = None
    nationality_iso3: str | None = TableField(default=None, foreign_key="state.iso3", max_length=3)
    wikidata_qid: str | None = TableField(default=None, max_length=16)
    aliases: list[str] = aliases_column()


class PersonDocFields(f.In):
    id: f.Slug
    name: f.Name
    name_ru: f.Name | None = None
    name_zh: f.Name | None = None
    nationality: f.Iso3 | None = None
    wikidata: f.Qid | None = None
    aliases: f.Aliases = Field(default=[])
    sources: f.Cites = Field(default=[])  # the sources of its names and aliases


@dataclass(frozen=True, slots=True)
class PersonRec:
    id: str
    revision: int
    name: str
    name_ru: str | None
    name_zh: str | None
    nationality_iso3: str | None
    wikidata_qid: str | None
    aliases: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the person goes by: in the working languages, and the aliases."""
        return tuple(n for n in (self.name, self.name_ru, self.name_zh, *self.aliases) if n)


class PersonPublic(Fact):
    """A person who held an office of the organisation."""

    name: str
    names: Names
    aliases: list[str] = Field(description="Other spellings and transliterations")
    nationality: StateRef | None = Field(description="null: no source gives it")
    wikidata: str | None = Field(description="Wikidata item id (QID)")
    sources: list[SourceRef] = Field(description="Sources of the names and aliases")


class NamesBody(Body):
    """A person's name in the SCO's working languages; `en`, where sent, is `name`."""

    en: f.Name | None = None
    ru: f.Name | None = None
    zh: f.Name | None = None


class PersonFields(Body):
    name: f.Name
    names: NamesBody = Field(default_factory=NamesBody)
    nationality: StateCode | None = None
    wikidata: f.Qid | None = None
    aliases: f.Aliases = Field(default=[])
    sources: SomeCitations = Field(
        default=[], description="Sources of its Russian and Chinese names and aliases"
    )

    @field_validator("names")
    @classmethod
    def _english(cls, names: NamesBody, info: ValidationInfo) -> NamesBody:
        name = info.data.get("name")
        if names.en is not None and name is not None and names.en != name:
            raise ValueError(f"names.en {names.en!r} differs from name {name!r}")
        return names


class PersonBody(PersonFields):
    """A person, created with its id (a slug, e.g. `zhang-ming`)."""

    id: f.Slug = Field(examples=["nurlan-yermekbayev"])


def _by_first_term(doc: Doc, terms: list[Doc]) -> tuple[str, str]:
    """People in the order of their first terms (those with none last)."""
    return (str(parse(terms[0]["start"])[0]) if terms else "9999", doc["id"])


KIND = Kind(
    name="person",
    sourced=lambda p: bool(p.name_ru or p.name_zh or p.aliases),
    listed="/v1/people",
    path="/v1/people",
    param="person_id",
    plural="people",
    table=Person,
    model=PersonDocFields,
    record=PersonRec,
    description="a person who held an office of the organisation",
    references=(("nationality", "state"),),
    natural_key=id_key,
    fields=(
        Plain("name"),
        Plain("name_ru", answer="names.ru"),
        Plain("name_zh", answer="names.zh"),
        Plain("nationality", "nationality_iso3"),
        Plain("wikidata", "wikidata_qid"),
        Many("aliases"),
    ),
    describe=lambda ds, p: f"{p.name}: names and aliases",
    public=PersonPublic,
    body=PersonFields,
    new_body=PersonBody,
    section="people",
    entry=PersonDocFields,
    file_order=_by_first_term,
)
