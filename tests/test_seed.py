"""The loader: one transaction, idempotent, and refusing any quote its source lacks."""

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, text

from app.models import Citation, metadata
from app.seeding import Rows, SeedError, seed
from tests.conftest import SEED_DIR

# Every data table: all of the schema but the version row.
TABLES = [t.name for t in metadata.sorted_tables if t.name != "dataset_version"]


def dump(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every data table, in a stable order."""
    with engine.connect() as conn:
        return {
            table: sorted(map(tuple, conn.execute(text(f"SELECT * FROM {table}"))), key=repr)
            for table in TABLES
        }


def version(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT version FROM dataset_version")).scalar_one())


def copy_seed(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the seed folder whose dataset.yaml has been edited."""
    target = tmp_path / "seed"
    shutil.copytree(SEED_DIR, target)
    data = yaml.safe_load((target / "dataset.yaml").read_text(encoding="utf-8"))
    edit(data)
    (target / "dataset.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return target


def retitle_a_source(data: dict[str, Any]) -> None:
    data["sources"][0]["title"] += " (retitled)"


def run_cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SCO_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-c", "from app.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class TestSeed:
    def test_seeding_twice_changes_nothing(
        self, migrated_url: str, engine_for: Callable[[str], Engine]
    ) -> None:
        engine = engine_for(migrated_url)
        first = seed(engine, SEED_DIR)
        rows, v = dump(engine), version(engine)
        second = seed(engine, SEED_DIR)
        assert first.changed
        assert not second.changed
        assert dump(engine) == rows
        assert version(engine) == v
        periods = yaml.safe_load((SEED_DIR / "dataset.yaml").read_text(encoding="utf-8"))
        assert len(rows["status_period"]) == sum(len(s["periods"]) for s in periods["states"])

    def test_a_quote_missing_from_its_source_refuses_the_whole_load(
        self, migrated_url: str, engine_for: Callable[[str], Engine], tmp_path: Path
    ) -> None:
        def corrupt(data: dict[str, object]) -> None:
            states = data["states"]
            assert isinstance(states, list)
            india = next(s for s in states if s["iso3"] == "IND")
            member = next(p for p in india["periods"] if p["status"] == "member")
            member["sources"][-1]["quote"] = "India joined SCO at the Ufa summit."

        engine = engine_for(migrated_url)
        with pytest.raises(SeedError) as refused:
            seed(engine, copy_seed(tmp_path, corrupt))
        [problem] = refused.value.problems
        assert "India: member from 2017-06-09" in problem
        assert "Ufa" in problem
        assert all(not rows for rows in dump(engine).values()), "nothing was written"

    def test_a_failure_midway_through_the_write_rolls_back_every_row(
        self,
        migrated_url: str,
        engine_for: Callable[[str], Engine],
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        engine = engine_for(migrated_url)
        seed(engine, SEED_DIR)
        before = dump(engine)
        # After the old rows are deleted and most new ones inserted, one the database
        # refuses (a citation of no fact): the whole load must roll back.
        groups = Rows.all
        bad = Citation(id=99_999, source_id="indian-awaaz-2022-03-20")
        monkeypatch.setattr(Rows, "all", lambda self: [*groups(self), [bad]])
        with pytest.raises(SeedError) as refused:
            seed(engine, copy_seed(tmp_path, retitle_a_source))
        assert "the database refused the dataset" in refused.value.problems[0]
        assert dump(engine) == before

    def test_a_hand_edit_is_undone_by_the_next_seed(
        self, migrated_url: str, engine_for: Callable[[str], Engine]
    ) -> None:
        engine = engine_for(migrated_url)
        seed(engine, SEED_DIR)
        before = dump(engine)
        with engine.begin() as conn:
            conn.execute(text("UPDATE summit SET city = 'Atlantis' WHERE id = '2017-astana'"))
        assert seed(engine, SEED_DIR).changed
        assert dump(engine)["summit"] == before["summit"]


def _overlapping_status(data: dict[str, Any]) -> None:
    india = next(s for s in data["states"] if s["iso3"] == "IND")
    india["periods"].append(
        {
            "status": "observer",
            "start": "2016-01-01",
            "end": "2017-12-31",
            "sources": india["periods"][0]["sources"],
        }
    )


def _duplicate_source(data: dict[str, Any]) -> None:
    data["sources"].append(dict(data["sources"][0]))


def _unknown_coverage_kind(data: dict[str, Any]) -> None:
    data["coverage"]["members"] = {"since": "2001-06-15"}


def _claim_about_nobody(data: dict[str, Any]) -> None:
    claim = data["sources"][0]["claims"][1]
    assert claim["kind"] == "office_holder"
    claim["params"]["person"] = "nobody"


def _chair_not_a_member(data: dict[str, Any]) -> None:
    data["presidencies"][0]["chair"] = "IRN"


def _state_by_name(data: dict[str, Any]) -> None:
    claim = next(c for c in data["sources"][1]["claims"] if c["kind"] == "nationality")
    claim["params"]["state"] = "chn"


def _wrong_count(data: dict[str, Any]) -> None:
    claim = next(c for c in data["sources"][1]["claims"] if c["kind"] == "status_set")
    claim["kind"], claim["params"] = "status_count", {"status": "member", "count": 9}


def _unknown_source(data: dict[str, Any]) -> None:
    data["summits"][0]["sources"][0]["source"] = "no-such-source"


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (_overlapping_status, "status periods of IND"),
        (_duplicate_source, "is listed 2 times"),
        (_unknown_coverage_kind, "members"),
        (_claim_about_nobody, "unknown person 'nobody'"),
        (_chair_not_a_member, "IRN is not a member state"),
        (_unknown_source, "unknown source 'no-such-source'"),
        (_state_by_name, "state 'chn' is not an ISO 3166-1 alpha-3 code"),
        (_wrong_count, "is contradicted by the data"),
    ],
)
def test_a_faulty_file_is_refused_naming_the_fault_and_nothing_is_written(
    migrated_url: str,
    engine_for: Callable[[str], Engine],
    tmp_path: Path,
    edit: Callable[[dict[str, Any]], None],
    named: str,
) -> None:
    engine = engine_for(migrated_url)
    with pytest.raises(SeedError) as refused:
        seed(engine, copy_seed(tmp_path, edit))
    assert any(named in problem for problem in refused.value.problems), refused.value.problems
    assert all(not rows for rows in dump(engine).values())


def test_a_claim_the_data_contradicts_is_refused_even_with_a_note(
    migrated_url: str, engine_for: Callable[[str], Engine], tmp_path: Path
) -> None:
    def explained(data: dict[str, Any]) -> None:
        _wrong_count(data)
        claim = next(c for c in data["sources"][1]["claims"] if c["kind"] == "status_count")
        claim["note"] = "a test: the source is taken to be wrong"

    engine = engine_for(migrated_url)
    with pytest.raises(SeedError) as refused:
        seed(engine, copy_seed(tmp_path, explained))
    assert any("is contradicted by the data" in p for p in refused.value.problems)
    assert all(not rows for rows in dump(engine).values())


class TestCommands:
    def test_migrate_seed_check_through_the_command(self, empty_url: str) -> None:
        for command in ("migrate", "seed", "check"):
            result = run_cli(empty_url, command)
            assert result.returncode == 0, result.stderr
        assert "check passed" in result.stdout
        again = run_cli(empty_url, "seed")
        assert "unchanged" in again.stdout

    def test_check_fails_on_a_quote_edited_in_the_database(
        self, migrated_url: str, engine_for: Callable[[str], Engine]
    ) -> None:
        engine = engine_for(migrated_url)
        seed(engine, SEED_DIR)
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE source SET text = 'nothing here' WHERE id = 'indian-awaaz-2022-03-20'")
            )
        result = run_cli(migrated_url, "check")
        assert result.returncode == 1
        assert "indian-awaaz-2022-03-20" in result.stderr

    def test_check_fails_on_a_stored_verdict_that_checking_again_does_not_give(
        self, migrated_url: str, engine_for: Callable[[str], Engine]
    ) -> None:
        engine = engine_for(migrated_url)
        seed(engine, SEED_DIR)
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE claim SET verdict = 'undetermined' WHERE kind = 'status_count'")
            )
        result = run_cli(migrated_url, "check")
        assert result.returncode == 1
        assert "stored verdict 'undetermined'" in result.stderr

    def test_a_refused_seed_exits_non_zero_naming_the_problem(
        self, migrated_url: str, tmp_path: Path
    ) -> None:
        def drop_sources(data: dict[str, object]) -> None:
            data["summits"][0]["sources"] = []  # type: ignore[index]

        result = run_cli(migrated_url, "seed", "--seed-dir", str(copy_seed(tmp_path, drop_sources)))
        assert result.returncode == 1
        assert "summits.0.sources" in result.stderr
