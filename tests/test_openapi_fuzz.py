"""Property-based checks of every documented operation against its OpenAPI description
(schemathesis): no 500s, responses match their schemas, every status is documented.

Driven through Hypothesis directly: schemathesis's own pytest plugin does not run under
this pytest."""

from datetime import UTC, date, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.core.settings import Settings
from app.main import create_app
from app.reads.search import fold

FOUNDED = "2001-06-15"


def refused_by_design(case: schemathesis.Case) -> bool:
    """Values refused with a documented 422 that the schema cannot state.

    Days whose bounds depend on today, on the data or on another parameter: a future
    `as_of`, an `as_recorded` of today (UTC) or later, whose record is still open, a
    snapshot before the founding, a timeline whose `from` is later than its `to`.
    Parameters that exclude each other: `version` with `as_recorded`. Whole numbers spelt
    as floats (`version=5.0`): JSON Schema counts 5.0 as an integer, but the API takes only
    the plain spelling (one cache key per answer); schemathesis draws such values from the
    float constants in the app's source, which from_asgi analyses. A search `q` that folds to
    nothing (blanks, combining marks, a lone `y`)."""
    query = case.query or {}
    if any(isinstance(value, float) for value in query.values()):
        return True
    if isinstance(query.get("q"), str) and not fold(query["q"].strip()):
        return True
    if query.get("version") is not None and query.get("as_recorded") is not None:
        return True
    as_recorded = str(query.get("as_recorded") or "")
    if as_recorded and as_recorded >= datetime.now(UTC).date().isoformat():
        return True
    since, until = str(query.get("from", "")), str(query.get("to", ""))
    ranged = ("/v1/timeline", "/v1/meetings")
    if case.operation.path in ranged and since and until and since > until:
        return True
    as_of = str(query.get("as_of", ""))
    if not as_of:
        return False
    return as_of > date.today().isoformat() or (
        case.operation.path == "/v1/snapshot" and as_of < FOUNDED
    )


def examples(backend: str) -> int:
    """How many examples to draw for each read operation: the profile's number on SQLite
    (30 in "fixed"), a sixth of it on PostgreSQL, where the same code answers from other rows."""
    full = settings.default.max_examples
    return full if backend == "sqlite" else max(5, full // 6)


def write_examples() -> int:
    """How many for each write operation, on both engines: five sixths of the profile's
    number (25 in "fixed"); each write example costs more than a read one."""
    return max(5, settings.default.max_examples * 5 // 6)


def test_every_operation_conforms_to_its_schema(backend: str, seeded_url: str) -> None:
    load_all_checks()
    every_check = CHECKS.get_all()  # all of schemathesis's checks, named, not its defaults
    assert len(every_check) >= 14
    app = create_app(Settings(database_url=seeded_url))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 24
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=examples(backend), suppress_health_check=list(HealthCheck))
        def conforms(case: schemathesis.Case) -> None:
            excluded = {positive_data_acceptance} if refused_by_design(case) else set()
            case.call_and_validate(checks=[c for c in every_check if c not in excluded])

        try:
            conforms()
        # Schemathesis raises its failures as a BaseExceptionGroup, not an Exception.
        except (Exception, BaseExceptionGroup) as exc:  # name the operation, go on to the next
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    if failures:
        pytest.fail(f"{len(failures)} operation(s) failed:\n\n" + "\n\n".join(failures))


def test_every_write_conforms_with_a_key(seeded_copy_url: str) -> None:
    """The write operations again, sent with a key of every scope (on a copy of the shipped
    dataset, which they may change): whatever the body, headers and path, the answer is a
    documented status with its schema, never a 500. Valid bodies are mostly refused (their
    sources and quotes do not exist, their periods collide): the rules of the dataset are
    not in the schema, so the acceptance of valid data is not checked here."""
    from app.core.db import make_engine
    from app.storage import keys

    engine = make_engine(seeded_copy_url)
    secret = keys.create(engine, "fuzzer", list(keys.SCOPES))
    engine.dispose()
    load_all_checks()
    checks = [c for c in CHECKS.get_all() if c is not positive_data_acceptance]
    app = create_app(Settings(database_url=seeded_copy_url))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [
        op
        for result in schema.get_all_operations()
        if (op := result.ok()).method.upper() in ("POST", "PATCH", "DELETE")
    ]
    assert len(operations) == 43
    headers = {"Authorization": f"Bearer {secret}"}
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=write_examples(), suppress_health_check=list(HealthCheck))
        def conforms(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=checks, headers=headers)

        try:
            conforms()
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    if failures:
        pytest.fail(f"{len(failures)} operation(s) failed:\n\n" + "\n\n".join(failures))
