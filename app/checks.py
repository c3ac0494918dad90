"""Integrity rules of the dataset, beyond what the database's own constraints hold.

Each rule returns the problems it finds as sentences naming the fact; none means it holds.
The loader refuses a dataset with problems; `sco-api check` reports them and fails.
"""

import itertools
from collections.abc import Callable, Iterator, Sequence
from datetime import date

from app import claims
from app.dataset import Dataset
from app.dates import Period, follows, holds_on, overlaps, today
from app.models import Post, Status, Verdict
from app.queries import describe

Rule = Callable[[Dataset], Iterator[str]]


def every_fact_is_cited(ds: Dataset) -> Iterator[str]:
    facts: list[tuple[str, int | str | None, str]] = [
        *(
            ("status_period_id", p.id, f"status period {p.state_iso3} {p.status} {p.start_date}")
            for p in ds.periods
        ),
        *(("term_id", t.id, f"term of {t.person_id} from {t.start_date}") for t in ds.terms),
        *(("summit_id", s.id, f"summit {s.id}") for s in ds.summits.values()),
        *(
            ("presidency_id", p.id, f"presidency {p.chair_iso3} {p.start_date}")
            for p in ds.presidencies
        ),
        *(("permanent_body_id", b.id, f"permanent body {b.id}") for b in ds.bodies),
    ]
    for column, key, name in facts:
        if key is None or (column, key) not in ds.citations_by_fact:
            yield f"{name} cites no source"


def quotes_are_verbatim(ds: Dataset) -> Iterator[str]:
    for citation in ds.citations:
        if citation.quote is None:
            continue
        text = ds.sources[citation.source_id].text
        if text is None or citation.quote not in text:
            _, fact = describe(ds, citation)
            yield (
                f"{fact}: the quote {citation.quote!r} is not in the stored text of source "
                f"{citation.source_id!r}"
            )
    for claim in ds.claims:
        text = ds.sources[claim.source_id].text
        if text is None or claim.statement not in text:
            yield f"claim {claim.statement!r} is not in the stored text of {claim.source_id!r}"


def _clashes(label: str, periods: Sequence[Period]) -> Iterator[str]:
    for i, a in enumerate(periods):
        for b in periods[i + 1 :]:
            if overlaps(a, b):
                yield f"{label}: {a.start_date}..{a.end_date} overlaps {b.start_date}..{b.end_date}"


def no_overlaps(ds: Dataset) -> Iterator[str]:
    for iso3, periods in ds.periods_by_state.items():
        yield from _clashes(f"status periods of {iso3}", periods)
    for post in Post:
        yield from _clashes(f"terms of {post}", [t for t in ds.terms if t.post == post])
    yield from _clashes("presidencies", ds.presidencies)


def presidencies_pass_at_summits(ds: Dataset) -> Iterator[str]:
    chain = ds.presidencies
    for p in chain:
        summit = ds.summits.get(p.summit_id) if p.summit_id else None
        if summit is not None and p.end_date != summit.end_date:
            yield (
                f"presidency of {p.chair_iso3} ends {p.end_date}, not on the last day of "
                f"the summit that closed it ({summit.id}, {summit.end_date})"
            )
    for before, after in itertools.pairwise(chain):
        if before.summit_id and before.end_date and not follows(before, after):
            yield (
                f"presidency of {after.chair_iso3} starts {after.start_date}, not the day "
                f"after {before.chair_iso3}'s closed at {before.summit_id} ({before.end_date})"
            )


def _member_throughout(ds: Dataset, iso3: str, start: date, end: date | None) -> bool:
    """Whether one membership period of `iso3` covers start..end (end None: to today)."""
    last = end or today()
    return any(
        p.status == Status.member and holds_on(p, start) and holds_on(p, last)
        for p in ds.periods_by_state.get(iso3, [])
    )


def roles_go_to_members(ds: Dataset) -> Iterator[str]:
    def check(what: str, iso3: str, start: date, end: date | None) -> Iterator[str]:
        if ds.covered(Status.member, start) and not _member_throughout(ds, iso3, start, end):
            yield f"{what}: {iso3} is not a member state from {start} to {end or 'today'}"

    for p in ds.presidencies:
        yield from check(f"presidency from {p.start_date}", p.chair_iso3, p.start_date, p.end_date)
    for s in ds.summits.values():
        yield from check(f"summit {s.id} host", s.host_iso3, s.start_date, s.end_date)
    for t in ds.terms:
        person = ds.persons[t.person_id]
        yield from check(
            f"{t.post} {person.name}'s nationality",
            person.nationality_iso3,
            t.start_date,
            t.end_date,
        )


RULES: tuple[Rule, ...] = (
    every_fact_is_cited,
    quotes_are_verbatim,
    no_overlaps,
    presidencies_pass_at_summits,
    roles_go_to_members,
)


def integrity(ds: Dataset) -> list[str]:
    return [problem for rule in RULES for problem in rule(ds)]


def claim_problems(ds: Dataset) -> list[str]:
    """Claims the data contradicts, and stored verdicts that differ from checking again
    (what /v1/sources serves would be stale: `sco-api seed` redoes them).

    A source that is wrong keeps its disagreement in the `note` of the fact it concerns;
    it carries no claim the data contradicts."""
    found = []
    for claim in ds.claims:
        result = claims.evaluate(ds, ds.sources[claim.source_id], claim.kind, claim.params)
        name = f"{claim.source_id}: {claim.statement!r}"
        if result.verdict == Verdict.contradicted:
            found.append(
                f"{name} is contradicted by the data ({result.detail}): correct the data, or "
                "drop the claim and record the disagreement in the note of the fact"
            )
        if (claim.verdict, claim.detail) != (result.verdict, result.detail):
            found.append(
                f"{name}: stored verdict {claim.verdict!r} ({claim.detail}) differs "
                f"from {result.verdict.value!r} ({result.detail})"
            )
    return found
