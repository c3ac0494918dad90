"""The organisation itself: its names, founding and predecessor (with its headquarters, and
its languages and standings on a day), its founding acts, its languages and its standings."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import Field

from app.api.listing import COVERED_RESPONSES, Listing, documented, respond_page
from app.api.params import DatedPage, Day, DayQuery, Versioned
from app.api.responding import respond
from app.core.errors import problem_responses
from app.domain.kinds import document, language, standing
from app.domain.kinds.document import DocumentPublic
from app.domain.kinds.language import LanguagePublic
from app.domain.kinds.organisation import OrganisationPublic
from app.domain.kinds.standing import StandingPublic
from app.reads import answers as queries
from app.reads import structure
from app.reads.tabular import Table

router = APIRouter(tags=["organisation"])
DOCUMENTS = Table(DocumentPublic)
LANGUAGES = Table(LanguagePublic)
STANDINGS = Table(StandingPublic)
ONE = problem_responses(404, 422, 503)


class DocumentsList(DatedPage, Listing):
    as_of: Day | None = Field(
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
