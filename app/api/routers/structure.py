"""The organisation itself: its names, founding and predecessor (with its headquarters, and
its languages and standings on a day), its founding acts, its languages, its standings, and
its bodies with their seats."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import Field

from app.api.listing import COVERED_RESPONSES, Listing, documented, respond_page
from app.api.params import DatedPage, Day, DayQuery, PastDay, Versioned, Year
from app.api.responding import respond
from app.core.errors import InvalidParam, InvalidParameters, problem_responses
from app.domain.kinds import body, document, language, meeting, post_title, standing
from app.domain.kinds.body import BodyPublic, SeatPublic
from app.domain.kinds.document import DocumentPublic
from app.domain.kinds.language import LanguagePublic
from app.domain.kinds.meeting import MeetingPublic
from app.domain.kinds.organisation import OrganisationPublic
from app.domain.kinds.post_title import PostTitlePublic
from app.domain.kinds.standing import StandingPublic
from app.reads import answers as queries
from app.reads import meetings, structure
from app.reads.tabular import Table

router = APIRouter(tags=["organisation"])
DOCUMENTS = Table(DocumentPublic)
LANGUAGES = Table(LanguagePublic)
STANDINGS = Table(StandingPublic)
BODIES = Table(BodyPublic)
ONE = problem_responses(404, 422, 503)


class DocumentsList(Listing):
    as_of: PastDay | None = Field(
        default=None,
        description="Only the documents signed by this day (YYYY-MM-DD), each saying "
        "whether it was in force that day (`in_force`); default: every one",
    )
    sort: str | None = DOCUMENTS.sort_param()
    fields: str | None = DOCUMENTS.fields_param()


class LanguagesList(DatedPage, Listing):
    sort: str | None = LANGUAGES.sort_param()
    fields: str | None = LANGUAGES.fields_param()


class StandingsList(DatedPage, Listing):
    sort: str | None = STANDINGS.sort_param()
    fields: str | None = STANDINGS.fields_param()


@router.get("/organisation", response_model=OrganisationPublic, responses=ONE)
async def get_organisation(request: Request, q: Annotated[DayQuery, Query()]) -> Response:
    """The Shanghai Cooperation Organisation itself: its names in English, Russian and
    Chinese with its short names (SCO, ШОС, 上合组织), its founding and the act that founded
    it, the Shanghai Five that preceded it, its headquarters (its Secretariat's seat), and
    on the `as_of` day (default today) its official and working languages and its standings
    in other organisations."""
    return await respond(
        request,
        q,
        lambda ds: structure.organisation(ds, q.as_of, q.certain),
        depends_on_today=True,
    )


@router.get("/documents", response_model=DOCUMENTS.page, responses=COVERED_RESPONSES)
@documented(DOCUMENTS)
async def list_documents(request: Request, q: Annotated[DocumentsList, Query()]) -> Response:
    """The founding acts (the 1996 Shanghai agreement, the Declaration on the establishment
    of the SCO, the Charter, the RATS agreement, the protocols amending the Charter) in the
    order they were signed, each with where it was signed, when it entered into force and
    what it amends; with `as_of`, those signed by that day."""
    return await respond_page(
        request, q, DOCUMENTS, lambda ds: structure.documents(ds, q.as_of), document.KIND.covers
    )


@router.get("/documents/{document_id}", response_model=DocumentPublic, responses=ONE)
async def get_document(
    request: Request,
    document_id: Annotated[str, Path(pattern="^[a-z0-9-]{1,96}$", description="Its id")],
    q: Annotated[DayQuery, Query()],
) -> Response:
    """One founding act by its id (e.g. `charter`); with `as_of`, whether it was in force
    on that day."""
    return await respond(
        request,
        q,
        lambda ds: structure.document_public(
            ds, queries.fact_or_404(ds, "document", document_id), q.as_of
        ),
    )


@router.get("/languages", response_model=LANGUAGES.page, responses=COVERED_RESPONSES)
@documented(LANGUAGES)
async def list_languages(request: Request, q: Annotated[LanguagesList, Query()]) -> Response:
    """The organisation's official and working languages, oldest first; with `as_of`, those
    of that day."""
    return await respond_page(
        request,
        q,
        LANGUAGES,
        lambda ds: structure.languages(ds, q.as_of, q.certain),
        language.KIND.covers,
    )


@router.get("/languages/{language_id}", response_model=LanguagePublic, responses=ONE)
async def get_language(
    request: Request,
    language_id: Annotated[str, Path(pattern="^[a-z0-9-]{1,96}$", description="Its id")],
    q: Annotated[Versioned, Query()],
) -> Response:
    """One of the organisation's languages by its id (e.g. `zh-2003-09-19`)."""
    return await respond(request, q, lambda ds: queries.one(ds, "language", language_id))


@router.get("/standings", response_model=STANDINGS.page, responses=COVERED_RESPONSES)
@documented(STANDINGS)
async def list_standings(request: Request, q: Annotated[StandingsList, Query()]) -> Response:
    """The organisation's standings in other organisations (observer in the United Nations
    General Assembly), oldest first; with `as_of`, those of that day."""
    return await respond_page(
        request,
        q,
        STANDINGS,
        lambda ds: structure.standings(ds, q.as_of, q.certain),
        standing.KIND.covers,
    )


@router.get("/standings/{standing_id}", response_model=StandingPublic, responses=ONE)
async def get_standing(
    request: Request,
    standing_id: Annotated[str, Path(pattern="^[a-z0-9-]{1,96}$", description="Its id")],
    q: Annotated[Versioned, Query()],
) -> Response:
    """One standing by its id (e.g. `un-general-assembly-observer-2004-12`)."""
    return await respond(request, q, lambda ds: queries.one(ds, "standing", standing_id))


class BodiesList(Listing):
    as_of: PastDay | None = Field(
        default=None,
        description="Only the bodies that existed on this day (YYYY-MM-DD), each with its "
        "seat and head that day; default: every body, with its seat and head today",
    )
    sort: str | None = BODIES.sort_param()
    fields: str | None = BODIES.fields_param()


@router.get("/bodies", response_model=BODIES.page, responses=COVERED_RESPONSES)
@documented(BODIES)
async def list_bodies(request: Request, q: Annotated[BodiesList, Query()]) -> Response:
    """The organisation's councils (of Heads of State, of Heads of Government, of Foreign
    Ministers, of National Coordinators) and permanent bodies (the Secretariat, the Regional
    Anti-Terrorist Structure and its Executive Committee), in the order they began work,
    each with its names, kind, when it was decided and began work, its seats, and the post
    that heads it with its holder; with `as_of`, those of that day with their seat and head
    that day."""
    return await respond_page(
        request, q, BODIES, lambda ds: structure.bodies(ds, q.as_of), body.KIND.covers
    )


@router.get("/bodies/{body_id}", response_model=BodyPublic, responses=ONE)
async def get_body(
    request: Request,
    body_id: Annotated[str, Path(pattern="^[a-z0-9-]{1,96}$", description="Its id")],
    q: Annotated[DayQuery, Query()],
) -> Response:
    """One body by its id (e.g. `secretariat`, `rats-executive-committee`), with its seat
    and head on the `as_of` day (default today)."""
    return await respond(
        request,
        q,
        lambda ds: structure.body_public(ds, queries.fact_or_404(ds, "body", body_id), q.as_of),
        depends_on_today=True,
    )


@router.get("/seats/{seat_id}", response_model=SeatPublic, responses=ONE)
async def get_seat(
    request: Request,
    seat_id: Annotated[str, Path(pattern="^[a-z0-9-]{1,96}$", description="Its id")],
    q: Annotated[Versioned, Query()],
) -> Response:
    """One seat of a permanent body by its id (e.g. `rats-tashkent-2003-09-05`); a body
    lists its seats at /v1/bodies/{id}."""
    return await respond(request, q, lambda ds: queries.one(ds, "seat", seat_id))


POST_TITLES = Table(PostTitlePublic)


class PostTitlesList(DatedPage, Listing):
    sort: str | None = POST_TITLES.sort_param()
    fields: str | None = POST_TITLES.fields_param()


@router.get("/post-titles", response_model=POST_TITLES.page, responses=COVERED_RESPONSES)
@documented(POST_TITLES)
async def list_post_titles(request: Request, q: Annotated[PostTitlesList, Query()]) -> Response:
    """The titles of the posts that head the permanent bodies, by language, as they stood
    (the Secretariat's head: Исполнительный секретарь, Executive Secretary, until 2006, then
    Генеральный секретарь, Secretary-General; 秘书长 throughout), oldest first; with `as_of`,
    those of that day."""
    return await respond_page(
        request,
        q,
        POST_TITLES,
        lambda ds: structure.post_titles(ds, q.as_of, q.certain),
        post_title.KIND.covers,
    )


@router.get("/post-titles/{post_title_id}", response_model=PostTitlePublic, responses=ONE)
async def get_post_title(
    request: Request,
    post_title_id: Annotated[str, Path(pattern="^[a-z0-9-]{1,96}$", description="Its id")],
    q: Annotated[Versioned, Query()],
) -> Response:
    """One title of a post by its id (e.g. `secretary-general-ru-2004-01-15`)."""
    return await respond(request, q, lambda ds: queries.one(ds, "post_title", post_title_id))


MEETINGS = Table(MeetingPublic)
# The councils whose meetings are recorded (a request names one of them, or none).
Council = Literal[
    "council-of-heads-of-state", "council-of-heads-of-government", "council-of-foreign-ministers"
]


class MeetingsList(Listing):
    body: Council | None = Field(
        default=None,
        description="Only the meetings of this council (council-of-heads-of-state: the summits)",
        examples=["council-of-heads-of-government"],
    )
    as_of: PastDay | None = Field(
        default=None, description="Only the meetings in session on this day (YYYY-MM-DD)"
    )
    since: Day | None = Field(
        default=None, alias="from", description="Only meetings on or after this day"
    )
    until: Day | None = Field(
        default=None, alias="to", description="Only meetings on or before this day"
    )
    year: Year | None = Field(default=None, description="Only meetings held in this year")
    sort: str | None = MEETINGS.sort_param()
    fields: str | None = MEETINGS.fields_param()


@router.get("/meetings", response_model=MEETINGS.page, responses=COVERED_RESPONSES)
@documented(MEETINGS)
async def list_meetings(request: Request, q: Annotated[MeetingsList, Query()]) -> Response:
    """The meetings of the councils, oldest first: of the Council of Heads of State (the
    summits, with their ids), of the Council of Heads of Government and of the Council of
    Foreign Ministers (extraordinary sessions included), each with its council, number
    where a source gives it, host, city and days; `body=` chooses a council; `as_of`, those
    in session that day; `from`/`to`, those whose days may fall in the range; `year`."""
    if q.since is not None and q.until is not None and q.since > q.until:
        raise InvalidParameters(
            f"The range is empty: from ({q.since}) is later than to ({q.until})",
            [InvalidParam(name="from", reason=f"must not be later than to ({q.until})")],
        )
    covers = (
        [q.body if q.body != meetings.HEADS_OF_STATE else "summit"]
        if q.body
        else ["summit", *meeting.COUNCILS]
    )
    return await respond_page(
        request,
        q,
        MEETINGS,
        lambda ds: meetings.meetings(ds, q.body, q.as_of, q.since, q.until, q.year),
        covers,
    )


@router.get("/meetings/{meeting_id}", response_model=MeetingPublic, responses=ONE)
async def get_meeting(
    request: Request,
    meeting_id: Annotated[str, Path(pattern="^[a-z0-9-]{1,96}$", description="Its id")],
    q: Annotated[Versioned, Query()],
) -> Response:
    """One meeting of a council by its id (e.g.
    `council-of-heads-of-government-2024-10-16`; a summit's, e.g. `2022-samarkand`, answers
    the summit in this shape)."""
    return await respond(request, q, lambda ds: meetings.one(ds, meeting_id))
