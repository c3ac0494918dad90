"""The loader: reads seed/dataset.yaml and its source texts, verifies them, and makes the
database hold exactly that dataset, in one transaction.

Running it again with the same files changes nothing: the dataset's content hash is kept
in the database, and an unchanged dataset is not written at all.
"""

import gettext
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pycountry
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import Engine, delete, text
from sqlmodel import Session, SQLModel

from app import checks, claims
from app.dataset import load
from app.dates import parse
from app.db import transaction
from app.models import (
    Citation,
    Claim,
    Coverage,
    DatasetVersion,
    PermanentBody,
    Person,
    Post,
    Presidency,
    Source,
    SourceKind,
    State,
    Status,
    StatusPeriod,
    Summit,
    SummitFormat,
    Term,
    TextScope,
)

DATASET_FILE = "dataset.yaml"


class SeedError(Exception):
    """The dataset was refused; `problems` names every fact at fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the dataset")
        self.problems = problems


# ---- the file's shape -------------------------------------------------------------------


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _as_text(value: Any) -> Any:
    # YAML reads 2017-06-09 as a date and 2017 as an int; the file's dates are text.
    return (
        value.isoformat()
        if isinstance(value, date)
        else str(value)
        if isinstance(value, int)
        else value
    )


class Cite(In):
    source: str
    quote: str | None = None


class Cited(In):
    sources: list[Cite] = Field(min_length=1)
    note: str | None = None


class Dated(Cited):
    start: str
    end: str | None = None

    _text = field_validator("start", "end", mode="before")(_as_text)


class PeriodIn(Dated):
    status: Status
    decided: str | None = None

    _decided_text = field_validator("decided", mode="before")(_as_text)


class StateIn(In):
    iso3: str = Field(pattern="^[A-Z]{3}$")
    wikidata: str | None = Field(default=None, pattern=r"^Q\d+$")
    periods: list[PeriodIn] = []


class TermIn(Dated):
    post: Post = Post.secretary_general


class PersonIn(In):
    id: str = Field(pattern="^[a-z0-9-]+$")
    name: str
    name_ru: str | None = None
    name_zh: str | None = None
    nationality: str
    terms: list[TermIn] = []


class SummitIn(Cited):
    id: str = Field(pattern="^[a-z0-9-]+$")
    host: str
    city: str
    start: date
    end: date
    format: SummitFormat


class PresidencyIn(Dated):
    chair: str
    summit: str | None = None


class BodyIn(Cited):
    id: str = Field(pattern="^[a-z0-9-]+$")
    name: str
    seat_city: str
    seat_state: str


class ClaimIn(In):
    statement: str
    kind: str
    params: dict[str, Any] = {}


class SourceIn(In):
    id: str = Field(pattern="^[a-z0-9-]+$")
    kind: SourceKind
    title: str
    publisher: str
    published: str | None = None
    url: str | None = None
    language: str
    text: str | None = None
    text_file: str | None = None
    text_scope: TextScope | None = None
    claims: list[ClaimIn] = []

    _published_text = field_validator("published", mode="before")(_as_text)


class DatasetFile(In):
    coverage: dict[str, date] = {}
    sources: list[SourceIn]
    states: list[StateIn]
    people: list[PersonIn] = []
    summits: list[SummitIn] = []
    presidencies: list[PresidencyIn] = []
    permanent_bodies: list[BodyIn] = []


# ---- reading and verifying ---------------------------------------------------------------


def read(seed_dir: Path) -> DatasetFile:
    """Parse the dataset file, with each `text_file` read into its source's `text`."""
    path = seed_dir / DATASET_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SeedError([f"{path}: {exc}"]) from exc
    try:
        df = DatasetFile.model_validate(raw)
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
            except OSError as exc:
                raise SeedError([f"source {s.id}: {exc}"]) from exc
            s = s.model_copy(
                update={
                    "text": body,
                    "text_file": None,
                    "text_scope": s.text_scope or TextScope.full,
                }
            )
        sources.append(s)
    return df.model_copy(update={"sources": sources})


def content_hash(df: DatasetFile) -> str:
    return hashlib.sha256(df.model_dump_json().encode()).hexdigest()


@cache
def _translations(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])


