"""A synthetic dataset FACTOR times the seed's, for the bench only (never shipped).

Every kind grows FACTOR times the seed's count where the kind allows it: states stop at
ISO 3166's 249, the organisation is one fact, coverage one entry per kind. Sources, their
citations and their claims grow too. The dataset passes the whole rule set, as the seed
does: every fact is cited by a quote found verbatim in its source's stored text, one of
its citations states its subject and its dates (`states`), periods of one holder never
overlap, presidencies pass at summits hosted by their chairs, chairs and hosts are member
states throughout, nothing starts before the founding, every claim holds. The world is
made up: the same 2001 founding and the same window of days, with 100 times the facts in
it (a presidency lasts days, not a year). Names are synthetic; states are ISO's.

It is written through the write service as one change set (`app.writes.service.commit`,
like `sco-api import`; a file this size is beyond the dataset file's 20 MB limit):

    ./dev python bench/synthetic.py --database sqlite:////tmp/big.db [--factor 100]
    ./dev python bench/synthetic.py --file /tmp/big.yaml     the dataset file, to read

The database is migrated first; it must hold no change set yet.
"""

import argparse
import itertools
import math
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pycountry
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

SEED = ROOT / "seed" / "dataset.yaml"
FIRST = date(2001, 6, 15)  # the founding, and the first day of the synthetic world
LAST = date(2026, 6, 30)  # its last day: no fact starts after it
FOUNDERS = ("CHN", "KAZ", "KGZ", "RUS", "TJK", "UZB")  # members throughout: chairs and hosts
STATUSES = ("observer", "dialogue_partner", "member", "partner")
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
SYLLABLES = [
    "ka",
    "ri",
    "to",
    "sa",
    "ne",
    "mu",
    "lo",
    "vi",
    "da",
    "pe",
    "zu",
    "ho",
    "ba",
    "ki",
    "ra",
    "no",
    "si",
    "te",
    "ma",
    "gu",
    "fe",
    "li",
    "ya",
    "ko",
    "du",
    "re",
    "ni",
    "sho",
    "va",
    "mi",
]
TEXT_CHARS = 394  # the seed's mean stored text, in characters


def counts(seed: dict[str, Any]) -> dict[str, int]:
    """The seed's facts of each kind, nested ones included, and its citations and claims."""
    found = {
        section: len(seed[section])
        for section in (
            "sources",
            "states",
            "people",
            "summits",
            "presidencies",
            "documents",
            "languages",
            "standings",
            "bodies",
            "post_titles",
            "meetings",
        )
    }
    found["periods"] = sum(len(s.get("periods", [])) for s in seed["states"])
    found["terms"] = sum(len(p.get("terms", [])) for p in seed["people"])
    found["seats"] = sum(len(b.get("seats", [])) for b in seed["bodies"])
    found["claims"] = sum(len(s.get("claims", [])) for s in seed["sources"])
    found["citations"] = _citations(seed)
    return found


def _citations(value: Any) -> int:
    if isinstance(value, dict):
        cited = value.get("sources")
        own = len(cited) if isinstance(cited, list) and cited and "quote" in cited[0] else 0
        return own + sum(_citations(v) for v in value.values())
    if isinstance(value, list):
        return sum(_citations(v) for v in value)
    return 0


