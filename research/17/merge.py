"""Merge a research file of issue 17 into seed/dataset.yaml (then canonicalise with
research/17/canonical.sh: seed a scratch database from it and export it back).

    python3 research/17/merge.py organisation-documents
"""

import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
DATASET = HERE.parent.parent / "seed" / "dataset.yaml"
SOURCE_FIELDS = (
    "id",
    "kind",
    "title",
    "publisher",
    "published",
    "url",
    "language",
    "text_scope",
    "text",
)


def cites(
    sources: list[dict[str, Any]], ds: dict[str, Any], by_id: dict[str, Any]
) -> list[dict[str, Any]]:
    """A fact's citations, their `add_text` appended to the stored text of the source."""
    out = []
    for c in sources:
        c = dict(c)
        extra = c.pop("add_text", None)
        if extra:
            source = by_id[c["source"]]
            if extra.strip() not in source["text"]:
                source["text"] = source["text"].rstrip("\n") + "\n" + extra.rstrip("\n") + "\n"
        if c.get("states") is None:
            c.pop("states", None)
        out.append(c)
    return out


def organisation(fact: dict[str, Any]) -> dict[str, Any]:
    names = set(fact["names"].values()) | set(fact.get("short_names", {}).values())
    fact["aliases"] = [a for a in fact.get("aliases", []) if a not in names]
    fact.setdefault("founding_document", "declaration-2001")
    return fact


def language(fact: dict[str, Any]) -> dict[str, Any]:
    fact.pop("id", None)
    role = fact.pop("role")
    fact["roles"] = ["official", "working"] if role == "official_and_working" else [role]
    return fact


STANDING_IDS = {"unga-observer": "un-general-assembly", "cis-observer": "cis"}


def standing(fact: dict[str, Any]) -> dict[str, Any]:
    fact["organisation_names"] = fact.pop("organisation")
    fact["organisation"] = STANDING_IDS[fact.pop("id")]
    return fact


def document(fact: dict[str, Any]) -> dict[str, Any]:
    fact["titles"] = fact.pop("title")
    short = fact.pop("short_title", None)
    titles = set(fact["titles"].values())
    aliases = [a for a in fact.get("aliases", []) if a not in titles]
    if short and short not in titles and short not in aliases:
        aliases.insert(0, short)
    fact["aliases"] = aliases
    for key in ("in_force", "text_source"):
        if fact.get(key) is None:
            fact.pop(key, None)
    if not fact.get("amends"):
        fact.pop("amends", None)
    return fact


SECTIONS = {
    "organisation": organisation,
    "languages": language,
    "standings": standing,
    "documents": document,
}


def main(name: str) -> None:
    research = yaml.safe_load((HERE / f"{name}.yaml").read_text(encoding="utf-8"))
    ds = yaml.safe_load(DATASET.read_text(encoding="utf-8"))
    by_id = {s["id"]: s for s in ds["sources"]}
    for s in research.get("sources", []):
        if s["id"] in by_id:
            raise SystemExit(f"source {s['id']} is already in the dataset")
        source = {k: s[k] for k in SOURCE_FIELDS if s.get(k) is not None}
        source["claims"] = []
        ds["sources"].append(source)
        by_id[s["id"]] = source
    for section, transform in SECTIONS.items():
        for fact in research.get(section, []):
            fact = transform(dict(fact))
            fact["sources"] = cites(fact["sources"], ds, by_id)
            fact.pop("end", None) if fact.get("end") is None else None
            ds.setdefault(section, []).append(fact)
    DATASET.write_text(
        yaml.safe_dump(ds, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
    )


if __name__ == "__main__":
    main(sys.argv[1])
