"""What answers are made of, whatever their kind: a state, a summit or a source as another
fact names them, names in the SCO's working languages, a dated fact's dates, and how surely
a fact holds on a day."""

from datetime import date
from typing import Any

from app.core.dates import DatedFact, Precision, certainly_holds, render
from app.domain.dataset import Dataset
from app.domain.fields import ExactDay, Many, Partial
from app.domain.kind import Kind
from app.domain.kinds import RENAMED
from app.domain.kinds.person import PersonRec
from app.domain.kinds.state import StateRec
from app.domain.public import Holds, Names, SourceRef, StateRef, Stating, SummitRef
from app.domain.records import FactKey, StatingRec


def sources_of(ds: Dataset, key: FactKey) -> list[SourceRef]:
    """A fact's sources as its answer lists them: made once per dataset (every answer
    naming the fact, on any day, shares them)."""
    return list(ds.remembered(("sources", key), lambda: _sources_of(ds, key)))


def _sources_of(ds: Dataset, key: FactKey) -> list[SourceRef]:
    return [
        SourceRef(
            id=c.source_id,
            title=ds.sources[c.source_id].title,
            quote=c.quote,
            states=stating(c.states),
        )
        for c in ds.citations_by_fact.get(key, [])
    ]


def stating(states: StatingRec | None) -> Stating | None:
    """The words of a citation that state its fact, its dates named as answers name them."""
    if states is None:
        return None
    dates = [RENAMED.get(d, d) for d in states.dates]
    return Stating(subject=states.subject, date=states.date, dates=dates)


def state_ref(ds: Dataset, iso3: str) -> StateRef:
    """A state as another fact's answer names it: made once per dataset."""
    s = ds.states[iso3]
    return ds.remembered(
        ("state", iso3),
        lambda: StateRef(
            iso3=s.iso3, iso2=s.iso2, numeric=s.numeric, name=s.name, names=names_of(s)
        ),
    )


def names_of(fact: StateRec | PersonRec) -> Names:
    return Names(en=fact.name, ru=fact.name_ru, zh=fact.name_zh)


def holds(fact: DatedFact, as_of: date | None) -> Holds | None:
    """How surely `fact` holds on `as_of` (None: no day asked)."""
    if as_of is None:
        return None
    return Holds.certainly if certainly_holds(fact, as_of) else Holds.possibly


def summit_ref(ds: Dataset, summit_id: str | None) -> SummitRef | None:
    summit = ds.summits.get(summit_id) if summit_id else None
    if summit is None:
        return None
    return SummitRef(
        id=summit.id,
        city=summit.city,
        start_date=summit.start_date.isoformat(),
        start_date_precision=Precision.day,
        end_date=summit.end_date.isoformat(),
        end_date_precision=Precision.day,
    )


def as_written(kind: Kind, record: Any) -> dict[str, object]:
    """What a record's answer shows as its kind declares it, under the names answers use: its
    fields that name no other fact (dates at their precision, with it beside them)."""
    refers = {name for name, _ in kind.references}
    shown: dict[str, object] = {}
    for f in kind.fields:
        if f.doc in refers or "." in f.said:
            continue
        value = getattr(record, f.col)
        if isinstance(f, Partial):
            precision = getattr(record, f.precision)
            shown |= {f.said: render(value, precision), f"{f.said}_precision": precision}
        elif isinstance(f, ExactDay):
            shown |= {f.said: value.isoformat(), f"{f.said}_precision": Precision.day}
        elif isinstance(f, Many):
            shown[f.said] = list(value)
        else:
            shown[f.said] = value
    return shown
