"""States: their codes and names from ISO 3166-1 (pycountry, never typed), their Wikidata
item and aliases, and, in the dataset file, their status periods; declared once: its
table, document, record, answer and declaration."""

from dataclasses import dataclass

from pydantic import Field, model_validator
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from app.domain import documents as f
from app.domain.countries import country_names
from app.domain.fields import Many, Mapping, Plain
from app.domain.kind import Kind, id_key
from app.domain.kinds.status_period import StatusPeriodPublic
from app.domain.public import Names, OpenStatus, Public, SourceRef
from app.domain.tables import aliases_column, names_column, revision_column


class State(SQLModel, table=True):
    iso3: str = TableField(primary_key=True, max_length=3)
    revision: int = revision_column()
    iso2: str = TableField(unique=True, max_length=2)
    numeric: str = TableField(max_length=3)
    name: str
    official_name: str | None = None
    name_ru: str
    name_zh: str
    wikidata_qid: str | None = TableField(default=None, max_length=16)
    aliases: list[str] = aliases_column()
    # The names the SCO writes where ISO 3166's translations differ ({"zh": "柬埔寨"}), and
    # ISO's names they replace (derived: still searched, shown among the aliases).
    sco_names: dict[str, str] = names_column()
    iso_names: list[str] = aliases_column()


class StateFields(f.In):
    wikidata: f.Qid | None = None
    # Its names as the SCO writes them, where ISO 3166's translations differ (by language).
    names: dict[f.Lang, f.Name] = Field(default={})
    aliases: f.Aliases = Field(default=[])
    sources: f.Cites = Field(default=[])  # the sources of its names and aliases

    @model_validator(mode="after")
    def _aliases_cited(self) -> "StateFields":
        if (self.aliases or self.names) and not self.sources:
            raise ValueError("names and aliases need a source that uses them")
        return self


class StateDoc(StateFields):
    id: f.Iso3


@dataclass(frozen=True, slots=True)
class StateRec:
    iso3: str
    revision: int
    iso2: str
    numeric: str
    name: str
    official_name: str | None
    name_ru: str | None
    name_zh: str | None
    wikidata_qid: str | None
    aliases: tuple[str, ...]
    sco_names: dict[str, str]
    iso_names: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.iso3

    @property
    def names(self) -> tuple[str, ...]:
        """Every name it goes by: its names in the working languages, its aliases, and the
        ISO 3166 names the SCO's replace."""
        given = (self.name, self.official_name, self.name_ru, self.name_zh, *self.aliases)
        return tuple(n for n in (*given, *self.iso_names) if n)


class StateDetail(Public):
    """One state with its whole status history."""

    id: str = Field(description="Its id: the ISO 3166-1 alpha-3 code", examples=["IND"])
    iso3: str
    iso2: str
    numeric: str
    revision: int
    name: str
    official_name: str | None
    names: Names
    aliases: list[str] = Field(
        description="Other names and spellings users search by, with ISO 3166's names where "
        "the SCO writes another (吉尔吉斯坦 for 吉尔吉斯斯坦)"
    )
    wikidata: str | None = Field(description="Wikidata item id (QID)")
    status: OpenStatus | None = Field(description="Status held today; null: none")
    history: list[StatusPeriodPublic]
    sources: list[SourceRef] = Field(description="Sources of its aliases")


class StateEntry(StateFields):
    """A state in the dataset file, named by its ISO 3166-1 alpha-3 code."""

    iso3: f.Iso3


KIND = Kind(
    name="state",
    id_column="iso3",
    citation_column="state_iso3",
    sourced=lambda s: bool(s.aliases or s.sco_names),
    listed="/v1/states",
    path="/v1/states",
    param="code",
    plural="states",
    table=State,
    model=StateDoc,
    record=StateRec,
    description="a state, with its codes and names from ISO 3166-1 (pycountry)",
    natural_key=id_key,
    fields=(
        Plain("wikidata", "wikidata_qid"),
        Mapping("names", "sco_names"),
        Many("aliases"),
    ),
    describe=lambda ds, s: f"{s.name}: names and aliases",
    derived=lambda doc: country_names(doc["id"], doc.get("names")),
    public=StateDetail,
    section="states",
    entry=StateEntry,
    required=True,
    file_key="iso3",
)
