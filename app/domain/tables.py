"""The shared tables (citations, claims, the change log, keys, failed key checks, the dataset
version) and what every table shares; each kind's own table is declared with it in
app.domain.kinds. The schema itself is made only by the Alembic migrations in migrations/.

Dates with a precision coarser than a day are stored as the widest span they can mean:
a start (or decision) as the first day of its month or year, an end as the last day.
The precision column beside each date says how much of it a source actually gave.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, DateTime, Index, MetaData, String, Table, Text
from sqlmodel import Field, SQLModel

from app.core.dates import Precision

# One naming convention for every constraint, so migrations name things the same on
# SQLite and PostgreSQL and can drop them by name.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata
# The largest seq, revision, count or offset a request may name (the databases' INTEGER).
MAX_INT = 2**31 - 1


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a table model (typed, for Core queries)."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


class Status(StrEnum):
    member = "member"
    observer = "observer"
    dialogue_partner = "dialogue_partner"
    partner = "partner"


class Post(StrEnum):
    secretary_general = "secretary_general"  # the head of the Secretariat
    rats_director = "rats_director"  # the Director of the RATS Executive Committee


class Verdict(StrEnum):
    holds = "holds"
    contradicted = "contradicted"
    # The dataset does not hold every fact of the kind on the day: absence proves nothing.
    not_covered = "not_covered"
    # The dataset's dates are too imprecise (a month, a year) to decide either way.
    undetermined = "undetermined"


def enum_column(enum: type[StrEnum], **kw: Any) -> Any:
    # Enums are stored as plain strings (no native PostgreSQL ENUM to migrate).
    return Field(sa_type=String(20), **kw)


def end_after_start() -> CheckConstraint:
    return CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start")


def revision_column() -> Any:
    return Field(default=1, ge=1, description="Grows by one with each change to the fact")


def aliases_column() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


def names_column() -> Any:
    """Texts by language (`{"en": …, "ru": …}`), stored as a JSON object."""
    return Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


def public_id_column() -> Any:
    # Minted once, from the fact's natural key when it is created, and never changed.
    return Field(max_length=96, unique=True, index=True)


class DatedTable(SQLModel):
    """The fields every period shares (a data model, not a table)."""

    start_date: date
    start_precision: Precision = enum_column(Precision)
    end_date: date | None = None
    end_precision: Precision | None = enum_column(Precision, default=None, nullable=True)
    note: str | None = Field(default=None, sa_type=Text)
    # How the fact is inferred, in words, where no source states it (null: it is stated).
    inferred: str | None = Field(default=None, sa_type=Text)


# The kinds of fact a citation may point at: exactly one of these columns is set.
CITED_COLUMNS = (
    "state_iso3",
    "person_id",
    "status_period_id",
    "term_id",
    "summit_id",
    "presidency_id",
    "permanent_body_id",
    "document_id",
    "organisation_id",
    "language_id",
    "standing_id",
    "body_id",
    "seat_id",
    "post_title_id",
    "meeting_id",
)


def _exactly_one_fact() -> CheckConstraint:
    count = " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in CITED_COLUMNS)
    return CheckConstraint(f"{count} = 1", name="exactly_one_fact")


class Citation(SQLModel, table=True):
    __table_args__ = (_exactly_one_fact(),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: str = Field(foreign_key="source.id", index=True, max_length=64)
    quote: str | None = Field(default=None, sa_type=Text)
    # The words of the quote that state the fact ({subject, date, dates}); null: it supports.
    states: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    state_iso3: str | None = Field(
        default=None, foreign_key="state.iso3", index=True, max_length=3, ondelete="CASCADE"
    )
    person_id: str | None = Field(
        default=None, foreign_key="person.id", index=True, max_length=64, ondelete="CASCADE"
    )
    status_period_id: int | None = Field(
        default=None, foreign_key="status_period.id", index=True, ondelete="CASCADE"
    )
    term_id: int | None = Field(default=None, foreign_key="term.id", index=True, ondelete="CASCADE")
    summit_id: str | None = Field(
        default=None, foreign_key="summit.id", index=True, max_length=64, ondelete="CASCADE"
    )
    presidency_id: int | None = Field(
        default=None, foreign_key="presidency.id", index=True, ondelete="CASCADE"
    )
    permanent_body_id: str | None = Field(
        default=None,
        foreign_key="permanent_body.id",
        index=True,
        max_length=64,
        ondelete="CASCADE",
    )
    document_id: str | None = Field(
        default=None, foreign_key="document.id", index=True, max_length=64, ondelete="CASCADE"
    )
    organisation_id: str | None = Field(
        default=None, foreign_key="organisation.id", index=True, max_length=64, ondelete="CASCADE"
    )
    language_id: int | None = Field(
        default=None, foreign_key="language.id", index=True, ondelete="CASCADE"
    )
    standing_id: int | None = Field(
        default=None, foreign_key="standing.id", index=True, ondelete="CASCADE"
    )
    body_id: str | None = Field(
        default=None, foreign_key="body.id", index=True, max_length=64, ondelete="CASCADE"
    )
    seat_id: int | None = Field(default=None, foreign_key="seat.id", index=True, ondelete="CASCADE")
    post_title_id: int | None = Field(
        default=None, foreign_key="post_title.id", index=True, ondelete="CASCADE"
    )
    meeting_id: int | None = Field(
        default=None, foreign_key="meeting.id", index=True, ondelete="CASCADE"
    )


class Claim(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    source_id: str = Field(foreign_key="source.id", index=True, max_length=64)
    statement: str = Field(sa_type=Text)
    kind: str = Field(max_length=32)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Why the dataset departs from the source, where the data contradicts it.
    note: str | None = Field(default=None, sa_type=Text)


class DatasetVersion(SQLModel, table=True):
    """One row. `version` is the seq of the latest change set, written in the same
    transaction as it, so every worker can tell in one cheap read whether its cached
    answers are stale."""

    __tablename__ = "dataset_version"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: int = Field(default=1, primary_key=True)
    # Made anew with the schema (a random token), so that a rebuilt database, whose version
    # count starts again, is never mistaken for the one a worker has cached.
    epoch: str = Field(default="", max_length=32)
    version: int = 0


# The kinds of fact whose completeness the dataset declares (see Coverage).


class ChangeSet(SQLModel, table=True):
    """One atomic change to the dataset: the seed, an import, a curator's write. Append-only;
    `seq` is gapless in commit order (the writer lock is held while it is taken)."""

    __tablename__ = "change_set"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    committed_at: datetime = Field(sa_type=DateTime(timezone=True))
    actor: str = Field(max_length=200)
    channel: str = Field(max_length=20, description="seed, import, migration, api, revert")
    reason: str = Field(sa_type=Text)
    request_id: str | None = Field(default=None, max_length=128)
    # The name of the API key a curator's change was made with (shown only in the audit).
    api_key: str | None = Field(default=None, max_length=64)


class FactChange(SQLModel, table=True):
    """One fact's change within a change set, with the whole fact before and after it."""

    __tablename__ = "fact_change"
    __table_args__ = (Index("ix_fact_change_kind_fact_id", "kind", "fact_id"),)

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(foreign_key="change_set.seq", index=True)
    ordinal: int
    kind: str = Field(max_length=32)
    fact_id: str = Field(max_length=96)
    op: str = Field(max_length=8, description="create, update or delete")
    revision: int = Field(description="The fact's revision after the change (delete: before)")
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class ApiKey(SQLModel, table=True):
    """A curator's key for the write API. Only a hash of its secret is kept: the secret is
    random (256 bits), so a plain SHA-256 is enough to make a stolen table useless."""

    __tablename__ = "api_key"

    name: str = Field(primary_key=True, max_length=64)
    secret_hash: str = Field(unique=True, max_length=64)
    scopes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class AuthFailure(SQLModel, table=True):
    """A request refused for want of a valid API key (401), by the client it came from: the
    count of a client's recent failures throttles it, in every worker and replica at once
    (app.storage.throttle). Rows older than the window are deleted as new ones come."""

    __tablename__ = "auth_failure"
    __table_args__ = (Index("ix_auth_failure_client_failed_at", "client", "failed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    client: str = Field(
        max_length=255, description="Its address (behind a trusted proxy: the forwarded one)"
    )
    failed_at: datetime = Field(sa_type=DateTime(timezone=True), index=True)


class IdempotentRequest(SQLModel, table=True):
    """The first answer to a POST sent with an Idempotency-Key, replayed to its retries
    (same key, same body, same API key) for a day."""

    __tablename__ = "idempotent_request"
    __table_args__ = (Index("uq_idempotent_request_key", "api_key", "key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    api_key: str = Field(max_length=64)
    key: str = Field(max_length=255)
    request_hash: str = Field(
        max_length=64, description="Of the method, path, Change-Reason and body"
    )
    status: int
    headers: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    body: str = Field(sa_type=Text)
    created_at: datetime = Field(sa_type=DateTime(timezone=True), index=True)
