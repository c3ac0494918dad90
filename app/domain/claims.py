"""Claims: countable statements a source makes about the organisation, checked against the
dataset as it stands on the source's date (or on the day a claim names).

Each kind has a parameter model (validated when the dataset is loaded) and a check. The
verdict is `holds` or `contradicted` where the data decides it; `not_covered` where the
claim rests on the absence of a fact in a period the dataset does not cover completely,
so a missing fact is never taken for a refutation; `undetermined` where dates known only to
the month or year leave both answers open.
"""

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from app.core.dates import DatedFact, Precision, certainly_holds, could_be, holds_on
from app.domain.dataset import Dataset
from app.domain.kinds.source import SourceRec
from app.domain.tables import Post, Status, Verdict

Year = Annotated[int, Field(ge=1900, le=2999)]


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    on: date | None = None  # the day the claim speaks of; default: the source's date


@dataclass(frozen=True)
class Result:
    verdict: Verdict
    detail: str


def _decide(ok: bool, detail: str) -> Result:
    return Result(Verdict.holds if ok else Verdict.contradicted, detail)


def _not_covered(kind: str, day: date) -> Result:
    return Result(Verdict.not_covered, f"the dataset does not cover every {kind} on {day}")


def _who(
    facts: Iterable[DatedFact], name: Callable[[Any], str], day: date
) -> tuple[list[str], list[str]]:
    """Who certainly holds on `day`, and who may (imprecise dates widen the second)."""
    facts = list(facts)
    certain = sorted(name(f) for f in facts if certainly_holds(f, day))
    possible = sorted(name(f) for f in facts if holds_on(f, day))
    return certain, possible


def _compare(certain: list[str], possible: list[str], said: set[str] | int, detail: str) -> Result:
    """Decide a claim about who holds (a set of holders, or how many): the truth lies
    between those who certainly hold and those who may, so a claim in that range is
    undetermined unless the two are the same."""
    if isinstance(said, int):
        exact, could = len(certain) == said, len(certain) <= said <= len(possible)
    else:
        exact, could = set(certain) == said, set(certain) <= said <= set(possible)
    if certain == possible:
        return _decide(exact, detail)
    if could:
        return Result(Verdict.undetermined, f"{detail} (certainly: {', '.join(certain)})")
    return _decide(False, detail)


class StatusCount(Params):
    status: Status
    count: int


def status_count(ds: Dataset, p: StatusCount, day: date) -> Result:
    if not ds.covered(p.status, day):
        return _not_covered(p.status, day)
    certain, possible = _who(
        (q for q in ds.periods if q.status == p.status), lambda q: q.state_iso3, day
    )
    return _compare(
        certain, possible, p.count, f"{len(possible)} {p.status} on {day}: {', '.join(possible)}"
    )


class StatusSet(Params):
    status: Status
    states: list[str]


def status_set(ds: Dataset, p: StatusSet, day: date) -> Result:
    if not ds.covered(p.status, day):
        return _not_covered(p.status, day)
    certain, possible = _who(
        (q for q in ds.periods if q.status == p.status), lambda q: q.state_iso3, day
    )
    said = sorted(p.states)
    detail = f"{p.status} on {day}: {', '.join(possible)}"
    missing, extra = sorted(set(said) - set(possible)), sorted(set(possible) - set(said))
    if missing or extra:
        detail += f" (claimed, absent: {missing or 'none'}; present, unclaimed: {extra or 'none'})"
    return _compare(certain, possible, set(said), detail)


class GrantedAtSummit(Params):
    state: str
    status: Status
    summit: str


