"""The OpenAPI document: what FastAPI derives from the routes, made worth generating a
client from.

* operationIds are the routes' names in camelCase (`listMemberStates`), so generated
  clients get readable modules and methods.
* Every operation documents every status it can send: 304 on the reads that carry an
  ETag, 404 and 422 where its routes declare them, 503 wherever it reads the database,
  429 wherever it needs a key, 414 and 431 everywhere (the server's own refusals), each
  with an example; and the headers of its 200 answer.
* Examples are real answers: app/api/openapi_examples.json holds, for each operation, the
  answers to a few requests on the shipped dataset (lists cut to two items, long texts
  shortened); `python -m app.openapi_examples` writes it anew and a test keeps it true.
* Tags with descriptions, servers, contact and license complete what `spectral:oas` asks.
"""

import json
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from app.core.errors import PROBLEM_JSON, PROBLEM_TYPES

EXAMPLES_FILE = Path(__file__).with_name("openapi_examples.json")
# The examples of the answers the server gives every operation alike (414, 431), recorded
# under this key instead of an operationId.
EDGES = "*"

TAGS = [
    {
        "name": "states",
        "description": "States and their SCO status periods: member, observer, dialogue "
        "partner and partner, each dated and cited.",
    },
    {
        "name": "organisation",
        "description": "Secretaries-General and their terms, the rotating presidency, summits, "
        "the timeline of events, and the organisation on any day (the snapshot).",
    },
    {
        "name": "sources",
        "description": "The sources every fact cites: their texts, and the claims each makes, "
        "checked against the data.",
    },
    {
        "name": "changes",
        "description": "The change log: every change set that made the dataset, with each "
        "fact's before and after, for mirrors and for reading earlier versions.",
    },
    {
        "name": "curation",
        "description": "Curators' writes, with an API key: create, change and delete facts "
        "and sources, several at once in a change set; If-Match guards every change.",
    },
    {
        "name": "export",
        "description": "The whole dataset in one download: JSON, the YAML dataset file that "
        "`sco-api import` accepts, or Popolo.",
    },
    {
        "name": "service",
        "description": "What the service holds (dataset version, coverage, counts), and "
        "whether it is alive and ready.",
    },
    {
        "name": "operations",
        "description": "Metrics for Prometheus.",
    },
    {
        "name": "problems",
        "description": "What each problem `type` an error answer names means and what to do.",
    },
]
LICENSE = {
    "name": "CC BY 4.0 (the facts and this document; quoted source texts remain their publishers')",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
# Paths answered without the database: they never send 503. Those under /v1 (the read
# cache's) carry validators and may answer 304.
NO_DATABASE = ("/healthz", "/metrics", "/problems")
# Reads for one client (with an API key): never cached, no validators.
PRIVATE = ("/v1/audit",)
CACHE_HEADERS = {
    "ETag": "A strong validator of this answer (its coding included); send it back in "
    "If-None-Match for a 304",
    "Cache-Control": "`public, max-age=0, s-maxage=N, must-revalidate`: a client or a "
    "private cache revalidates every reuse, a shared cache may answer from its copy for N "
    "seconds at most (the bound the API's description gives; `public, no-cache` where it "
    "is 0); or "
    "`public, max-age=31536000, immutable` for an answer pinned by `version` or "
    "`as_recorded`",
    "Last-Modified": "When the change set this answer reflects was committed",
    "Dataset-Version": "The dataset version (seq of the latest change set) answered from",
}
STRING = {"schema": {"type": "string"}}
_CHALLENGE = {"WWW-Authenticate": '`Bearer realm="SCO Data API"`, with the error (RFC 6750)'}
_VERSION = {"Dataset-Version": "The dataset version (its latest change set's seq)"}
# The headers of the write operations' answers, by method and status.
WRITE_HEADERS: dict[str, dict[str, dict[str, str]]] = {
    method: {
        "401": _CHALLENGE,
        "403": {"WWW-Authenticate": "Names the scope the key lacks (`insufficient_scope`)"},
        "412": {"ETag": "The fact's current ETag (of its plain answer)"},
        **extra,
    }
    for method, extra in {
        "post": {
            "201": {
                "Location": "The new fact's path (a change set's: its own)",
                "ETag": "The new fact's ETag, to send as If-Match when changing it",
                **_VERSION,
            },
            "415": {"Accept-Post": "The media type to send: application/json"},
        },
        "patch": {
            "200": {"ETag": "The changed fact's new ETag", **_VERSION},
            "415": {"Accept-Patch": "The media type to send: application/merge-patch+json"},
        },
        "delete": {"204": _VERSION},
    }.items()
}


def operation_id(route: APIRoute) -> str:
    """`list_member_states` -> `listMemberStates`."""
    first, *rest = route.name.split("_")
    return first + "".join(part.capitalize() for part in rest)


@cache
def examples() -> dict[str, dict[str, Any]]:
    """operationId -> status -> example, as recorded from the shipped dataset."""
    if not EXAMPLES_FILE.exists():
        return {}
    recorded: dict[str, dict[str, Any]] = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
    return recorded


RETRY_AFTER = {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}


def _problem_response(name: str, example: Any) -> dict[str, Any]:
    media: dict[str, Any] = {"schema": {"$ref": "#/components/schemas/Problem"}}
    if example is not None:
        media["example"] = example
    return {"description": PROBLEM_TYPES[name].meaning, "content": {PROBLEM_JSON: media}}


def _refusals(
    path: str, operation: dict[str, Any], responses: dict[str, Any], recorded: dict[str, Any]
) -> None:
    """The refusals an operation may send whatever its route declares: the server's own
    (414, 431: app.http.server), 429 where it needs a key (app.api.auth), 503 where it reads
    the database; each with its recorded example, and Retry-After where it is sent."""
    edges = examples().get(EDGES, {})
    for code, name in (("414", "uri-too-long"), ("431", "request-header-fields-too-large")):
        responses[code] = _problem_response(name, edges.get(code))
    if operation.get("security"):
        throttled = responses["429"] = _problem_response("too-many-requests", recorded.get("429"))
        throttled["headers"] = {"Retry-After": RETRY_AFTER}
    if not path.startswith(NO_DATABASE):
        problem = responses.setdefault("503", _problem_response("unavailable", None))
        problem["headers"] = {"Retry-After": RETRY_AFTER}
        if "503" in recorded:
            problem["content"][PROBLEM_JSON]["example"] = recorded["503"]


def _complete(path: str, method: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    recorded = examples().get(operation["operationId"], {})
    for code, response in responses.items():
        content = response.get("content", {})
        if PROBLEM_JSON in content:
            # A response `model` makes FastAPI document an application/json body beside the
            # problem+json one these answers really have; keep only the true one.
            content.pop("application/json", None)
            if code in recorded:
                content[PROBLEM_JSON]["example"] = recorded[code]
        elif code in ("200", "201"):
            response["description"] = "The answer" if code == "200" else "Created"
            media = content.get("application/json")
            if media is not None and code in recorded:
                media["example"] = recorded[code]
        if code in WRITE_HEADERS.get(method, {}):
            response["headers"] = {
                name: {"description": text, **STRING}
                for name, text in WRITE_HEADERS[method][code].items()
            }
    if "request" in recorded:
        for media in operation.get("requestBody", {}).get("content", {}).values():
            media["example"] = recorded["request"]
    if path in PRIVATE:
        responses["200"]["headers"] = {
            "Cache-Control": {"description": "`private, no-store`: never kept", **STRING},
            "Link": {"description": "The first, previous, next and last pages", **STRING},
            **{k: {"description": v, **STRING} for k, v in _VERSION.items()},
        }
    elif path.startswith("/v1") and method == "get":  # the read cache's answers
        ok = responses.get("200", {})
        ok["headers"] = {
            **ok.get("headers", {}),
            **{name: {"description": text, **STRING} for name, text in CACHE_HEADERS.items()},
        }
        responses["304"] = {
            "description": "Not modified: the If-None-Match (or If-Modified-Since) sent names "
            "this answer; reuse the copy you hold",
            "headers": {name: {"description": CACHE_HEADERS[name], **STRING} for name in ("ETag",)},
        }
    _refusals(path, operation, responses, recorded)
    # Sorted by status, as readers and generators expect.
    operation["responses"] = dict(sorted(responses.items()))


def install(
    app: FastAPI,
    public_url: str | None,
    request_models: Sequence[type[BaseModel]] = (),
    patch_models: Sequence[type[BaseModel]] = (),
    contact: dict[str, str] | None = None,
) -> None:
    """Make `app.openapi()` build the completed document (once; FastAPI keeps it), with the
    schemas of the `request_models` that write operations read themselves, and of a merge
    patch of each of the `patch_models` (`{Name}Patch`: its fields, none required), and the
    operator's `contact` (none: the document names none)."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        spec = generate()
        if contact:
            spec["info"]["contact"] = contact
        spec["info"]["license"] = LICENSE
        spec["servers"] = [
            {
                "url": (public_url or "/").rstrip("/") or "/",
                "description": "This service" if public_url is None else "The public service",
            }
        ]
        spec["tags"] = sorted(TAGS, key=lambda tag: tag["name"])
        components = spec.setdefault("components", {})
        components["securitySchemes"] = {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "sco_ and 43 characters",
                "description": "A curator's API key (`sco-api keys create NAME --scope SCOPE`). "
                "Only the write operations and the audit need one; the other reads are public.",
            }
        }
        _, defs = models_json_schema(
            [(m, "validation") for m in dict.fromkeys([*request_models, *patch_models])],
            ref_template="#/components/schemas/{model}",
        )
        schemas = components.setdefault("schemas", {})
        schemas.update(defs.get("$defs", {}))
        for model in patch_models:
            patch = {k: v for k, v in schemas[model.__name__].items() if k != "required"}
            patch["title"] = f"{model.__name__}Patch"
            patch["description"] = (
                "A JSON Merge Patch (RFC 7386) of the fact's fields: only those to change; "
                "null removes an optional one; a list (`sources`) is replaced whole."
            )
            schemas[f"{model.__name__}Patch"] = patch
            if model not in request_models:  # documented only as its patch
                del schemas[model.__name__]
        for path, operations in spec.get("paths", {}).items():
            for method, operation in operations.items():
                _complete(path, method, operation)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]
