"""Merge a research file of issue 17 into seed/dataset.yaml (then canonicalise with
research/17/canonical.sh: seed a scratch database from it and export it back).

    python3 research/17/merge.py organisation-documents
    python3 research/17/merge.py bodies bodies          (one section of a file)
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


def cites(sources: list[dict[str, Any]], by_id: dict[str, Any]) -> list[dict[str, Any]]:
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


def _renamed(sources: list[dict[str, Any]], renamed: dict[str, str]) -> list[dict[str, Any]]:
    return [{**c, "source": renamed.get(c["source"], c["source"])} for c in sources]


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


def body(fact: dict[str, Any]) -> dict[str, Any]:
    """A body; its head post only where the post is known yet (the RATS director's comes with
    the step of the RATS directors), its seats as issue 17 has them (see SEATS)."""
    if fact.get("head_post") == "rats_director":
        fact["head_post"] = None
    for key in ("part_of", "head_post", "decided", "start", "end", "inferred"):
        if fact.get(key) is None:
            fact.pop(key, None)
    for c in fact["sources"]:  # words across a line break name nothing a user would search
        if c.get("states") and "\n" in c["states"]["subject"]:
            c.pop("states")
    seats = SEATS.get(fact["id"])
    if seats is not None:
        fact["seats"] = seats(fact.get("seats", []))
    for seat in fact.get("seats", []):
        for key in ("decided", "end", "inferred"):
            if seat.get(key) is None:
                seat.pop(key, None)
    return fact


def _supporting(cites: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in c.items() if k != "states"} for c in cites]


def _secretariat_seats(seats: list[dict[str, Any]]) -> list[dict[str, Any]]:
    [beijing] = seats
    cites = []
    for c in beijing["sources"]:
        c = dict(c)
        if c.get("states") and c["states"].get("dates") == ["decided"]:
            c["states"] = {**c["states"], "dates": ["start"]}
        else:
            c.pop("states", None)
        cites.append(c)
    return [
        {
            "city": "Beijing",
            "state": "CHN",
            "start": "2003-05-29",
            "note": "The Charter (7 June 2002) provided for a Secretariat in Beijing; the "
            "Moscow summit of 29 May 2003 decided it would be there, and it opened there on "
            "15 January 2004 (the body's start).",
            "sources": cites,
        }
    ]


def _rats_seats(seats: list[dict[str, Any]]) -> list[dict[str, Any]]:
    bishkek, tashkent = seats
    stated = []
    for c in bishkek["sources"]:
        c = dict(c)
        if c.get("states"):
            c["states"] = {**c["states"], "dates": ["start"]}
        stated.append(c)
    return [
        {
            "city": "Bishkek",
            "state": "KGZ",
            "start": "2002-06-07",
            "end": "2003-09-04",
            "note": "Placed in Bishkek by the Charter (Article 10) and the RATS agreement, "
            "signed on 7 June 2002; moved to Tashkent by the protocol of 5 September 2003 "
            "before it opened. The end is the day before that protocol.",
            "sources": stated,
        },
        {
            "city": "Tashkent",
            "state": "UZB",
            "start": "2003-09-05",
            "decided": "2003-05-29",
            "inferred": "from the protocol signed in Tashkent on 2003-09-05 (document "
            "charter-protocol-2003), which replaces Bishkek by Tashkent in Article 10 of the "
            "Charter, the seat of RATS",
            "note": tashkent.get("note"),
            "sources": _supporting(tashkent["sources"]),
        },
    ]


def _committee_seats(seats: list[dict[str, Any]]) -> list[dict[str, Any]]:
    [tashkent] = seats
    return [
        {
            **tashkent,
            "inferred": "from the seat of RATS (Tashkent, by the protocol of 2003-09-05), where "
            "its Executive Committee began work with it on 2004-06-17",
            "sources": _supporting(tashkent["sources"]),
        }
    ]


SEATS = {
    "secretariat": _secretariat_seats,
    "rats": _rats_seats,
    "rats-executive-committee": _committee_seats,
}


def quoted_aliases(facts: list[dict[str, Any]], research: dict[str, Any]) -> None:
    """Every alias of a body quoted in one of its citations: a citation elsewhere in the
    research whose quote has it is added to the body (supporting), else the alias goes."""
    every = [
        c
        for section in ("bodies", "post_titles")
        for f in research.get(section, [])
        for c in [*f.get("sources", []), *(c for s in f.get("seats", []) for c in s["sources"])]
        if c.get("quote")
    ]
    for fact in facts:
        kept = []
        for alias in fact.get("aliases", []):
            if any(alias in (c.get("quote") or "") for c in fact["sources"]):
                kept.append(alias)
                continue
            found = next((c for c in every if alias in c["quote"]), None)
            if found is not None:
                fact["sources"].append({k: v for k, v in found.items() if k != "states"})
                kept.append(alias)
        fact["aliases"] = kept


def person(fact: dict[str, Any]) -> dict[str, Any]:
    """A RATS director: a term a citation states keeps what is inferred of it in its note."""
    for key in ("name_ru", "name_zh", "nationality"):
        if fact.get(key) is None:
            fact.pop(key, None)
    for term in fact.get("terms", []):
        stated = any(c.get("states") for c in term["sources"])
        if stated and term.get("inferred"):
            note = term.get("note")
            term["note"] = (note + " " if note else "") + term.pop("inferred")
        for key in ("end", "inferred", "note"):
            if term.get(key) is None:
                term.pop(key, None)
    return fact


def post_title(fact: dict[str, Any]) -> dict[str, Any]:
    """A post's title; the words naming it are the title as the quote writes it."""
    for c in fact["sources"]:
        states = c.get("states")
        quote = c.get("quote") or ""
        at = quote.lower().find(fact["title"].lower())
        if states and at >= 0:
            states["subject"] = quote[at : at + len(fact["title"])]
    for key in ("end", "inferred", "note"):
        if fact.get(key) is None:
            fact.pop(key, None)
    return fact


