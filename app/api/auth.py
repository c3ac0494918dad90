"""Curators' API keys on the write API: the bearer key checked, its scope required, and the
engine their writes go through.

Every failed check (401) is counted by client in the database (app.storage.throttle), in
the metric sco_auth_failures_total, and in a warning naming the client and the reason, never
the key. A client with too many failures of late is refused (429) before its key is looked
at, until the time passes. The client is the connecting address, or the address a trusted
proxy forwards (SCO_TRUSTED_PROXIES, applied by uvicorn's ProxyHeadersMiddleware)."""

import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool

from app.core import metrics
from app.core.db import make_engine
from app.core.errors import Forbidden, TooManyRequests, Unauthorized, Unavailable
from app.storage import keys, throttle
from app.writes.service import explain

log = logging.getLogger("app.auth")
P = ParamSpec("P")
T = TypeVar("T")

REALM = 'Bearer realm="SCO Data API"'


SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]  # OpenAPI: needs a key


def writer(request: Request) -> Engine:
    """The engine of writes (and of key checks): made on the first write, not for reads."""
    engine: Engine | None = getattr(request.app.state, "writer", None)
    if engine is None:
        engine = request.app.state.writer = make_engine(request.app.state.database_url)
    return engine


def _checked(query: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`query(*args)` on the database of keys; a database that cannot be used (or is not
    migrated) is a 503, named as the write service names it; any other error is a defect."""
    try:
        return query(*args, **kwargs)
    except DBAPIError as exc:
        refusal = explain(exc)
        if refusal is None or refusal.status != 503:
            raise
        raise Unavailable(f"{refusal.problems[0]} (checking the API key)") from exc


def _find_key(engine: Engine, secret: str) -> keys.Key | None:
    return _checked(keys.find, engine, secret)


def limit(request: Request) -> throttle.Limit:
    """The failures a client may make (the application's settings; the defaults without)."""
    found: throttle.Limit | None = getattr(request.app.state, "auth_limit", None)
    return found or throttle.Limit()


def client(request: Request) -> str:
    """Who a request counts against: its peer's address, or the one a trusted proxy
    forwarded (ProxyHeadersMiddleware has put it in the ASGI scope by then)."""
    return throttle.client_key(request.client.host if request.client else None)


def _throttled(tally: throttle.Tally, rule: throttle.Limit) -> TooManyRequests:
    metrics.AUTH_THROTTLED.inc()
    return TooManyRequests(
        f"Too many requests with no valid API key came from this client ({tally.failures} "
        f"within {rule.window} s): requests that need a key are refused, even with a valid "
        "one, for the seconds Retry-After gives",
        headers={"Retry-After": str(tally.retry_after)},
    )


async def _failure(
    request: Request, who: str, reason: str, refusal: Unauthorized
) -> Unauthorized | TooManyRequests:
    """Count a failed check of `who`'s key: the error to raise is `refusal`, or a 429 when
    the client turns out to be throttled already (by requests checked at the same time)."""
    rule = limit(request)
    recorded, tally = await run_in_threadpool(_checked, throttle.fail, writer(request), who, rule)
    if not recorded:
        return _throttled(tally, rule)
    metrics.AUTH_FAILURES.labels(reason).inc()
    # The client's address and the reason, never the key sent (nor any part of it).
    address = request.client.host if request.client else "-"
    log.warning(
        "API key refused for client %s: %s (%d failure(s) within %d s)",
        address if address == who else f"{address} (counted as {who})",
        reason,
        tally.failures,
        rule.window,
    )
    if tally.throttled:
        log.warning(
            "Client %s is refused every request that needs a key for %d s: %d failed key "
            "checks within %d s",
            who,
            tally.retry_after,
            tally.failures,
            rule.window,
        )
    return refusal


async def curator(request: Request, *scopes: str) -> keys.Key:
    """The API key of the request, which must hold each of `scopes`: 401 (with
    WWW-Authenticate) without a valid one, 403 naming the scope it lacks. The secret is
    never logged nor echoed. Each 401 counts against the client; a client past the limit
    is refused with 429 and Retry-After before its key is looked at."""
    who, rule = client(request), limit(request)
    tally = await run_in_threadpool(_checked, throttle.standing, writer(request), who, rule)
    if tally.throttled:
        raise _throttled(tally, rule)
    header = request.headers.get("authorization")
    if not header:
        raise await _failure(
            request,
            who,
            "missing",
            Unauthorized(
                "This operation needs an API key: send `Authorization: Bearer <key>`",
                headers={"WWW-Authenticate": REALM},
            ),
        )
    scheme, _, secret = header.partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not keys.SECRET.match(secret):
        raise await _failure(
            request,
            who,
            "malformed",
            Unauthorized(
                "The Authorization header is not `Bearer <key>` with a key of this service "
                "(`sco_` and 43 characters)",
                headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
            ),
        )
    key = await run_in_threadpool(_find_key, writer(request), secret)
    if key is None or not key.active:
        said = "was revoked" if key is not None else "is not known here"
        raise await _failure(
            request,
            who,
            "revoked" if key is not None else "unknown",
            Unauthorized(
                f"The API key {said}",
                headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
            ),
        )
    for scope in scopes:
        require(key, scope)
    return key


def require(key: keys.Key, scope: str) -> None:
    """403 naming `scope` unless `key` holds it."""
    if scope not in key.scopes:
        raise Forbidden(
            f"The API key {key.name!r} lacks the scope {scope!r} this operation needs",
            headers={"WWW-Authenticate": f'{REALM}, error="insufficient_scope", scope="{scope}"'},
        )
