"""The documents of facts, in the dataset file's own words: the shape every fact takes in
the dataset file, in imports and in the change log (`start`, `end`, `sources: [{source,
quote}]`, ...), with the limits of every field (documented in the README) and the checks
that need no other fact.

Dates stay the text they were written as: a partial date (`2017`, `2017-06`, `2017-06-09`)
keeps its precision, and a day is a calendar date written YYYY-MM-DD.
"""

from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from app.core.dates import parse

# Limits (documented in the README): a file or field past them is refused whole.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TEXT_CHARS = 200_000  # a source's stored text
MAX_NOTE_CHARS = 10_000  # a note, a quote, a claim's statement
MAX_NAME_CHARS = 300  # a name, title, publisher, city, alias, URL
MAX_CITATIONS = 50  # the citations of one fact (the most cited has 15)
MAX_ALIASES = 50  # the other names of one fact (the most named has 9)
MAX_REFS = 100  # the facts one fact names in a list (the documents a document amends)
MAX_ROLES = 10  # the roles of one language
MAX_CLAIMS = 100  # the claims of one source (the most claiming makes 12)
MAX_PARAMS = 20  # the parameters of one claim

Slug = Annotated[str, Field(pattern="^[a-z0-9-]+$", max_length=64)]
FactId = Annotated[str, Field(pattern="^[a-z0-9-]+$", max_length=96)]
Iso3 = Annotated[str, Field(pattern="^[A-Z]{3}$")]
Qid = Annotated[str, Field(pattern=r"^Q\d{1,15}$")]
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS)]
Note = Annotated[str, Field(max_length=MAX_NOTE_CHARS)]
Aliases = Annotated[list[Name], Field(max_length=MAX_ALIASES)]
Refs = Annotated[list[Slug], Field(max_length=MAX_REFS)]
Lang = Literal["en", "ru", "zh"]  # the SCO's working languages (and English), names' keys
_Model = TypeVar("_Model", bound=BaseModel)


def _as_text(value: Any) -> Any:
    # A year written unquoted reads as an int; the file's dates are text.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _valid_partial(text: str) -> str:
    parse(text)  # raises ValueError naming the problem
    return text


def _valid_day(text: str) -> str:
    try:
        date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date written YYYY-MM-DD") from None
    if len(text) != 10:
        raise ValueError(f"{text!r} is not written YYYY-MM-DD")
    return text


PartialDate = Annotated[str, BeforeValidator(_as_text), AfterValidator(_valid_partial)]
Day = Annotated[str, BeforeValidator(_as_text), AfterValidator(_valid_day)]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# The dates of a fact a citation may state, in the dataset file's words.
DateName = Literal[
    "decided", "start", "end", "signed", "in_force", "founded", "predecessor_first_met"
]


class Stating(In):
    """Which words of a citation's quote state its fact: the words that name its subject
    (the state, the person, the summit's place), the words that give a date and which of the
    fact's dates they give. A citation without them supports its fact without stating it."""

    subject: Name
    date: Name | None = None
    dates: list[DateName] = Field(default=[])

    @model_validator(mode="after")
    def _date_and_dates(self) -> "Stating":
        if (self.date is None) != (not self.dates):
            raise ValueError("`date` (the words) and `dates` (which dates they give) go together")
        if len(set(self.dates)) != len(self.dates):
            raise ValueError(f"`dates` names a date twice: {self.dates}")
        return self


class Cite(In):
    source: Slug
    quote: Note | None = None
    states: Stating | None = None

    @model_validator(mode="after")
    def _states_from_quote(self) -> "Cite":
        if self.states is None:
            return self
        words = [self.states.subject, *([self.states.date] if self.states.date else [])]
        missing = [w for w in words if w not in (self.quote or "")]
        if missing:
            raise ValueError(f"the stating words {missing} are not in the quote")
        return self


def distinct(citations: list[_Model]) -> list[_Model]:
    """Citations, each given once: a copy of one (the same source, quote and stating words)
    is refused, not stored."""
    seen: dict[str, int] = {}
    for i, cite in enumerate(citations):
        same = seen.setdefault(cite.model_dump_json(), i)
        if same != i:
            raise ValueError(f"citation {i} is a copy of citation {same}: cite each once")
    return citations


# The citations of a fact: at most MAX_CITATIONS, none twice (a fact that must have one
# says `min_length=1` beside it).
Cites = Annotated[list[Cite], Field(max_length=MAX_CITATIONS), AfterValidator(distinct)]


class Cited(In):
    sources: Annotated[Cites, Field(min_length=1)]
    note: Note | None = None


def end_not_before_start(start: str, end: str | None) -> None:
    """Refuse an end before its start, comparing the widest reading of both."""
    if end is not None and parse(end, end=True)[0] < parse(start)[0]:
        raise ValueError(f"end {end} is before start {start}")


class DatedIn(Cited):
    start: PartialDate
    end: PartialDate | None = None
    # How the fact is inferred, in words, where no source states who or what (null: stated).
    inferred: Note | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "DatedIn":
        end_not_before_start(self.start, self.end)
        return self
