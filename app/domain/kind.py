"""The declaration of a kind of fact: everything that differs between kinds (its table, its
fields, its id, its records, its paths and scopes), from which the rows, documents, records,
hrefs and routes of every kind are derived. The kinds themselves are declared in
app.domain.kinds."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlmodel import SQLModel

from app.core.dates import render
from app.domain import fields
from app.domain.bodies import Body
from app.domain.fields import Doc, Partial, Plain, Row
from app.domain.public import Public


def slug(*parts: str) -> str:
    """An id minted from a natural key: `("IND", "dialogue_partner")` -> `ind-dialogue-partner`."""
    return "-".join(p.lower().replace("_", "-") for p in parts)


@dataclass(frozen=True)
class Kind:
    """One kind of fact, declared once: everything that differs between kinds."""

    name: str
    plural: str  # the name of a collection of them (`counts` at /v1)
    table: type[SQLModel]
    model: type[BaseModel]  # its document, as the dataset file and the change log write it
    record: type  # its record in the read model: id, revision, its columns
    description: str
    natural_key: Callable[[Doc], tuple[str, ...]]
    fields: tuple[Plain, ...]  # its written fields but its id and sources, in document order
    mint: Callable[[Doc], str] | None = None  # None: the id is given with the fact
    cited: bool = True
    counted: bool = True  # counted among the facts at /v1 (coverage is not a fact)
    path: str = ""  # its collection (`/v1/summits`), or where its facts are shown (`/v1`)
    listed: str = ""  # the GET that lists its facts (a status period's: `/v1/states`)
    created: bool = True  # False: its facts are fixed, only changed (coverage's kinds)
    param: str = ""  # the parameter of its single-resource path ("": it has none)
    scope: str = "facts:write"  # the API key scope that writes it
    # Two of its facts that share a holder may not overlap (a state's statuses, one post's
    # terms, the presidency): the rule's words, with `{}` for the holder, and the holder of
    # a record. A change may then clash with another fact (409).
    one_at_a_time: tuple[str, Callable[[Any], str]] | None = None
    # The fields that name another fact, and its kind: each must exist (app.domain.rules).
    references: tuple[tuple[str, str], ...] = ()
    id_column: str = ""  # the column of its id, where not `id` (minted: `public_id`)
    citation_column: str = ""  # a citation's column naming it, where not `{name}_id`
    sourced: Callable[[Any], bool] | None = None  # which of its facts need a source
    makes_claims: bool = False  # its documents hold the claims it makes (a source's)
    # Its document as a write body sees it, and back: (document) and (document, before).
    to_body: Callable[[Doc], Doc] = lambda doc: doc
    from_body: Callable[[Doc, Doc | None], Doc] = lambda doc, before: doc
    # What its record holds that is derived, not written (a state's names), from its document.
    derived: Callable[[Doc], dict[str, Any]] = lambda _: {}
    # What a citation stating one of its facts must name (app.domain.stating): the names of
    # its subject, from the dataset and its record (a state's, a person's, a summit's place);
    # the dates it must give (in the dataset file's words); and a convention by which a start
    # is computed from a stated date, in words ("": none), e.g. a presidency's day after.
    subject: Callable[[Any, Any], tuple[str, ...]] | None = None
    stated: tuple[str, ...] = ()
    start_follows: str = ""
    # A cited fact in words, from the dataset and its record (a source's page lists them).
    describe: Callable[[Any, Any], str] | None = None
    public: type[Public] | None = None  # its answer
    # Its place in the dataset file: its section (a list of entries; `keyed`: a mapping by
    # id), or, `within` another kind's entries, the list inside each, whose id its `holder`
    # field names. An entry is `entry` (with the sections nested in it), its id in
    # `file_key`; `exclude` names the entry's fields that are not the document's.
    section: str = ""
    entry: type[BaseModel] | None = None
    within: str = ""
    holder: str = ""
    keyed: bool = False
    required: bool = False  # a dataset file without the section is refused
    file_key: str = "id"
    exclude: frozenset[str] = frozenset()
    # The order of its entries: by the document, and the entries nested in it (sorted).
    file_order: Callable[[Doc, list[Doc]], Any] = lambda doc, nested: doc["id"]
    read: Callable[[Doc], Doc] = lambda doc: doc  # a document as the file gives it, completed
    # The names under which the dataset says when it holds every fact of this kind (a
    # status period's: each status), and whether the snapshot of a day shows them.
    covers: tuple[str, ...] = ()
    in_snapshot: bool = False
    body: type[Body] | None = None  # its write body; a change is a merge patch of it
    new_body: type[Body] | None = None  # the body that creates one, with its given id

    @property
    def minted(self) -> bool:
        return self.mint is not None

    @property
    def exclusive(self) -> bool:
        return self.one_at_a_time is not None

    @property
    def dated(self) -> bool:
        """Whether its facts hold from a start at a source's precision to an end (`as_of`
        finds them; none starts before the organisation was founded)."""
        return any(isinstance(f, Partial) and f.doc == "start" for f in self.fields)

    @property
    def key_column(self) -> str:
        """The column holding the public id (a minted one's: beside its integer key)."""
        return self.id_column or ("public_id" if self.minted else "id")

    @property
    def cite_column(self) -> str:
        """The column of a citation that names one of its facts."""
        return self.citation_column or f"{self.name}_id"

    def needs_source(self, record: Any) -> bool:
        """Whether the fact must cite a source (a state or a person: only for what is not
        from ISO 3166 or the office held, their other names and aliases)."""
        return self.cited and (self.sourced is None or self.sourced(record))

    def href(self, fact_id: str) -> str:
        """The path of one of its facts (where it has none: where it is shown)."""
        return f"{self.path}/{fact_id}" if self.param else self.path

    def values(self, doc: Doc) -> dict[str, Any]:
        """The row's columns, but its key and revision."""
        return fields.values(self.fields, doc)

    def document(self, row: Row) -> Doc:
        """The document of a row, without its citations."""
        return {"id": getattr(row, self.key_column), **fields.document(self.fields, row)}

    def record_of(self, doc: Doc, revision: int) -> Any:
        """The read model's record of a fact, from its document."""
        values = {**self.values(doc), **self.derived(doc)}
        columns = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
        return self.record(
            **{self.key_column if self.key_column != "public_id" else "id": doc["id"]},
            revision=revision,
            **columns,
        )


def id_key(doc: Doc) -> tuple[str, ...]:
    """The natural key of a kind whose ids are given with its facts: the id itself."""
    return (doc["id"],)


def span(fact: Any) -> str:
    """A dated fact's dates in words: `from 2017-06-09 to 2021`."""
    start = render(fact.start_date, fact.start_precision)
    end = render(fact.end_date, fact.end_precision)
    return f"from {start}" + (f" to {end}" if end else "")
