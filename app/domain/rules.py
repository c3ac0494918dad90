"""The one rule set: every write (the seed, an import, a curator's change) is refused
unless the candidate dataset passes it, and `sco-api check` runs it on the database.

First the references (every state, person, summit and source a fact names exists; claim
parameters are well formed), without which the read model cannot be built; then the
integrity rules on the read model (sources on every fact, quotes verbatim, no overlaps,
presidencies passing at summits, roles held by members); then the claims. Each problem
names the fact at fault.
"""

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from app.core.dates import FOUNDED, follows, holds_on, latest, overlaps, today
from app.domain import claims, stating
from app.domain.building import build
from app.domain.countries import is_country
from app.domain.dataset import Dataset, describe
from app.domain.facts import Facts, claim_id
from app.domain.fields import Doc
from app.domain.kinds import BY_NAME, KINDS
from app.domain.records import DatedRec, FactKey
from app.domain.tables import Status, Verdict
from app.domain.text import dotted, faults


@dataclass(frozen=True)
class Problem:
    """A broken rule, and the fact it concerns where there is one."""

    message: str
    fact: FactKey | None = None
    # The field of the fact's document at fault, where one is (`start`, `sources`, `chair`).
    field: str | None = None
    # The fact it collides with, for a clash of periods (a conflict, not a malformed fact).
    conflict: FactKey | None = None

    def __str__(self) -> str:
        return self.message


Rule = Callable[[Dataset], Iterator[Problem]]


def references(facts: Facts) -> list[Problem]:
    """What a fact names must exist: states (ISO codes), people, summits, sources."""
    d = facts.docs
    problems: list[Problem] = []

    def need(key: FactKey, what: str, kind: str, value: str | list[str] | None, field: str) -> None:
        for one in value if isinstance(value, list) else [value]:
            if one is not None and one not in d[kind]:
                listed = "is not listed" if kind != "state" else "has no state entry"
                message = f"{key[0]} {key[1]}: {what} {one!r} {listed}"
                problems.append(Problem(message, key, field))

    for iso3 in d["state"]:
        if not is_country(iso3):
            problems.append(
                Problem(f"state {iso3!r} is not an ISO 3166-1 alpha-3 code", ("state", iso3))
            )
    for kind, docs in d.items():
        for fact_id, doc in docs.items():
            key = (kind, fact_id)
            for field, target in BY_NAME[kind].references:
                need(key, field, target, doc.get(field), field)
            for c in doc.get("sources", []):
                need(key, "source", "source", c["source"], "sources")
    problems += _claim_references(d)
    return problems


def _claim_references(d: dict[str, dict[str, Doc]]) -> list[Problem]:
    """What the claims name must exist, and no claim be made twice."""
    problems: list[Problem] = []
    for source_id, source in d["source"].items():
        ids = [claim_id(source_id, claim) for claim in source.get("claims", [])]
        for i, (claim, made) in enumerate(zip(source.get("claims", []), ids, strict=True)):
            if made in ids[:i]:
                message = (
                    f"source {source_id}: the claim {claim['statement']!r} is made twice, read "
                    "the same way (give it once)"
                )
                problems.append(Problem(message, ("source", source_id), "claims"))
        for claim in source.get("claims", []):
            try:
                params = claims.parse_params(claim["kind"], claim["params"])
            except ValueError as exc:
                message = f"claim of {source_id} {claim['statement']!r}: {exc}"
                problems.append(Problem(message, ("source", source_id)))
                continue
            for name, targets in (
                ("person", ("person",)),
                ("summit", ("summit",)),
                ("body", ("body", "permanent_body")),
            ):
                value = getattr(params, name, None)
                if value is not None and all(value not in d[t] for t in targets):
                    message = (
                        f"claim of {source_id} {claim['statement']!r}: unknown {name} {value!r}"
                    )
                    problems.append(Problem(message, ("source", source_id)))
            for name in claims.STATE_PARAMETERS:
                value = getattr(params, name, None)
                codes = value if isinstance(value, list) else [] if value is None else [value]
                problems += [
                    Problem(
                        f"claim of {source_id} {claim['statement']!r}: {name} {code!r} is not "
                        "an ISO 3166-1 alpha-3 code",
                        ("source", source_id),
                    )
                    for code in codes
                    if not is_country(code) or code != code.upper()
                ]
    return problems


