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
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


# For route declarations: the problem answers each route may give, documented in OpenAPI.
def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {
        code: {
            "model": Problem,
            "description": HTTPStatus(code).phrase,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for code in codes
    }
