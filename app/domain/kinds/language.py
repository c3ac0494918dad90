"""Languages: the organisation's official and working languages (Chinese and Russian, by
its Charter), each a dated fact; declared once: the table, document, record, answer, write
bodies and declaration."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator
from sqlmodel import Field as TableField

from app.core.dates import parse
from app.domain import documents as f
from app.domain.bodies import DatedBody
from app.domain.countries import language_names
from app.domain.fields import DATED, Many, Plain
from app.domain.kind import Kind, slug, span
from app.domain.public import (
    HOLDS_DESCRIPTION,
    Dated,
    Fact,
    Holds,
    Names,
    SourceRef,
    open_list,
)
from app.domain.records import DatedRec
from app.domain.tables import (
    DatedTable,
    aliases_column,
    end_after_start,
    names_column,
    public_id_column,
    revision_column,
)


class LanguageRole(StrEnum):
    """What a language is to the organisation: `official` (its acts are authentic in it),
    `working` (its bodies work in it)."""

    official = "official"
    working = "working"


class Language(DatedTable, table=True):
    __table_args__ = (end_after_start(),)

    id: int | None = TableField(default=None, primary_key=True)
    public_id: str = public_id_column()
    revision: int = revision_column()
    language: str = TableField(max_length=8, index=True)
    roles: list[str] = aliases_column()
    names: dict[str, str] = names_column()
    aliases: list[str] = aliases_column()


class LanguageIn(f.DatedIn):
    id: f.FactId | None = None
    language: Annotated[str, Field(pattern="^[a-z]{2}$")]
    roles: list[LanguageRole] = Field(min_length=1, max_length=f.MAX_ROLES)
    aliases: f.Aliases = Field(default=[])

    @field_validator("language")
    @classmethod
    def _iso_639(cls, code: str) -> str:
        language_names(code)  # raises ValueError naming a code that is not ISO 639-1
        return code


@dataclass(frozen=True, slots=True)
class LanguageRec(DatedRec):
    language: str
    roles: tuple[str, ...]
    names: dict[str, str]
    aliases: tuple[str, ...]

    @property
    def called(self) -> tuple[str, ...]:
        """Every name of the language: in each working language, and its aliases."""
        return (*self.names.values(), *self.aliases)


class LanguagePublic(Dated, Fact):
    """One of the organisation's languages, from `start_date` to `end_date`."""

    language: str = Field(description="ISO 639-1 code", examples=["zh"])
    roles: list[Annotated[LanguageRole, open_list(LanguageRole)]]
    names: Names = Field(description="Its name in the working languages, from ISO 639")
    aliases: list[str]
    holds: Holds | None = Field(description=HOLDS_DESCRIPTION)
    note: str | None
    sources: list[SourceRef]


class LanguageBody(DatedBody):
    """One of the organisation's languages (its id is minted from the language and start)."""

    language: Annotated[str, Field(pattern="^[a-z]{2}$", examples=["zh"])]
    roles: list[LanguageRole] = Field(min_length=1, max_length=f.MAX_ROLES)
    aliases: f.Aliases = Field(default=[], description="Other names its sources use")

    @field_validator("language")
    @classmethod
    def _iso_639(cls, code: str) -> str:
        language_names(code)
        return code


KIND = Kind(
    name="language",
    listed="/v1/languages",
    path="/v1/languages",
    param="language_id",
    one_at_a_time=("a language is recorded once at a time ({})", lambda lang: lang.language),
    plural="languages",
    table=Language,
    model=LanguageIn,
    record=LanguageRec,
    description="an official or working language of the organisation",
    natural_key=lambda d: (d["language"], d["start"]),
    fields=(Plain("language"), Many("roles"), Many("aliases"), *DATED),
    derived=lambda doc: {"names": language_names(doc["language"])},
    describe=lambda ds, lang: f"{lang.called[0]}, {' and '.join(lang.roles)} {span(lang)}",
    subject=lambda ds, lang: lang.called,
    stated=("start",),
    mint=lambda d: slug(d["language"], d["start"]),
    public=LanguagePublic,
    body=LanguageBody,
    section="languages",
    entry=LanguageIn,
    file_order=lambda doc, nested: (parse(doc["start"])[0], doc["id"]),
    covers=("language",),
    in_snapshot=True,
)
