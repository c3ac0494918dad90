"""Facts as rows: reading every table into documents, and writing one fact's row with its
citations (and a source's claims). The registry of kinds (app.domain.kinds) says which table and
columns each kind has; this module is the only one that turns documents into rows and back.
"""

from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from app.domain.facts import Facts
from app.domain.fields import Doc
from app.domain.kind import Kind
from app.domain.kinds import KINDS
from app.domain.tables import Citation, Claim, table_of


def read(conn: Connection) -> Facts:
    """Every fact in the tables, as documents with revisions (one consistent read)."""
    facts = Facts()
    internal: dict[str, dict[int, str]] = {}  # kind -> internal row id -> public id
    for kind in KINDS:
        rows = conn.execute(select(table_of(kind.table))).all()
        docs = facts.docs[kind.name]
        for row in rows:
            doc = kind.document(row)
            if kind.cited:
                doc["sources"] = []
            if kind.minted:
                internal.setdefault(kind.name, {})[row.id] = doc["id"]
            docs[doc["id"]] = doc
            facts.revisions[(kind.name, doc["id"])] = row.revision
    citations = conn.execute(select(table_of(Citation)).order_by(table_of(Citation).c.id))
    # Each cited kind's column of a citation row, by position: a row's attributes cost more
    # to look up than the rest of this read (a write reads every fact: app.writes.service).
    columns = list(citations.keys())
    cited = [(kind, columns.index(kind.cite_column)) for kind in KINDS if kind.cited]
    for c in citations.all():
        for kind, at in cited:
            value = c[at]
            if value is None:
                continue
            fact_id = internal[kind.name][value] if kind.minted else value
            facts.docs[kind.name][fact_id]["sources"].append(
                {"source": c.source_id, "quote": c.quote, "states": c.states}
            )
    for source in facts.docs["source"].values():
        source["claims"] = []
    for cl in conn.execute(select(table_of(Claim)).order_by(table_of(Claim).c.id)).all():
        facts.docs["source"][cl.source_id]["claims"].append(
            {"statement": cl.statement, "kind": cl.kind, "params": cl.params, "note": cl.note}
        )
    # Rows are not validated again here: the limits are for what is written now, and a
    # row written under other limits must still be readable.
    return facts


def _key_filter(kind: Kind, fact_id: str) -> Any:
    return getattr(kind.table, kind.key_column) == fact_id


def delete_row(conn: Connection, kind: Kind, fact_id: str) -> None:
    """Delete a fact's row with its citations (cascade) and, for a source, its claims."""
    if kind.makes_claims:
        conn.execute(delete(Claim).where(Claim.source_id == fact_id))  # type: ignore[arg-type]
    conn.execute(delete(kind.table).where(_key_filter(kind, fact_id)))


def insert_row(conn: Connection, kind: Kind, doc: Doc, revision: int) -> None:
    values = {kind.key_column: doc["id"], "revision": revision, **kind.values(doc)}
    values.update(kind.derived(doc))
    result = conn.execute(insert(kind.table).values(**values))
    pk = result.inserted_primary_key[0] if kind.minted else doc["id"]  # type: ignore[index]
    _children(conn, kind, doc, pk)


def update_row(conn: Connection, kind: Kind, doc: Doc, revision: int) -> None:
    """Update a fact whose key is its id (sources, states, people, …) in place, so the rows
    that refer to it keep referring to it; its citations and claims are written anew."""
    conn.execute(
        update(kind.table)
        .where(_key_filter(kind, doc["id"]))
        .values(revision=revision, **kind.values(doc), **kind.derived(doc))
    )
    if kind.cited:
        column = getattr(Citation, kind.cite_column)
        conn.execute(delete(Citation).where(column == doc["id"]))
    if kind.makes_claims:
        conn.execute(delete(Claim).where(Claim.source_id == doc["id"]))
    _children(conn, kind, doc, doc["id"])


def _children(conn: Connection, kind: Kind, doc: Doc, pk: Any) -> None:
    if kind.cited and doc["sources"]:
        conn.execute(
            insert(Citation),
            [
                {
                    "source_id": c["source"],
                    "quote": c["quote"],
                    "states": c.get("states"),
                    kind.cite_column: pk,
                }
                for c in doc["sources"]
            ],
        )
    if kind.makes_claims and doc["claims"]:
        conn.execute(
            insert(Claim),
            [
                {
                    "source_id": doc["id"],
                    "statement": c["statement"],
                    "kind": c["kind"],
                    "params": c["params"],
                    "note": c["note"],
                }
                for c in doc["claims"]
            ],
        )
