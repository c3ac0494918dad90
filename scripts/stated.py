"""How many facts of each kind stand on a citation that states them, in the shipped dataset
file (or FILE), and which do not; `--write` rewrites the committed list of those that do not
(seed/unstated.yaml), which `sco-api check` allows to stand (app.domain.stating).

    ./dev python scripts/stated.py [FILE] [--write]
"""

import sys
from collections import Counter
from pathlib import Path

import yaml

from app.core.settings import ROOT, get_settings
from app.domain import stating
from app.domain.building import build
from app.domain.facts import Facts
from app.domain.kinds import KINDS
from app.writes import dataset_file
from app.writes.importing import Parsed, match

HEADER = """\
# The facts that still lack a citation whose quote states them (issue 16: "Every fact stands
# on a quote that states it"), with the dates no citation gives. `sco-api check` and every
# write allow these, and refuse any other fact without one; the list only shrinks: a test
# fails on an entry whose fact is now stated, or gone. Rewrite it with
# `./dev python scripts/stated.py --write`.
"""


def main(args: list[str]) -> int:
    write = "--write" in args
    paths = [Path(a) for a in args if a != "--write"]
    path = dataset_file.dataset_path(paths[0] if paths else get_settings().seed_dir)
    facts = Facts()
    for e in match(Parsed.read(path), Facts(), None):
        facts.docs[e.kind.name][e.doc["id"]] = e.doc
    ds = build(facts)
    missing: dict[str, str] = {}
    wrong: list[str] = []
    for (kind, fact_id), _, message in stating.facts_are_stated(ds, listed=frozenset()):
        if "no citation states" in message:
            missing[f"{kind}/{fact_id}"] = message.split("no citation states ")[1].split(" (")[0]
        else:
            wrong.append(message)
    totals = Counter(k.name for k in KINDS if k.subject for _ in ds.records[k.name])
    inferred = Counter(
        k.name
        for k in KINDS
        if k.subject
        for r in ds.records[k.name].values()
        if getattr(r, "inferred", None)
    )
    lacking = Counter(key.split("/")[0] for key in missing)
    for kind, total in totals.items():
        stated = total - lacking[kind] - inferred[kind]
        print(
            f"{kind:15} {stated:3}/{total:3} stated ({100 * stated / total:.0f}%), "
            f"{inferred[kind]} inferred"
        )
    stated = sum(totals.values()) - len(missing) - sum(inferred.values())
    print(f"{'all':15} {stated:3}/{sum(totals.values()):3}, {sum(inferred.values())} inferred")
    for message in wrong:
        print(f"WRONG: {message}")
    if write:
        body = yaml.safe_dump(dict(sorted(missing.items())), allow_unicode=True, width=100)
        (ROOT / "seed" / "unstated.yaml").write_text(HEADER + body, encoding="utf-8")
        print(f"wrote {len(missing)} facts to seed/unstated.yaml")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
