"""One error hierarchy, and the handlers that turn every error into RFC 9457 problem details."""

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
# Seconds a client should wait before asking again after a 503 (RFC 9110 10.2.3): long
# enough for a database restart to be noticed, short enough that a probe sees it back soon.
RETRY_AFTER = 5
log = logging.getLogger("app")


class InvalidParam(BaseModel):
    name: str = Field(examples=["as_of"])
    reason: str = Field(examples=["Input should be a valid date in the format YYYY-MM-DD"])


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    type: str = Field(examples=["/problems/not-found"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["No state has the code 'XX'"])
    instance: str | None = Field(default=None, examples=["/v1/states/XX"])
    invalid_params: list[InvalidParam] | None = None


class AppError(Exception):
    """Base of the errors this service raises on purpose."""

    status_code = 400
    type = "/problems/bad-request"
    title = "Bad request"

    def __init__(self, detail: str, invalid_params: list[InvalidParam] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.invalid_params = invalid_params


class NotFound(AppError):
    status_code = 404
    type = "/problems/not-found"
    title = "Not found"


class InvalidParameters(AppError):
    status_code = 422
    type = "/problems/invalid-parameters"
    title = "Invalid parameters"


class Unavailable(AppError):
    status_code = 503
    type = "/problems/unavailable"
    title = "Service unavailable"


def problem(
    request: Request,
    status: int,
    title: str,
    detail: str,
    type_: str = "about:blank",
    invalid_params: list[InvalidParam] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    if status == 503:
        # Every 503 this service sends is a passing state (database away, not ready yet):
        # say when to try again, whichever handler answered.
        headers = {"Retry-After": str(RETRY_AFTER), **(headers or {})}
    body = Problem(
        type=type_,
        title=title,
        status=status,
        detail=detail,
        instance=request.url.path,
        invalid_params=invalid_params,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _param_name(loc: tuple[Any, ...]) -> str:
    # ("query", "as_of") -> "as_of"; ("path", "code") -> "code"
    return ".".join(str(part) for part in loc[1:]) or str(loc[0])


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem(request, exc.status_code, exc.title, exc.detail, exc.type, exc.invalid_params)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    unknown: list[InvalidParam] = []
    invalid: list[InvalidParam] = []
    for err in exc.errors():
        name = _param_name(tuple(err["loc"]))
        if err["type"] == "extra_forbidden":
            unknown.append(InvalidParam(name=name, reason="not a parameter of this path"))
        else:
            invalid.append(InvalidParam(name=name, reason=err["msg"]))
    parts = []
    if unknown:
        names = ", ".join(sorted({p.name for p in unknown}))
        parts.append(f"Unknown query parameter(s): {names} (see /docs for this path's own)")
    if invalid:
        parts.append(f"Invalid value for: {', '.join(sorted({p.name for p in invalid}))}")
    return problem(
        request,
        422,
        InvalidParameters.title,
        "; ".join(parts),
        InvalidParameters.type,
        invalid + unknown,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    title = HTTPStatus(exc.status_code).phrase
    detail = exc.detail if isinstance(exc.detail, str) else title
    if exc.status_code == 404 and detail == title:
        detail = f"No resource at {request.url.path}; the API lives under /v1 (see /docs)"
    return problem(request, exc.status_code, title, detail, headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    return problem(request, 500, "Internal server error", "The error was logged.")


def install(app: FastAPI) -> None:
    """Answer every error as problem details, and document error answers as such only."""
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        # A response `model` makes FastAPI document an application/json body beside the
        # problem+json one these answers really have; keep only the true one.
        spec = generate()
        for operations in spec.get("paths", {}).values():
            for operation in operations.values():
                for response in operation.get("responses", {}).values():
                    content = response.get("content", {})
                    if PROBLEM_JSON in content:
                        content.pop("application/json", None)
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


_EXAMPLES: dict[int, dict[str, Any]] = {
    404: {
        "type": NotFound.type,
        "title": NotFound.title,
        "status": 404,
        "detail": "'XX' is not an ISO 3166-1 alpha-2 or alpha-3 country code",
        "instance": "/v1/states/XX",
    },
    422: {
        "type": InvalidParameters.type,
        "title": InvalidParameters.title,
        "status": 422,
        "detail": "Invalid value for: as_of",
        "instance": "/v1/member-states",
        "invalid_params": [
            {"name": "as_of", "reason": "Input should be a valid date in the format YYYY-MM-DD"}
        ],
    },
    503: {
        "type": Unavailable.type,
        "title": Unavailable.title,
        "status": 503,
        "detail": "The database is migrated but not seeded: run `sco-api seed`",
        "instance": "/v1",
    },
}


_RETRY_HEADERS: dict[str, Any] = {
    "headers": {
        "Retry-After": {
            "description": "Seconds to wait before asking again",
            "schema": {"type": "integer", "example": RETRY_AFTER},
        }
    }
}


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """For route declarations: the problems a route may answer, documented in OpenAPI."""
    return {
        code: {
            "model": Problem,
            "description": HTTPStatus(code).phrase,
            "content": {
                PROBLEM_JSON: {
                    "schema": {"$ref": "#/components/schemas/Problem"},
                    "example": _EXAMPLES[code],
                }
            },
            **(_RETRY_HEADERS if code == 503 else {}),
        }
        for code in codes
    }