def state_row(iso3: str, wikidata: str | None) -> State:
    """Codes and names from pycountry (ISO 3166-1 and its translations), never typed here."""
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        raise SeedError([f"{iso3!r} is not an ISO 3166-1 alpha-3 code"])
    return State(
        iso3=country.alpha_3,
        iso2=country.alpha_2,
        numeric=country.numeric,
        name=getattr(country, "common_name", None) or country.name,
        official_name=getattr(country, "official_name", None),
        name_ru=_translations("ru").gettext(country.name),
        name_zh=_translations("zh_CN").gettext(country.name),
        wikidata_qid=wikidata,
    )


def _verify(df: DatasetFile) -> list[str]:
    """Problems a dataset file has before it touches the database."""
    problems: list[str] = []
    texts = {s.id: s.text for s in df.sources}
    states = {s.iso3 for s in df.states}

    def cites(what: str, fact: Cited) -> None:
        for cite in fact.sources:
            if cite.source not in texts:
                problems.append(f"{what}: unknown source {cite.source!r}")
            elif cite.quote is not None:
                text_ = texts[cite.source]
                if text_ is None:
                    problems.append(f"{what}: quotes source {cite.source!r}, which stores no text")
                elif cite.quote not in text_:
                    problems.append(
                        f"{what}: quote not found verbatim in source {cite.source!r}: "
                        f"{cite.quote!r}"
                    )

    def state(what: str, iso3: str) -> None:
        if iso3 not in states:
            problems.append(f"{what}: state {iso3!r} is not listed under `states`")

    def dates(what: str, fact: Dated) -> None:
        for value, end in ((fact.start, False), (fact.end, True)):
            if value is not None:
                try:
                    parse(value, end=end)
                except ValueError as exc:
                    problems.append(f"{what}: {exc}")

    for s in df.states:
        for p in s.periods:
            what = f"{s.iso3} {p.status} from {p.start}"
            cites(what, p)
            dates(what, p)
    summit_ids = {s.id for s in df.summits}
    for person in df.people:
        state(f"person {person.id}", person.nationality)
        for t in person.terms:
            what = f"{person.name}'s term from {t.start}"
            cites(what, t)
            dates(what, t)
    for summit in df.summits:
        cites(f"summit {summit.id}", summit)
        state(f"summit {summit.id}", summit.host)
    for pr in df.presidencies:
        what = f"presidency of {pr.chair} from {pr.start}"
        cites(what, pr)
        dates(what, pr)
        state(what, pr.chair)
        if pr.summit is not None and pr.summit not in summit_ids:
            problems.append(f"{what}: unknown summit {pr.summit!r}")
    for body in df.permanent_bodies:
        cites(f"permanent body {body.id}", body)
        state(f"permanent body {body.id}", body.seat_state)
    for source in df.sources:
        for claim in source.claims:
            what = f"claim of {source.id} {claim.statement!r}"
            if source.text is None or claim.statement not in source.text:
                problems.append(f"{what}: statement not found verbatim in the source's text")
            try:
                claims.parse_params(claim.kind, claim.params)
            except ValueError as exc:
                problems.append(f"{what}: {exc}")
    return problems


# ---- writing -----------------------------------------------------------------------------


@dataclass
class Report:
    changed: bool
    version: int
    counts: dict[str, int] = field(default_factory=dict)
    verdicts: list[tuple[str, str, str]] = field(default_factory=list)


# Children first, so foreign keys hold at every step.
_TABLES: tuple[type[SQLModel], ...] = (
    Claim,
    Citation,
    Presidency,
    Term,
    Person,
    StatusPeriod,
    Summit,
    PermanentBody,
    Coverage,
    Source,
    State,
)


def _dated_fields(fact: Dated) -> dict[str, Any]:
    start, start_precision = parse(fact.start)
    end, end_precision = parse(fact.end, end=True) if fact.end else (None, None)
    return {
        "start_date": start,
        "start_precision": start_precision,
        "end_date": end,
        "end_precision": end_precision,
        "note": fact.note,
    }


def _add_cited(
    session: Session,
    row: StatusPeriod | Term | Summit | Presidency | PermanentBody,
    fact: Cited,
    column: str,
) -> None:
    session.add(row)
    session.flush()
    for cite in fact.sources:
        citation = Citation(source_id=cite.source, quote=cite.quote)
        setattr(citation, column, row.id)
        session.add(citation)


