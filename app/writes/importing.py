"""Import, seed and export: the dataset file in and out of the database.

An import is one change set: the file's differences from the database, matched by id where
the file gives one and by natural key otherwise, so untouched facts keep their ids and
revisions and a corrected date stays the same fact. It goes through the write service
(app.writes.service) like every other change. The seed is the import of the shipped file into an
empty database; on a seeded one it only says whether the file differs.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from app.core.db import snapshot
from app.domain.dataset import Dataset
from app.domain.facts import Facts, file_data, from_file, mint_id, normalise, to_file
from app.domain.fields import Doc
from app.domain.kind import Kind
from app.domain.kinds import BY_NAME, KINDS
from app.domain.rules import check
from app.storage import changelog
from app.storage.rows import read
from app.writes import dataset_file
from app.writes import service as writes
from app.writes.dataset_file import SeedError, located
from app.writes.service import Operation, Outcome, Refused


@dataclass(frozen=True)
class Entry:
    kind: Kind
    doc: Doc  # normalised, with its id (minted where the file gave none and nothing matched)
    line: int | None


@dataclass(frozen=True)
class Parsed:
    """A dataset file read and validated, with the line of each fact."""

    path: Path
    facts: list[tuple[Kind, Doc, int | None]]

    @classmethod
    def read(cls, path: Path) -> "Parsed":
        df, lines = dataset_file.parse_file(path)
        return cls(path, [(k, doc, lines.get(where)) for k, doc, where in from_file(df)])


def match(parsed: Parsed, current: Facts, conn: Connection | None) -> list[Entry]:
    """The file's facts with their ids: given, matched by natural key, or newly minted.
    A fact reached twice (its id given twice, its natural key listed twice, or an entry
    without an id matching the fact another entry names by id) is refused."""
    path = parsed.path
    problems: list[str] = []
    entries: list[Entry] = []
    for kind in KINDS:
        mine = [(doc, line) for k, doc, line in parsed.facts if k is kind]
        by_key = {kind.natural_key(d): i for i, d in current.docs[kind.name].items()}
        taken = set(current.docs[kind.name]) | {d["id"] for d, _ in mine if d.get("id")}
        if kind.minted and conn is not None:
            taken |= writes.used_ids(conn, kind.name)
        resolved: list[tuple[str, Doc, int | None]] = []
        for doc, line in mine:
            fact_id = doc.get("id") or by_key.get(kind.natural_key(doc))
            if fact_id is None:
                fact_id = mint_id(kind, doc, taken)
                taken.add(fact_id)
            resolved.append((fact_id, doc, line))
        lines_of: dict[str, list[int | None]] = {}
        for fact_id, _, line in resolved:
            lines_of.setdefault(fact_id, []).append(line)
        for fact_id, doc, line in resolved:
            at = f"{located(path, line)}: {kind.name} {fact_id}"
            if len(lines_of[fact_id]) > 1:
                where = ", ".join(f"line {n}" for n in lines_of[fact_id] if n)
                problems.append(f"{at}: listed {len(lines_of[fact_id])} times ({where})")
                continue
            try:
                entries.append(Entry(kind, normalise(kind, {**doc, "id": fact_id}), line))
            except ValueError as exc:
                problems.append(f"{at}: {exc}")
    if problems:
        raise SeedError(problems)
    return entries


def operations(current: Facts, entries: list[Entry]) -> list[Operation]:
    """The change set that makes `current` hold exactly the entries."""
    ops = []
    wanted = {(e.kind.name, e.doc["id"]) for e in entries}
    for e in entries:
        before = current.docs[e.kind.name].get(e.doc["id"])
        if before is None:
            ops.append(Operation("create", e.kind, e.doc["id"], e.doc))
        elif before != e.doc:
            ops.append(Operation("update", e.kind, e.doc["id"], e.doc))
    for kind, doc in current:
        if (kind.name, doc["id"]) not in wanted:
            ops.append(Operation("delete", kind, doc["id"]))
    return ops


def _guard(conn: Connection, ops: list[Operation]) -> None:
    """Refuse to change a fact last changed through another channel after the latest
    import (a curator's write the file does not know of)."""
    latest = writes.latest_import(conn)
    last = writes.last_changes(conn)
    clashes = []
    for o in ops:
        seq, channel = last.get((o.kind.name, o.id), (0, "import"))
        # A create counts too: the fact may have been deleted through that channel.
        if channel not in writes.IMPORT_CHANNELS and seq > latest:
            clashes.append(
                f"{o.kind.name} {o.id} was last changed by change set {seq} ({channel}), after "
                f"the latest import ({latest}): the file would {o.op} it. Export the database "
                "and edit that file, or pass --force to overwrite"
            )
    if clashes:
        raise Refused(clashes, 409)


def _located(entries: list[Entry], path: Path, exc: Refused) -> Refused:
    """The refusal with the file's line of each fact it names."""
    lines = {(e.kind.name, e.doc["id"]): e.line for e in entries}
    out: list[str] = []
    for detail in exc.details:
        fact = getattr(detail, "fact", None)
        line = lines.get(fact) if fact else None
        out.append(f"{located(path, line)}: {detail}" if fact else str(detail))
    return Refused(out, exc.status)


def import_file(
    engine: Engine,
    path: Path,
    *,
    dry_run: bool = False,
    force: bool = False,
    actor: str = "sco-api import",
    reason: str | None = None,
    channel: str = "import",
) -> Outcome:
    """Apply the differences of the dataset file at `path` as one change set."""
    path = dataset_file.dataset_path(path)
    parsed = Parsed.read(path)  # before the writer lock is taken: it may take a while
    entries: list[Entry] = []

    def plan(current: Facts, conn: Connection) -> list[Operation]:
        entries.extend(match(parsed, current, conn))
        ops = operations(current, entries)
        if not force:
            _guard(conn, ops)
        return ops

    try:
        return writes.commit(
            engine,
            plan,
            actor=actor,
            reason=reason or f"import of {path.name}",
            channel=channel,
            dry_run=dry_run,
        )
    except Refused as exc:
        raise _located(entries, path, exc) from exc


def dataset_of(path: Path) -> Dataset:
    """The dataset of a file, built in memory and checked by the rule set, without any
    database; SeedError names each problem."""
    path = dataset_file.dataset_path(path)
    entries = match(Parsed.read(path), Facts(), None)
    facts = Facts()
    for e in entries:
        facts.docs[e.kind.name][e.doc["id"]] = e.doc
    ds, problems = check(facts)
    if problems or ds is None:
        raise _located(entries, path, Refused(problems))
    return ds


@dataclass(frozen=True)
class SeedReport:
    seeded: bool
    version: int | None
    outcome: Outcome | None = None  # what was written (seeded) or what differs (not)


def seed(engine: Engine, seed_dir: Path) -> SeedReport:
    """Import the shipped file into an empty database; on a seeded one, write nothing and
    say whether the file differs from what the database holds."""
    with writes.explained(), engine.connect() as conn:
        seeded = writes.any_change_set(conn)
    if not seeded:
        outcome = import_file(
            engine, seed_dir, actor="sco-api seed", reason="the shipped dataset", channel="seed"
        )
        if outcome.seq is not None:
            return SeedReport(True, outcome.seq, outcome)
    diff = import_file(engine, seed_dir, dry_run=True, force=True)
    return SeedReport(False, current_version(engine), diff)


def current_version(engine: Engine) -> int:
    with engine.connect() as conn:
        return changelog.latest(conn)


def export(engine: Engine, path: Path) -> int:
    """Write the database's dataset to `path` (full texts to sources/ beside it); answer
    the number of facts written."""
    with writes.explained(), snapshot(engine) as session:
        facts = read(session.connection())
    df, full = exportable(facts)
    path.parent.mkdir(parents=True, exist_ok=True)
    dataset_file.write(path, df, full)
    return facts.count()


def exportable(facts: Facts) -> tuple[Any, dict[str, str]]:
    """The dataset file of `facts` (app.domain.facts.to_file), or SeedError naming each
    fact the file's limits refuse: a database written before a limit was set (50 citations
    a fact, none twice...) may hold one; `sco-api check` names them too."""
    data = file_data(facts)
    try:
        return to_file(facts, data)
    except ValidationError as exc:
        raise SeedError(
            [
                f"{dataset_file.label(data, tuple(err['loc']))}: {err['msg']} (correct it "
                "through the write API, then export)"
                for err in exc.errors()
            ]
        ) from exc


def describe(outcome: Outcome) -> Iterator[str]:
    """The change set in lines: added, changed (with the fields), removed."""
    words = {"create": "added", "update": "changed", "delete": "removed"}
    for c in outcome.changes:
        fields = f" ({', '.join(c.fields)})" if c.fields else ""
        yield f"  {words[c.op]} {c.kind} {c.id}{fields}"


__all__ = ["BY_NAME", "SeedError", "SeedReport", "describe", "export", "import_file", "seed"]
