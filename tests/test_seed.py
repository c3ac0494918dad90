"""Seed, import and export: the dataset file in and out of the database, one change set per
import, ids and revisions kept, faulty files refused whole by name and line."""

import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import Engine, select, text, update

from app.domain.documents import MAX_NOTE_CHARS
from app.domain.facts import Facts
from app.domain.kinds import BY_NAME, metadata
from app.domain.tables import Citation, FactChange
from app.writes import dataset_file
from app.writes import service as writes
from app.writes.dataset_file import SeedError
from app.writes.importing import export, import_file, seed
from app.writes.service import Operation, Refused
from tests.conftest import SEED_DIR, engine_independent, run_cli, running_service

# Every table: the facts, the change log and the version row.
TABLES = [t.name for t in metadata.sorted_tables]


def dump(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in a stable order."""
    with engine.connect() as conn:
        return {
            table: sorted(map(tuple, conn.execute(text(f"SELECT * FROM {table}"))), key=repr)
            for table in TABLES
        }


def scalar(engine: Engine, sql: str, **params: object) -> Any:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def version(engine: Engine) -> int:
    return int(scalar(engine, "SELECT version FROM dataset_version"))


# libyaml's loader and dumper where PyYAML has them: these helpers only read back what they
# write, and the pure-Python pair takes some ten times as long on the shipped file.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def load_file(folder: Path) -> dict[str, Any]:
    text_ = (folder / "dataset.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.load(text_, Loader=_YAML_LOADER)
    return data


def copy_seed(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the seed folder whose dataset.yaml has been edited."""
    target = tmp_path / "seed"
    shutil.copytree(SEED_DIR, target, dirs_exist_ok=True)
    data = load_file(target)
    edit(data)
    written = yaml.dump(data, Dumper=_YAML_DUMPER, allow_unicode=True)
    (target / "dataset.yaml").write_text(written, "utf-8")
    return target


def state(data: dict[str, Any], iso3: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in data["states"] if s["iso3"] == iso3)
    return found


def period(data: dict[str, Any], period_id: str) -> dict[str, Any]:
    return next(p for s in data["states"] for p in s["periods"] if p.get("id") == period_id)


def with_id(data: dict[str, Any]) -> None:
    """The made-up Mongolian period below, with the id an export would give it."""
    insert_mongolian_period(data)
    state(data, "MNG")["periods"][0]["id"] = "mng-dialogue-partner-2003"


MADE_UP = (
    "In this test, Mongolia is a dialogue partner in 2003. In this test, Belarus becomes a "
    "dialogue partner in April 2010."
)


def made_up_citation(
    data: dict[str, Any],
    quote: str = "In this test, Mongolia is a dialogue partner in 2003.",
    states: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A citation stating a made-up fact (by default the made-up Mongolian period), from a
    made-up source, added once."""
    if not any(s["id"] == "test-made-up" for s in data["sources"]):
        data["sources"].append(
            {
                "id": "test-made-up",
                "kind": "reference_work",
                "title": "A made-up source of the tests",
                "publisher": "The tests",
                "language": "en",
                "text_scope": "full",
                "text": MADE_UP,
            }
        )
    states = states or {"subject": "Mongolia", "date": "2003", "dates": ["start"]}
    return {"source": "test-made-up", "quote": quote, "states": states}


def insert_mongolian_period(data: dict[str, Any]) -> None:
    """Mongolia had no status before it became an observer (2004): give it a made-up one in
    front of that, without an id (a new fact), cited from a made-up source."""
    mongolia = state(data, "MNG")
    source = made_up_citation(data)
    mongolia["periods"].insert(
        0, {"status": "dialogue_partner", "start": "2003", "end": "2003", "sources": [source]}
    )


def correct_belarus_start(data: dict[str, Any]) -> None:
    """A made-up correction of a date (Belarus's memorandum of 2010 to April 2010), with a
    made-up source that states it: the citations that gave "2010" no longer give the start."""
    fact = period(data, "blr-dialogue-partner-2010")
    fact["start"] = "2010-04"
    for c in fact["sources"]:
        if "start" in (c.get("states") or {}).get("dates", []):
            c["states"]["dates"].remove("start")
            if not c["states"]["dates"]:
                del c["states"]
    states = {"subject": "Belarus", "date": "April 2010", "dates": ["start"]}
    quote = "Belarus becomes a dialogue partner in April 2010."
    fact["sources"].append(made_up_citation(data, quote, states))


def retitle_a_source(data: dict[str, Any]) -> None:
    data["sources"][0]["title"] += " (retitled)"


def correct_astana_city(data: dict[str, Any]) -> None:
    """Astana was called Nur-Sultan in 2019-2022: a curator's correction of a city, which
    keeps the name its sources write as an alias (the words that state the summit)."""
    summit = next(s for s in data["summits"] if s["id"] == "2017-astana")
    summit["city"] = "Nur-Sultan"
    summit["aliases"] = [*summit.get("aliases", []), "Astana"]


def periods(outcome: Any) -> list[tuple[str, str]]:
    """What a change set did to status periods: (op, id) of each change."""
    return [(c.op, c.id) for c in outcome.changes if c.kind == "status_period"]


def revisions(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT public_id, revision FROM status_period")).all()
    return {r[0]: r[1] for r in rows}


class TestSeed:
    def test_the_seed_is_the_first_change_set_and_seeding_again_writes_nothing(
        self, migrated_url: str, engine_for: Callable[[str], Engine]
    ) -> None:
        engine = engine_for(migrated_url)
        first = seed(engine, SEED_DIR)
        assert first.seeded
        assert first.version == 1
        assert scalar(engine, "SELECT channel FROM change_set WHERE seq = 1") == "seed"
        rows = dump(engine)
        again = seed(engine, SEED_DIR)
        assert not again.seeded
        assert again.outcome is not None
        assert again.outcome.changes == []
        assert dump(engine) == rows
        assert version(engine) == 1
        periods = load_file(SEED_DIR)["states"]
        assert len(rows["status_period"]) == sum(len(s["periods"]) for s in periods)

    def test_seed_on_a_seeded_database_says_the_file_differs_and_writes_nothing(
        self, seeded_copy_url: str, engine_for: Callable[[str], Engine], tmp_path: Path
    ) -> None:
        engine = engine_for(seeded_copy_url)
        rows = dump(engine)
        result = run_cli(
            seeded_copy_url, "seed", "--seed-dir", str(copy_seed(tmp_path, retitle_a_source))
        )
        assert result.returncode == 0, result.stderr
        assert "nothing written" in result.stdout
        assert "1 changed" in result.stdout
        assert dump(engine) == rows


class TestImport:
    def test_a_dry_run_prints_the_change_set_and_writes_nothing(
        self, seeded_copy_url: str, engine_for: Callable[[str], Engine], tmp_path: Path
    ) -> None:
        engine = engine_for(seeded_copy_url)
        rows = dump(engine)
        folder = copy_seed(tmp_path, correct_astana_city)
        result = run_cli(seeded_copy_url, "import", str(folder), "--dry-run")
        assert result.returncode == 0, result.stderr
        assert "dry run: the change set would make 0 added, 1 changed, 0 removed" in result.stdout
        assert "changed summit 2017-astana (city, aliases)" in result.stdout
        assert dump(engine) == rows

    def test_an_import_is_one_change_set_and_untouched_facts_keep_their_revisions(
        self, seeded_copy_url: str, engine_for: Callable[[str], Engine], tmp_path: Path
    ) -> None:
        engine = engine_for(seeded_copy_url)
        before = revisions(engine)
        outcome = import_file(engine, copy_seed(tmp_path, correct_astana_city), reason="renamed")
        assert outcome.seq == 2
        assert [(c.kind, c.id, c.op, c.revision) for c in outcome.changes] == [
            ("summit", "2017-astana", "update", 2)
        ]
        assert version(engine) == 2
        assert scalar(engine, "SELECT revision FROM summit WHERE id = '2017-astana'") == 2
        assert scalar(engine, "SELECT reason FROM change_set WHERE seq = 2") == "renamed"
        assert revisions(engine) == before

    def test_a_new_period_in_the_middle_of_the_file_leaves_every_other_id_alone(
        self, seeded_copy_url: str, engine_for: Callable[[str], Engine], tmp_path: Path
    ) -> None:
        engine = engine_for(seeded_copy_url)
        before = revisions(engine)
        outcome = import_file(engine, copy_seed(tmp_path, insert_mongolian_period))
        assert [(c.op, c.id) for c in outcome.changes] == [
            ("create", "test-made-up"),
            ("create", "mng-dialogue-partner-2003"),
        ]
        after = revisions(engine)
        assert after.pop("mng-dialogue-partner-2003") == 1
        assert after == before

    def test_a_corrected_date_stays_the_same_fact_with_its_id(
        self, seeded_copy_url: str, engine_for: Callable[[str], Engine], tmp_path: Path
    ) -> None:
        engine = engine_for(seeded_copy_url)
        outcome = import_file(engine, copy_seed(tmp_path, correct_belarus_start))
        [change] = [c for c in outcome.changes if c.kind == "status_period"]
        assert (change.op, change.id, change.fields, change.revision) == (
            "update",
            "blr-dialogue-partner-2010",
            ("sources", "start"),
            2,
        )
        assert change.before is not None
        assert change.after is not None
        assert (change.before["start"], change.after["start"]) == ("2010", "2010-04")

    def test_a_fact_without_id_is_matched_by_its_natural_key(
        self, seeded_copy_url: str, engine_for: Callable[[str], Engine], tmp_path: Path
    ) -> None:
        def drop_ids_and_renote(data: dict[str, Any]) -> None:
            for s in data["states"]:
                for p in s["periods"]:
                    p.pop("id")
            period_ = next(p for p in state(data, "IND")["periods"] if p["status"] == "member")
            period_["note"] = "corrected note"

        engine = engine_for(seeded_copy_url)
        outcome = import_file(engine, copy_seed(tmp_path, drop_ids_and_renote))
        assert [(c.op, c.id, c.fields) for c in outcome.changes] == [
            ("update", "ind-member-2017-06-09", ("note",))
        ]

    def test_a_removed_fact_is_deleted_and_its_id_is_never_minted_again(
        self, seeded_copy_url: str, engine_for: Callable[[str], Engine], tmp_path: Path
    ) -> None:
        engine = engine_for(seeded_copy_url)
        added = import_file(engine, copy_seed(tmp_path / "a", insert_mongolian_period))
        assert periods(added) == [("create", "mng-dialogue-partner-2003")]
        removed = import_file(engine, SEED_DIR)
        assert periods(removed) == [("delete", "mng-dialogue-partner-2003")]
        back = import_file(engine, copy_seed(tmp_path / "b", insert_mongolian_period))
        assert periods(back) == [("create", "mng-dialogue-partner-2003-2")]

    def test_a_fact_brought_back_under_its_id_continues_its_revisions(
        self, seeded_copy_url: str, engine_for: Callable[[str], Engine], tmp_path: Path
    ) -> None:
        engine = engine_for(seeded_copy_url)
        import_file(engine, copy_seed(tmp_path / "a", with_id))
        import_file(engine, SEED_DIR)
        back = import_file(engine, copy_seed(tmp_path / "b", with_id))
        assert [(c.op, c.id, c.revision) for c in back.changes] == [
            ("create", "test-made-up", 2),
            ("create", "mng-dialogue-partner-2003", 2),
        ]

    def test_the_same_fact_given_by_id_and_by_natural_key_is_refused(
        self, seeded_copy_url: str, engine_for: Callable[[str], Engine], tmp_path: Path
    ) -> None:
        def twice(data: dict[str, Any]) -> None:
            india = state(data, "IND")
            member = next(p for p in india["periods"] if p["status"] == "member")
            india["periods"].append({k: v for k, v in member.items() if k != "id"})

        engine = engine_for(seeded_copy_url)
        with pytest.raises(SeedError) as refused:
            import_file(engine, copy_seed(tmp_path, twice))
        problems = refused.value.problems
        assert len(problems) == 2  # each entry named, with both lines
        assert all(
            "status_period ind-member-2017-06-09: listed 2 times (line " in p for p in problems
        )

    def test_a_curators_change_survives_seed_and_is_protected_from_an_import(
        self, seeded_copy_url: str, engine_for: Callable[[str], Engine], tmp_path: Path
    ) -> None:
        """A change made through another channel than import (the curators' API) after the
        latest import is not undone by `seed`, and an import that would overwrite it is
        refused naming the fact, unless forced."""
        engine = engine_for(seeded_copy_url)

        def plan(current: Facts, _conn: object) -> list[Operation]:
            doc = {**current.docs["summit"]["2017-astana"], "city": "Nur-Sultan"}
            doc["aliases"] = [*doc["aliases"], "Astana"]
            return [Operation("update", BY_NAME["summit"], "2017-astana", doc)]

        writes.commit(engine, plan, actor="curator", reason="renamed", channel="api")
        assert not seed(engine, SEED_DIR).seeded
        assert scalar(engine, "SELECT city FROM summit WHERE id = '2017-astana'") == "Nur-Sultan"
        with pytest.raises(Refused) as refused:
            import_file(engine, SEED_DIR)
        assert refused.value.status == 409
        assert (
            "summit 2017-astana was last changed by change set 2 (api)" in refused.value.problems[0]
        )
        assert version(engine) == 2
        forced = import_file(engine, SEED_DIR, force=True)
        assert [(c.id, c.fields) for c in forced.changes] == [("2017-astana", ("city", "aliases"))]

    def test_an_import_does_not_bring_back_what_a_curator_deleted(
        self, seeded_copy_url: str, engine_for: Callable[[str], Engine], tmp_path: Path
    ) -> None:
        engine = engine_for(seeded_copy_url)
        import_file(engine, copy_seed(tmp_path, insert_mongolian_period))

        def plan(current: Facts, _conn: object) -> list[Operation]:
            return [Operation("delete", BY_NAME["status_period"], "mng-dialogue-partner-2003")]

        writes.commit(engine, plan, actor="curator", reason="no such status", channel="api")
        with pytest.raises(Refused) as refused:  # a file exported before the delete
            import_file(engine, copy_seed(tmp_path, with_id))
        assert "the file would create it" in refused.value.problems[0]

    def test_two_imports_at_once_take_turns_and_the_log_stays_gapless(
        self, seeded_copy_url: str, engine_for: Callable[[str], Engine], tmp_path: Path
    ) -> None:
        engine = engine_for(seeded_copy_url)

        def note(text_: str) -> Callable[[dict[str, Any]], None]:
            def edit(data: dict[str, Any]) -> None:
                period(data, "ind-member-2017-06-09")["note"] = text_

            return edit

        folders = [copy_seed(tmp_path / str(i), note(f"note {i}")) for i in range(2)]
        results: list[object] = []

        def run(folder: Path) -> None:
            try:
                results.append(import_file(engine, folder))
            except SeedError as exc:
                results.append(exc)

        threads = [threading.Thread(target=run, args=(f,)) for f in folders]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        with engine.connect() as conn:
            seqs = [r[0] for r in conn.execute(text("SELECT seq FROM change_set ORDER BY seq"))]
        assert seqs == list(range(1, len(seqs) + 1))
        # The writer lock makes the second wait for the first: both are written, in turn.
        assert [type(r).__name__ for r in results] == ["Outcome", "Outcome"], results
        assert len(seqs) == 3
        assert version(engine) == seqs[-1]


def _end_before_start(data: dict[str, Any]) -> None:
    period(data, "ind-member-2017-06-09")["end"] = "2016-01-01"


def _unknown_state(data: dict[str, Any]) -> None:
    next(s for s in data["summits"] if s["id"] == "2017-astana")["host"] = "ATL"


def _claim_about_nobody(data: dict[str, Any]) -> None:
    source = next(s for s in data["sources"] if s["id"] == "un-china-mission-2022-03-17")
    claim = next(c for c in source["claims"] if c["kind"] == "office_holder")
    claim["params"]["person"] = "nobody-at-all"


def _unknown_source(data: dict[str, Any]) -> None:
    data["summits"][0]["sources"][0]["source"] = "no-such-source"


def _duplicate_id(data: dict[str, Any]) -> None:
    periods = state(data, "IND")["periods"]
    periods[0]["id"] = periods[1]["id"]


def _quote_not_verbatim(data: dict[str, Any]) -> None:
    citation = period(data, "ind-member-2017-06-09")["sources"][-1]
    citation["quote"] = "India joined at Ufa."
    citation.pop("states", None)


def _text_file_outside(data: dict[str, Any]) -> None:
    data["sources"][0]["text_file"] = "../../../../../../etc/hostname"
    data["sources"][0].pop("text", None)


def _text_file_absolute(data: dict[str, Any]) -> None:
    data["sources"][0]["text_file"] = "/etc/hostname"
    data["sources"][0].pop("text", None)


def _alias_no_source_uses(data: dict[str, Any]) -> None:
    state(data, "TUR")["aliases"].append("Zzyzxland")


def _impossible_end(data: dict[str, Any]) -> None:
    period(data, "ind-member-2017-06-09")["end"] = "2023-02-30"


def _natural_key_twice(data: dict[str, Any]) -> None:
    india = state(data, "IND")
    member = next(p for p in india["periods"] if p["status"] == "member")
    member.pop("id")
    india["periods"].append(dict(member))


def _huge_note(data: dict[str, Any]) -> None:
    period(data, "ind-member-2017-06-09")["note"] = "x" * (MAX_NOTE_CHARS + 1)


def _overlapping_status(data: dict[str, Any]) -> None:
    india = state(data, "IND")
    india["periods"].append(
        {
            "status": "observer",
            "start": "2016-01-01",
            "end": "2017-12-31",
            "sources": india["periods"][0]["sources"],
        }
    )


def _chair_not_a_member(data: dict[str, Any]) -> None:
    data["presidencies"][0]["chair"] = "IRN"


def _contradicted_claim(data: dict[str, Any]) -> None:
    source = next(s for s in data["sources"] if s["id"] == "indian-awaaz-2022-03-20")
    claim = next(c for c in source["claims"] if c["kind"] == "status_set")
    claim["kind"], claim["params"] = "status_count", {"status": "member", "count": 9}
    claim["note"] = "a note does not excuse a claim the data contradicts"


REFUSALS = [
    (
        _end_before_start,
        ["(IND)", "ind-member-2017-06-09", "end 2016-01-01 is before start"],
    ),
    (_unknown_state, ["summit 2017-astana", "host 'ATL'"]),
    (_unknown_source, ["source 'no-such-source' is not listed"]),
    (_claim_about_nobody, ["unknown person 'nobody-at-all'"]),
    (_duplicate_id, ["listed 2 times (line "]),
    (_quote_not_verbatim, ["India: member from 2017-06-09", "India joined at Ufa."]),
    (_text_file_outside, ["lies outside"]),
    (_text_file_absolute, ["'/etc/hostname' lies outside"]),
    (_alias_no_source_uses, ["state TUR: 'Zzyzxland' occurs in none of its sources' quotes"]),
    (_impossible_end, ["ind-member-2017-06-09", "'2023-02-30' is not a calendar date"]),
    (_natural_key_twice, ["status_period ind-member-2017-06-09: listed 2 times"]),
    (_huge_note, ["ind-member-2017-06-09", f"at most {MAX_NOTE_CHARS} characters"]),
    (_overlapping_status, ["a state holds one status at a time (IND)"]),
    (_chair_not_a_member, ["IRN is not a member state"]),
    (_contradicted_claim, ["is contradicted by the data"]),
]


@pytest.mark.parametrize(("edit", "named"), REFUSALS, ids=[r[0].__name__[1:] for r in REFUSALS])
def test_a_faulty_file_is_refused_by_name_and_line_and_nothing_is_written(
    seeded_copy_url: str,
    engine_for: Callable[[str], Engine],
    tmp_path: Path,
    edit: Callable[[dict[str, Any]], None],
    named: list[str],
) -> None:
    engine = engine_for(seeded_copy_url)
    rows = dump(engine)
    folder = copy_seed(tmp_path, edit)
    with pytest.raises(SeedError) as refused:
        import_file(engine, folder)
    problems = refused.value.problems
    assert any(all(word in line for word in named) for line in problems), problems
    at_a_line = re.compile(re.escape(f"{folder / 'dataset.yaml'}:") + r"\d+: ")
    assert all(at_a_line.match(line) for line in problems), problems
    assert dump(engine) == rows


def test_an_impossible_date_is_refused_naming_the_line_not_with_a_traceback(
    seeded_copy_url: str, tmp_path: Path
) -> None:
    folder = copy_seed(tmp_path, lambda data: None)
    path = folder / "dataset.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "start: '2017-06-09'" in line)
    lines[at] = lines[at].replace("'2017-06-09'", "2022-02-30")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli(seeded_copy_url, "import", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"refused: {path}:")
    assert "import refused: 1 problem(s); nothing was written" in result.stderr
    assert "2022-02-30" in result.stderr
    assert f"{path}:{at + 1}:" in result.stderr  # the line of the date itself


def test_a_key_given_twice_is_refused_naming_both_lines(
    seeded_copy_url: str, tmp_path: Path
) -> None:
    folder = copy_seed(tmp_path, lambda data: None)
    path = folder / "dataset.yaml"
    text_ = path.read_text(encoding="utf-8")
    path.write_text(text_.replace("coverage:\n", "coverage:\n  member: {since: '2001-06-16'}\n", 1))
    result = run_cli(seeded_copy_url, "import", str(folder))
    assert result.returncode == 1
    assert "'member' is given twice (first on line" in result.stderr
    assert "Traceback" not in result.stderr


def test_seed_on_an_unmigrated_database_says_so(empty_url: str) -> None:
    result = run_cli(empty_url, "seed")
    assert result.returncode == 1
    assert "the database is not migrated: run `sco-api migrate`" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_past_the_size_limit_is_refused(seeded_copy_url: str, tmp_path: Path) -> None:
    folder = copy_seed(tmp_path, lambda data: None)
    with (folder / "dataset.yaml").open("a", encoding="utf-8") as f:
        f.write("#" + "x" * (20 * 1024 * 1024) + "\n")
    result = run_cli(seeded_copy_url, "import", str(folder))
    assert result.returncode == 1
    assert "more than the limit" in result.stderr


class TestExport:
    def test_export_import_export_gives_the_same_file(
        self,
        seeded_copy_url: str,
        migrated_url: str,
        engine_for: Callable[[str], Engine],
        tmp_path: Path,
    ) -> None:
        first = tmp_path / "first" / "dataset.yaml"
        second = tmp_path / "second" / "dataset.yaml"
        source, empty = engine_for(seeded_copy_url), engine_for(migrated_url)
        count = export(source, first)
        outcome = import_file(empty, first)
        assert len(outcome.changes) == count
        export(empty, second)
        assert first.read_bytes() == second.read_bytes()
        for text_file in (first.parent / "sources").iterdir():
            assert (
                second.parent / "sources" / text_file.name
            ).read_bytes() == text_file.read_bytes()
        rows, copied = dump(source), dump(empty)
        for table in ("citation", "claim", "source", "status_period", "state", "summit"):
            assert len(rows[table]) == len(copied[table]), table

    def test_the_shipped_file_is_what_a_freshly_seeded_database_exports(
        self, seeded_copy_url: str, engine_for: Callable[[str], Engine], tmp_path: Path
    ) -> None:
        exported = tmp_path / "dataset.yaml"
        export(engine_for(seeded_copy_url), exported)
        assert exported.read_text(encoding="utf-8") == (SEED_DIR / "dataset.yaml").read_text(
            encoding="utf-8"
        )


def migrate_seed_check_seed(run: Callable[..., Any]) -> None:
    """`migrate`, `seed` and `check` pass on an empty database; `seed` again writes nothing."""
    ran = [run(command) for command in ("migrate", "seed", "check", "seed")]
    assert [r.returncode for r in ran] == [0, 0, 0, 0], [r.stderr for r in ran]
    assert ran[0].stdout == "migrated to head\n"
    assert "check passed" in ran[2].stdout
    assert "the file matches; nothing written" in ran[3].stdout


class TestCommands:
    def test_migrate_seed_check_through_the_command(self, empty_url: str) -> None:
        migrate_seed_check_seed(lambda *args: run_cli(empty_url, *args))

    @engine_independent
    def test_migrate_seed_check_through_the_installed_command(self, empty_url: str) -> None:
        """A smoke test of the entry point itself, in processes of its own."""
        command = Path(sys.executable).with_name("sco-api")
        env = {**os.environ, "SCO_DATABASE_URL": empty_url}

        def installed(*args: str) -> Any:
            return subprocess.run(
                [command, *args], env=env, capture_output=True, text=True, timeout=120
            )

        migrate_seed_check_seed(installed)

    def test_a_curators_import_survives_start_and_a_restart(
        self, seeded_copy_url: str, engine_for: Callable[[str], Engine], tmp_path: Path
    ) -> None:
        """What the image runs at every boot (migrate, seed, serve) never rewrites a seeded
        database."""
        import_file(engine_for(seeded_copy_url), copy_seed(tmp_path, correct_astana_city))
        for _boot in range(2):
            with running_service(seeded_copy_url, "start") as (base, _):
                summit = httpx.get(f"{base}/v1/summits/2017-astana", timeout=10).json()
                assert (summit["city"], summit["revision"]) == ("Nur-Sultan", 2)
        assert scalar(engine_for(seeded_copy_url), "SELECT max(seq) FROM change_set") == 2

    def test_check_reports_a_row_edited_outside_the_write_service(
        self, seeded_copy_url: str, engine_for: Callable[[str], Engine]
    ) -> None:
        engine = engine_for(seeded_copy_url)
        with engine.begin() as conn:
            conn.execute(text("UPDATE summit SET city = 'Atlantis' WHERE id = '2017-astana'"))
        result = run_cli(seeded_copy_url, "check")
        assert result.returncode == 1
        assert "summit 2017-astana differs from the change log in city" in result.stderr

    def test_a_field_added_after_a_fact_was_logged_reads_as_empty_there(
        self, seeded_copy_url: str, engine_for: Callable[[str], Engine]
    ) -> None:
        """A field added to a kind needs no migration of the change log: a document logged
        before it existed lacks it, and lacking it is being empty."""
        engine = engine_for(seeded_copy_url)
        after = (
            "json_remove(after, '$.note')"
            if engine.dialect.name == "sqlite"
            else "(after::jsonb - 'note')::json"
        )
        with engine.begin() as conn:
            removed = conn.execute(
                text(
                    f"UPDATE fact_change SET after = {after} WHERE kind = 'summit' "
                    "AND fact_id = '2024-astana'"
                )
            ).rowcount
            conn.execute(text("UPDATE summit SET note = NULL WHERE id = '2024-astana'"))
        assert removed == 1
        result = run_cli(seeded_copy_url, "check")
        assert result.returncode == 0, result.stderr

    def test_check_fails_on_a_fact_whose_citations_no_longer_state_it(
        self, seeded_copy_url: str, engine_for: Callable[[str], Engine]
    ) -> None:
        """A database written before citations said what they state (its citations and its
        change log alike): `check` names each fact no citation states, unless it is on the
        committed list (seed/unstated.yaml)."""
        engine = engine_for(seeded_copy_url)
        change = FactChange.__table__
        with engine.begin() as conn:
            conn.execute(
                update(Citation).where(Citation.summit_id == "2022-samarkand").values(states=None)  # type: ignore[arg-type]
            )
            logged = conn.execute(
                select(change.c.id, change.c.after).where(
                    change.c.kind == "summit", change.c.fact_id == "2022-samarkand"
                )
            ).all()
            for row_id, after in logged:
                sources = [{k: v for k, v in c.items() if k != "states"} for c in after["sources"]]
                after = {**after, "sources": sources}
                conn.execute(update(change).where(change.c.id == row_id).values(after=after))
        result = run_cli(seeded_copy_url, "check")
        assert result.returncode == 1, result.stdout
        assert "Summit in Samarkand, 2022-09-15 to 2022-09-16: no citation states start_date" in (
            result.stderr
        )
        assert "differs from the change log" not in result.stderr
        assert result.stderr.count("FAILED") == 1, result.stderr

    def test_check_fails_on_a_quote_edited_in_the_database(
        self, seeded_copy_url: str, engine_for: Callable[[str], Engine]
    ) -> None:
        engine = engine_for(seeded_copy_url)
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE source SET text = 'nothing here' WHERE id = 'indian-awaaz-2022-03-20'")
            )
        result = run_cli(seeded_copy_url, "check")
        assert result.returncode == 1
        assert "is not in the stored text of source 'indian-awaaz-2022-03-20'" in result.stderr


class TestTheFileReader:
    """The dataset file is read by libyaml's C parser where PyYAML has it: it must read what
    the pure-Python parser reads, and refuse what it refuses, at the same lines."""

    @pytest.mark.skipif(
        not yaml.__with_libyaml__ and not os.environ.get("CI"),
        reason="PyYAML was built without libyaml (in CI this fails instead)",
    )
    def test_the_c_parser_is_the_one_in_use(self) -> None:
        assert issubclass(dataset_file.LOADER, yaml.CSafeLoader)

    def test_both_parsers_read_the_shipped_file_alike(self) -> None:
        path = SEED_DIR / "dataset.yaml"
        fast = dataset_file.parse_file(path, dataset_file.LOADER)
        pure = dataset_file.parse_file(path, dataset_file.PURE_LOADER)
        assert fast == pure
        assert len(fast[1]) > 400  # the line of every fact

    @pytest.mark.parametrize(
        ("edit", "said"),
        [
            (
                lambda t: t.replace("coverage:\n", "coverage:\n  member: {since: '2001-06-16'}\n"),
                "'member' is given twice (first on line",
            ),
            (lambda t: t.replace("start: '2017-06-09'", "start: 2022-02-30", 1), "2022-02-30"),
            (lambda t: t.replace("coverage:\n", "coverage: [\n", 1), "not valid YAML"),
        ],
        ids=["a key twice", "an impossible date", "not YAML"],
    )
    def test_both_parsers_refuse_alike_at_the_same_line(
        self, tmp_path: Path, edit: Callable[[str], str], said: str
    ) -> None:
        path = tmp_path / "dataset.yaml"
        shutil.copytree(SEED_DIR / "sources", tmp_path / "sources")
        path.write_text(edit((SEED_DIR / "dataset.yaml").read_text("utf-8")), "utf-8")
        refusals = []
        for loader in (dataset_file.LOADER, dataset_file.PURE_LOADER):
            with pytest.raises(SeedError) as refused:
                dataset_file.parse_file(path, loader)
            refusals.append(refused.value.problems)
        # The same problems at the same lines (libyaml words a syntax error its own way).
        at_a_line = re.compile(re.escape(f"{path}:") + r"\d+: ")
        located = [[at_a_line.match(p) for p in problems] for problems in refusals]
        assert all(m for found in located for m in found), refusals
        assert [m.group() for m in located[0] if m] == [m.group() for m in located[1] if m]
        assert all(said in problem for problems in refusals for problem in problems), refusals
