"""Standings: the organisation's place in another organisation (observer in the United
Nations General Assembly since 2004), each a dated fact; declared once: the table,
document, record, answer, write bodies and declaration."""

from dataclasses import dataclass

from pydantic import Field
from sqlmodel import Field as TableField

from app.core.dates import parse
from app.domain import documents as f
from app.domain.bodies import DatedBody
from app.domain.fields import DATED, Many, Mapping, Plain
from app.domain.kind import Kind, slug, span
from app.domain.public import HOLDS_DESCRIPTION, Dated, Fact, Holds, OtherOrganisation, SourceRef
from app.domain.records import DatedRec
from app.domain.tables import (
    DatedTable,
    aliases_column,
    end_after_start,
    names_column,
    public_id_column,
    revision_column,
)


class Standing(DatedTable, table=True):
    __table_args__ = (end_after_start(),)

    id: int | None = TableField(default=None, primary_key=True)
    public_id: str = public_id_column()
    revision: int = revision_column()
    organisation: str = TableField(max_length=64, index=True)
    organisation_names: dict[str, str] = names_column()
    aliases: list[str] = aliases_column()
    status: str = TableField(max_length=64)
    instrument: str | None = None


class StandingIn(f.DatedIn):
    id: f.FactId | None = None
    organisation: f.Slug
    organisation_names: dict[f.Lang, f.Name] = Field(min_length=1)
    aliases: f.Aliases = Field(default=[])
    status: f.Name
    instrument: f.Name | None = None


@dataclass(frozen=True, slots=True)
class StandingRec(DatedRec):
    organisation: str
    organisation_names: dict[str, str]
    aliases: tuple[str, ...]
    status: str
    instrument: str | None

    @property
    def names(self) -> tuple[str, ...]:
        """Every name of the other organisation: in each language, and its aliases."""
        return (*self.organisation_names.values(), *self.aliases)


class StandingPublic(Dated, Fact):
    """The organisation's standing in another organisation, from `start_date` to `end_date`."""

    organisation: OtherOrganisation
    status: str = Field(examples=["observer"])
    instrument: str | None = Field(
        description="The act that granted it (a resolution)", examples=["A/RES/59/48"]
    )
    holds: Holds | None = Field(description=HOLDS_DESCRIPTION)
    note: str | None
    sources: list[SourceRef]


class StandingBody(DatedBody):
    """A standing in another organisation (its id is minted from the organisation, the
    status and the start)."""

    organisation: f.Slug = Field(
        description="A slug naming the other organisation", examples=["un-general-assembly"]
    )
    organisation_names: dict[f.Lang, f.Name] = Field(
        min_length=1,
        description="Its names by language (en, ru, zh)",
        examples=[{"en": "United Nations General Assembly"}],
    )
    aliases: f.Aliases = Field(default=[], description="Other names its sources use")
    status: f.Name = Field(examples=["observer"])
    instrument: f.Name | None = None


KIND = Kind(
    name="standing",
    listed="/v1/standings",
    path="/v1/standings",
    param="standing_id",
    one_at_a_time=("the organisation holds one standing at a time in {}", lambda s: s.organisation),
    plural="standings",
    table=Standing,
    model=StandingIn,
    record=StandingRec,
    description="the organisation's standing in another organisation",
    natural_key=lambda d: (d["organisation"], d["status"], d["start"]),
    fields=(
        Plain("organisation"),
        Mapping("organisation_names"),
        Many("aliases"),
        Plain("status"),
        Plain("instrument"),
        *DATED,
    ),
    describe=lambda ds, s: f"{s.status} in {s.names[0]} {span(s)}",
    subject=lambda ds, s: s.names,
    stated=("start",),
    mint=lambda d: slug(d["organisation"], d["status"], d["start"]),
    public=StandingPublic,
    body=StandingBody,
    section="standings",
    entry=StandingIn,
    file_order=lambda doc, nested: (parse(doc["start"])[0], doc["id"]),
    covers=("standing",),
    in_snapshot=True,
)
