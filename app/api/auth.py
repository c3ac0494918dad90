"""Curators' API keys on the write API: the bearer key checked, its scope required, and the
engine their writes go through."""

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from app.core.db import make_engine
from app.core.errors import Forbidden, Unauthorized, Unavailable
from app.storage import keys

REALM = 'Bearer realm="SCO Data API"'


SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]  # OpenAPI: needs a key


def writer(request: Request) -> Engine:
    """The engine of writes (and of key checks): made on the first write, not for reads."""
    engine: Engine | None = getattr(request.app.state, "writer", None)
    if engine is None:
        engine = request.app.state.writer = make_engine(request.app.state.database_url)
    return engine


def _find_key(engine: Engine, secret: str) -> keys.Key | None:
    try:
        return keys.find(engine, secret)
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None) or exc
        missing = "no such table" in str(orig) or "does not exist" in str(orig)
        raise Unavailable(
            "The database is not migrated: run `sco-api migrate`"
            if missing
            else "The database cannot be used to check the API key"
        ) from exc


async def curator(request: Request, *scopes: str) -> keys.Key:
    """The API key of the request, which must hold each of `scopes`: 401 (with
    WWW-Authenticate) without a valid one, 403 naming the scope it lacks. The secret is
    never logged nor echoed."""
    header = request.headers.get("authorization")
    if not header:
        raise Unauthorized(
            "This operation needs an API key: send `Authorization: Bearer <key>`",
            headers={"WWW-Authenticate": REALM},
        )
    scheme, _, secret = header.partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not keys.SECRET.match(secret):
        raise Unauthorized(
            "The Authorization header is not `Bearer <key>` with a key of this service "
            "(`sco_` and 43 characters)",
            headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
        )
    key = await run_in_threadpool(_find_key, writer(request), secret)
    if key is None or not key.active:
        said = "was revoked" if key is not None else "is not known here"
        raise Unauthorized(
            f"The API key {said}",
            headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
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
