"""How the read model (app.domain.dataset) is built from the facts' documents: records with their
indexes, in orders set here, and each claim's verdict evaluated against the dataset it is
part of."""

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from app.domain import claims as claim_checks
from app.domain.dataset import Dataset
from app.domain.facts import Facts, claim_id
from app.domain.kinds import KINDS
from app.domain.records import (
    CitationRec,
    ClaimRec,
    StatingRec,
)


def _by_start(facts: Iterable[Any]) -> list[Any]:
    return sorted(facts, key=lambda f: (f.start_date, f.id))


def build(facts: Facts, epoch: str = "", version: int = 0, at: datetime | None = None) -> Dataset:
    """The read model of `facts`, its claims evaluated. The facts must pass the reference
    rules (app.domain.rules.references): every state, person, summit and source they name exists."""
    d = facts.docs

    def rev(kind: str, fact_id: str) -> int:
        return facts.revisions.get((kind, fact_id), 1)

    records = {
        kind.name: {
            i: kind.record_of(doc, rev(kind.name, i))
            for i, doc in sorted(d[kind.name].items(), key=lambda kv: kind.file_order(kv[1], []))
        }
        for kind in KINDS
    }
    citations = [
        CitationRec(
            kind=kind,
            fact_id=fact_id,
            source_id=c["source"],
            quote=c.get("quote"),
            states=_stating(c.get("states")),
        )
        for kind in (k.name for k in KINDS if k.cited)
        # In the records' order (each kind's own), not the documents': a table read gives
        # its rows in whatever order the database keeps them, which a write can change.
        for fact_id in records[kind]
        for c in d[kind][fact_id].get("sources", [])
    ]
    claims = [
        ClaimRec(
            source_id=i,
            statement=c["statement"],
            kind=c["kind"],
            params=c.get("params", {}),
            note=c.get("note"),
            id=claim_id(i, c),
        )
        for i in sorted(d["source"])
        for c in d["source"][i].get("claims", [])
    ]
    ds = Dataset(
        epoch=epoch,
        version=version,
        committed_at=at,
        facts=facts,
        states={s.iso3: s for s in sorted(records["state"].values(), key=lambda s: s.name)},
        periods=_by_start(records["status_period"].values()),
        persons={p.id: p for p in sorted(records["person"].values(), key=lambda p: p.id)},
        terms=_by_start(records["term"].values()),
        summits={s.id: s for s in _by_start(records["summit"].values())},
        presidencies=_by_start(records["presidency"].values()),
        bodies=sorted(records["permanent_body"].values(), key=lambda b: b.id),
        sources={s.id: s for s in sorted(records["source"].values(), key=lambda s: s.id)},
        citations=citations,
        claims=[],
        coverage=dict(records["coverage"]),
        records=records,
    )
    return replace(ds, claims=[_evaluated(ds, claim) for claim in claims])


def _stating(states: dict[str, Any] | None) -> StatingRec | None:
    if not states:
        return None
    return StatingRec(states["subject"], states.get("date"), tuple(states.get("dates") or ()))


def _evaluated(ds: Dataset, claim: ClaimRec) -> ClaimRec:
    """The claim with its verdict on `ds` (undetermined, saying why, when it cannot be read)."""
    try:
        result = claim_checks.evaluate(ds, ds.sources[claim.source_id], claim.kind, claim.params)
    except (ValueError, KeyError, StopIteration) as exc:  # app.domain.rules names such a claim
        return replace(claim, verdict="undetermined", detail=str(exc))
    return replace(claim, verdict=result.verdict, detail=result.detail)