def words(day: date) -> str:
    """A day as English words, which `app.domain.said` reads back (`14 June 2003`)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def spans(n: int, first: date = FIRST, last: date = LAST) -> list[tuple[date, date]]:
    """`n` consecutive spans of days cutting first..last, each at least one day."""
    days = (last - first).days + 1
    assert n <= days, f"{n} spans do not fit in {days} days"
    starts = [first + timedelta(days=i * days // n) for i in range(n)] + [last + timedelta(1)]
    return [(a, b - timedelta(1)) for a, b in itertools.pairwise(starts)]


def name(n: int, parts: int = 3) -> str:
    """A made-up word, different for every `n` (`Karito`)."""
    letters = []
    for _ in range(parts):
        n, i = divmod(n, len(SYLLABLES))
        letters.append(SYLLABLES[i])
    while n:
        n, i = divmod(n - 1, len(SYLLABLES))
        letters.append(SYLLABLES[i])
    return "".join(letters).capitalize()


def share(total: int, among: int) -> list[int]:
    """`total` dealt as evenly as can be among `among`."""
    return [total // among + (1 if i < total % among else 0) for i in range(among)]


class Sources:
    """The sources and the quotes cited from them: a fact's quotes are dealt round robin
    over the sources, so each source is cited about as often as the seed's are."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.quotes: list[list[str]] = [[] for _ in range(count)]
        self.claimed: list[list[dict[str, Any]]] = [[] for _ in range(count)]
        self.given = 0

    def cite(self, quote: str, states: dict[str, Any] | None = None) -> dict[str, Any]:
        n = self.given % self.count
        self.given += 1
        self.quotes[n].append(quote)
        citation: dict[str, Any] = {"source": source_id(n), "quote": quote}
        if states is not None:
            citation["states"] = states
        return citation

    def claim(self, n: int, statement: str, kind: str, params: dict[str, Any]) -> None:
        self.quotes[n].append(statement)
        self.claimed[n].append({"kind": kind, "params": params, "statement": statement})

    def docs(self) -> list[dict[str, Any]]:
        out = []
        for n in range(self.count):
            text = " ".join(self.quotes[n]) or f"Synthetic source {n}."
            filler = f" Synthetic source {n} of the bench dataset, not a record of anything."
            while len(text) < TEXT_CHARS:
                text += filler
            out.append(
                {
                    "id": source_id(n),
                    "kind": ("news_article", "official_document", "reference_work")[n % 3],
                    "title": f"Synthetic source {n}",
                    "publisher": f"{name(n % 400, 2)} Press",
                    "published": str(LAST),
                    "url": f"https://example.org/synthetic/{n}",
                    "language": "en",
                    "text_scope": "excerpt",
                    "text": text,
                    "claims": self.claimed[n],
                }
            )
        return out


def source_id(n: int) -> str:
    return f"synthetic-{n:06d}"


