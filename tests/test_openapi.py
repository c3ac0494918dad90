"""The OpenAPI document is worth generating from: readable operationIds, every status
documented with an example of its own drawn from real answers, and a Python client
generated from it (openapi-python-client) that reads the API and gets typed problems."""

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.api.example_reads import REQUESTS
from app.api.example_writes import WRITES
from app.api.openapi import EDGES, NO_DATABASE, PRIVATE, examples
from app.core.errors import PROBLEM_JSON
from app.openapi_examples import record_all
from tests.conftest import engine_independent, running_service

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    from app.main import create_app

    return create_app().openapi()


def test_the_contact_is_the_operators_own(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.core.settings import get_settings
    from app.main import create_app

    monkeypatch.setenv("SCO_CONTACT_NAME", "Example Operator")
    monkeypatch.setenv("SCO_CONTACT_EMAIL", "operator@example.org")
    get_settings.cache_clear()
    try:
        info = create_app().openapi()["info"]
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert info["contact"] == {"name": "Example Operator", "email": "operator@example.org"}


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_is_named_described_and_tagged(spec: dict[str, Any]) -> None:
    tags = {tag["name"] for tag in spec["tags"]}
    assert all(tag.get("description") for tag in spec["tags"])
    assert spec["info"]["license"]["url"]
    assert "contact" not in spec["info"], "no contact unless the operator gives one"
    assert spec["servers"]
    ids = [operation["operationId"] for _, _, operation in _operations(spec)]
    assert len(ids) == len(set(ids))
    for path, _, operation in _operations(spec):
        assert operation["operationId"][0].islower(), path
        assert "_" not in operation["operationId"], path
        assert operation["summary"], path
        assert operation["description"], path
        assert set(operation["tags"]) <= tags, path
    assert "listMemberStates" in ids


def test_every_status_is_documented_with_an_example(spec: dict[str, Any]) -> None:
    recorded = examples()
    for path, method, operation in _operations(spec):
        responses = operation["responses"]
        reads_database = not path.startswith(NO_DATABASE)
        if reads_database:
            assert "503" in responses, path
            assert "Retry-After" in responses["503"]["headers"], path
            if method == "get" and path.startswith("/v1") and path not in PRIVATE:
                assert "304" in responses, path
                assert "ETag" in responses["200"]["headers"], path
        assert operation["operationId"] in recorded, f"{path}: no recorded examples"
        for code, response in responses.items():
            if code in ("204", "304") or (code == "200" and path == "/metrics"):  # no body; text
                continue
            content = response["content"]
            media = content.get(PROBLEM_JSON) or content["application/json"]
            assert "example" in media, f"{path} {code}: no example"
            if code not in ("200", "201"):
                assert media["example"]["status"] == int(code), f"{path} {code}"
                assert "application/json" not in content, f"{path} {code}"
    # No two operations share one 404 or 422 example: each shows its own path.
    for code in ("404", "422"):
        instances = [
            (method, operation["responses"][code]["content"][PROBLEM_JSON]["example"]["instance"])
            for _, method, operation in _operations(spec)
            if code in operation["responses"]
        ]
        assert len(instances) == len(set(instances)), code


PER_DATABASE = {
    "committed_at",
    "epoch",
    "request_id",
}  # differ from one seeded database to the next


def _normalised(value: Any) -> Any:
    """An answer without what differs from one seeding to the next."""
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    if isinstance(value, dict):
        return {k: "…" if k in PER_DATABASE else _normalised(v) for k, v in value.items()}
    return value


async def test_the_examples_are_what_the_service_answers(
    seeded_url: str, migrated_url: str, seeded_copy_url: str
) -> None:
    """The recorded examples match the answers of today's code on the shipped dataset, on
    this engine (the writes on a copy of it); if not, `./dev python -m app.openapi_examples`
    records them anew."""
    answers = await record_all(seeded_url, migrated_url, seeded_copy_url)
    assert set(answers) == set(REQUESTS) | {w.operation for w in WRITES} | {EDGES}
    stale = [
        f"{operation} {status}"
        for operation, by_status in answers.items()
        for status, answer in by_status.items()
        if _normalised(answer) != _normalised(examples()[operation].get(status))
    ]
    assert not stale, f"stale examples (run ./dev python -m app.openapi_examples): {stale}"


def _earlier(document: Any) -> Any:
    """The document as an earlier version wrote it, knowing fewer values of each open list
    (an event type, a post, a status, a kind): each list cut to its first value."""
    if isinstance(document, dict):
        return {
            key: value[:1] if key == "x-extensible-enum" else _earlier(value)
            for key, value in document.items()
        }
    if isinstance(document, list):
        return [_earlier(item) for item in document]
    return document


def test_values_the_service_sends_from_growing_lists_are_open() -> None:
    """Event types, posts, statuses, summit formats and source kinds in answers are strings
    whose known values are listed, not closed enums a generated client would refuse to
    extend; what a client sends stays closed (the service refuses an unknown value)."""
    from app.main import create_app

    schemas = create_app().openapi()["components"]["schemas"]
    event = schemas["TimelineEvent"]["properties"]
    assert event["type"]["type"] == "string"
    assert "enum" not in event["type"]
    assert "summit" in event["type"]["x-extensible-enum"]
    post = event["post"]["anyOf"][0]
    assert "secretary_general" in post["x-extensible-enum"]
    assert "enum" not in post
    for schema, field in [
        ("StatusPeriodPublic", "status"),
        ("SummitPublic", "format"),
        ("SourceSummary", "kind"),
        ("TermPublic", "post"),
    ]:
        value = schemas[schema]["properties"][field]
        assert "x-extensible-enum" in value, (schema, field)
        assert "enum" not in value, (schema, field)
    assert "enum" in schemas["Status"], "a status a client sends is still checked"


@pytest.fixture(scope="module")
def generated_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A Python client generated from the served document with openapi-python-client."""
    from app.main import create_app

    folder = tmp_path_factory.mktemp("client")
    document = folder / "openapi.json"
    document.write_text(json.dumps(_earlier(create_app().openapi())), encoding="utf-8")
    config = folder / "config.yaml"
    config.write_text("project_name_override: sco-client\npackage_name_override: sco_client\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(document),
            "--config",
            str(config),
            "--meta",
            "none",
            "--output-path",
            str(folder / "sco_client"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("sco_client")
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == "sco_client" or m.startswith("sco_client.")]:
            del sys.modules[name]


def test_the_generated_client_has_readable_modules(generated_client: Any) -> None:
    api = Path(generated_client.__file__).parent / "api"
    modules = {p.stem for p in api.glob("*/*.py") if p.stem != "__init__"}
    assert {"list_member_states", "get_snapshot", "get_source", "get_state"} <= modules
    assert not [m for m in modules if "_v1_" in m or m.endswith("_get")]


@engine_independent
def test_the_generated_client_reads_the_api_and_gets_typed_problems(
    generated_client: Any, seeded_url: str, migrated_url: str
) -> None:
    from datetime import date

    api = importlib.import_module("sco_client.api")
    states = importlib.import_module("sco_client.api.states.list_member_states")
    snapshot = importlib.import_module("sco_client.api.organisation.get_snapshot")
    source = importlib.import_module("sco_client.api.sources.get_source")
    state = importlib.import_module("sco_client.api.states.get_state")
    timeline = importlib.import_module("sco_client.api.organisation.get_timeline")
    models = importlib.import_module("sco_client.models")
    assert api
    with (
        running_service(seeded_url) as (base, _),
        generated_client.Client(base_url=base) as client,
    ):
        members = states.sync(client=client, as_of=date(2017, 6, 9))
        assert "IND" in {item.state.iso3 for item in members.items}
        assert members.total == 8
        day = snapshot.sync(client=client, as_of=date(2022, 3, 17))
        assert day.secretary_general.person.id == "zhang-ming"
        cited = source.sync(client=client, source_id="indian-awaaz-2022-03-20")
        assert cited.id == "indian-awaaz-2022-03-20"
        # Generated from a document that knew one event type and one status, the client
        # reads a timeline holding every type and status.
        events = timeline.sync(client=client, limit=500)
        assert {"summit", "term_began", "status_granted"} <= {e.type_ for e in events.items}
        assert {"dialogue_partner", "member"} <= {e.to_status for e in events.items}
        missing = state.sync_detailed(client=client, code="XX")
        assert missing.status_code == 404
        assert isinstance(missing.parsed, models.Problem)
        assert missing.parsed.status == 404
    with (
        running_service(migrated_url, wait_for="/openapi.json") as (base, _),
        generated_client.Client(base_url=base) as client,
    ):
        down = states.sync_detailed(client=client)
        assert down.status_code == 503
        assert isinstance(down.parsed, models.Problem)
        assert "migrate" in down.parsed.detail
