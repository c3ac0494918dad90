"""The dataset file (seed/dataset.yaml): the format the dataset is imported from and
exported to: reading it (with its source texts and the line of every fact, so a refusal
names where to look), and writing it. Its shape, the facts' documents, is app.domain.documents.

Reading never invents: dates stay the text they were written as (YAML's own timestamp
reading is off, so an unquoted `2022-02-30` is refused by name rather than crashing the
parser), and every size has a documented limit.
"""

import itertools
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    ValidationError,
)

from app.domain.documents import MAX_FILE_BYTES, MAX_TEXT_CHARS
from app.domain.facts import DatasetFile
from app.domain.kinds import KINDS
from app.domain.kinds.source import TextScope
from app.domain.text import faults, text_fault

DATASET_FILE = "dataset.yaml"
# The places at fault a refusal of a file names at most.
MAX_NAMED = 50
# The sections the dataset file nests inside the entries of another (a state's periods).
NESTED_SECTIONS = tuple(k.section for k in KINDS if k.within)


class SeedError(Exception):
    """A dataset file, or a change, was refused; `problems` names every fact at fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the dataset")
        self.problems = problems


# --- Reading, with the line of every mapping --------------------------------------------


class _Mapping(dict[str, Any]):
    """A YAML mapping that remembers the line it starts on, and the line of each key."""

    line = 0
    lines: dict[str, int]


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> _Mapping:
    seen: dict[str, int] = {}
    for key, _ in node.value:
        name, line = str(key.value), key.start_mark.line + 1
        if name in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"{name!r} is given twice (first on line {seen[name]})", key.start_mark
            )
        seen[name] = line
    mapping = _Mapping({str(k): v for k, v in loader.construct_mapping(node, deep=True).items()})
    mapping.line = node.start_mark.line + 1
    mapping.lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    return mapping


def _loader(parser: type[Any]) -> type[Any]:
    """Safe YAML read by `parser`, without implicit timestamps (dates stay text), with the
    line of every mapping and of each key, refusing a key given twice."""
    loader: type[Any] = type("DatasetLoader", (parser,), {})
    loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    return loader


PURE_LOADER = _loader(yaml.SafeLoader)
# libyaml's C parser reads the shipped file about nine times as fast and builds the same
# nodes with the same marks; the pure-Python parser stands in where PyYAML lacks libyaml.
LOADER = _loader(yaml.CSafeLoader) if yaml.__with_libyaml__ else PURE_LOADER


def _line_of(raw: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the innermost mapping on the path `loc` into the parsed file."""
    line = None
    node = raw
    for part in loc:
        if isinstance(node, _Mapping):
            line = node.lines.get(str(part), node.line)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    if isinstance(node, _Mapping):
        line = node.line
    return line


def label(raw: Any, loc: tuple[Any, ...]) -> str:
    """The fact a path points into, in words: `states[3] (IND) periods[1] (member from 2017)`."""
    words = []
    node = raw
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            words.append(str(part))
            break
        if isinstance(part, int) and isinstance(node, dict):
            name = node.get("id") or node.get("iso3") or node.get("statement")
            extra = " ".join(str(node[k]) for k in ("status", "start") if k in node)
            named = " ".join(str(w)[:60] for w in (name, extra) if w)
            words.append(f"[{part}]" + (f" ({named})" if named else ""))
        else:
            words.append(f".{part}" if words else str(part))
    return "".join(words)


def located(path: Path, line: int | None) -> str:
    return f"{path}:{line}" if line else str(path)


def _texts(df: Any, folder: Path, path: Path, raw: Any) -> Any:
    """Read each `text_file` (which must lie inside the file's folder) into its `text`."""
    root = folder.resolve()
    sources, problems = [], []
    for i, s in enumerate(df.sources):
        if s.text_file is not None:
            where = f"{located(path, _line_of(raw, ('sources', i)))}: source {s.id}"
            target = (folder / s.text_file).resolve()
            if not target.is_relative_to(root):
                problems.append(f"{where}: text_file {s.text_file!r} lies outside {folder}")
                continue
            try:
                # Not read at all when even at 4 bytes a character it would pass the limit.
                too_big = target.stat().st_size > 4 * MAX_TEXT_CHARS
                body = "" if too_big else target.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(f"{where}: text_file {s.text_file!r}: {exc}")
                continue
            fault = text_fault(body)
            if fault is not None:
                problems.append(f"{where}: text_file {s.text_file!r} holds {fault}")
                continue
            if too_big or len(body) > MAX_TEXT_CHARS:
                problems.append(
                    f"{where}: text_file {s.text_file!r} holds more than the limit of "
                    f"{MAX_TEXT_CHARS} characters"
                )
                continue
            update = {"text": body, "text_file": None, "text_scope": s.text_scope or TextScope.full}
            s = s.model_copy(update=update)
        sources.append(s)
    if problems:
        raise SeedError(problems)
    return df.model_copy(update={"sources": sources})


