"""What every write body shares: unknown fields are refused, a state is named by any of its
ISO 3166-1 codes, citations come with their quotes, an end is not before its start. A body
names a fact's fields as its answer does (`start_date`, `sources: [{id, quote}]`), never its
read-only or derived ones."""

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from app.domain import documents as f
from app.domain.countries import country_of


def _iso3(value: Any) -> Any:
    """An ISO 3166-1 code in any of its forms and cases (`IN`, `ind`, `356`) as alpha-3."""
    if not isinstance(value, str):
        return value
    _, found = country_of(value)
    if found is None:
        raise ValueError(f"{value!r} is not an ISO 3166-1 code (alpha-2, alpha-3 or numeric)")
    return found.alpha_3


StateCode = Annotated[
    str,
    BeforeValidator(_iso3),
    Field(
        description="An ISO 3166-1 code: alpha-3, alpha-2 or numeric, in any case; the "
        "state's codes and names come from ISO 3166-1, never from the request",
        examples=["IND"],
    ),
]


class Body(BaseModel):
    """A request body: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


class StatingBody(Body):
    """Which words of the quote state the fact: `sco-api check` and every write verify them."""

    subject: f.Name = Field(
        description="Words of the quote naming the fact's subject: one of the names or "
        "aliases of the state, the person or the summit's place",
        examples=["India"],
    )
    date: f.Name | None = Field(
        default=None,
        description="Words of the quote giving the dates named in `dates` (or naming the "
        "summit whose days they are)",
        examples=["on 9 June 2017"],
    )
    dates: list[
        Literal[
            "decided_on",
            "start_date",
            "end_date",
            "signed_on",
            "in_force_on",
            "founded_on",
            "predecessor_first_met_on",
        ]
    ] = Field(
        default=[], max_length=7, description="Which of the fact's dates the `date` words give"
    )


class CiteBody(Body):
    """A source the fact is cited from, and the passage of its stored text cited."""

    id: f.Slug = Field(description="The source's id", examples=["sco-2017-astana-declaration"])
    quote: f.Note | None = Field(
        default=None, description="Verbatim from the source's stored text (null: none stored)"
    )
    states: StatingBody | None = Field(
        default=None,
        description="The words of the quote that state the fact; null or absent: the "
        "citation supports the fact without stating it",
    )


# Citations of a fact that may have none (a person's, of its names), and of one that must
# have one: at most MAX_CITATIONS, none given twice.
SomeCitations = Annotated[
    list[CiteBody],
    Field(
        max_length=f.MAX_CITATIONS,
        description=f"Its sources, each with its quote (at most {f.MAX_CITATIONS}, none "
        "given twice)",
    ),
    AfterValidator(f.distinct),
]
Citations = Annotated[
    SomeCitations,
    Field(
        min_length=1,
        description=f"At least one source, each with its quote (at most {f.MAX_CITATIONS}, "
        "none given twice)",
    ),
]


def _end_after_start(end: str | None, info: ValidationInfo) -> str | None:
    start = info.data.get("start_date")
    if start is not None:
        f.end_not_before_start(start, end)
    return end


# An end before its start is refused naming `end_date` (not the body as a whole).
END_AFTER_START = field_validator("end_date")(_end_after_start)


class DatedBody(Body):
    """The fields every period shares: its dates, note and sources."""

    start_date: f.PartialDate
    end_date: f.PartialDate | None = Field(
        default=None, description="The last day it held; null: it still holds"
    )
    note: f.Note | None = None
    inference: f.Note | None = Field(
        default=None,
        description="How the fact is inferred, in words, where no source states it (its "
        "`basis` is then `inferred` and it holds `possibly`); null: a source states it",
    )
    sources: Citations

    _end = END_AFTER_START
