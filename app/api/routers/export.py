"""The whole dataset in one document: as the dataset file (JSON or YAML), or as Popolo."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import Field

from app.api.listing import JSON
from app.api.params import Recorded
from app.api.responding import answer, dataset_for
from app.core.errors import problem_responses
from app.domain.facts import to_file
from app.domain.public import Public
from app.http.negotiation import negotiate
from app.reads import popolo
from app.writes import dataset_file

router = APIRouter(tags=["export"])
YAML = "application/yaml"


class ExportFormat(StrEnum):
    json = "json"
    yaml = "yaml"


_OFFERS = (
    (ExportFormat.json.value, (JSON,)),
    (ExportFormat.yaml.value, (YAML, "application/x-yaml", "text/yaml")),
)


class ExportQuery(Recorded):
    format: ExportFormat | None = Field(
        default=None,
        description="`json` (the default) or `yaml` (the dataset file itself); wins over the "
        "Accept header (`Accept: application/yaml` also gives YAML)",
    )


class DatasetExport(Public):
    """The dataset file's content with the version it was exported at."""

    version: int = Field(description="The dataset version (seq of its latest change set)")
    epoch: str = Field(description="Which database's numbering the version belongs to")
    committed_at: datetime | None
    dataset: dict[str, Any] = Field(
        description="Exactly what `sco-api export` writes (coverage, sources with their "
        "claims, states with their periods, people with their terms, summits, presidencies, "
        "permanent bodies, every fact with its id and sources), each source's text inline"
    )


class PopoloExport(Public):
    """A Popolo document (http://www.popoloproject.com/specs/)."""

    organizations: list[dict[str, Any]]
    persons: list[dict[str, Any]]
    posts: list[dict[str, Any]]
    memberships: list[dict[str, Any]]
    events: list[dict[str, Any]] = Field(
        default=[],
        description="The founding acts signed, and entering into force; the meetings of the "
        "Councils of Heads of Government and of Foreign Ministers",
    )


def _download(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get(
    "/export",
    response_model=DatasetExport,
    responses={
        **problem_responses(404, 406, 422, 503),
        200: {
            "description": "The dataset",
            "content": {YAML: {"schema": {"type": "object", "description": "The dataset file"}}},
        },
    },
)
async def export_dataset(request: Request, q: Annotated[ExportQuery, Query()]) -> Response:
    """The full dataset in one document, a mirror of everything this service holds: every
    fact with its id and sources, every source with its text and claims. JSON by default:
    `{version, epoch, committed_at, dataset}`, where `dataset` is what `sco-api export`
    writes. With `format=yaml` (or `Accept: application/yaml`), the dataset file itself,
    texts inline, which `sco-api import` reads as it is. `version=` or `as_recorded=`
    export the dataset as it was recorded then."""
    fmt = q.format or ExportFormat(negotiate(request.headers.get("accept"), _OFFERS))
    ds = await dataset_for(request, q)
    data = dataset_file.document(to_file(ds.facts)[0])
    headers = {"Vary": "Accept"}
    if fmt is ExportFormat.yaml:
        stamp = f"# Exported at dataset version {ds.version} (epoch {ds.epoch}).\n"
        body = dataset_file.dumps(data, header=stamp + dataset_file.HEADER).encode()
        headers |= _download(f"sco-dataset-v{ds.version}.yaml")
        return answer(request, body, ds, q.pinned, headers, media_type=YAML)
    export = DatasetExport(
        version=ds.version, epoch=ds.epoch, committed_at=ds.committed_at, dataset=data
    )
    headers |= _download(f"sco-dataset-v{ds.version}.json")
    return answer(request, export.model_dump_json().encode(), ds, q.pinned, headers)


@router.get(
    "/export/popolo", response_model=PopoloExport, responses=problem_responses(404, 422, 503)
)
async def export_popolo(request: Request, q: Annotated[Recorded, Query()]) -> Response:
    """The dataset as Popolo JSON: `organizations` (the SCO, its permanent bodies, and the
    states with their ISO 3166-1 codes and Wikidata ids as identifiers), `persons` (names
    in Russian and Chinese and aliases as other_names, Wikidata ids), `posts` (the
    Secretary-General) and `memberships` (each status period: a state's membership of the
    SCO with role member, observer, dialogue partner or partner; each term: a person's
    membership through the post). Dates keep their sources' precision (`YYYY`, `YYYY-MM`);
    every item lists its sources (url, note: the title, and the quote)."""
    ds = await dataset_for(request, q)
    body = PopoloExport(**popolo.document(ds)).model_dump_json().encode()
    return answer(request, body, ds, q.pinned, _download(f"sco-popolo-v{ds.version}.json"))
