"""Curators' API keys: made and revoked with `sco-api keys`, checked on every write.

A key's secret is `sco_` and 43 URL-safe characters (256 random bits), so secret scanners
can recognise a leaked one. It is shown once, when the key is made; the database keeps
only its SHA-256 (a random 256-bit secret needs no slow hash), and a key sent is compared
with every stored hash in constant time. The secret is never logged.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.domain.tables import ApiKey, table_of

PREFIX = "sco_"
SCOPES = {
    "facts:write": "create, change and delete facts (status periods, people, terms, summits, "
    "presidencies, coverage) with their citations, and the claims sources make",
    "sources:write": "create, change and delete sources",
    "audit:read": "read the full change log with the keys and request ids (GET /v1/audit)",
    "keys:admin": "manage API keys (reserved: keys are managed with `sco-api keys`)",
}
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
# The secret's shape: what a bearer token must look like before any lookup.
SECRET = re.compile(r"^sco_[A-Za-z0-9_-]{43}$")


class KeyRefused(ValueError):
    """A key could not be made or revoked; the message says why."""


@dataclass(frozen=True)
class Key:
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _key(row: Any) -> Key:
    def utc(value: datetime | None) -> datetime | None:
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)

    created = utc(row.created_at)
    assert created is not None
    return Key(row.name, tuple(row.scopes), created, utc(row.revoked_at))


def create(engine: Engine, name: str, scopes: list[str]) -> str:
    """Make a key; answer its secret (the only time it is seen)."""
    if not NAME.match(name):
        raise KeyRefused(
            f"{name!r} is not a key name: 1 to 64 lowercase letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        said = f"unknown scope(s): {', '.join(unknown)}" if unknown else "no scope given"
        raise KeyRefused(f"{said}; the scopes are {', '.join(SCOPES)}")
    secret = PREFIX + secrets.token_urlsafe(32)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(table_of(ApiKey)).values(
                    name=name,
                    secret_hash=digest(secret),
                    scopes=sorted(set(scopes)),
                    created_at=datetime.now(UTC),
                )
            )
    except IntegrityError:
        raise KeyRefused(f"a key named {name!r} exists already (names are never reused)") from None
    return secret


def listed(engine: Engine) -> list[Key]:
    with engine.connect() as conn:
        rows = conn.execute(select(table_of(ApiKey)).order_by(table_of(ApiKey).c.name)).all()
        return [_key(r) for r in rows]


def revoke(engine: Engine, name: str) -> Key:
    """Revoke a key for good; answer it as it now stands."""
    table = table_of(ApiKey)
    with engine.begin() as conn:
        done = conn.execute(
            update(table)
            .where(table.c.name == name, table.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
        row = conn.execute(select(table).where(table.c.name == name)).first()
    if row is None:
        raise KeyRefused(f"no key is named {name!r} (`sco-api keys list` lists them)")
    if done.rowcount == 0:
        raise KeyRefused(f"the key {name!r} was revoked already, on {row.revoked_at}")
    return _key(row)


def find(engine: Engine, secret: str) -> Key | None:
    """The key whose secret this is (revoked or not), comparing with every stored hash in
    constant time; None when none is."""
    wanted = digest(secret)
    found = None
    with engine.connect() as conn:
        for row in conn.execute(select(table_of(ApiKey))).all():
            if hmac.compare_digest(row.secret_hash, wanted):
                found = _key(row)
    return found