def every_fact_is_cited(ds: Dataset) -> Iterator[Problem]:
    for key, fact in ds.by_id.items():
        if BY_NAME[key[0]].needs_source(fact) and key not in ds.citations_by_fact:
            yield Problem(f"{key[0].replace('_', ' ')} {key[1]} cites no source", key, "sources")


def quotes_are_verbatim(ds: Dataset) -> Iterator[Problem]:
    for citation in ds.citations:
        if citation.quote is None:
            continue
        text = ds.sources[citation.source_id].text
        if text is None or citation.quote not in text:
            _, fact = describe(ds, citation)
            yield Problem(
                f"{fact}: the quote {citation.quote!r} is not in the stored text of source "
                f"{citation.source_id!r}",
                citation.fact,
                "sources",
            )
    for claim in ds.claims:
        text = ds.sources[claim.source_id].text
        if text is None or claim.statement not in text:
            yield Problem(
                f"claim {claim.statement!r} is not in the stored text of {claim.source_id!r}",
                ("source", claim.source_id),
            )


def _clashes(kind: str, label: str, periods: Sequence[DatedRec]) -> Iterator[Problem]:
    for i, a in enumerate(periods):
        for b in periods[i + 1 :]:
            if overlaps(a, b):
                yield Problem(
                    f"{label}: {kind} {b.id} ({b.start_date}..{b.end_date or ''}) overlaps "
                    f"{a.id} ({a.start_date}..{a.end_date or ''})",
                    (kind, b.id),
                    "start",
                    (kind, a.id),
                )


def no_overlaps(ds: Dataset) -> Iterator[Problem]:
    """Of a kind whose facts hold one at a time, no two that share a holder overlap."""
    for kind in KINDS:
        if kind.one_at_a_time is None:
            continue
        label, holder = kind.one_at_a_time
        held: dict[str, list[DatedRec]] = {}
        for fact in ds.records[kind.name].values():  # by start
            held.setdefault(holder(fact), []).append(fact)
        for key, facts in held.items():
            yield from _clashes(kind.name, label.format(key), facts)


def presidencies_pass_at_summits(ds: Dataset) -> Iterator[Problem]:
    chain = ds.presidencies
    for p in chain:
        summit = ds.summits.get(p.summit_id) if p.summit_id else None
        if summit is not None and p.end_date != summit.end_date:
            yield Problem(
                f"presidency {p.id} ends {p.end_date}, not on the last day of "
                f"the summit that closed it ({summit.id}, {summit.end_date})",
                ("presidency", p.id),
                "end",
            )
    for before, after in itertools.pairwise(chain):
        if before.summit_id and before.end_date and not follows(before, after):
            yield Problem(
                f"presidency {after.id} starts {after.start_date}, not the day "
                f"after {before.chair_iso3}'s closed at {before.summit_id} ({before.end_date})",
                ("presidency", after.id),
                "start",
            )


def _member_throughout(ds: Dataset, iso3: str, start: date, end: date | None) -> bool:
    """Whether one membership period of `iso3` covers start..end (end None: to today)."""
    last = end or today()
    return any(
        p.status == Status.member and holds_on(p, start) and holds_on(p, last)
        for p in ds.periods_by_state.get(iso3, [])
    )


def roles_go_to_members(ds: Dataset) -> Iterator[Problem]:
    def check(
        fact: FactKey, what: str, iso3: str, start: date, end: date | None, field: str
    ) -> Iterator[Problem]:
        if ds.covered(Status.member, start) and not _member_throughout(ds, iso3, start, end):
            yield Problem(
                f"{what}: {iso3} is not a member state from {start} to {end or 'today'}",
                fact,
                field,
            )

    for p in ds.presidencies:
        yield from check(
            ("presidency", p.id),
            f"presidency {p.id}",
            p.chair_iso3,
            p.start_date,
            p.end_date,
            "chair",
        )
    for s in ds.summits.values():
        yield from check(
            ("summit", s.id), f"summit {s.id} host", s.host_iso3, s.start_date, s.end_date, "host"
        )
    for t in ds.terms:
        person = ds.persons[t.person_id]
        if person.nationality_iso3 is None:  # no source gives it: nothing to check
            continue
        yield from check(
            ("term", t.id),
            f"term {t.id}: {person.name}'s nationality",
            person.nationality_iso3,
            t.start_date,
            t.end_date,
            "person",
        )


