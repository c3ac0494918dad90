"""The loader: makes the database hold exactly the dataset of seed/dataset.yaml.

It reads the file, builds every row in memory and checks the whole dataset there (sources
on every fact, quotes verbatim, no overlaps, presidencies passing at summits, roles held by
members), evaluates the claims, and only then writes, in one transaction. A refusal names
every fact at fault and writes nothing. Running it again changes nothing: the content hash
(of the file, and of the code and library data that shape the rows) is kept in the
database, and an unchanged dataset is not written.
"""

import gettext
import hashlib
import importlib.metadata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pycountry
from sqlalchemy import Engine, delete, text
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, ProgrammingError
from sqlmodel import Session, SQLModel

from app import checks, claims
from app.dataset import Dataset, assemble
from app.dataset_file import Cited, DatasetFile, DatedIn, SeedError, read
from app.dates import parse
from app.db import transaction
from app.models import (
    Citation,
    Claim,
    Coverage,
    DatasetVersion,
    PermanentBody,
    Person,
    Presidency,
    Source,
    State,
    StatusPeriod,
    Summit,
    Term,
    metadata,
)

__all__ = ["Report", "SeedError", "seed"]

# The code and library data that decide what rows a file becomes: a change to any of them
# makes an unchanged file load again (names from a new pycountry, verdicts from new checks).
_SHAPING = ("seeding.py", "dataset_file.py", "claims.py", "checks.py", "dates.py", "models.py")


@cache
def _translations(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])


def state_row(iso3: str, wikidata: str | None) -> State:
    """Codes and names from pycountry (ISO 3166-1 and its translations), never typed here."""
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:  # _verify refuses such a file first
        raise SeedError([f"state {iso3!r} is not an ISO 3166-1 alpha-3 code"])
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


def _duplicates(kind: str, ids: Iterable[str]) -> list[str]:
    return [f"{kind} {i!r} is listed {n} times" for i, n in Counter(ids).items() if n > 1]


def _verify(df: DatasetFile) -> list[str]:
    """References and identities the file must get right before rows can be built."""
    source_ids = {s.id for s in df.sources}
    states = {s.iso3 for s in df.states}
    summits = {s.id for s in df.summits}
    problems = [
        *_duplicates("source", (s.id for s in df.sources)),
        *_duplicates("state", (s.iso3 for s in df.states)),
        *_duplicates("person", (p.id for p in df.people)),
        *_duplicates("summit", (s.id for s in df.summits)),
        *_duplicates("permanent body", (b.id for b in df.permanent_bodies)),
        *(
            f"state {s.iso3!r} is not an ISO 3166-1 alpha-3 code"
            for s in df.states
            if pycountry.countries.get(alpha_3=s.iso3) is None
        ),
    ]

    def cites(what: str, fact: Cited) -> None:
        problems.extend(
            f"{what}: unknown source {c.source!r}"
            for c in fact.sources
            if c.source not in source_ids
        )

    def state(what: str, iso3: str) -> None:
        if iso3 not in states:
            problems.append(f"{what}: state {iso3!r} is not listed under `states`")

    for s in df.states:
        for p in s.periods:
            cites(f"{s.iso3} {p.status} from {p.start}", p)
    for person in df.people:
        state(f"person {person.id}", person.nationality)
        for t in person.terms:
            cites(f"{person.name}'s term from {t.start}", t)
    for summit in df.summits:
        cites(f"summit {summit.id}", summit)
        state(f"summit {summit.id}", summit.host)
    for pr in df.presidencies:
        what = f"presidency of {pr.chair} from {pr.start}"
        cites(what, pr)
        state(what, pr.chair)
        if pr.summit is not None and pr.summit not in summits:
            problems.append(f"{what}: unknown summit {pr.summit!r}")
    for body in df.permanent_bodies:
        cites(f"permanent body {body.id}", body)
        state(f"permanent body {body.id}", body.seat_state)
    for source in df.sources:
        for claim in source.claims:
            try:
                claims.parse_params(claim.kind, claim.params)
            except ValueError as exc:
                problems.append(f"claim of {source.id} {claim.statement!r}: {exc}")
    return problems


