"""What the database itself enforces, whatever writes to it, and the migrations."""

import asyncio
import datetime as dt
import gc
import weakref
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from app.cli import alembic_config
from app.core.settings import Settings
from app.domain.facts import Facts
from app.domain.kinds import BY_NAME
from app.main import create_app
from app.storage import store as store_module
from app.storage.probes import PostgresProbe, make_probe
from app.storage.store import Store
from app.writes import service as writes
from app.writes.importing import import_file, seed
from app.writes.service import Operation, Refused
from tests.conftest import (
    SEED_DIR,
    OpenClient,
    client_of,
    migrate,
    postgresql_only,
    release_applications,
    run_cli,
)
from tests.test_seed import copy_seed, correct_astana_city, scalar


def insert(engine: Engine, sql: str, **params: object) -> None:
    with engine.begin() as conn:
        conn.execute(text(sql), params)


NEW_STATUS = (
    "INSERT INTO status_period (public_id, revision, state_iso3, status, start_date, "
    "start_precision, end_date, end_precision) "
    "VALUES ('ind-test', 1, 'IND', 'observer', :s, 'day', :e, 'day')"
)

# Writes the database itself must refuse, whatever makes them: (why, SQL, parameters).
REFUSED = [
    (
        "a second status for a state at the same time",
        NEW_STATUS,
        {"s": dt.date(2020, 1, 1), "e": None},
    ),
    ("an open period overlapping a later one", NEW_STATUS, {"s": dt.date(2005, 7, 5), "e": None}),
    (
        "a period ending on the day the next begins",
        NEW_STATUS,
        {"s": dt.date(2005, 7, 5), "e": dt.date(2017, 6, 9)},
    ),
    (
        "two secretaries-general at once",
        "INSERT INTO term (public_id, revision, person_id, post, start_date, start_precision) "
        "VALUES ('t-test', 1, 'zhang-ming', 'secretary_general', :d, 'day')",
        {"d": dt.date(2020, 6, 1)},
    ),
    (
        "two presidencies at once",
        "INSERT INTO presidency (public_id, revision, chair_iso3, start_date, start_precision, "
        "end_date, end_precision) VALUES ('p-test', 1, 'RUS', :s, 'day', :e, 'day')",
        {"s": dt.date(2022, 1, 1), "e": dt.date(2022, 2, 1)},
    ),
    (
        "an update into an overlap",
        "UPDATE presidency SET end_date = :e WHERE chair_iso3 = 'UZB'",
        {"e": dt.date(2022, 12, 31)},
    ),
    (
        "an end before the start",
        "UPDATE summit SET end_date = :e WHERE id = '2022-samarkand'",
        {"e": dt.date(2022, 1, 1)},
    ),
    (
        "a citation of no fact",
        "INSERT INTO citation (source_id) VALUES ('un-china-mission-2022-03-17')",
        {},
    ),
]


class TestNoOverlaps:
    @pytest.fixture
    def engine(self, seeded_copy_url: str, engine_for: Callable[[str], Engine]) -> Engine:
        return engine_for(seeded_copy_url)

    @pytest.mark.parametrize(("why", "sql", "params"), REFUSED, ids=[r[0] for r in REFUSED])
    def test_the_database_refuses(
        self, engine: Engine, why: str, sql: str, params: dict[str, object]
    ) -> None:
        with pytest.raises(IntegrityError):
            insert(engine, sql, **params)

    def test_a_period_ending_the_day_before_is_accepted(self, engine: Engine) -> None:
        # India's observer status began on 2005-07-05.
        insert(engine, NEW_STATUS, s=dt.date(2001, 6, 15), e=dt.date(2005, 7, 4))


