"""Hostile and careless input on the write API, the dataset file and the command line, on
both engines: text the engines cannot both keep, numbers and lists beyond their bounds,
bodies not in UTF-8, problems that a cache must not keep, and a machine that fails under a
command (a full disk, a locked database, a missing file)."""

import json
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DataError, OperationalError, ProgrammingError

from app.api.example_bodies import EXAMPLE_SOURCE, EXAMPLE_TEXT, PARTNER
from app.core.db import make_engine
from app.core.errors import Unavailable
from app.domain.documents import MAX_ALIASES, MAX_CITATIONS
from app.domain.tables import MAX_INT
from app.domain.text import dotted
from app.storage.turns import Turns
from app.writes.service import explain
from tests.conftest import (
    Databases,
    OpenClient,
    engine_independent,
    migrate,
    run_cli,
    running_service,
    sqlite_only,
)
from tests.test_edges import MAX_TARGET, ask, padded, request, target
from tests.test_seed import copy_seed
from tests.test_writes import MERGE, Curated, add_source, make_keys, names

pytestmark = pytest.mark.anyio

JSON = {"Content-Type": "application/json"}
PERSON = "/v1/people/zhang-ming"
SUMMIT = "/v1/summits/2022-samarkand"


@pytest.fixture
async def curated(seeded_copy_url: str, client_for: OpenClient) -> Curated:
    return Curated(await client_for(seeded_copy_url), seeded_copy_url, make_keys(seeded_copy_url))


async def post_raw(c: Curated, path: str, content: bytes, **headers: str) -> Any:
    return await c.client.post(path, content=content, headers={**c.auth(), **JSON, **headers})


# --- 1. Text both engines keep --------------------------------------------------------------

REFUSED_TEXT = {
    "NUL": "An example\u0000source",
    "escape": "An example \u001b[31msource",
    "carriage return": "An example\r\nsource",
    "unpaired surrogate": "An example \ud800 source",
}


@pytest.mark.parametrize("what", list(REFUSED_TEXT))
async def test_text_an_engine_cannot_keep_is_refused_naming_the_field(
    curated: Curated, what: str
) -> None:
    c = curated
    version = await c.version()
    bad = REFUSED_TEXT[what]
    # ensure_ascii: a lone surrogate travels as the \ud800 escape, as a client would send it.
    source = json.dumps({**EXAMPLE_SOURCE, "title": bad}).encode()
    refused = await post_raw(c, "/v1/sources", source)
    assert refused.status_code == 422, refused.text
    assert names(refused) == ["title"]
    code = next(ord(ch) for ch in bad if ord(ch) < 0x20 or 0xD800 <= ord(ch) <= 0xDFFF)
    assert f"U+{code:04X}" in refused.text
    # Deep in a change set: named by its place.
    await add_source(c)
    cites = [{"id": "example-source", "quote": f"Indonesia {bad}"}]
    change_set = {
        "reason": "a test",
        "operations": [{"op": "create", "kind": "status_period", "data": {**PARTNER}}],
    }
    change_set["operations"][0]["data"]["sources"] = cites
    deep = await post_raw(c, "/v1/change-sets", json.dumps(change_set).encode())
    assert deep.status_code == 422, deep.text
    assert names(deep) == ["operations.0.data.sources.0.quote"]
    # In a key: named too.
    keyed = await post_raw(c, "/v1/sources", json.dumps({**EXAMPLE_SOURCE, bad: 1}).encode())
    assert keyed.status_code == 422
    assert names(keyed) == [dotted((bad,))]  # its bad character escaped: \\u0000
    # In the reason, percent-encoded.
    reason = await c.client.post(
        "/v1/sources",
        json={**EXAMPLE_SOURCE, "id": "another-source"},
        headers={**c.auth(), "Change-Reason": quote(bad, errors="surrogatepass")},
    )
    assert reason.status_code == 422
    assert names(reason) == ["Change-Reason"]
    assert await c.version() == version + 1  # only add_source wrote


async def test_tab_newline_and_every_other_character_are_kept(curated: Curated) -> None:
    c = curated
    note = "Tab\there, new\nline, 😀 (astral), \u2028 \u0085 \u007f \ufeff \u200f, ё 中"
    created = await c.post("/v1/sources", {**EXAMPLE_SOURCE, "title": note, "text": note})
    assert created.status_code == 201, created.text
    assert (await c.client.get("/v1/sources/example-source")).json()["title"] == note