@dataclass
class Rows:
    """Every row the dataset file becomes, with its ids, in the order they are written."""

    states: list[State] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    summits: list[Summit] = field(default_factory=list)
    periods: list[StatusPeriod] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    presidencies: list[Presidency] = field(default_factory=list)
    bodies: list[PermanentBody] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    def all(self) -> list[Sequence[SQLModel]]:
        return [
            self.states,
            self.sources,
            self.coverage,
            self.persons,
            self.summits,
            self.periods,
            self.terms,
            self.presidencies,
            self.bodies,
            self.citations,
            self.claims,
        ]

    def dataset(self) -> Dataset:
        return assemble(
            DatasetVersion(version=0),
            states=self.states,
            periods=self.periods,
            persons=self.persons,
            terms=self.terms,
            summits=self.summits,
            presidencies=self.presidencies,
            bodies=self.bodies,
            sources=self.sources,
            citations=self.citations,
            claims=self.claims,
            coverage=self.coverage,
        )

    def cite(self, fact: Cited, column: str, fact_id: int | str) -> None:
        for c in fact.sources:
            citation = Citation(id=len(self.citations) + 1, source_id=c.source, quote=c.quote)
            setattr(citation, column, fact_id)
            self.citations.append(citation)


def _dated(fact: DatedIn) -> dict[str, Any]:
    start, start_precision = parse(fact.start)
    end, end_precision = parse(fact.end, end=True) if fact.end else (None, None)
    return {
        "start_date": start,
        "start_precision": start_precision,
        "end_date": end,
        "end_precision": end_precision,
        "note": fact.note,
    }


def build(df: DatasetFile) -> Rows:
    """The rows of a verified file. Ids are given here, in file order, so they are stable."""
    rows = Rows()
    rows.states = [state_row(s.iso3, s.wikidata) for s in df.states]
    for s in df.sources:
        published, precision = parse(s.published) if s.published else (None, None)
        rows.sources.append(
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
    rows.coverage = [Coverage(kind=k, since=v.since, until=v.until) for k, v in df.coverage.items()]
    for state in df.states:
        for p in state.periods:
            decided, decided_precision = parse(p.decided) if p.decided else (None, None)
            row = StatusPeriod(
                id=len(rows.periods) + 1,
                state_iso3=state.iso3,
                status=p.status,
                decided_on=decided,
                decided_precision=decided_precision,
                **_dated(p),
            )
            rows.periods.append(row)
            rows.cite(p, "status_period_id", row.id or 0)
    for summit in df.summits:
        rows.summits.append(
            Summit(
                id=summit.id,
                host_iso3=summit.host,
                city=summit.city,
                start_date=summit.start,
                end_date=summit.end,
                format=summit.format,
                note=summit.note,
            )
        )
        rows.cite(summit, "summit_id", summit.id)
    for person in df.people:
        rows.persons.append(
            Person(
                id=person.id,
                name=person.name,
                name_ru=person.name_ru,
                name_zh=person.name_zh,
                nationality_iso3=person.nationality,
            )
        )
        for t in person.terms:
            term = Term(id=len(rows.terms) + 1, person_id=person.id, post=t.post, **_dated(t))
            rows.terms.append(term)
            rows.cite(t, "term_id", term.id or 0)
    for pr in df.presidencies:
        presidency = Presidency(
            id=len(rows.presidencies) + 1, chair_iso3=pr.chair, summit_id=pr.summit, **_dated(pr)
        )
        rows.presidencies.append(presidency)
        rows.cite(pr, "presidency_id", presidency.id or 0)
    for b in df.permanent_bodies:
        rows.bodies.append(
            PermanentBody(
                id=b.id,
                name=b.name,
                seat_city=b.seat_city,
                seat_state_iso3=b.seat_state,
                note=b.note,
            )
        )
        rows.cite(b, "permanent_body_id", b.id)
    return rows


def _add_claims(df: DatasetFile, rows: Rows, ds: Dataset) -> list[str]:
    """Evaluate every claim against the dataset; the problems are unknown references."""
    problems = []
    for source in df.sources:
        for c in source.claims:
            params = claims.parse_params(c.kind, c.params)
            unknown = claims.unknown_references(ds, params)
            if unknown:
                problems.append(f"claim of {source.id} {c.statement!r}: {'; '.join(unknown)}")
                continue
            result = claims.evaluate(ds, ds.sources[source.id], c.kind, c.params)
            rows.claims.append(
                Claim(
                    id=len(rows.claims) + 1,
                    source_id=source.id,
                    statement=c.statement,
                    kind=c.kind,
                    params=params.model_dump(mode="json", exclude_none=True),
                    verdict=result.verdict,
                    detail=result.detail,
                    note=c.note,
                )
            )
    return problems


def content_hash(df: DatasetFile) -> str:
    digest = hashlib.sha256(df.model_dump_json().encode())
    digest.update(importlib.metadata.version("pycountry").encode())
    here = Path(__file__).parent
    for name in _SHAPING:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


@dataclass
class Report:
    changed: bool
    version: int
    counts: dict[str, int] = field(default_factory=dict)
    verdicts: list[tuple[str, str, str]] = field(default_factory=list)


def prepare(seed_dir: Path) -> tuple[DatasetFile, Rows]:
    """Read, verify and build the dataset of `seed_dir`; raise SeedError naming each fault."""
    df = read(seed_dir)
    problems = _verify(df)
    if problems:
        raise SeedError(problems)
    rows = build(df)
    facts = rows.dataset()
    problems = checks.integrity(facts) + _add_claims(df, rows, facts)
    if problems:
        raise SeedError(problems)
    # With the claims: their statements verbatim in their sources, none contradicted
    # unexplained (the same rules `sco-api check` applies to the database).
    complete = rows.dataset()
    problems = list(checks.quotes_are_verbatim(complete)) + checks.claim_problems(complete)
    if problems:
        raise SeedError(problems)
    return df, rows


def _write(session: Session, rows: Rows) -> None:
    data_tables = [t for t in metadata.sorted_tables if t.name != DatasetVersion.__tablename__]
    for table in reversed(data_tables):  # children first, so foreign keys hold at each step
        session.execute(delete(table))
    for group in rows.all():  # parents first
        session.add_all(group)
        session.flush()
    if session.get_bind().dialect.name == "postgresql":
        # Ids were given explicitly: move each sequence past them for later inserts.
        for table in data_tables:
            if table.autoincrement_column is not None:
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                    )
                )