def _write(session: Session, df: DatasetFile) -> dict[str, int]:
    for table in _TABLES:
        session.exec(delete(table))
    referenced = {s.iso3: s.wikidata for s in df.states}
    session.add_all(state_row(iso3, qid) for iso3, qid in referenced.items())
    for s in df.sources:
        published, precision = parse(s.published) if s.published else (None, None)
        session.add(
            Source(
                id=s.id,
                kind=s.kind,
                title=s.title,
                publisher=s.publisher,
                published_on=published,
                published_precision=precision,
                url=s.url,
                language=s.language,
                text=s.text,
                text_scope=s.text_scope if s.text is not None else None,
            )
        )
    session.add_all(Coverage(kind=k, since=v) for k, v in df.coverage.items())
    session.flush()
    for state in df.states:
        for p in state.periods:
            decided, decided_precision = parse(p.decided) if p.decided else (None, None)
            row = StatusPeriod(
                state_iso3=state.iso3,
                status=p.status,
                decided_on=decided,
                decided_precision=decided_precision,
                **_dated_fields(p),
            )
            _add_cited(session, row, p, "status_period_id")
    for summit in df.summits:
        _add_cited(
            session,
            Summit(
                id=summit.id,
                host_iso3=summit.host,
                city=summit.city,
                start_date=summit.start,
                end_date=summit.end,
                format=summit.format,
                note=summit.note,
            ),
            summit,
            "summit_id",
        )
    for person in df.people:
        session.add(
            Person(
                id=person.id,
                name=person.name,
                name_ru=person.name_ru,
                name_zh=person.name_zh,
                nationality_iso3=person.nationality,
            )
        )
        session.flush()
        for t in person.terms:
            _add_cited(
                session, Term(person_id=person.id, post=t.post, **_dated_fields(t)), t, "term_id"
            )
    for pr in df.presidencies:
        _add_cited(
            session,
            Presidency(chair_iso3=pr.chair, summit_id=pr.summit, **_dated_fields(pr)),
            pr,
            "presidency_id",
        )
    for body in df.permanent_bodies:
        _add_cited(
            session,
            PermanentBody(
                id=body.id,
                name=body.name,
                seat_city=body.seat_city,
                seat_state_iso3=body.seat_state,
                note=body.note,
            ),
            body,
            "permanent_body_id",
        )
    session.flush()
    return {
        str(table.__tablename__): int(
            session.execute(text(f"SELECT count(*) FROM {table.__tablename__}")).scalar_one()
        )
        for table in _TABLES
    }


def _lock(session: Session) -> None:
    # Two replicas starting at once on one PostgreSQL database must not seed concurrently.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('sco-api seed'))"))


def seed(engine: Engine, seed_dir: Path) -> Report:
    """Make the database hold the dataset of `seed_dir`; refuse it whole on any problem."""
    df = read(seed_dir)
    problems = _verify(df)
    if problems:
        raise SeedError(problems)
    digest = content_hash(df)
    with transaction(engine) as session:
        _lock(session)
        meta = session.get(DatasetVersion, 1)
        if meta is None:
            raise SeedError(["the database is not migrated: run `sco-api migrate` first"])
        if meta.content_hash == digest and meta.seeded_version == meta.version:
            return Report(changed=False, version=meta.version)
        counts = _write(session, df)
        ds = load(session)
        problems = checks.integrity(ds)
        if problems:
            raise SeedError(problems)  # rolls the whole load back
        report = Report(changed=True, version=0, counts=counts)
        for source in df.sources:
            for c in source.claims:
                result = claims.evaluate(ds, ds.sources[source.id], c.kind, c.params)
                params = claims.parse_params(c.kind, c.params).model_dump(
                    mode="json", exclude_none=True
                )
                session.add(
                    Claim(
                        source_id=source.id,
                        statement=c.statement,
                        kind=c.kind,
                        params=params,
                        verdict=result.verdict,
                        detail=result.detail,
                    )
                )
                report.verdicts.append((source.id, c.statement, result.verdict))
        session.flush()
        session.refresh(meta)
        meta.content_hash = digest
        meta.loaded_at = datetime.now(UTC)
        session.add(meta)
        session.flush()
        session.refresh(meta)
        # The update above bumped no version (dataset_version has no trigger).
        meta.seeded_version = report.version = meta.version
        session.add(meta)
        report.counts["claim"] = len(report.verdicts)
        return report
