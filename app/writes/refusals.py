"""Refusals named where they apply: a field of a body, or of an operation of a change set
(`operations.2.data.start_date`), with what is wrong with it."""

from typing import Any

from pydantic import ValidationError

from app.core.errors import InvalidParam, InvalidParameters
from app.domain.bodies import Body


def named(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def data_of(prefix: str) -> str:
    """Where an operation's fields are: `operations.N.data`, or the body of a
    single-resource write."""
    return f"{prefix}.data" if prefix else ""


def invalid(name: str, reason: str, detail: str | None = None) -> InvalidParameters:
    name = name or "body"
    return InvalidParameters(
        detail or f"{name}: {reason}", [InvalidParam(name=name, reason=reason)]
    )


def validation_params(exc: ValidationError, prefix: str) -> list[InvalidParam]:
    """Pydantic's errors named by their place in the request body."""
    found = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        name = f"{prefix}.{where}" if prefix and where else prefix or where or "body"
        reason = (
            "unknown field: not part of this body (read-only and derived fields are not sent)"
            if err["type"] == "extra_forbidden"
            else err["msg"]
        )
        found.append(InvalidParam(name=name, reason=reason))
    return found


def invalid_body(exc: ValidationError, prefix: str) -> InvalidParameters:
    params = validation_params(exc, prefix)
    return InvalidParameters(
        "Invalid body: " + "; ".join(f"{p.name}: {p.reason}" for p in params), params
    )


def validated(model: type[Body], data: Any, prefix: str) -> Body:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_body(exc, prefix) from None