def granted_at_summit(ds: Dataset, p: GrantedAtSummit, day: date) -> Result:
    """Holds when a period of the status was decided or took effect during the summit: a
    state "joins at" the summit that admits it, whether or not the decision came earlier."""
    summit = ds.summits[p.summit]
    undecided = None
    for period in ds.periods_by_state.get(p.state, []):
        if period.status != p.status:
            continue
        moments = [(period.decided_on, period.decided_precision)] if period.decided_on else []
        for granted, precision in [*moments, (period.start_date, period.start_precision)]:
            if (
                precision in (None, Precision.day)
                and summit.start_date <= granted <= summit.end_date
            ):
                return _decide(
                    True,
                    f"{p.state} {p.status} from {period.start_date}, granted at "
                    f"{summit.city} ({granted})",
                )
            if any(could_be(granted, precision, d) for d in (summit.start_date, summit.end_date)):
                undecided = f"{p.state} {p.status} granted {granted:%Y} ({precision} only)"
    if undecided:
        return Result(Verdict.undetermined, undecided)
    if not ds.covered(p.status, summit.start_date):
        return _not_covered(p.status, summit.start_date)
    return _decide(False, f"no {p.status} period of {p.state} was granted at {summit.id}")


class Anniversary(Params):
    years: int = Field(ge=1, le=1000)
    year: Year


def anniversary(ds: Dataset, p: Anniversary, day: date) -> Result:
    founders = [q for q in ds.periods if q.status == Status.member]
    if not founders or not ds.covered(Status.member, founders[0].start_date):
        return _not_covered(Status.member, day)
    founded = founders[0].start_date  # periods are in order of start
    return _decide(
        founded.year + p.years == p.year,
        f"founded {founded}; {p.years} years on is {founded.year + p.years}",
    )


class OfficeHolder(Params):
    person: str
    post: Post = Post.secretary_general


def office_holder(ds: Dataset, p: OfficeHolder, day: date) -> Result:
    if not ds.covered(p.post, day):
        return _not_covered(p.post, day)
    certain, possible = _who((t for t in ds.terms if t.post == p.post), lambda t: t.person_id, day)
    return _compare(
        certain, possible, {p.person}, f"{p.post} on {day}: {', '.join(possible) or 'none'}"
    )


class TermBoundary(Params):
    person: str
    post: Post = Post.secretary_general
    start_date: date | None = None
    end_date: date | None = None


def term_boundary(ds: Dataset, p: TermBoundary, day: date) -> Result:
    terms = [t for t in ds.terms if t.person_id == p.person and t.post == p.post]
    held = "; ".join(f"{t.start_date} to {t.end_date or 'today'}" for t in terms) or "no term"
    detail = f"{p.person} as {p.post}: {held}"
    verdicts = []
    for t in terms:
        checks = [
            (value, precision, claimed)
            for value, precision, claimed in (
                (t.start_date, t.start_precision, p.start_date),
                (t.end_date, t.end_precision, p.end_date),
            )
            if claimed is not None
        ]
        if any(value is None or not could_be(value, prec, c) for value, prec, c in checks):
            continue
        exact = all(prec in (None, Precision.day) for _, prec, _ in checks)
        verdicts.append(Verdict.holds if exact else Verdict.undetermined)
    if Verdict.holds in verdicts:
        return _decide(True, detail)
    if verdicts:
        return Result(Verdict.undetermined, f"{detail} (dates known only to the month or year)")
    return _decide(False, detail)


class Nationality(Params):
    person: str
    state: str


def nationality(ds: Dataset, p: Nationality, day: date) -> Result:
    found = ds.persons[p.person].nationality_iso3
    if found is None:
        return Result(Verdict.undetermined, f"{p.person}: no nationality recorded")
    return _decide(found == p.state, f"{p.person}: {found}")


class PresidencyAfter(Params):
    chair: str
    after: str
    start_year: Year | None = None
    end_year: Year | None = None


def presidency_after(ds: Dataset, p: PresidencyAfter, day: date) -> Result:
    chain = ds.presidencies
    seen = []
    for before, current in itertools.pairwise(chain):
        if current.chair_iso3 != p.chair:
            continue
        seen.append(
            f"{before.chair_iso3} to {before.end_date}, then {current.chair_iso3} "
            f"{current.start_date} to {current.end_date or 'today'}"
        )
        follows = before.chair_iso3 == p.after and before.end_date == (
            current.start_date - timedelta(days=1)
        )
        years = p.start_year in (None, current.start_date.year) and p.end_year in (
            None,
            current.end_date.year if current.end_date else None,
        )
        if follows and years:
            return _decide(True, seen[-1])
    since = date(p.start_year, 1, 1) if p.start_year else day
    if not ds.covered("presidency", since):
        return _not_covered("presidency", since)
    return _decide(False, "; ".join(seen) or f"no presidency of {p.chair} follows another")


