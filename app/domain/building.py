"""How the read model (app.domain.dataset) is built from the facts' documents: records with their
indexes, in orders set here, and each claim's verdict evaluated against the dataset it is
part of."""

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from app.core.dates import Precision, parse
from app.domain import claims as claim_checks
from app.domain.countries import country_names
from app.domain.dataset import (
    BodyRec,
    CitationRec,
    ClaimRec,
    CoverageRec,
    Dataset,
    PeriodRec,
    PersonRec,
    PresidencyRec,
    SourceRec,
    StateRec,
    SummitRec,
    TermRec,
)
from app.domain.kinds import KINDS, Doc, Facts, claim_id


def _partial(text: str | None, *, end: bool = False) -> tuple[date | None, Precision | None]:
    if text is None:
        return None, None
    value, precision = parse(text, end=end)
    return value, precision


def _dated(doc: Doc, revision: int) -> dict[str, Any]:
    start, start_precision = parse(doc["start"])
    end, end_precision = _partial(doc.get("end"), end=True)
    return {
        "id": doc["id"],
        "revision": revision,
        "start_date": start,
        "start_precision": start_precision,
        "end_date": end,
        "end_precision": end_precision,
        "note": doc.get("note"),
    }


def _by_start(facts: list[Any]) -> list[Any]:
    return sorted(facts, key=lambda f: (f.start_date, f.id))


def build(facts: Facts, epoch: str = "", version: int = 0, at: datetime | None = None) -> Dataset:
    """The read model of `facts`, its claims evaluated. The facts must pass the reference
    rules (app.domain.rules.references): every state, person, summit and source they name exists."""
    d = facts.docs

    def rev(kind: str, fact_id: str) -> int:
        return facts.revisions.get((kind, fact_id), 1)

    states = [
        StateRec(
            iso3=i,
            revision=rev("state", i),
            wikidata_qid=s.get("wikidata"),
            aliases=tuple(s.get("aliases", ())),
            **country_names(i),
        )
        for i, s in d["state"].items()
    ]
    periods = [
        PeriodRec(
            **_dated(p, rev("status_period", i)),
            state_iso3=p["state"],
            status=p["status"],
            decided_on=_partial(p.get("decided"))[0],
            decided_precision=_partial(p.get("decided"))[1],
        )
        for i, p in d["status_period"].items()
    ]
    persons = [
        PersonRec(
            id=i,
            revision=rev("person", i),
            name=p["name"],
            name_ru=p.get("name_ru"),
            name_zh=p.get("name_zh"),
            nationality_iso3=p["nationality"],
            wikidata_qid=p.get("wikidata"),
            aliases=tuple(p.get("aliases", ())),
        )
        for i, p in d["person"].items()
    ]
    terms = [
        TermRec(**_dated(t, rev("term", i)), person_id=t["person"], post=t["post"])
        for i, t in d["term"].items()
    ]
    summits = [
        SummitRec(
            id=i,
            revision=rev("summit", i),
            start_date=parse(s["start"])[0],
            start_precision=Precision.day,
            end_date=parse(s["end"])[0],
            end_precision=Precision.day,
            note=s.get("note"),
            host_iso3=s["host"],
            city=s["city"],
            format=s["format"],
        )
        for i, s in d["summit"].items()
    ]
    presidencies = [
        PresidencyRec(
            **_dated(p, rev("presidency", i)), chair_iso3=p["chair"], summit_id=p.get("summit")
        )
        for i, p in d["presidency"].items()
    ]
    bodies = [
        BodyRec(
            id=i,
            revision=rev("permanent_body", i),
            name=b["name"],
            seat_city=b["seat_city"],
            seat_state_iso3=b["seat_state"],
            note=b.get("note"),
        )
        for i, b in d["permanent_body"].items()
    ]
    sources = [
        SourceRec(
            id=i,
            revision=rev("source", i),
            kind=s["kind"],
            title=s["title"],
            publisher=s["publisher"],
            published_on=_partial(s.get("published"))[0],
            published_precision=_partial(s.get("published"))[1],
            url=s.get("url"),
            language=s["language"],
            text=s.get("text"),
            text_scope=s.get("text_scope"),
        )
        for i, s in d["source"].items()
    ]
    citations = [
        CitationRec(kind=kind, fact_id=fact_id, source_id=c["source"], quote=c.get("quote"))
        for kind in (k.name for k in KINDS if k.cited)
        for fact_id, doc in d[kind].items()
        for c in doc.get("sources", [])
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
    coverage = {
        k: CoverageRec(kind=k, since=parse(c["since"])[0], until=_partial(c.get("until"))[0])
        for k, c in d["coverage"].items()
    }
    ds = Dataset(
        epoch=epoch,
        version=version,
        committed_at=at,
        facts=facts,
        states={s.iso3: s for s in sorted(states, key=lambda s: s.name)},
        periods=_by_start(periods),
        persons={p.id: p for p in sorted(persons, key=lambda p: p.id)},
        terms=_by_start(terms),
        summits={s.id: s for s in _by_start(summits)},
        presidencies=_by_start(presidencies),
        bodies=sorted(bodies, key=lambda b: b.id),
        sources={s.id: s for s in sorted(sources, key=lambda s: s.id)},
        citations=citations,
        claims=[],
        coverage=coverage,
    )
    checked = []
    for claim in claims:
        try:
            result = claim_checks.evaluate(
                ds, ds.sources[claim.source_id], claim.kind, claim.params
            )
        except (ValueError, KeyError, StopIteration) as exc:  # app.domain.rules names such a claim
            checked.append(replace(claim, verdict="undetermined", detail=str(exc)))
            continue
        checked.append(replace(claim, verdict=result.verdict, detail=result.detail))
    return replace(ds, claims=checked)