FORMATS = {"video": "virtual", "in_person": "in_person", "hybrid": "hybrid"}


def meeting(fact: dict[str, Any]) -> dict[str, Any]:
    """A council's meeting: the words naming its place in stating quotes become its aliases;
    a one-day meeting's day, stated, is both its first and its last."""
    fact["format"] = FORMATS[fact.get("format") or "in_person"]
    fact["city_names"] = {k: v for k, v in (fact.get("city_names") or {}).items() if v}
    places = {fact["city"], *fact["city_names"].values()}
    aliases = list(fact.get("aliases") or [])
    for c in fact["sources"]:
        states = c.get("states")
        if not states:
            continue
        if "\n" in states["subject"]:
            c.pop("states")
            continue
        if states["subject"] not in places and states["subject"] not in aliases:
            aliases.append(states["subject"])
        if fact.get("end") == fact["start"] and states.get("dates") == ["start"]:
            states["dates"] = ["start", "end"]
    fact["aliases"] = aliases
    for key in ("id", "ordinal", "end", "inferred", "note"):
        if fact.get(key) is None:
            fact.pop(key, None)
    return fact


SECTIONS = {
    "organisation": organisation,
    "languages": language,
    "standings": standing,
    "documents": document,
    "bodies": body,
    "people": person,
    "post_titles": post_title,
    "meetings": meeting,
}


def main(name: str, only: list[str]) -> None:
    research = yaml.safe_load((HERE / f"{name}.yaml").read_text(encoding="utf-8"))
    ds = yaml.safe_load(DATASET.read_text(encoding="utf-8"))
    by_id = {s["id"]: s for s in ds["sources"]}
    by_url = {s.get("url"): s for s in ds["sources"] if s.get("url")}
    renamed: dict[str, str] = {}
    for s in research.get("sources", []):
        if "source" in s:  # more text of a source the dataset has: {source, add_text}
            cites([s], by_id)
            continue
        if s["id"] in by_id:
            if by_id[s["id"]].get("url") == s.get("url"):
                continue  # merged with an earlier section of this file
            raise SystemExit(f"source {s['id']} is already in the dataset")
        same = by_url.get(s.get("url"))
        if same is not None:  # a page another file cites already: one source, both texts
            renamed[s["id"]] = same["id"]
            if s["text"].strip() not in same["text"]:
                same["text"] = same["text"].rstrip("\n") + "\n\n" + s["text"]
            continue
        source = {k: s[k] for k in SOURCE_FIELDS if s.get(k) is not None}
        source["claims"] = []
        ds["sources"].append(source)
        by_id[s["id"]] = source
    for section, transform in SECTIONS.items():
        if only and section not in only:
            continue
        for fact in research.get(section, []):
            fact = transform(dict(fact))
            fact["sources"] = cites(_renamed(fact["sources"], renamed), by_id)
            for nested in [*fact.get("seats", []), *fact.get("terms", [])]:
                nested["sources"] = cites(_renamed(nested["sources"], renamed), by_id)
            fact.pop("end", None) if fact.get("end") is None else None
            ds.setdefault(section, []).append(fact)
    if name == "bodies" and not only:
        quoted_aliases(ds["bodies"], research)
    if name == "bodies" and not only:  # the Secretariat was a permanent body: its sources
        old = {b["id"]: b for b in ds.pop("permanent_bodies", [])}
        for b in ds["bodies"]:
            if b["id"] in old:
                have = {(c["source"], c.get("quote")) for c in b["sources"]}
                b["sources"] += [
                    c for c in old[b["id"]]["sources"] if (c["source"], c.get("quote")) not in have
                ]
    DATASET.write_text(
        yaml.safe_dump(ds, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
