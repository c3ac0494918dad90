"""The dataset file (seed/dataset.yaml): its shape, and reading it with its source texts."""

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from app.dates import parse
from app.models import COVERAGE_KINDS, Post, SourceKind, Status, SummitFormat, TextScope

DATASET_FILE = "dataset.yaml"
Slug = Annotated[str, Field(pattern="^[a-z0-9-]+$", max_length=64)]
Iso3 = Annotated[str, Field(pattern="^[A-Z]{3}$")]


class SeedError(Exception):
    """The dataset was refused; `problems` names every fact at fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the dataset")
        self.problems = problems


def _as_text(value: Any) -> Any:
    # YAML reads 2017-06-09 as a date and 2017 as an int; the file's dates are text.
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if isinstance(value, int) else value


def _valid(text: str) -> str:
    parse(text)  # raises ValueError naming the problem
    return text


PartialDate = Annotated[str, BeforeValidator(_as_text), AfterValidator(_valid)]


class CoverageIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    since: date
    until: date | None = None


def _known_kinds(coverage: dict[str, CoverageIn]) -> dict[str, CoverageIn]:
    unknown = sorted(set(coverage) - set(COVERAGE_KINDS))
    if unknown:
        raise ValueError(f"unknown kind(s) {unknown}; known: {', '.join(COVERAGE_KINDS)}")
    return coverage


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cite(In):
    source: Slug
    quote: str | None = None


class Cited(In):
    sources: list[Cite] = Field(min_length=1)
    note: str | None = None


class DatedIn(Cited):
    start: PartialDate
    end: PartialDate | None = None


class PeriodIn(DatedIn):
    status: Status
    decided: PartialDate | None = None


class StateIn(In):
    iso3: Iso3
    wikidata: str | None = Field(default=None, pattern=r"^Q\d{1,15}$")
    periods: list[PeriodIn] = []


class TermIn(DatedIn):
    post: Post = Post.secretary_general


class PersonIn(In):
    id: Slug
    name: str
    name_ru: str | None = None
    name_zh: str | None = None
    nationality: Iso3
    terms: list[TermIn] = []


class SummitIn(Cited):
    id: Slug
    host: Iso3
    city: str
    start: date
    end: date
    format: SummitFormat


class PresidencyIn(DatedIn):
    chair: Iso3
    summit: Slug | None = None


class BodyIn(Cited):
    id: Slug
    name: str
    seat_city: str
    seat_state: Iso3


class ClaimIn(In):
    statement: str
    kind: str
    params: dict[str, Any] = {}
    note: str | None = None  # context for the claim, e.g. how its words were read


class SourceIn(In):
    id: Slug
    kind: SourceKind
    title: str
    publisher: str
    published: PartialDate | None = None
    url: str | None = None
    language: str = Field(max_length=8)
    text: str | None = None
    text_file: str | None = None
    text_scope: TextScope | None = None
    claims: list[ClaimIn] = []


class DatasetFile(In):
    coverage: Annotated[dict[str, CoverageIn], AfterValidator(_known_kinds)] = {}
    sources: list[SourceIn]
    states: list[StateIn]
    people: list[PersonIn] = []
    summits: list[SummitIn] = []
    presidencies: list[PresidencyIn] = []
    permanent_bodies: list[BodyIn] = []


def read(seed_dir: Path) -> DatasetFile:
    """Parse the dataset file, with each `text_file` read into its source's `text`."""
    path = seed_dir / DATASET_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        df = DatasetFile.model_validate(raw)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SeedError([f"{path}: {exc}"]) from exc
    except ValidationError as exc:
        raise SeedError(
            [
                f"{path}: {'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
                for err in exc.errors()
            ]
        ) from exc
    sources = []
    for s in df.sources:
        if s.text_file is not None:
            try:
                body = (seed_dir / s.text_file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise SeedError([f"source {s.id}: {s.text_file}: {exc}"]) from exc
            update = {"text": body, "text_file": None, "text_scope": s.text_scope or TextScope.full}
            s = s.model_copy(update=update)
        sources.append(s)
    return df.model_copy(update={"sources": sources})