def test_the_file_reader_refuses_the_same_text_naming_the_line(tmp_path: Path) -> None:
    """A dataset file that writes a NUL (YAML's "\\0" escape) or an ESC is refused by its
    reader, naming the line and the fact; so is a text file with one."""
    from app.writes.dataset_file import SeedError, parse_file

    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "dataset.yaml").write_text(
        "sources:\n"
        "- id: a-source\n"
        '  title: "NUL\\0here"\n'
        "  kind: news_article\n"
        "- id: b-source\n"
        '  title: "ESC\\ethere"\n'
        "  kind: news_article\n"
        "  text_file: b.txt\n"
        "states: []\n"
        "summits: []\n"
        "presidencies: []\n"
        "people: []\n",
        encoding="utf-8",
    )
    with pytest.raises(SeedError) as refused:
        parse_file(folder / "dataset.yaml")
    problems = refused.value.problems
    assert len(problems) == 2, problems
    assert ":3: sources[0] (a-source).title: a NUL character (U+0000)" in problems[0]
    assert ":6: sources[1] (b-source).title: a control character (U+001B)" in problems[1]
    huge = folder / "huge.yaml"
    huge.write_text("states: []\nsummits: [" + "9" * 5000 + "]\n", encoding="utf-8")
    with pytest.raises(SeedError) as too_long:
        parse_file(huge)
    assert "digits" in too_long.value.problems[0]


def test_a_text_file_with_a_control_character_is_refused(tmp_path: Path) -> None:
    from app.writes.dataset_file import SeedError, parse_file

    folder = copy_seed(tmp_path, lambda data: None)
    path = folder / "dataset.yaml"
    first = sorted((folder / "sources").glob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\u0000", encoding="utf-8")
    with pytest.raises(SeedError) as refused:
        parse_file(path)
    assert any(first.name in p and "U+0000" in p for p in refused.value.problems)


async def test_check_names_stored_text_a_database_kept_before(curated: Curated) -> None:
    """A database written before the rule (here: an ESC put in a title behind the service's
    back, as an older version let through) is named by `sco-api check`, and every write is
    refused naming it until a curator corrects it."""
    c = curated
    engine = make_engine(c.url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE source SET title = :t WHERE id = 'indian-awaaz-2022-03-20'"),
                {"t": "Awaaz \u001b title"},
            )
    finally:
        engine.dispose()
    checked = run_cli(c.url, "check")
    assert checked.returncode == 1
    assert "source indian-awaaz-2022-03-20: title: a control character (U+001B)" in checked.stderr
    blocked = await c.post("/v1/sources", EXAMPLE_SOURCE)
    assert blocked.status_code == 422
    assert "source/indian-awaaz-2022-03-20" in names(blocked)


async def test_a_stored_copy_of_a_citation_is_named_by_check_and_export(
    curated: Curated, tmp_path: Path
) -> None:
    """A database written before citations were bounded may hold one twice: `check` names
    it, and `export` refuses in lines naming it, not with a traceback."""
    engine = make_engine(curated.url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO citation (source_id, quote, states, summit_id) "
                    "SELECT source_id, quote, states, summit_id FROM citation "
                    "WHERE summit_id = '2022-samarkand' ORDER BY id LIMIT 1"
                )
            )
    finally:
        engine.dispose()
    checked = run_cli(curated.url, "check")
    assert checked.returncode == 1
    named = [line for line in checked.stderr.splitlines() if "copy of citation 0" in line]
    assert named, checked.stderr
    assert "(2022-samarkand" in named[0]
    assert ").sources: Value error" in named[0]
    exported = run_cli(curated.url, "export", str(tmp_path / "dataset.yaml"))
    assert exported.returncode == 1
    assert "Traceback" not in exported.stderr
    assert "copy of citation 0" in exported.stderr


@engine_independent
async def test_every_dataset_one_engine_accepts_the_other_accepts_too(
    seeded_copy_url: str, client_for: OpenClient, tmp_path: Path
) -> None:
    """Text at the edges of what is allowed, written through the API on each engine,
    exported and imported into the other: both take it, and it comes back the same."""
    postgres = Databases("postgresql", tmp_path)
    odd = "Tab\t, line\n, 😀, \u2028, \u2029, \u0085, \u007f, \ufeff, \ufffd, \u200f, ё, 中"
    try:
        pg_seeded, pg_fresh = postgres.new(), postgres.new()
        sqlite_fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
        for url in (pg_seeded, sqlite_fresh, pg_fresh):
            migrate(url)
        assert run_cli(pg_seeded, "seed").returncode == 0
        for source, target in ((seeded_copy_url, pg_fresh), (pg_seeded, sqlite_fresh)):
            c = Curated(await client_for(source), source, make_keys(source))
            body = {**EXAMPLE_SOURCE, "title": odd, "text": f"{EXAMPLE_TEXT} {odd}"}
            assert (await c.post("/v1/sources", body)).status_code == 201
            path = tmp_path / f"from-{source.split(':')[0]}" / "dataset.yaml"
            exported = run_cli(source, "export", str(path))
            assert exported.returncode == 0, exported.stderr
            imported = run_cli(target, "import", str(path), "--reason", "across engines")
            assert imported.returncode == 0, imported.stderr
            assert run_cli(target, "check").returncode == 0
            there = await client_for(target)
            assert (await there.get("/v1/sources/example-source")).json() == (
                await c.client.get("/v1/sources/example-source")
            ).json()
    finally:
        postgres.drop_all()


