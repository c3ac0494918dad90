"""Claims: countable statements a source makes about the organisation, checked against the
dataset as it stands on the source's date (or on the day a claim names).

Each kind has a parameter model (validated when the dataset is loaded) and a check that
gives a verdict: `holds`, `contradicted`, or `not_covered` when the dataset does not hold
every fact of that kind on that day, so that a missing fact is never taken for a refutation.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from app.dataset import Dataset
from app.dates import holds_on
from app.models import Post, Source, Status, Verdict


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    on: date | None = None  # the day the claim speaks of; default: the source's date


@dataclass(frozen=True)
class Result:
    verdict: Verdict
    detail: str


def _verdict(ok: bool, detail: str) -> Result:
    return Result(Verdict.holds if ok else Verdict.contradicted, detail)


def _not_covered(kind: str, day: date) -> Result:
    return Result(Verdict.not_covered, f"the dataset does not cover every {kind} on {day}")


def _holders(ds: Dataset, status: Status, day: date) -> list[str]:
    return sorted(p.state_iso3 for p in ds.periods if p.status == status and holds_on(p, day))


class StatusCount(Params):
    status: Status
    count: int


def status_count(ds: Dataset, p: StatusCount, day: date) -> Result:
    if not ds.covered(p.status, day):
        return _not_covered(p.status, day)
    found = _holders(ds, p.status, day)
    return _verdict(len(found) == p.count, f"{len(found)} {p.status} on {day}: {', '.join(found)}")


class StatusSet(Params):
    status: Status
    states: list[str]


def status_set(ds: Dataset, p: StatusSet, day: date) -> Result:
    if not ds.covered(p.status, day):
        return _not_covered(p.status, day)
    found, said = _holders(ds, p.status, day), sorted(p.states)
    missing, extra = sorted(set(said) - set(found)), sorted(set(found) - set(said))
    detail = f"{p.status} on {day}: {', '.join(found)}"
    if missing or extra:
        detail += (
            f" (claimed but absent: {missing or 'none'}; present but unclaimed: {extra or 'none'})"
        )
    return _verdict(not missing and not extra, detail)


class GrantedAtSummit(Params):
    state: str
    status: Status
    summit: str


def granted_at_summit(ds: Dataset, p: GrantedAtSummit, day: date) -> Result:
    summit = ds.summits.get(p.summit)
    if summit is None:
        return _verdict(False, f"no summit {p.summit!r} in the dataset")
    for period in ds.periods_by_state.get(p.state, []):
        if period.status != p.status:
            continue
        granted = period.decided_on or period.start_date
        if summit.start_date <= granted <= summit.end_date:
            return _verdict(
                True,
                f"{p.state} {p.status} from {period.start_date}, "
                f"decided at the {summit.city} summit ({summit.end_date})",
            )
    return _verdict(False, f"no {p.status} period of {p.state} was granted at {summit.id}")


class Anniversary(Params):
    years: int
    year: int


def anniversary(ds: Dataset, p: Anniversary, day: date) -> Result:
    starts = [q.start_date for q in ds.periods if q.status == Status.member]
    founded = min(starts, default=day)
    if not ds.covered(Status.member, founded):
        return _not_covered("member", founded)
    return _verdict(
        founded.year + p.years == p.year,
        f"founded {founded}; {p.years} years on is {founded.year + p.years}",
    )


class OfficeHolder(Params):
    person: str
    post: Post = Post.secretary_general


def office_holder(ds: Dataset, p: OfficeHolder, day: date) -> Result:
    if not ds.covered(p.post, day):
        return _not_covered(p.post, day)
    holders = [t.person_id for t in ds.terms if t.post == p.post and holds_on(t, day)]
    return _verdict(holders == [p.person], f"{p.post} on {day}: {', '.join(holders) or 'none'}")


class TermBoundary(Params):
    person: str
    post: Post = Post.secretary_general
    start_date: date | None = None
    end_date: date | None = None


def term_boundary(ds: Dataset, p: TermBoundary, day: date) -> Result:
    terms = [t for t in ds.terms if t.person_id == p.person and t.post == p.post]
    ok = any(
        (p.start_date is None or t.start_date == p.start_date)
        and (p.end_date is None or t.end_date == p.end_date)
        for t in terms
    )
    held = "; ".join(f"{t.start_date} to {t.end_date or 'today'}" for t in terms) or "no term"
    return _verdict(ok, f"{p.person} as {p.post}: {held}")


class Nationality(Params):
    person: str
    state: str


def nationality(ds: Dataset, p: Nationality, day: date) -> Result:
    person = ds.persons.get(p.person)
    found = person.nationality_iso3 if person else "unknown person"
    return _verdict(found == p.state, f"{p.person}: {found}")


class PresidencyAfter(Params):
    chair: str
    after: str
    start_year: int | None = None
    end_year: int | None = None


def presidency_after(ds: Dataset, p: PresidencyAfter, day: date) -> Result:
    chain = ds.presidencies
    for before, current in itertools.pairwise(chain):
        if current.chair_iso3 != p.chair:
            continue
        years_ok = (p.start_year in (None, current.start_date.year)) and (
            p.end_year is None
            or (current.end_date is not None and current.end_date.year == p.end_year)
        )
        follows = before.chair_iso3 == p.after and before.end_date == (
            current.start_date - timedelta(days=1)
        )
        return _verdict(
            follows and years_ok,
            f"{before.chair_iso3} to {before.end_date}, then {current.chair_iso3} "
            f"{current.start_date} to {current.end_date or 'today'}",
        )
    return _verdict(False, f"no presidency of {p.chair} follows another in the dataset")


class SummitHosted(Params):
    host: str
    year: int


def summit_hosted(ds: Dataset, p: SummitHosted, day: date) -> Result:
    found = [
        s.id for s in ds.summits.values() if s.host_iso3 == p.host and s.start_date.year == p.year
    ]
    return _verdict(bool(found), f"summits hosted by {p.host} in {p.year}: {found or 'none'}")


class Seat(Params):
    body: str
    city: str | None = None
    state: str | None = None


def seat(ds: Dataset, p: Seat, day: date) -> Result:
    body = next((b for b in ds.bodies if b.id == p.body), None)
    if body is None:
        return _verdict(False, f"no permanent body {p.body!r}")
    ok = p.city in (None, body.seat_city) and p.state in (None, body.seat_state_iso3)
    return _verdict(ok, f"{body.name}: {body.seat_city}, {body.seat_state_iso3}")


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


def parse_params(kind: str, params: dict[str, Any]) -> Params:
    """Validate a claim's parameters; raises ValueError naming the problem."""
    if kind not in KINDS:
        raise ValueError(f"unknown claim kind {kind!r} (known: {', '.join(sorted(KINDS))})")
    return KINDS[kind].params.model_validate(params)


def evaluate(ds: Dataset, source: Source, kind: str, params: dict[str, Any]) -> Result:
    """Check one claim against the dataset, on the day it speaks of."""
    parsed = parse_params(kind, params)
    day = parsed.on or source.published_on
    if day is None:
        return Result(Verdict.not_covered, "neither the claim nor its source gives a date")
    return KINDS[kind].check(ds, parsed, day)