def parse_file(
    path: Path, loader: type[Any] = LOADER
) -> tuple[Any, dict[tuple[str, int | str], int]]:
    """Parse a dataset file; answer it with the line of each fact entry, keyed by
    (section, index), (f"{section}.{i}.{child}", index) for periods and terms, and
    ("coverage", kind)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SeedError([f"{path}: {size} bytes, more than the limit of {MAX_FILE_BYTES}"])
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise SeedError([f"{located(path, line)}: not valid YAML: {exc.problem}"]) from exc
    except OSError:
        raise  # a file missing or unreadable: the command line names it in one line
    except (ValueError, yaml.YAMLError) as exc:  # ValueError: an int of 5,000 digits
        raise SeedError([f"{path}: {exc}"]) from exc
    found = [
        f"{located(path, _line_of(raw, loc))}: {label(raw, loc)}: {fault}"
        for loc, fault in itertools.islice(faults(raw), MAX_NAMED)
    ]
    if found:
        raise SeedError(found)
    try:
        df = DatasetFile.model_validate(raw)
    except ValidationError as exc:
        raise SeedError(
            [
                f"{located(path, _line_of(raw, tuple(err['loc'])))}: "
                f"{label(raw, tuple(err['loc']))}: {err['msg']}"
                for err in exc.errors()
            ]
        ) from exc
    lines: dict[tuple[str, int | str], int] = {}
    coverage = raw.get("coverage") if isinstance(raw, dict) else None
    if isinstance(coverage, _Mapping):
        lines.update({("coverage", kind): line for kind, line in coverage.lines.items()})
    for section, entries in raw.items() if isinstance(raw, dict) else ():
        if not isinstance(entries, list):
            continue
        for i, entry in enumerate(entries):
            if isinstance(entry, _Mapping):
                lines[(section, i)] = entry.line
                for child in NESTED_SECTIONS:
                    for j, sub in enumerate(entry.get(child) or []):
                        if isinstance(sub, _Mapping):
                            lines[(f"{section}.{i}.{child}", j)] = sub.line
    return _texts(df, path.parent, path, raw), lines


def dataset_path(location: Path) -> Path:
    """A dataset file, or the folder holding `dataset.yaml`."""
    return location / DATASET_FILE if location.is_dir() else location


# --- Writing ------------------------------------------------------------------------------

HEADER = """\
# The SCO dataset. Every fact cites at least one source below; a quote must occur verbatim
# in the source's stored text (the import refuses the file where it does not).
# Dates: YYYY-MM-DD, or YYYY-MM / YYYY where the sources give no day (never invent one).
# `decided` is the day of the decision that began a status; `start` the day it took effect.
# Coverage: the days on which the dataset holds EVERY fact of a kind; after `until`,
# absence proves nothing. Every fact carries its `id`, minted when it was created and
# never changed: keep it when you correct the fact, leave it out when you add one.
# Edit, then `sco-api import FILE --dry-run` and `sco-api import FILE` (see the README).
"""


class _Dumper(yaml.SafeDumper):
    """Block style; long texts as literal blocks so they stay readable in review."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value and not value.startswith((" ", "\t")) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


# The order fields are written in: what the fact is first, its sources and children last.
FIELD_ORDER = [
    "id",
    "iso3",
    "kind",
    "status",
    "state",
    "person",
    "post",
    "chair",
    "host",
    "city",
    "name",
    "name_ru",
    "name_zh",
    "nationality",
    "wikidata",
    "aliases",
    "decided",
    "start",
    "end",
    "since",
    "until",
    "format",
    "summit",
    "seat_city",
    "seat_state",
    "title",
    "publisher",
    "published",
    "url",
    "language",
    "text_scope",
    "text",
    "text_file",
    "statement",
    "params",
    "note",
    "sources",
    "claims",
    "periods",
    "terms",
]


# A field not in FIELD_ORDER (one a kind declares later) is written before the note.
_RANK = {name: float(i) for i, name in enumerate(FIELD_ORDER)}
_NEW = _RANK["note"] - 0.5


def _ordered(value: Any) -> Any:
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: _RANK.get(k, _NEW))
        return {k: _ordered(value[k]) for k in keys}
    if isinstance(value, list):
        return [_ordered(v) for v in value]
    return value


def document(df: Any) -> dict[str, Any]:
    """The file's content as plain data, in the order it is written in: empty sections
    left out, every text inline."""
    data = df.model_dump(mode="json", exclude_none=True)
    data = {k: v for k, v in data.items() if v not in ([], {})}
    return {k: v if k == "coverage" else _ordered(v) for k, v in data.items()}


def dumps(data: dict[str, Any], header: str = HEADER) -> str:
    """A dataset file's text: the header comment, then `data` (see `document`) as YAML."""
    return header + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def write(path: Path, df: Any, full_texts: dict[str, str]) -> None:
    """Write `df` to `path`; the `full_texts` (by source id) go to sources/<id>.txt beside
    it and are named by `text_file`."""
    folder = path.parent
    data = document(df)
    sources = []
    for entry in data.get("sources", []):
        if entry["id"] in full_texts:
            relative = f"sources/{entry['id']}.txt"
            (folder / "sources").mkdir(parents=True, exist_ok=True)
            (folder / relative).write_text(full_texts[entry["id"]], encoding="utf-8")
            # In the place of `text` (FIELD_ORDER puts text_file right after it).
            entry = {
                ("text_file" if k == "text" else k): (relative if k == "text" else v)
                for k, v in entry.items()
            }
        sources.append(entry)
    if sources:
        data["sources"] = sources
    path.write_text(dumps(data), encoding="utf-8")