def nothing_before_the_founding(ds: Dataset) -> Iterator[Problem]:
    """No dated fact (a status, a term, a presidency) can start before the organisation was
    founded (summits and sources may: the Shanghai Five met before it). A start known only to the
    month or year is refused only when even its last day is before the founding."""
    dated = [
        (kind.name, fact) for kind in KINDS if kind.dated for fact in ds.records[kind.name].values()
    ]
    for kind, fact in dated:
        if fact.start_date is None:  # a body whose first day of work is not known
            continue
        if latest(fact.start_date, fact.start_precision) < FOUNDED:
            yield Problem(
                f"{kind.replace('_', ' ')} {fact.id} starts {fact.start_date}, before the "
                f"organisation was founded on {FOUNDED}",
                (kind, fact.id),
                "start",
            )


# Other names are data, each quoted in a citation of its fact: the aliases of every kind
# (a state's, a person's, a summit's place's, a founding act's, ...). Names by language
# (a title in Russian) are not held to it: a quote may give them in another case.
QUOTED_NAMES = ("aliases",)


def _names_in(value: object) -> list[str]:
    if isinstance(value, dict):
        return [v for v in value.values() if isinstance(v, str)]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def names_are_quoted(ds: Dataset) -> Iterator[Problem]:
    """A person's Russian and Chinese names and any alias (a state's, a person's, a summit's
    place's) are data like any other: each
    occurs in a quote of one of the fact's own citations."""
    named: list[tuple[str, str, str, str | None]] = [
        *(("state", s.iso3, "names", n) for s in ds.states.values() for n in s.sco_names.values()),
        *(("person", p.id, "name_ru", p.name_ru) for p in ds.persons.values()),
        *(("person", p.id, "name_zh", p.name_zh) for p in ds.persons.values()),
        # every kind's aliases, and the names by language of the kinds that write them
        *(
            (kind.name, fact.id, f.doc, name)
            for kind in KINDS
            for f in kind.fields
            if f.doc in QUOTED_NAMES and kind.cited
            for fact in ds.records[kind.name].values()
            for name in _names_in(getattr(fact, f.col))
        ),
    ]
    for kind, fact_id, field, name in named:
        quotes = [c.quote or "" for c in ds.citations_by_fact.get((kind, fact_id), [])]
        if name and not any(name in quote for quote in quotes):
            yield Problem(
                f"{kind} {fact_id}: {name!r} occurs in none of its sources' quotes",
                (kind, fact_id),
                field,
            )


def facts_are_stated(ds: Dataset) -> Iterator[Problem]:
    """Every fact has a citation whose quote states it (app.domain.stating)."""
    for key, field, message in stating.facts_are_stated(ds):
        yield Problem(message, key, field)


RULES: tuple[Rule, ...] = (
    every_fact_is_cited,
    facts_are_stated,
    names_are_quoted,
    quotes_are_verbatim,
    no_overlaps,
    presidencies_pass_at_summits,
    roles_go_to_members,
    nothing_before_the_founding,
)


def no_contradicted_claims(ds: Dataset) -> Iterator[Problem]:
    """A source that is wrong keeps its disagreement in the `note` of the fact it
    concerns; it carries no claim the data contradicts."""
    for claim in ds.claims:
        if claim.verdict == Verdict.contradicted:
            yield Problem(
                f"{claim.source_id}: {claim.statement!r} is contradicted by the data "
                f"({claim.detail}): correct the data, or drop the claim and record the "
                "disagreement in the note of the fact",
                ("source", claim.source_id),
            )


RULES = (*RULES, no_contradicted_claims)


def text_is_kept(facts: Facts) -> list[Problem]:
    """Every text and number of every fact is one both engines keep (app.domain.text): no
    NUL, no control character but tab and newline, no unpaired surrogate, no integer
    beyond the database's."""
    problems = []
    for kind, docs in facts.docs.items():
        for fact_id, doc in docs.items():
            for path, fault in faults(doc):
                field = str(path[0]) if path else None
                message = f"{kind} {fact_id}: {dotted(path) or 'its document'}: {fault}"
                problems.append(Problem(message, (kind, fact_id), field))
    return problems


def check(facts: Facts, epoch: str = "", version: int = 0) -> tuple[Dataset | None, list[Problem]]:
    """Run the whole rule set on `facts`: the read model (None when references are broken
    and it cannot be built) and every problem found."""
    texts = text_is_kept(facts)
    problems = references(facts)
    if problems:
        return None, texts + problems
    ds = build(facts, epoch, version)
    return ds, texts + [problem for rule in RULES for problem in rule(ds)]
