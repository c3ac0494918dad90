"""`sco-api keys` and `sco-api revert`, run as the command itself, on both engines."""

import httpx
import pytest

from app.api.example_bodies import EXAMPLE_SOURCE
from app.core.db import make_engine
from app.storage import keys
from tests.conftest import OpenClient, run_cli

pytestmark = pytest.mark.anyio


def test_keys_are_created_listed_and_revoked(seeded_copy_url: str) -> None:
    made = run_cli(seeded_copy_url, "keys", "create", "alice", "--scope", "facts:write")
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip()
    assert keys.SECRET.match(secret)  # stdout holds the secret alone: KEY=$(...)
    assert "shown only now" in made.stderr
    again = run_cli(seeded_copy_url, "keys", "create", "alice", "--scope", "facts:write")
    assert again.returncode == 1
    assert "exists already" in again.stderr
    wrong = run_cli(seeded_copy_url, "keys", "create", "bob", "--scope", "everything")
    assert wrong.returncode == 1
    assert "unknown scope" in wrong.stderr
    listed = run_cli(seeded_copy_url, "keys", "list")
    assert listed.returncode == 0
    assert "alice\tfacts:write" in listed.stdout
    assert "active" in listed.stdout
    assert secret not in listed.stdout + listed.stderr
    revoked = run_cli(seeded_copy_url, "keys", "revoke", "alice")
    assert revoked.returncode == 0
    assert "revoked" in run_cli(seeded_copy_url, "keys", "list").stdout
    assert run_cli(seeded_copy_url, "keys", "revoke", "alice").returncode == 1
    assert run_cli(seeded_copy_url, "keys", "revoke", "nobody").returncode == 1


async def test_revert_from_the_shell(seeded_copy_url: str, client_for: OpenClient) -> None:
    engine = make_engine(seeded_copy_url)
    secret = keys.create(engine, "writer", list(keys.SCOPES))
    engine.dispose()
    client: httpx.AsyncClient = await client_for(seeded_copy_url)
    made = await client.post(
        "/v1/sources",
        json=EXAMPLE_SOURCE,
        headers={"Authorization": f"Bearer {secret}", "Change-Reason": "example"},
    )
    assert made.status_code == 201
    seq = int(made.headers["Dataset-Version"])
    seed = run_cli(seeded_copy_url, "revert", "1")
    assert seed.returncode == 1
    assert "cannot be reverted" in seed.stderr
    done = run_cli(seeded_copy_url, "revert", str(seq), "--reason", "an example only")
    assert done.returncode == 0, done.stderr
    assert f"reverted change set {seq} as change set {seq + 1}" in done.stdout
    gone = await client.get("/v1/sources/example-source")
    assert gone.status_code == 404, gone.text
    log = (await client.get(f"/v1/change-sets/{seq + 1}")).json()
    assert log["channel"] == "revert"
    assert log["reason"] == "an example only"
    twice = run_cli(seeded_copy_url, "revert", str(seq))
    assert twice.returncode == 1
    assert "later change sets" in twice.stderr
    assert run_cli(seeded_copy_url, "check").returncode == 0