def test_a_database_error_is_503_only_when_the_database_cannot_be_used() -> None:
    refused = explain(DataError("INSERT", {}, ValueError("NUL (0x00) bytes")))
    assert refused is not None
    assert refused.status == 422
    away = explain(OperationalError("SELECT 1", {}, OSError("connection refused")))
    assert away is not None
    assert away.status == 503
    assert explain(ProgrammingError("SELEC", {}, Exception("syntax error"))) is None


# --- 2. Numbers and sizes bounded before work -------------------------------------------------


async def test_integers_beyond_their_range_are_422_however_long(curated: Curated) -> None:
    c = curated
    for number in ("9" * 5000, str(MAX_INT + 1), "-" + "9" * 30, "1e400"):
        body = f'{{"reason": "x", "operations": [], "revert": {number}}}'.encode()
        refused = await post_raw(c, "/v1/change-sets", body)
        assert refused.status_code == 422, (number[:20], refused.text)
        assert names(refused) == ["revert"]
    for constant in ("NaN", "Infinity", "-Infinity"):
        not_json = await post_raw(c, "/v1/change-sets", f'{{"revert": {constant}}}'.encode())
        assert not_json.status_code == 400, not_json.text


async def test_lists_have_bounds_and_a_citation_is_given_once(curated: Curated) -> None:
    c = curated
    await add_source(c)
    version = await c.version()
    citation = PARTNER["sources"][0]
    twice = await c.post("/v1/status-periods", {**PARTNER, "sources": [citation, citation]})
    assert twice.status_code == 422, twice.text
    assert names(twice) == ["sources"]
    assert "copy of citation 0" in twice.text
    many = [{"id": "example-source", "quote": f"Indonesia{' ' * i}"} for i in range(60)]
    too_many = await c.post("/v1/status-periods", {**PARTNER, "sources": many})
    assert too_many.status_code == 422
    assert names(too_many) == ["sources"]
    assert str(MAX_CITATIONS) in too_many.text
    etag = await c.etag(PERSON)
    plain = {"id": "example-source", "quote": "Zhang Ming"}
    copies = await c.patch(PERSON, {"sources": [plain] * 10_000}, etag)
    assert copies.status_code == 422
    assert names(copies) == ["sources"]
    aliases = await c.patch(PERSON, {"aliases": [f"Z{i}" for i in range(MAX_ALIASES + 1)]}, etag)
    assert aliases.status_code == 422
    assert names(aliases) == ["aliases"]
    assert await c.version() == version


async def test_a_body_not_in_utf8_is_415(curated: Curated) -> None:
    c = curated
    source = json.dumps(EXAMPLE_SOURCE, ensure_ascii=False)
    for encoded, headers in (
        (source.encode("utf-16"), {}),
        (source.replace("example", "exampl\u00e9").encode("latin-1"), {}),
        (source.encode(), {"Content-Type": "application/json; charset=utf-16"}),
    ):
        refused = await post_raw(c, "/v1/sources", encoded, **headers)
        assert refused.status_code == 415, refused.text
        assert refused.headers["Accept-Post"] == "application/json"
        assert "UTF-8" in refused.json()["detail"]
    with_charset = await post_raw(
        c, "/v1/sources", source.encode(), **{"Content-Type": "application/json; charset=UTF-8"}
    )
    assert with_charset.status_code == 201, with_charset.text


# --- 6. Problems are never kept as facts; the command line answers in one line ---------------


async def test_problem_answers_are_never_stored_by_a_cache(curated: Curated) -> None:
    c = curated
    answers = [
        await c.client.get("/v1/states/XX"),
        await c.client.get("/v1/member-states?as_of=someday"),
        await c.client.get("/nowhere"),
        await c.client.post("/v1/sources", json=EXAMPLE_SOURCE),
        await post_raw(c, "/v1/sources", b"{"),
    ]
    for answer in answers:
        assert answer.status_code >= 400
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["cache-control"] == "no-store", answer.request.url


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_a_missing_file_is_named_in_one_line(migrated_url: str, tmp_path: Path) -> None:
    missing = run_cli(migrated_url, "import", str(tmp_path / "nowhere" / "dataset.yaml"))
    assert missing.returncode == 1
    assert "nowhere" in one_line(missing.stderr)


@sqlite_only
def test_a_locked_database_is_named_in_one_line(migrated_url: str) -> None:
    path = migrated_url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        locked = run_cli(migrated_url, "keys", "create", "late-curator", "--scope", "facts:write")
    finally:
        holder.close()
    assert locked.returncode == 1
    assert "sco-api keys: the database is locked" in one_line(locked.stderr)


