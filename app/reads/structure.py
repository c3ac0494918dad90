"""Answers about the organisation itself: its names, founding and predecessor, its
languages, its standings in other organisations, its founding acts, and its bodies with
their seats and heads."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from app.core.dates import render, today
from app.core.errors import NotFound
from app.domain.answering import as_written, holds, sources_of, state_ref
from app.domain.dataset import Dataset
from app.domain.kinds import BY_NAME
from app.domain.kinds.body import BodyPublic, BodyRec, SeatPublic, body_dates
from app.domain.kinds.document import DocumentPublic, DocumentRec
from app.domain.kinds.language import LanguagePublic, LanguageRec
from app.domain.kinds.organisation import (
    Headquarters,
    OrganisationPublic,
    OrganisationRec,
    Predecessor,
)
from app.domain.kinds.permanent_body import PermanentBodyPublic
from app.domain.kinds.post_title import PostTitlePublic, PostTitleRec
from app.domain.kinds.seat import SeatRec
from app.domain.kinds.standing import StandingPublic, StandingRec
from app.domain.public import BodyRef, DocumentRef, Names, OtherOrganisation
from app.domain.snapshot import SnapshotDocument
from app.domain.tables import Post
from app.reads.answers import answers, permanent_bodies, term_public, terms
from app.reads.holding import holding, on_day
from app.reads.parts import by_holds

ORGANISATION = "sco"  # the id of the organisation's one fact


def names(given: Mapping[str, str]) -> Names:
    """Names by language, null where none is given."""
    return Names(en=given.get("en"), ru=given.get("ru"), zh=given.get("zh"))


def _records(ds: Dataset, kind: str) -> list[Any]:
    return list(ds.records.get(kind, {}).values())


def document_ref(ds: Dataset, document_id: str) -> DocumentRef:
    d: DocumentRec = ds.records["document"][document_id]
    return DocumentRef(id=d.id, revision=d.revision, title=d.title, href=f"/v1/documents/{d.id}")


@answers("document")
def document_public(ds: Dataset, d: DocumentRec, as_of: date | None = None) -> DocumentPublic:
    amended_by = [o.id for o in _records(ds, "document") if d.id in o.amends]
    return DocumentPublic(
        id=d.id,
        revision=d.revision,
        titles=names(d.titles),
        place_state=state_ref(ds, d.place_iso3) if d.place_iso3 else None,
        in_force=d.in_force(as_of) if as_of is not None else None,
        amends=[document_ref(ds, i) for i in d.amends],
        amended_by=[document_ref(ds, i) for i in amended_by],
        text_source=d.text_source_id,
        sources=sources_of(ds, ("document", d.id)),
        **{k: v for k, v in as_written(BY_NAME["document"], d).items() if k != "titles"},
    )


def documents(ds: Dataset, as_of: date | None = None) -> list[DocumentPublic]:
    """The founding acts in the order they were signed; with `as_of`, those signed by then
    (each saying whether it was in force that day)."""
    signed = [d for d in _records(ds, "document") if as_of is None or d.signed_on <= as_of]
    return [document_public(ds, d, as_of) for d in signed]


@answers("language")
@by_holds
def language_public(ds: Dataset, lang: LanguageRec, as_of: date | None = None) -> LanguagePublic:
    shown = as_written(BY_NAME["language"], lang)
    return LanguagePublic(
        id=lang.id,
        revision=lang.revision,
        holds=holds(lang, as_of),
        sources=sources_of(ds, ("language", lang.id)),
        **{**shown, "names": names(lang.names)},
    )


def languages(ds: Dataset, as_of: date | None, certain: bool = False) -> list[LanguagePublic]:
    held = holding(ds, "language", lambda: _records(ds, "language"), as_of, certain)
    return [language_public(ds, lang, as_of) for lang in held]


def other_organisation(s: StandingRec) -> OtherOrganisation:
    """The organisation in which a standing is held."""
    return OtherOrganisation(
        id=s.organisation, names=names(s.organisation_names), aliases=list(s.aliases)
    )


@answers("standing")
@by_holds
def standing_public(ds: Dataset, s: StandingRec, as_of: date | None = None) -> StandingPublic:
    shown = as_written(BY_NAME["standing"], s)
    for own in ("organisation", "organisation_names", "aliases"):
        shown.pop(own)
    return StandingPublic(
        id=s.id,
        revision=s.revision,
        organisation=other_organisation(s),
        holds=holds(s, as_of),
        sources=sources_of(ds, ("standing", s.id)),
        **shown,
    )


def standings(ds: Dataset, as_of: date | None, certain: bool = False) -> list[StandingPublic]:
    held = holding(ds, "standing", lambda: _records(ds, "standing"), as_of, certain)
    return [standing_public(ds, s, as_of) for s in held]


def headquarters(ds: Dataset, day: date) -> Headquarters | None:
    """The organisation's headquarters on `day`: its Secretariat's seat (in a version from
    before the bodies were recorded, the permanent body's)."""
    seat = seat_on(ds, SECRETARIAT, day)
    if seat is not None:
        return Headquarters(body=SECRETARIAT, city=seat.city, state=state_ref(ds, seat.state_iso3))
    for body in ds.bodies:
        if body.id == SECRETARIAT:
            return Headquarters(
                body=body.id, city=body.seat_city, state=state_ref(ds, body.seat_state_iso3)
            )
    return None


SECRETARIAT = "secretariat"


def body_ref(ds: Dataset, body_id: str) -> BodyRef:
    b: BodyRec = ds.records["body"][body_id]
    return BodyRef(id=b.id, name=b.name, href=f"/v1/bodies/{b.id}")


def seats_of(ds: Dataset, body_id: str) -> list[SeatRec]:
    return [s for s in _records(ds, "seat") if s.body_id == body_id]


def seat_on(ds: Dataset, body_id: str, day: date) -> SeatRec | None:
    """A body's seat on `day` (None: none that day)."""
    return next(iter(on_day(seats_of(ds, body_id), day)), None)


@answers("seat")
@by_holds
def seat_public(ds: Dataset, s: SeatRec, as_of: date | None = None) -> SeatPublic:
    shown = as_written(BY_NAME["seat"], s)
    return SeatPublic(
        id=s.id,
        revision=s.revision,
        state=state_ref(ds, s.state_iso3),
        holds=holds(s, as_of),
        sources=sources_of(ds, ("seat", s.id)),
        **shown,
    )


@answers("body")
def body_public(ds: Dataset, b: BodyRec, as_of: date | None = None) -> BodyPublic:
    day = as_of or today()
    seat = seat_on(ds, b.id, day)
    heads = [t for t in on_day(ds.terms, day) if b.head_post and t.post == b.head_post]
    return BodyPublic(
        id=b.id,
        revision=b.revision,
        names=names(b.names),
        aliases=list(b.aliases),
        kind=b.kind,
        part_of=body_ref(ds, b.part_of_id) if b.part_of_id else None,
        parts=[body_ref(ds, o.id) for o in _records(ds, "body") if o.part_of_id == b.id],
        head_post=b.head_post,
        seat=seat_public(ds, seat, day) if seat else None,
        seats=[seat_public(ds, s) for s in seats_of(ds, b.id)],
        head=term_public(ds, heads[0], day) if heads else None,
        inference=b.inferred,
        basis="inferred" if b.inferred else "stated",
        note=b.note,
        sources=sources_of(ds, ("body", b.id)),
        **body_dates(b),
    )


def bodies(ds: Dataset, as_of: date | None = None) -> list[BodyPublic]:
    """The bodies in the order they were decided or began work; with `as_of`, those that
    existed that day, each with its seat and head that day."""
    held = [b for b in _records(ds, "body") if as_of is None or b.exists_on(as_of)]
    return [body_public(ds, b, as_of) for b in held]


@answers("organisation")
def organisation_public(
    ds: Dataset, o: OrganisationRec, as_of: date | None = None, certain: bool = False
) -> OrganisationPublic:
    day = as_of or today()
    return OrganisationPublic(
        id=o.id,
        revision=o.revision,
        as_of=day,
        names=names(o.names),
        short_names=names(o.short_names),
        aliases=list(o.aliases),
        founded_on=render(o.founded_on, o.founded_precision),
        founded_on_precision=o.founded_precision,
        founding_document=document_ref(ds, o.founding_document_id)
        if o.founding_document_id
        else None,
        predecessor=Predecessor(
            names=names(o.predecessor_names),
            first_met_on=render(o.predecessor_first_met_on, o.predecessor_first_met_precision),
            first_met_on_precision=o.predecessor_first_met_precision,
        ),
        headquarters=headquarters(ds, day),
        languages=languages(ds, day, certain),
        standings=standings(ds, day, certain),
        not_covered=[k for k in ("language", "standing") if not ds.covered(k, day)],
        note=o.note,
        sources=sources_of(ds, ("organisation", o.id)),
    )


def organisation(ds: Dataset, as_of: date | None, certain: bool = False) -> OrganisationPublic:
    o = ds.records.get("organisation", {}).get(ORGANISATION)
    if o is None:
        raise NotFound("The dataset holds no record of the organisation itself (yet)")
    return organisation_public(ds, o, as_of, certain)


def snapshot_parts(ds: Dataset, day: date, certain: bool = False) -> dict[str, Any]:
    """What the organisation on `day` shows of its founding acts, languages and standings."""
    return {
        "documents": [
            SnapshotDocument(document=document_ref(ds, d.id), in_force=d.in_force(day))
            for d in _records(ds, "document")
            if d.signed_on <= day
        ],
        "languages": languages(ds, day, certain),
        "standings": standings(ds, day, certain),
        "bodies": bodies(ds, day),
        "rats_director": next(iter(terms(ds, Post.rats_director, day, certain)), None),
        "permanent_bodies": [*permanent_bodies(ds), *seated_bodies(ds, day)],
    }


def seated_bodies(ds: Dataset, day: date) -> list[PermanentBodyPublic]:
    """The permanent bodies seated on `day`, in the shape the snapshot gave them before the
    bodies were recorded (a name and a seat)."""
    shown = []
    for b in _records(ds, "body"):
        seat = seat_on(ds, b.id, day) if b.kind == "permanent_body" else None
        if seat is not None and b.exists_on(day):
            shown.append(
                PermanentBodyPublic(
                    id=b.id,
                    revision=b.revision,
                    name=b.name,
                    seat_city=seat.city,
                    seat_state=state_ref(ds, seat.state_iso3),
                    note=b.note,
                    sources=sources_of(ds, ("body", b.id)),
                )
            )
    return shown


@answers("post_title")
@by_holds
def post_title_public(ds: Dataset, t: PostTitleRec, as_of: date | None = None) -> PostTitlePublic:
    return PostTitlePublic(
        id=t.id,
        revision=t.revision,
        holds=holds(t, as_of),
        sources=sources_of(ds, ("post_title", t.id)),
        **as_written(BY_NAME["post_title"], t),
    )


def post_titles(ds: Dataset, as_of: date | None, certain: bool = False) -> list[PostTitlePublic]:
    held = holding(ds, "post_title", lambda: _records(ds, "post_title"), as_of, certain)
    return [post_title_public(ds, t, as_of) for t in held]