class SummitHosted(Params):
    host: str
    year: Year


def summit_hosted(ds: Dataset, p: SummitHosted, day: date) -> Result:
    found = _hosted(ds).get((p.host, p.year), [])
    if found:
        return _decide(True, f"summits hosted by {p.host} in {p.year}: {', '.join(found)}")
    if not ds.covered("summit", date(p.year, 1, 1)):
        return _not_covered("summit", date(p.year, 1, 1))
    return _decide(False, f"no summit hosted by {p.host} in {p.year}")


def _hosted(ds: Dataset) -> dict[tuple[str, int], list[str]]:
    """The summits by host and year of their first day, listed once per dataset (a claim
    each would otherwise look through every summit)."""

    def made() -> dict[tuple[str, int], list[str]]:
        by: dict[tuple[str, int], list[str]] = {}
        for s in ds.summits.values():
            by.setdefault((s.host_iso3, s.start_date.year), []).append(s.id)
        return by

    return ds.remembered("summits by host and year", made)


class Seat(Params):
    body: str
    city: str | None = None
    state: str | None = None


def seat(ds: Dataset, p: Seat, day: date) -> Result:
    """Where a body is seated on the day (a permanent body of an earlier version: where its
    record says)."""
    organ = ds.records.get("body", {}).get(p.body)
    if organ is None:
        body = next(b for b in ds.bodies if b.id == p.body)
        ok = p.city in (None, body.seat_city) and p.state in (None, body.seat_state_iso3)
        return _decide(ok, f"{body.name}: {body.seat_city}, {body.seat_state_iso3}")
    seats = [s for s in ds.records.get("seat", {}).values() if s.body_id == p.body]
    held = [s for s in seats if holds_on(s, day)]
    if not held:
        if not ds.covered("seat", day):
            return _not_covered("seat", day)
        return _decide(False, f"{organ.name}: no seat on {day}")
    s = held[0]
    ok = p.city in (None, s.city) and p.state in (None, s.state_iso3)
    return _decide(ok, f"{organ.name}: {s.city}, {s.state_iso3} on {day}")


@dataclass(frozen=True)
class Kind:
    params: type[Params]
    check: Callable[[Dataset, Any, date], Result]


KINDS: dict[str, Kind] = {
    "status_count": Kind(StatusCount, status_count),
    "status_set": Kind(StatusSet, status_set),
    "granted_at_summit": Kind(GrantedAtSummit, granted_at_summit),
    "anniversary": Kind(Anniversary, anniversary),
    "office_holder": Kind(OfficeHolder, office_holder),
    "term_boundary": Kind(TermBoundary, term_boundary),
    "nationality": Kind(Nationality, nationality),
    "presidency_after": Kind(PresidencyAfter, presidency_after),
    "summit_hosted": Kind(SummitHosted, summit_hosted),
    "seat": Kind(Seat, seat),
}

# Parameters that name states: each must be an ISO 3166-1 alpha-3 code (the state need not
# be in the dataset: a claim may wrongly name one).
STATE_PARAMETERS = ("state", "host", "chair", "after", "states")


def parse_params(kind: str, params: dict[str, Any]) -> Params:
    """Validate a claim's parameters; raises ValueError naming the problem."""
    if kind not in KINDS:
        raise ValueError(f"unknown claim kind {kind!r} (known: {', '.join(sorted(KINDS))})")
    return KINDS[kind].params.model_validate(params)


def evaluate(ds: Dataset, source: SourceRec, kind: str, params: dict[str, Any]) -> Result:
    """Check one claim against the dataset, on the day it speaks of."""
    parsed = parse_params(kind, params)
    if parsed.on is not None:
        day = parsed.on
    elif source.published_on is None:
        return Result(Verdict.undetermined, "neither the claim nor its source gives a day")
    elif source.published_precision not in (None, Precision.day):
        return Result(Verdict.undetermined, "the source's date has no day; give the claim `on`")
    else:
        day = source.published_on
    return KINDS[kind].check(ds, parsed, day)
