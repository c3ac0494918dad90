"""The one plain form every fact takes outside the read model, and the whole dataset in it.

A fact's *document* is a JSON-able dict in the dataset file's own words (`start`, `end`,
`sources: [{source, quote}]`, …) with its public `id`. Documents are what the change log
records (before and after), what an import compares, what an export writes and what a
replay of the log rebuilds; tables and the in-memory dataset are both made from them.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field, create_model, field_validator

from app.domain import documents as f
from app.domain.fields import Doc
from app.domain.kind import Kind
from app.domain.kinds import COVERAGE_KINDS, KINDS


def claim_id(source_id: str, claim: Doc) -> str:
    """A claim's id: its source's, and a digest of what it is — the source's words and how
    they are read (`kind`, `params`). Those never change: a claim read otherwise is another
    claim (delete it, create that one); only its `note` is changed in place."""
    what = json.dumps([claim["statement"], claim["kind"], claim["params"]], sort_keys=True)
    digest = hashlib.blake2b(what.encode(), digest_size=4).hexdigest()
    return f"{source_id}-{digest}"


def mint_id(kind: Kind, doc: Doc, taken: set[str]) -> str:
    """A new fact's id, from its natural key (`-2`, `-3`, … where an id was ever taken)."""
    assert kind.mint is not None
    base = kind.mint(doc)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def normalise(kind: Kind, doc: Doc) -> Doc:
    """The document in its one canonical form (every field present, defaults filled), or a
    ValueError naming what is wrong with it."""
    data = {k: v for k, v in doc.items() if k not in kind.exclude}
    return kind.model.model_validate(data).model_dump(mode="json", exclude=set(kind.exclude))


def _known_kinds(cls: Any, coverage: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(coverage) - set(COVERAGE_KINDS))
    if unknown:
        raise ValueError(f"unknown kind(s) {unknown}; known: {', '.join(COVERAGE_KINDS)}")
    return coverage


def _nested(kind: Kind) -> list[Kind]:
    """The kinds whose entries the dataset file holds inside `kind`'s."""
    return [k for k in KINDS if k.within == kind.name]


def _entry(kind: Kind) -> type[BaseModel]:
    """An entry of `kind`'s section of the dataset file, with the sections nested in it."""
    assert kind.entry is not None, f"{kind.name} has no place in the dataset file"
    nested: dict[str, Any] = {k.section: _section(k) for k in _nested(kind)}
    if not nested:
        return kind.entry
    name = kind.entry.__name__.removesuffix("Entry").removesuffix("DocFields") + "In"
    return create_model(name, __base__=kind.entry, **nested)


def _section(kind: Kind) -> tuple[Any, Any]:
    """A section's type (a list of entries; keyed: a mapping of them by id) and default."""
    entry = _entry(kind)
    if kind.keyed:
        return dict.__class_getitem__((str, entry)), Field(default={})
    return list.__class_getitem__(entry), (... if kind.required else Field(default=[]))


_SECTIONS: dict[str, Any] = {k.section: _section(k) for k in KINDS if k.section and not k.within}
# The dataset file: a section for each kind (a state's status periods and a person's terms
# inside their entries), in the order of the kinds; the coverage names only known kinds.
DatasetFile = create_model(
    "DatasetFile",
    __base__=f.In,
    __doc__="The dataset file: a section of entries for each kind of fact.",
    __validators__={
        f"_known_{k.section}": field_validator(k.section)(_known_kinds) for k in KINDS if k.keyed
    },
    **_SECTIONS,
)


@dataclass
class Facts:
    """Every fact as its document, by kind and id, with each fact's revision."""

    docs: dict[str, dict[str, Doc]] = field(default_factory=lambda: {k.name: {} for k in KINDS})
    revisions: dict[tuple[str, str], int] = field(default_factory=dict)

    def __iter__(self) -> Iterator[tuple[Kind, Doc]]:
        for kind in KINDS:
            for doc in self.docs[kind.name].values():
                yield kind, doc

    def count(self) -> int:
        return sum(len(d) for d in self.docs.values())

    def copy(self) -> "Facts":
        return Facts({k: dict(v) for k, v in self.docs.items()}, dict(self.revisions))


def from_file(df: Any) -> Iterator[tuple[Kind, Doc, tuple[str, int | str]]]:
    """Every fact of a parsed dataset file as (kind, document, where), its id possibly
    missing (a new fact of a kind whose ids are minted). `where` keys the file's lines."""
    for kind in KINDS:
        if kind.section and not kind.within:
            yield from _read(kind, getattr(df, kind.section), kind.section, {})


def _read(
    kind: Kind, entries: Any, where: str, held: Doc
) -> Iterator[tuple[Kind, Doc, tuple[str, int | str]]]:
    nested = _nested(kind)
    items = entries.items() if kind.keyed else enumerate(entries)
    for i, entry in items:
        doc = entry.model_dump(mode="json", exclude={*kind.exclude, *(k.section for k in nested)})
        if kind.keyed:
            doc = {"id": i, **doc}
        elif kind.file_key != "id":
            doc = {"id": doc.pop(kind.file_key), **doc}
        yield kind, kind.read({**doc, **held}), (where, i)
        for k in nested:
            yield from _read(
                k, getattr(entry, k.section), f"{where}.{i}.{k.section}", {k.holder: doc["id"]}
            )


def file_data(facts: Facts) -> dict[str, Any]:
    """The dataset file of `facts` as plain data, before it is validated (to_file)."""
    d = facts.docs
    return {
        k.section: _written(k, list(d[k.name].values()), d)
        for k in KINDS
        if k.section and not k.within
    }


def to_file(facts: Facts, data: dict[str, Any] | None = None) -> tuple[BaseModel, dict[str, str]]:
    """The dataset file of `facts` (every fact with its id; `data`: its file_data, if made
    already), and the full texts that go to files of their own, by source id."""
    d = facts.docs
    full = {i: s["text"] for i, s in d["source"].items() if s["text_scope"] == "full" and s["text"]}
    return DatasetFile.model_validate(file_data(facts) if data is None else data), full


def _written(kind: Kind, docs: list[Doc], d: dict[str, dict[str, Doc]]) -> Any:
    """The entries of `docs`, in their kind's order, with the entries nested in each."""
    entries = []
    for doc in docs:
        entry = {k: v for k, v in doc.items() if k != kind.holder or not kind.within}
        nested = {
            k.section: _written(k, [n for n in d[k.name].values() if n[k.holder] == doc["id"]], d)
            for k in _nested(kind)
        }
        first: list[Doc] = next(iter(nested.values()), [])
        if kind.file_key != "id":
            entry = {kind.file_key: entry.pop("id"), **entry}
        entries.append((kind.file_order(doc, first), {**entry, **nested}))
    entries.sort(key=lambda e: e[0])
    if kind.keyed:
        return {doc["id"]: {k: v for k, v in doc.items() if k != "id"} for _, doc in entries}
    return [entry for _, entry in entries]