def test_a_full_disk_is_named_in_one_line(tmp_path: Path) -> None:
    """On a filesystem with no room left (a small tmpfs, filled), `keys create` says the
    disk is full, in one line."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        url = f"sqlite:///{disk / 'sco.db'}"
        migrate(url)
        with open(disk / "filler", "wb") as filler:
            try:
                while True:
                    filler.write(b"\0" * 65536)
                    filler.flush()
            except OSError:
                pass
        full = run_cli(url, "keys", "create", "curator", "--scope", "facts:write")
        assert full.returncode == 1
        assert "sco-api keys: the disk is full" in one_line(full.stderr)
    finally:
        subprocess.run(["umount", str(disk)], check=True)


# --- 3. Writers queue, they do not collide ----------------------------------------------------


def _curator(base: str, secret: str, rounds: int, statuses: list[int], me: int) -> None:
    """Read the fact, then patch it with If-Match, `rounds` times (a note of its own, so
    that each 200 is a change)."""
    headers = {"Authorization": f"Bearer {secret}", "Change-Reason": "a newsroom"}
    with httpx.Client(base_url=base, timeout=120) as client:
        for n in range(rounds):
            etag = client.get(SUMMIT, headers={"Accept-Encoding": "identity"}).headers["ETag"]
            answer = client.patch(
                SUMMIT,
                content=json.dumps({"note": f"curator {me}, write {n}"}),
                headers={**headers, "Content-Type": MERGE, "If-Match": etag},
            )
            statuses.append(answer.status_code)


def test_eight_curators_at_once_see_only_200_and_412(seeded_copy_url: str) -> None:
    """Eight curators write the same fact at once through a service of two workers: each
    write waits its turn, none is refused for a busy database; a stale ETag is 412."""
    secret = make_keys(seeded_copy_url)["writer"]
    statuses: list[int] = []
    with running_service(seeded_copy_url, SCO_WORKERS="2", SCO_ACCESS_LOG="false") as (base, _):
        before = int(httpx.get(f"{base}/v1").headers["Dataset-Version"])
        threads = [
            threading.Thread(target=_curator, args=(base, secret, 3, statuses, i)) for i in range(8)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        after = int(httpx.get(f"{base}/v1").headers["Dataset-Version"])
    assert len(statuses) == 24
    assert set(statuses) <= {200, 412}, Counter(statuses)
    assert statuses.count(200) >= 3  # each round has a winner at least
    assert after - before == statuses.count(200)  # each 200 one change set, no more


def test_writers_are_served_in_turn_and_refused_promptly_past_the_bounds() -> None:
    """The queue of one process: first come, first served; with `waiting` writers queued
    the next is refused at once; a writer whose turn does not come within `wait` is
    refused then, and leaves the queue to the next."""
    turns = Turns(None, wait=1.0, waiting=2)
    served: list[int] = []
    refused: list[str] = []
    holding = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with turns.turn():
            holding.set()
            release.wait(10)

    def writer(i: int) -> None:
        try:
            with turns.turn():
                served.append(i)
        except Unavailable as exc:
            refused.append(f"{i}: {exc.detail}")

    first = threading.Thread(target=holder)
    first.start()
    holding.wait(5)
    queued = [threading.Thread(target=writer, args=(i,)) for i in (1, 2)]
    for t in queued:
        t.start()
        while turns.waiting() < queued.index(t) + 1:
            time.sleep(0.001)
    writer(3)  # two wait already: refused at once
    assert refused == [
        "3: 2 writes are waiting for the database already (the limit is 2): "
        "send this one again in a few seconds"
    ]
    release.set()
    first.join()
    for t in queued:
        t.join()
    assert served == [1, 2]
    stuck = threading.Event()

    def blocker() -> None:
        with turns.turn():
            stuck.set()
            time.sleep(1.5)

    slow = threading.Thread(target=blocker)
    slow.start()
    stuck.wait(5)
    began = time.monotonic()
    writer(4)
    assert 0.9 < time.monotonic() - began < 5  # refused at its bound (1 s), not later
    assert "within 1 s" in refused[-1]
    slow.join()
    writer(5)
    assert served == [1, 2, 5]


# --- 5. The server's edges in every worker, on either engine (the rest: tests/test_edges.py) --


def test_the_limits_hold_in_every_worker_of_sco_api_start(seeded_copy_url: str) -> None:
    with running_service(seeded_copy_url, "start", SCO_WORKERS="2") as (base, _):
        host = urlsplit(base).netloc
        for _ in range(6):  # connections go to either worker
            assert ask(host, padded(host, 17 * 1024)).status == 431
            assert ask(host, request(host, target(MAX_TARGET + 1))).status == 414
            assert ask(host, request(host, target(MAX_TARGET))).status == 200
