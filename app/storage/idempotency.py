"""Idempotent retries of the write API: a POST sent with an Idempotency-Key is answered once;
a retry within 24 hours (same API key, same key, same content) replays the answer, kept in
the transaction that wrote the change."""

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from app.core.errors import (
    InvalidParam,
    InvalidParameters,
)
from app.domain.tables import IdempotentRequest, table_of

IDEMPOTENCY_HOURS = 24


@dataclass(frozen=True)
class Retry:
    """What identifies an idempotent POST: its API key, its Idempotency-Key, its content."""

    api_key: str
    key: str
    digest: str


class Replayed(Exception):
    def __init__(self, row: Any) -> None:
        self.row = row


def check(conn: Connection, retry: Retry) -> None:
    """Under the writer lock: a retry of an answered request replays its answer; the same
    key with other content is refused."""
    table = table_of(IdempotentRequest)
    cutoff = datetime.now(UTC) - timedelta(hours=IDEMPOTENCY_HOURS)
    conn.execute(delete(table).where(table.c.created_at < cutoff))
    row = conn.execute(
        select(table).where(table.c.api_key == retry.api_key, table.c.key == retry.key)
    ).first()
    if row is None:
        return
    if not hmac.compare_digest(row.request_hash, retry.digest):
        raise InvalidParameters(
            "This Idempotency-Key was used, within the last 24 hours, for a request with "
            "other content: use a new key for a new request",
            [InvalidParam(name="Idempotency-Key", reason="used for another request")],
        )
    raise Replayed(row)


def record(
    conn: Connection, retry: Retry, status: int, headers: dict[str, str], body: bytes
) -> None:
    """Keep the answer to an idempotent request, in the transaction that wrote its change."""
    conn.execute(
        insert(table_of(IdempotentRequest)).values(
            api_key=retry.api_key,
            key=retry.key,
            request_hash=retry.digest,
            status=status,
            headers=headers,
            body=body.decode(),
            created_at=datetime.now(UTC),
        )
    )
