"""One error hierarchy, and the handlers that turn every error into RFC 9457 problem details.

A problem's `type` is an absolute URI, `{SCO_PUBLIC_URL}/problems/{name}` (the request's
base URL by default), and it resolves: `GET /problems/{name}` explains what the problem
means and what to do (app.api.routers.problems). The kinds of problem are listed once, here.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ProblemType:
    """A kind of problem: what it means, and what a client should do about it."""

    name: str
    status: int
    title: str
    meaning: str
    action: str


PROBLEM_TYPES = {
    t.name: t
    for t in (
        ProblemType(
            "bad-request",
            400,
            "Bad request",
            "The request could not be read: its syntax or framing is wrong.",
            "Fix the request as `detail` says; the request is not worth repeating unchanged.",
        ),
        ProblemType(
            "unauthorized",
            401,
            "Unauthorized",
            "This operation changes the data and needs an API key, sent as `Authorization: "
            "Bearer <key>`; none was sent, or the one sent is malformed, unknown or revoked. "
            "The public reads never need one (the audit does).",
            "Send a key a curator was given (`sco-api keys create`); a revoked key stays "
            "refused, ask for a new one.",
        ),
        ProblemType(
            "forbidden",
            403,
            "Forbidden",
            "The API key is valid but lacks the scope this operation needs; `detail` names it.",
            "Use a key with that scope, or ask an operator to create one (`sco-api keys create "
            "NAME --scope SCOPE`).",
        ),
        ProblemType(
            "not-found",
            404,
            "Not found",
            "Nothing answers to this path: no such resource, id, code or version.",
            "Check the id or code (list the collection to find it, e.g. GET /v1/states), or "
            "the version (GET /v1/changes lists every change set). The API lives under /v1.",
        ),
        ProblemType(
            "method-not-allowed",
            405,
            "Method not allowed",
            "This path exists but does not take this method.",
            "Use a method the `Allow` header lists; the read API takes GET and HEAD.",
        ),
        ProblemType(
            "not-acceptable",
            406,
            "Not acceptable",
            "None of the media types the `Accept` header allows can be produced here.",
            "Ask for application/json (the default), or another format the operation "
            "documents (text/csv for collections, application/yaml for the export).",
        ),
        ProblemType(
            "conflict",
            409,
            "Conflict",
            "The change conflicts with the record as it stands.",
            "Read the fact again, reconcile, and send the change anew.",
        ),
        ProblemType(
            "precondition-failed",
            412,
            "Precondition failed",
            "The `If-Match` header names a version of the fact that is no longer current: "
            "someone changed it since you read it. The answer's `ETag` is the current one.",
            "GET the fact again, reapply your change to it, and send it with the new ETag.",
        ),
        ProblemType(
            "content-too-large",
            413,
            "Content too large",
            "The request body is larger than the documented limit.",
            "Split the change into several change sets, or send a source's text in parts.",
        ),
        ProblemType(
            "uri-too-long",
            414,
            "URI too long",
            "The request target (path and query) is longer than the documented limit "
            "(SCO_MAX_TARGET characters), refused before any work is done: the answers to such "
            "a request, whose `Link` header repeats its query, would not pass common proxies.",
            "Shorten the query: ask for fewer fields or filters per request, or page through "
            "the collection.",
        ),
        ProblemType(
            "unsupported-media-type",
            415,
            "Unsupported media type",
            "The request body's `Content-Type` is not the one this operation takes.",
            "Send `application/json` to POST and `application/merge-patch+json` (RFC 7386) "
            "to PATCH; the `Accept-Post` or `Accept-Patch` header names it.",
        ),
        ProblemType(
            "invalid-parameters",
            422,
            "Invalid parameters",
            "A parameter is unknown, malformed or out of range. `invalid_params` names each "
            "one with the reason, and unknown parameters are refused rather than ignored, so a "
            "misspelt filter never looks like an answer.",
            "Correct the parameters `invalid_params` lists; /docs shows each operation's own.",
        ),
        ProblemType(
            "precondition-required",
            428,
            "Precondition required",
            "Changing or deleting a fact needs an `If-Match` header with the ETag you read it "
            "with, so that nobody's change is overwritten unseen.",
            "GET the fact, and send its `ETag` as `If-Match`.",
        ),
        ProblemType(
            "too-many-requests",
            429,
            "Too many requests",
            "Too many requests with a wrong API key came from this client within a minute: "
            "its writes are refused, even with a valid key, until the time passes.",
            "Wait the seconds the `Retry-After` header gives, then send a valid key.",
        ),
        ProblemType(
            "request-header-fields-too-large",
            431,
            "Request header fields too large",
            "The request's header block is larger than the documented limit, refused before "
            "the service reads it.",
            "Send fewer or shorter headers (cookies of other sites sent to this host are a "
            "common cause).",
        ),
        ProblemType(
            "internal-error",
            500,
            "Internal server error",
            "The service failed in a way it did not expect. The error was logged with the "
            "request id.",
            "Retry later; if it persists, report it with the `X-Request-ID` of the answer.",
        ),
        ProblemType(
            "unavailable",
            503,
            "Service unavailable",
            "The service cannot answer from its database right now: the database is "
            "unreachable, too slow, damaged, or not migrated and seeded. `detail` says which.",
            "Retry after the seconds the `Retry-After` header gives. An operator should check "
            "/readyz and the log (both name the cause).",
        ),
    )
}


def problem_type(name: str, base_url: str) -> str:
    """The absolute URI of a problem type."""
    return f"{base_url.rstrip('/')}/problems/{name}"


def base_url(request: Request) -> str:
    """SCO_PUBLIC_URL, or the base URL this request was made on."""
    public: str | None = getattr(request.app.state, "public_url", None)
    return public or str(request.base_url)


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    type: str = Field(
        description="An absolute URI naming the kind of problem; GET it for an explanation",
        examples=["https://sco.example.org/problems/not-found"],
    )
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["No state has the code 'XX'"])
    instance: str | None = Field(default=None, examples=["/v1/states/XX"])
    invalid_params: list[InvalidParam] | None = None
    conflicts_with: list[str] | None = Field(
        default=None,
        description="A conflict's other side: the path of each fact the change collides with",
        examples=[["/v1/presidencies/ind-presidency-2022-09-17"]],
    )


class AppError(Exception):
    """Base of the errors this service raises on purpose."""

    status_code = 400
    type = "bad-request"
    title = "Bad request"

    def __init__(
        self,
        detail: str,
        invalid_params: list[InvalidParam] | None = None,
        headers: Mapping[str, str] | None = None,
        conflicts_with: list[str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.invalid_params = invalid_params
        self.headers = dict(headers or {})
        self.conflicts_with = conflicts_with


class NotFound(AppError):
    status_code = 404
    type = "not-found"
    title = "Not found"


class NotAcceptable(AppError):
    status_code = 406
    type = "not-acceptable"
    title = "Not acceptable"


class Unauthorized(AppError):
    status_code = 401
    type = "unauthorized"
    title = "Unauthorized"


class Forbidden(AppError):
    status_code = 403
    type = "forbidden"
    title = "Forbidden"


class Conflict(AppError):
    status_code = 409
    type = "conflict"
    title = "Conflict"


class PreconditionFailed(AppError):
    status_code = 412
    type = "precondition-failed"
    title = "Precondition failed"


class ContentTooLarge(AppError):
    status_code = 413
    type = "content-too-large"
    title = "Content too large"


class UnsupportedMediaType(AppError):
    status_code = 415
    type = "unsupported-media-type"
    title = "Unsupported media type"


class TooManyRequests(AppError):
    status_code = 429
    type = "too-many-requests"
    title = "Too many requests"


class PreconditionRequired(AppError):
    status_code = 428
    type = "precondition-required"
    title = "Precondition required"


class InvalidParameters(AppError):
    status_code = 422
    type = "invalid-parameters"
    title = "Invalid parameters"


class Unavailable(AppError):
    status_code = 503
    type = "unavailable"
    title = "Service unavailable"


_BY_STATUS = {t.status: t.name for t in PROBLEM_TYPES.values()}


def problem(
    request: Request,
    status: int,
    title: str,
    detail: str,
    name: str | None = None,
    invalid_params: list[InvalidParam] | None = None,
    headers: Mapping[str, str] | None = None,
    conflicts_with: list[str] | None = None,
) -> JSONResponse:
    """A problem+json answer; `name` is the problem type (by default the one of `status`)."""
    name = name or _BY_STATUS.get(status)
    body = Problem(
        type=problem_type(name, base_url(request)) if name else "about:blank",
        title=title,
        status=status,
        detail=detail,
        instance=request.url.path,
        invalid_params=invalid_params,
        conflicts_with=conflicts_with,
    )
    # A problem is never kept as a fact: a shared cache must not answer a 404 after the
    # fact is created, nor a 503 after the database is back.
    extra = {"Cache-Control": "no-store"}
    if status == 503:
        extra["Retry-After"] = str(RETRY_AFTER)
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers={**extra, **(headers or {})},
    )


def _param_name(loc: tuple[Any, ...]) -> str:
    # ("query", "as_of") -> "as_of"; ("path", "code") -> "code"
    return ".".join(str(part) for part in loc[1:]) or str(loc[0])


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem(
        request,
        exc.status_code,
        exc.title,
        exc.detail,
        exc.type,
        exc.invalid_params,
        exc.headers,
        exc.conflicts_with,
    )


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
    headers = dict(exc.headers or {})
    allowed = [m.strip() for m in headers.get("Allow", "").split(",") if m.strip()]
    if "GET" in allowed and "HEAD" not in allowed:  # app.http.middleware.HeadAsGet answers HEAD
        headers["Allow"] = ", ".join([*allowed, "HEAD"])
    return problem(request, exc.status_code, title, detail, headers=headers)


def unexpected(request: Request, exc: Exception) -> JSONResponse:
    """The answer to an exception nothing else handled (app.http.middleware.Unexpected)."""
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    return problem(
        request, 500, "Internal server error", "The error was logged with this request's id."
    )


def install(app: FastAPI) -> None:
    """Answer every error as problem details (unexpected ones: app.http.middleware.Unexpected,
    inside the other middleware, so that a 500 still carries their headers)."""
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """For route declarations: the problems a route may answer, documented in OpenAPI (the
    examples are made for each operation by app.api.openapi)."""
    return {
        code: {
            "model": Problem,
            "description": PROBLEM_TYPES[_BY_STATUS[code]].meaning,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for code in codes
    }