class TestMigrations:
    def test_upgrade_downgrade_upgrade(
        self, empty_url: str, engine_for: Callable[[str], Engine]
    ) -> None:
        engine = engine_for(empty_url)
        migrate(empty_url)
        tables = set(inspect(engine).get_table_names())
        assert {"state", "status_period", "term", "summit", "presidency", "source"} <= tables
        command.downgrade(alembic_config(empty_url), "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate(empty_url)
        seed(engine, SEED_DIR)
        assert set(inspect(engine).get_table_names()) == tables

    def test_models_and_migrations_agree(self, migrated_url: str) -> None:
        command.check(alembic_config(migrated_url))

    def test_a_database_seeded_before_the_change_log_upgrades_to_an_equal_record(
        self, seeded_copy_url: str, engine_for: Callable[[str], Engine]
    ) -> None:
        """A Docker volume seeded by the earlier code: its rows stay, get the ids the seed
        would have minted, and become change set 1, which replays to what the tables hold."""
        engine = engine_for(seeded_copy_url)
        with engine.connect() as conn:
            ids = sorted(r[0] for r in conn.execute(text("SELECT public_id FROM status_period")))
        command.downgrade(alembic_config(seeded_copy_url), "a72a2bf4a13d")
        assert "change_set" not in inspect(engine).get_table_names()
        # The earlier code knew no people's names in other languages (nor their sources), and
        # it took notes of any length.
        insert(engine, "UPDATE person SET name_ru = NULL, name_zh = NULL")
        # ... and held the Secretariat as a permanent body, with its seat.
        insert(
            engine,
            "INSERT INTO permanent_body (id, name, seat_city, seat_state_iso3) "
            "VALUES ('secretariat', 'SCO Secretariat', 'Beijing', 'CHN')",
        )
        insert(engine, "UPDATE summit SET note = :n WHERE id = '2017-astana'", n="x" * 20_000)
        migrate(seeded_copy_url)
        with engine.connect() as conn:
            again = sorted(r[0] for r in conn.execute(text("SELECT public_id FROM status_period")))
            sets = conn.execute(text("SELECT seq, channel FROM change_set")).all()
        assert again == ids
        # Change set 1 records the rows; 2 moves the Secretariat to the bodies.
        assert [tuple(s) for s in sets] == [(1, "migration"), (2, "migration")]
        assert scalar(engine, "SELECT version FROM dataset_version") == 2
        # The earlier code knew no words that state a fact: `check` says which facts lack
        # them, and that the tables are the change log's.
        result = run_cli(seeded_copy_url, "check")
        assert result.returncode == 1, result.stdout
        assert "no citation states" in result.stderr
        assert "change log" not in result.stderr
        # Then the shipped file brings what the earlier code did not hold, as change set 3.
        outcome = import_file(engine, SEED_DIR)
        assert outcome.seq == 3
        assert {c.kind for c in outcome.changes} >= {"person", "state", "summit", "term"}
        result = run_cli(seeded_copy_url, "check")
        assert result.returncode == 0, result.stderr
        assert "the tables match the change log" in result.stdout


@pytest.mark.anyio
class TestFreshness:
    async def test_a_write_is_served_at_once(
        self,
        seeded_copy_url: str,
        engine_for: Callable[[str], Engine],
        client_for: OpenClient,
        tmp_path: Path,
    ) -> None:
        engine = engine_for(seeded_copy_url)
        client: httpx.AsyncClient = await client_for(seeded_copy_url)
        before = await client.get("/v1/summits/2017-astana")
        assert before.json()["city"] == "Astana"
        import_file(engine, copy_seed(tmp_path, correct_astana_city))
        after = await client.get("/v1/summits/2017-astana")
        assert after.json()["city"] == "Nur-Sultan"
        assert after.json()["revision"] == 2
        assert after.headers["dataset-version"] == "2"
        assert after.headers["etag"] != before.headers["etag"]

    async def test_a_rebuilt_and_reseeded_database_is_never_mistaken_for_the_old_one(
        self,
        migrated_url: str,
        engine_for: Callable[[str], Engine],
        client_for: OpenClient,
        tmp_path: Path,
    ) -> None:
        engine = engine_for(migrated_url)
        seed(engine, SEED_DIR)
        client = await client_for(migrated_url)
        assert (await client.get("/v1/summits?year=2017")).json()["items"][0]["city"] == "Astana"
        # Version 1 again, on a new schema: only the epoch tells them apart.
        command.downgrade(alembic_config(migrated_url), "base")
        migrate(migrated_url)
        renamed = copy_seed(tmp_path, correct_astana_city)
        seed(engine, renamed)
        assert (await client.get("/v1/summits?year=2017")).json()["items"][0][
            "city"
        ] == "Nur-Sultan"

    async def test_an_unmigrated_database_answers_503(
        self, empty_url: str, client_for: OpenClient
    ) -> None:
        client: httpx.AsyncClient = await client_for(empty_url)
        response = await client.get("/v1/member-states")
        assert response.status_code == 503
        assert "sco-api migrate" in response.json()["detail"]
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert "sco-api migrate" in ready.json()["detail"]
        assert ready.headers["retry-after"] == "5"
        # Liveness does not ask the database: the process answers.
        assert (await client.get("/healthz")).json() == {"status": "ok"}

    async def test_ready_and_alive_when_seeded(self, client: httpx.AsyncClient) -> None:
        ready = await client.get("/readyz")
        assert (ready.status_code, ready.json()) == (200, {"status": "ready", "version": 1})
        health = await client.get("/healthz")
        assert (health.status_code, health.json()) == (200, {"status": "ok"})


class TestTheVersion:
    def test_a_direct_sql_edit_does_not_move_the_version(
        self, seeded_copy_url: str, engine_for: Callable[[str], Engine]
    ) -> None:
        """The version is the seq of the latest change set; an edit around the write
        service is outside the record (and `sco-api check` names it, see test_seed)."""
        engine = engine_for(seeded_copy_url)
        insert(engine, "UPDATE summit SET city = 'Atlantis' WHERE id = '2017-astana'")
        assert scalar(engine, "SELECT version FROM dataset_version") == 1


@pytest.mark.anyio
class TestReadPath:
    async def test_a_migrated_but_unseeded_database_answers_503(
        self, migrated_url: str, client_for: OpenClient
    ) -> None:
        client = await client_for(migrated_url)
        for path in ("/v1/member-states", "/v1/states/IND", "/v1", "/readyz"):
            response = await client.get(path)
            assert response.status_code == 503, path
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["retry-after"] == "5"
            assert "migrated but not seeded" in response.json()["detail"]
        assert (await client.get("/healthz")).status_code == 200

    async def test_a_cached_answer_takes_no_threadpool_hop(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = "/v1/presidencies?as_of=2020-01-01"
        first = await client.get(path)  # computed once (and the dataset loaded if need be)
        hops: list[object] = []

        async def counting(func: Callable[[], object]) -> object:
            hops.append(func)
            raise AssertionError("a cache hit hopped to the threadpool")

        async def no_dataset(self: Store) -> None:
            raise AssertionError("a cache hit reached the application")

        monkeypatch.setattr(store_module, "run_in_threadpool", counting)
        monkeypatch.setattr(Store, "dataset", no_dataset)
        for _ in range(20):
            again = await client.get(path)
            assert again.status_code == 200
            assert again.content == first.content
        assert hops == []

    async def test_a_stopped_application_is_freed(self, seeded_url: str) -> None:
        """The suite makes hundreds of applications; each is freed once its test is over
        (conftest.release_applications), or every pass of the garbage collector slows."""
        app = create_app(Settings(database_url=seeded_url))
        async with client_of(app) as client:
            assert (await client.get("/v1/states?as_of=2020-01-01")).status_code == 200
        freed = weakref.ref(app)
        del app, client
        release_applications()
        gc.collect()
        assert freed() is None

    @postgresql_only
    async def test_concurrent_requests_share_postgresql_version_reads(
        self, seeded_url: str
    ) -> None:
        probe = make_probe(seeded_url)
        assert isinstance(probe, PostgresProbe)
        reads = 0
        fetch = probe._fetch

        async def counted() -> int:
            nonlocal reads
            reads += 1
            return await fetch()

        probe._fetch = counted  # type: ignore[method-assign]
        try:
            versions = await asyncio.gather(*(probe.version() for _ in range(200)))
        finally:
            await probe.close()
        assert len(set(versions)) == 1
        assert reads <= 3, f"{reads} reads for 200 concurrent requests"


def test_an_overlap_only_the_database_catches_is_a_named_refusal(
    seeded_copy_url: str, engine_for: Callable[[str], Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database's own guard (exclusion constraint, trigger) stands behind the rule set:
    with the rules switched off, an overlapping period is still refused, by name, whole."""
    engine = engine_for(seeded_copy_url)
    monkeypatch.setattr(writes, "check", lambda facts: (None, []))

    def plan(current: Facts, _conn: object) -> list[Operation]:
        member = current.docs["status_period"]["ind-member-2017-06-09"]
        doc = {**member, "id": "ind-observer-2016", "status": "observer", "start": "2016-01-01"}
        return [Operation("create", BY_NAME["status_period"], "ind-observer-2016", doc)]

    with pytest.raises(Refused) as refused:
        writes.commit(engine, plan, actor="test", reason="overlap", channel="api")
    assert refused.value.status == 409
    assert refused.value.problems[0].startswith("the database refused the change")
    assert scalar(engine, "SELECT count(*) FROM change_set") == 1
    assert scalar(engine, "SELECT version FROM dataset_version") == 1


@pytest.mark.parametrize(
    ("op", "fact_id", "status", "named"),
    [
        ("create", "2017-astana", 409, "summit 2017-astana exists already"),
        ("update", "1999-atlantis", 404, "no summit has the id '1999-atlantis' to update"),
        ("delete", "1999-atlantis", 404, "no summit has the id '1999-atlantis' to delete"),
    ],
)
def test_a_change_set_naming_a_fact_that_is_or_is_not_there_is_refused(
    seeded_copy_url: str,
    engine_for: Callable[[str], Engine],
    op: str,
    fact_id: str,
    status: int,
    named: str,
) -> None:
    engine = engine_for(seeded_copy_url)

    def plan(current: Facts, _conn: object) -> list[Operation]:
        doc = {**current.docs["summit"]["2017-astana"], "id": fact_id}
        return [Operation(op, BY_NAME["summit"], fact_id, None if op == "delete" else doc)]  # type: ignore[arg-type]

    with pytest.raises(Refused) as refused:
        writes.commit(engine, plan, actor="test", reason="a test", channel="api")
    assert (refused.value.status, refused.value.problems) == (status, [named])
    assert scalar(engine, "SELECT count(*) FROM change_set") == 1
