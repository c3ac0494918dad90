"""The fields of a kind of fact, each declared once: its name in documents (the dataset file's
word, e.g. `start`), the column that holds it in the kind's table and record (`start_date`),
and how the one becomes the other.

A kind's table row and its read-model record have the same columns, so one declaration
says how a document is stored, how a stored row is read back as a document, and what a
record is built from (app.domain.kind).
"""

from dataclasses import dataclass
from typing import Any

from app.core.dates import parse, render

Doc = dict[str, Any]
Row = Any  # a row of the kind's table, or its record: both have its columns


@dataclass(frozen=True)
class Plain:
    """A field stored as it is written (text, a number, an enumeration's value)."""

    doc: str  # its name in documents and in the dataset file
    column: str = ""  # its column in the table and the record; "" : the same as `doc`
    answer: str = ""  # its name in answers and write bodies ("" : `doc`; dotted: nested)

    @property
    def col(self) -> str:
        return self.column or self.doc

    @property
    def said(self) -> str:
        """Its name in answers and write bodies."""
        return self.answer or self.doc

    def values(self, doc: Doc) -> dict[str, Any]:
        """Its columns, from a document."""
        return {self.col: doc.get(self.doc)}

    def document(self, row: Row) -> Any:
        """Its value in a document, from a row."""
        return getattr(row, self.col)


@dataclass(frozen=True)
class Many(Plain):
    """A list of texts (aliases), stored as a JSON list."""

    def values(self, doc: Doc) -> dict[str, Any]:
        return {self.col: list(doc.get(self.doc) or [])}

    def document(self, row: Row) -> Any:
        return list(getattr(row, self.col))


@dataclass(frozen=True)
class Mapping(Plain):
    """Texts by key (a state's names by language), stored as a JSON object."""

    def values(self, doc: Doc) -> dict[str, Any]:
        return {self.col: dict(doc.get(self.doc) or {})}

    def document(self, row: Row) -> Any:
        return dict(getattr(row, self.col) or {})


@dataclass(frozen=True)
class ExactDay(Plain):
    """A calendar day, written YYYY-MM-DD; answers name it as its column (`start_date`)."""

    @property
    def said(self) -> str:
        return self.answer or self.col

    def values(self, doc: Doc) -> dict[str, Any]:
        text = doc.get(self.doc)
        return {self.col: parse(text)[0] if text else None}

    def document(self, row: Row) -> Any:
        value = getattr(row, self.col)
        return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class Partial(Plain):
    """A date at the precision its source gives (`2017`, `2017-06`, `2017-06-09`), stored as
    the widest day it can mean (the first, or the last for an `end`) and its precision."""

    precision: str = ""  # the precision's column
    end: bool = False  # an end: the last day it can mean

    @property
    def said(self) -> str:
        """Answers name it as its column (`start_date`, `decided_on`)."""
        return self.answer or self.col

    def values(self, doc: Doc) -> dict[str, Any]:
        text = doc.get(self.doc)
        value, precision = parse(text, end=self.end) if text else (None, None)
        return {self.col: value, self.precision: precision}

    def document(self, row: Row) -> Any:
        return render(getattr(row, self.col), getattr(row, self.precision))


# The dates of a dated fact (a status period, a term, a presidency), its note, and how it is
# inferred where no source states it.
DATED = (
    Partial("start", "start_date", precision="start_precision"),
    Partial("end", "end_date", precision="end_precision", end=True),
    Plain("note"),
    Plain("inferred", answer="inference"),
)


def values(fields: tuple[Plain, ...], doc: Doc) -> dict[str, Any]:
    """The columns of `fields`, from a document."""
    out: dict[str, Any] = {}
    for f in fields:
        out.update(f.values(doc))
    return out


def document(fields: tuple[Plain, ...], row: Row) -> Doc:
    """The document fields of a row (or record)."""
    return {f.doc: f.document(row) for f in fields}
