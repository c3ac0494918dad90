"""A collection's items as a table: their top-level fields, their flat columns (for CSV) and
the columns they can be sorted by, all derived from the item's public model.

Nothing here is written out per collection, so a field added to a model shows up in its
`fields=` names, its CSV header and its `sort=` names at once, and the three never disagree.
Flattening: a nested object gives one column per field, named with dots (`state.iso3`); a
list of strings is one column joined by `;` (`aliases`); a list of cited sources is one
column of their ids joined by `;` (`source_ids`; the quotes are in the JSON); a mapping keyed
by an enum gives one column per member (`claim_verdicts.holds`).
"""

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import cached_property
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, Field, create_model

from app.core.dates import parse
from app.core.errors import InvalidParam, InvalidParameters
from app.domain.public import Page

JOIN = ";"
Item = dict[str, Any]  # an item as its JSON object


@dataclass(frozen=True)
class Column:
    name: str  # the CSV header, e.g. `state.iso3`
    field: str  # the top-level field it comes from, e.g. `state`
    get: Callable[[Item], Any]
    sortable: bool


def _unwrap(tp: Any) -> Any:
    """`X | None` -> X."""
    if get_origin(tp) in (Union, UnionType):
        args = [a for a in get_args(tp) if a is not NoneType]
        if len(args) == 1:
            return args[0]
    return tp


def _at(path: tuple[str, ...]) -> Callable[[Item], Any]:
    def get(item: Item) -> Any:
        value: Any = item
        for key in path:
            if value is None:
                return None
            value = value.get(key)
        return value

    return get


def _joined(path: tuple[str, ...], key: str | None) -> Callable[[Item], Any]:
    at = _at(path)

    def get(item: Item) -> Any:
        values = at(item)
        if values is None:
            return None
        return JOIN.join(str(v[key] if key else v) for v in values)

    return get


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _columns(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> Iterator[Column]:
    for name, info in model.model_fields.items():
        path = (*prefix, name)
        top = path[0]
        tp = _unwrap(info.annotation)
        if _is_model(tp):
            yield from _columns(tp, path)
        elif get_origin(tp) is list:
            (element,) = get_args(tp)
            if _is_model(element) and "id" in element.model_fields:
                header = ".".join((*prefix, name.removesuffix("s") + "_ids"))
                yield Column(header, top, _joined(path, "id"), False)
            else:
                yield Column(".".join(path), top, _joined(path, None), False)
        elif get_origin(tp) is dict and issubclass(get_args(tp)[0], Enum):
            for member in get_args(tp)[0]:
                key = (*path, str(member.value))
                yield Column(".".join(key), top, _at(key), True)
        else:
            # A precision is read beside its date; sorting by it alone means nothing.
            yield Column(".".join(path), top, _at(path), not name.endswith("_precision"))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _pattern(names: Sequence[str], sign: str = "") -> str:
    one = "(?:" + "|".join(n.replace(".", r"\.") for n in names) + ")"
    return f"^{sign}{one}(?:,{sign}{one})*$"


@dataclass(frozen=True)
class Table:
    """How the items of one collection are listed, sorted, trimmed and written as CSV."""

    model: type[BaseModel]

    @cached_property
    def page(self) -> Any:
        """The page's model, for the OpenAPI description: its items are whole, or (with
        `fields=`) hold only some of the fields, which the schema then does not require."""
        partial = create_model(  # type: ignore[call-overload]
            f"{self.model.__name__}Fields",
            __doc__=f"{self.model.__name__} with only the fields `fields=` names",
            **{
                name: (info.annotation, Field(default=None, description=info.description))
                for name, info in self.model.model_fields.items()
            },
        )
        item: Any = self.model | partial
        base: Any = Page[item]
        return create_model(f"{self.model.__name__}Page", __base__=base)

    @cached_property
    def columns(self) -> list[Column]:
        return list(_columns(self.model))

    @property
    def fields(self) -> list[str]:
        return list(self.model.model_fields)

    @cached_property
    def sortable(self) -> list[str]:
        return [c.name for c in self.columns if c.sortable]

    def sort_param(self) -> Any:
        """The `sort` query parameter, documented with this collection's names."""
        return Field(
            default=None,
            description="Order by these columns, comma-separated, each ascending or, with a "
            "leading `-`, descending (e.g. `-start_date,state.name`); default: the "
            "collection's own order. A date known only to the month or year sorts by its "
            "first day; a missing value (an ongoing fact's end_date) sorts last ascending, "
            "first descending. Names: " + ", ".join(self.sortable),
            json_schema_extra={"pattern": _pattern(self.sortable, "-?")},
        )

    def fields_param(self) -> Any:
        """The `fields` query parameter, documented with this collection's names."""
        return Field(
            default=None,
            description="Only these top-level fields of each item, comma-separated (in CSV: "
            "the columns that come from them); the page's total, limit and offset stay. "
            "Names: " + ", ".join(self.fields),
            json_schema_extra={"pattern": _pattern(self.fields)},
        )

    def csv_columns(self) -> str:
        """The CSV header, for the operation's description."""
        return ", ".join(f"`{c.name}`" for c in self.columns)

    def chosen_fields(self, value: str | None) -> list[str] | None:
        """The fields `fields=` names (None: all), or a 422 naming the valid ones."""
        if value is None:
            return None
        names = [n.strip() for n in value.split(",")]
        _refuse_unknown("fields", names, self.fields)
        return names

    def sort_keys(self, value: str | None) -> list[tuple[str, bool]]:
        """The (column, descending) keys `sort=` names, or a 422 naming the valid ones."""
        if value is None:
            return []
        keys = [(k.strip().removeprefix("-"), k.strip().startswith("-")) for k in value.split(",")]
        _refuse_unknown("sort", [name for name, _ in keys], self.sortable)
        return keys

    def sort(self, items: list[Item], keys: list[tuple[str, bool]]) -> list[Item]:
        """`items` in the order of `keys` (see sort_keys); ties keep their order."""
        if not keys:
            return items
        by_name = {c.name: c for c in self.columns}
        dates = {name for name in by_name if f"{name}_precision" in by_name}
        ordered = list(items)
        # Stable sorts from the last key to the first give the order of all keys together.
        for name, descending in reversed(keys):
            get = by_name[name].get
            as_date = name in dates

            def key(item: Item, get: Callable[[Item], Any] = get, as_date: bool = as_date) -> Any:
                value = get(item)
                if value is None:
                    return (True, "")
                if as_date:
                    first: date = parse(value)[0]
                    return (False, first)
                return (False, value.casefold() if isinstance(value, str) else value)

            ordered.sort(key=key, reverse=descending)
        return ordered

    def trim(self, items: list[Item], fields: list[str] | None) -> list[Item]:
        if fields is None:
            return items
        wanted = set(fields)
        return [{k: v for k, v in item.items() if k in wanted} for item in items]

    def csv(self, items: list[Item], fields: list[str] | None) -> bytes:
        """The items as CSV (RFC 4180): a header row, then one row per item."""
        columns = [c for c in self.columns if fields is None or c.field in fields]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([c.name for c in columns])
        for item in items:
            writer.writerow([_cell(c.get(item)) for c in columns])
        return out.getvalue().encode()


def _refuse_unknown(param: str, names: list[str], valid: list[str]) -> None:
    unknown = [n for n in names if n not in valid]
    if unknown:
        known = ", ".join(valid)
        raise InvalidParameters(
            f"Unknown {param} name(s): {', '.join(map(repr, unknown))}; valid: {known}",
            [
                InvalidParam(name=param, reason=f"unknown name {n!r}; valid: {known}")
                for n in unknown
            ],
        )