class World:
    """The synthetic dataset, kind by kind (`dataset()`: the dataset file's shape)."""

    def __init__(self, seed: dict[str, Any], factor: int) -> None:
        self.seed = seed
        self.factor = factor
        self.n = {k: v * factor for k, v in counts(seed).items()}
        self.n["states"] = min(self.n["states"], len(pycountry.countries))
        self.sources = Sources(self.n["sources"])
        self.cited = 0  # the facts cited so far, to deal the citations among them
        self.facts = self._facts()
        from app.domain.countries import country_names

        # The names the service gives states (`Iran`, not ISO's `Iran, Islamic Republic of`).
        self.names = {c.alpha_3: country_names(c.alpha_3)["name"] for c in pycountry.countries}
        self.summit_days: list[tuple[str, str, date]] = []  # (id, host, day)

    def _facts(self) -> int:
        """The facts that carry citations: every kind but people (cited by their terms)."""
        n = self.n
        return (
            n["states"]
            + n["periods"]
            + n["terms"]
            + n["summits"]
            + n["presidencies"]
            + n["documents"]
            + n["languages"]
            + n["standings"]
            + n["bodies"]
            + n["seats"]
            + n["post_titles"]
            + n["meetings"]
            + 1
        )

    def citations(
        self, subject: str, what: str, day: date | None, dates: list[str]
    ) -> list[dict[str, Any]]:
        """A fact's citations: the first states it (its subject, and `day` as the dates
        named, when it has any), the others support it; as many as deals the seed's
        citations per fact."""
        many = self.n["citations"] // self.facts + (
            1 if self.cited < self.n["citations"] % self.facts else 0
        )
        self.cited += 1
        if day is None:
            out = [self.sources.cite(f"{subject} {what}.")]
        else:
            date_words = words(day)
            quote = f"{subject} {what} on {date_words}."
            states = {"subject": subject, "date": date_words, "dates": dates}
            out = [self.sources.cite(quote, states)]
        for i in range(1, max(many, 1)):
            out.append(self.sources.cite(f"{subject}: record {i} of {what} ({self.cited})."))
        return out

    # --- Kinds ------------------------------------------------------------------------

    def states(self) -> list[dict[str, Any]]:
        """Every ISO state up to the count; the founders members throughout, the others
        holding statuses in turn over the whole window."""
        codes = sorted(self.names)
        chosen = [*FOUNDERS, *[c for c in codes if c not in FOUNDERS]][: self.n["states"]]
        others = chosen[len(FOUNDERS) :]
        dealt = share(self.n["periods"] - len(FOUNDERS), len(others))
        out = []
        for iso3 in chosen:
            state_name = self.names[iso3]
            if iso3 in FOUNDERS:
                periods = [self.period(iso3, 0, "member", FIRST, None)]
            else:
                many = dealt[others.index(iso3)]
                turn = chosen.index(iso3)
                periods = [
                    self.period(iso3, i, STATUSES[(i + turn) % len(STATUSES)], a, b)
                    for i, (a, b) in enumerate(spans(many))
                ]
                if periods:
                    periods[-1].pop("end")
            out.append(
                {
                    "iso3": iso3,
                    "names": {},
                    "aliases": [],
                    "sources": self.citations(state_name, "is a state", None, []),
                    "periods": periods,
                }
            )
        return out

    def period(
        self, iso3: str, i: int, status: str, start: date, end: date | None
    ) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "id": f"{iso3.lower()}-synthetic-{i}",
            "status": status,
            "decided": str(start),
            "start": str(start),
            "sources": self.citations(
                self.names[iso3], f"was given the status of {status}", start, ["decided", "start"]
            ),
        }
        if end is not None:
            doc["end"] = str(end)
        return doc

    def people(self) -> list[dict[str, Any]]:
        """Each person holds one term; the two posts each pass from one to the next."""
        out = []
        posts = ("secretary_general", "rats_director")
        dealt = share(self.n["terms"], len(posts))
        terms = [
            (post, a, b) for post, many in zip(posts, dealt, strict=True) for a, b in spans(many)
        ]
        for n in range(self.n["people"]):
            person = f"{name(n)} {name(n + 7919, 2)}"
            doc: dict[str, Any] = {"id": f"person-{n:05d}", "name": person, "aliases": []}
            doc["terms"] = []
            for post, a, b in terms[n :: self.n["people"]]:
                term = {
                    "id": f"person-{n:05d}-{post.replace('_', '-')}",
                    "post": post,
                    "start": str(a),
                    "sources": self.citations(person, f"took office as {post}", a, ["start"]),
                }
                if b != LAST:
                    term["end"] = str(b)
                doc["terms"].append(term)
            out.append(doc)
        return out

    def summits_and_presidencies(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Summits of one day each over the window; each hands the presidency on to the
        next chair, the host of the summit that will close its presidency."""
        many = self.n["summits"]
        days = [a for a, _ in spans(many, FIRST, LAST - timedelta(1))]
        summits = []
        for n, day in enumerate(days):
            host = FOUNDERS[n % len(FOUNDERS)]
            city = f"{name(n)}grad"
            summits.append(
                {
                    "id": f"summit-{n:05d}",
                    "host": host,
                    "city": city,
                    "start": str(day),
                    "end": str(day),
                    "format": "in_person",
                    "aliases": [],
                    "sources": self.citations(
                        city, "hosted the heads of state", day, ["start", "end"]
                    ),
                }
            )
        presidencies = []
        for n in range(min(self.n["presidencies"], many)):
            start = days[n] + timedelta(1)
            closing = n + 1 < many
            chair = FOUNDERS[(n + 1) % len(FOUNDERS)]
            doc: dict[str, Any] = {
                "id": f"presidency-{n:05d}",
                "chair": chair,
                "start": str(start),
                "sources": self.citations(
                    self.names[chair], "took over the presidency", start, ["start"]
                ),
            }
            if closing:
                doc["end"] = str(days[n + 1])
                doc["summit"] = f"summit-{n + 1:05d}"
            presidencies.append(doc)
        return summits, presidencies

    def bodies(self) -> list[dict[str, Any]]:
        """Councils and permanent bodies, half each; the permanent ones seated in turn."""
        out = []
        many = self.n["bodies"]
        permanent = many // 2
        seats = share(self.n["seats"], permanent)
        for n in range(many):
            kind = "permanent_body" if n < permanent else "council"
            title = f"{name(n)} {'Bureau' if kind == 'permanent_body' else 'Council'}"
            start = FIRST + timedelta(days=n % 365)
            doc: dict[str, Any] = {
                "id": f"body-{n:05d}",
                "kind": kind,
                "names": {"en": title},
                "aliases": [],
                "decided": str(start),
                "start": str(start),
                "sources": self.citations(title, "was set up", start, ["decided", "start"]),
            }
            if kind == "permanent_body":
                doc["seats"] = [
                    {
                        "id": f"body-{n:05d}-seat-{i}",
                        "city": f"{name(n + i)}abad",
                        "state": FOUNDERS[i % len(FOUNDERS)],
                        "start": str(a),
                        **({"end": str(b)} if b != LAST else {}),
                        "sources": self.citations(title, "was seated", a, ["start"]),
                    }
                    for i, (a, b) in enumerate(spans(seats[n], start))
                ]
            out.append(doc)
        return out

    def meetings(self, councils: list[str]) -> list[dict[str, Any]]:
        out = []
        for council, many in zip(councils, share(self.n["meetings"], len(councils)), strict=True):
            for i, (a, _) in enumerate(spans(many, FIRST, LAST)):
                city = f"{name(i * 31 + len(out))}sk"
                out.append(
                    {
                        "id": f"{council}-meeting-{i}",
                        "body": council,
                        "ordinal": i + 1,
                        "extraordinary": False,
                        "host": FOUNDERS[i % len(FOUNDERS)],
                        "city": city,
                        "city_names": {},
                        "aliases": [],
                        "format": "in_person",
                        "start": str(a),
                        "end": str(a),
                        "sources": self.citations(city, "hosted the council", a, ["start", "end"]),
                    }
                )
        return out

    def documents(self) -> list[dict[str, Any]]:
        out = []
        days = spans(self.n["documents"])
        for n, (signed, _) in enumerate(days):
            title = f"{name(n)} Agreement"
            out.append(
                {
                    "id": f"document-{n:05d}",
                    "titles": {"en": title},
                    "short_title": title,
                    "aliases": [],
                    "signed": str(signed),
                    "place": f"{name(n + 3)}grad",
                    "place_state": FOUNDERS[n % len(FOUNDERS)],
                    "amends": [],
                    "sources": self.citations(title, "was signed", signed, ["signed"]),
                }
            )
        return out

    def languages(self) -> list[dict[str, Any]]:
        """Each ISO 639-1 language in turn, twice where the count asks for more."""
        from app.domain.countries import language_names

        codes = [lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")]
        many = self.n["languages"]
        rounds = math.ceil(many / len(codes))
        out = []
        for n in range(many):
            code = codes[n % len(codes)]
            a, b = spans(rounds)[n // len(codes)]
            called = language_names(code)["en"]
            doc: dict[str, Any] = {
                "id": f"language-{code}-{n // len(codes)}",
                "language": code,
                "roles": ["working"],
                "aliases": [],
                "start": str(a),
                "sources": self.citations(called, "became a working language", a, ["start"]),
            }
            if n // len(codes) < rounds - 1:
                doc["end"] = str(b)
            out.append(doc)
        return out

    def standings(self) -> list[dict[str, Any]]:
        out = []
        for n, (a, _) in enumerate(spans(self.n["standings"])):
            other = f"{name(n)} Union"
            out.append(
                {
                    "id": f"standing-{n:05d}",
                    "organisation": f"union-{n:05d}",
                    "organisation_names": {"en": other},
                    "aliases": [],
                    "status": "observer",
                    "start": str(a),
                    "sources": self.citations(other, "admitted the organisation", a, ["start"]),
                }
            )
        return out

    def post_titles(self) -> list[dict[str, Any]]:
        out = []
        lines = [
            (p, lang) for p in ("secretary_general", "rats_director") for lang in ["en", "ru", "zh"]
        ]
        for (post, lang), many in zip(lines, share(self.n["post_titles"], len(lines)), strict=True):
            for i, (a, b) in enumerate(spans(many)):
                title = f"{name(i + len(out))} {post.replace('_', ' ').title()}"
                doc: dict[str, Any] = {
                    "id": f"title-{post.replace('_', '-')}-{lang}-{i}",
                    "post": post,
                    "language": lang,
                    "title": title,
                    "start": str(a),
                    "sources": self.citations(title, "became the title", a, ["start"]),
                }
                if b != LAST:
                    doc["end"] = str(b)
                out.append(doc)
        return out

    def organisation(self, founding_document: str) -> dict[str, Any]:
        called = "Synthetic Cooperation Organisation"
        return {
            "id": "sco",
            "names": {"en": called},
            "short_names": {"en": "SynCO"},
            "aliases": [],
            "founded": str(FIRST),
            "founding_document": founding_document,
            "predecessor": {"en": "Synthetic Five"},
            "sources": self.citations(called, "was founded", FIRST, ["founded"]),
        }

    def claims(self, summits: list[dict[str, Any]]) -> None:
        """Claims that hold: that a founder hosted a summit in a year it did."""
        hosted = sorted({(s["host"], int(s["start"][:4])) for s in summits})
        for n in range(self.n["claims"]):
            host, year = hosted[n % len(hosted)]
            statement = f"{self.names[host]} hosted a summit in {year} ({n})."
            params = {"host": host, "year": year}
            self.sources.claim(n % self.sources.count, statement, "summit_hosted", params)

    def dataset(self) -> dict[str, Any]:
        states = self.states()
        people = self.people()
        summits, presidencies = self.summits_and_presidencies()
        bodies = self.bodies()
        councils = [b["id"] for b in bodies if b["kind"] == "council"]
        meetings = self.meetings(councils)
        documents = self.documents()
        data = {
            "coverage": {
                kind: {"since": spans["since"], "until": str(LAST)}
                for kind, spans in self.seed["coverage"].items()
            },
            "states": states,
            "people": people,
            "summits": summits,
            "presidencies": presidencies,
            "documents": documents,
            "organisation": [self.organisation(documents[0]["id"])],
            "languages": self.languages(),
            "standings": self.standings(),
            "bodies": bodies,
            "post_titles": self.post_titles(),
            "meetings": meetings,
        }
        self.claims(summits)
        data["sources"] = self.sources.docs()
        return data


def generate(factor: int) -> dict[str, Any]:
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    return World(seed, factor).dataset()


def write(database: str, data: dict[str, Any]) -> tuple[int | None, int]:
    """Write `data` into the migrated, empty database at `database` as one change set
    through the write service and its rule set: (the version, the facts written)."""
    os.environ["SCO_DATABASE_URL"] = database
    from app.core.db import make_engine
    from app.domain.facts import DatasetFile, from_file
    from app.writes import service
    from app.writes.importing import Parsed, match, operations

    df = DatasetFile.model_validate(data)
    parsed = Parsed(Path("synthetic"), [(kind, doc, None) for kind, doc, _ in from_file(df)])
    engine = make_engine(database)
    outcome = service.commit(
        engine,
        lambda current, conn: operations(current, match(parsed, current, conn)),
        actor="bench/synthetic.py",
        reason=f"a synthetic dataset for the bench, {len(parsed.facts)} facts",
        channel="seed",
    )
    return outcome.seq, len(parsed.facts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--database", help="a database URL: migrated, then written")
    parser.add_argument("--file", type=Path, help="write the dataset file here, to read")
    args = parser.parse_args()
    started = time.monotonic()
    data = generate(args.factor)
    print(f"generated in {time.monotonic() - started:.1f} s", file=sys.stderr)
    if args.file:
        args.file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    if args.database:
        from run import sco_api

        sco_api({**os.environ, "SCO_DATABASE_URL": args.database}, "migrate")
        started = time.monotonic()
        version, facts = write(args.database, data)
        print(
            f"{facts} facts written as version {version} in {time.monotonic() - started:.1f} s",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