def seed(engine: Engine, seed_dir: Path) -> Report:
    """Make the database hold the dataset of `seed_dir`; refuse it whole on any problem."""
    df, rows = prepare(seed_dir)
    digest = content_hash(df)
    try:
        with transaction(engine) as session:
            return _store(session, rows, digest)
    except DBAPIError as exc:
        raise SeedError([_explain(exc)]) from exc


def _explain(exc: DBAPIError) -> str:
    if isinstance(exc, IntegrityError | DataError):  # a rule the checks did not foresee
        return f"the database refused the dataset: {exc.orig}"
    if isinstance(exc, ProgrammingError) or "no such table" in str(exc.orig):
        return f"the database is not migrated: run `sco-api migrate` ({exc.orig})"
    return f"the database cannot be reached: {exc.orig}"


def _store(session: Session, rows: Rows, digest: str) -> Report:
    """Write `rows` unless the database already holds exactly them (one transaction)."""
    if session.get_bind().dialect.name == "postgresql":
        # Replicas starting at once on one database must not seed concurrently.
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('sco-api seed'))"))
    meta = session.get(DatasetVersion, 1)
    if meta is None:
        raise SeedError(["the database is not migrated: run `sco-api migrate` first"])
    if meta.content_hash == digest and meta.seeded_version == meta.version:
        return Report(changed=False, version=meta.version)
    _write(session, rows)
    session.refresh(meta)  # the triggers have moved the version
    meta.content_hash = digest
    meta.loaded_at = datetime.now(UTC)
    meta.seeded_version = meta.version  # dataset_version itself has no trigger
    session.add(meta)
    return Report(
        changed=True,
        version=meta.version,
        counts={str(group[0].__tablename__): len(group) for group in rows.all() if group},
        verdicts=[(c.source_id, c.statement, c.verdict) for c in rows.claims],
    )
