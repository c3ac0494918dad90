"""A newcomer's first minutes: `sco-api start` prints one line about the dataset and then
the address; a busy port is named, with the setting that moves it, before anything is
migrated or seeded; several workers still count their metrics together."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from tests.conftest import engine_independent, free_port, run_cli, running_service

COMMAND = [sys.executable, "-c", "from app.cli import main; main()"]


def test_start_prints_the_dataset_then_the_address(empty_url: str, tmp_path: Path) -> None:
    log = tmp_path / "out.txt"
    with running_service(empty_url, "start", output=log, SCO_ACCESS_LOG="false") as (base, _):
        pass
    lines = log.read_text().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("dataset version 1 (seeded now): 27 states, 48 status periods")
    assert lines[1] == f"serving at {base} (docs: {base}/docs)"


def test_a_busy_port_is_named_before_anything_is_written(empty_url: str, tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run(
            [*COMMAND, "start", "--port", str(port)],
            env={**os.environ, "SCO_DATABASE_URL": empty_url},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 1
    assert f"127.0.0.1:{port}" in result.stderr
    assert "SCO_PORT" in result.stderr
    assert "migrated" not in result.stdout + result.stderr
    url = make_url(empty_url)
    if url.get_backend_name() == "sqlite":
        assert not Path(url.database or "").exists(), "nothing may be made before the port"
    else:
        import psycopg

        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(conninfo) as conn:
            tables = conn.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            ).fetchone()
        assert tables is not None
        assert tables[0] == 0


@engine_independent
def test_several_workers_count_their_metrics_together(seeded_url: str) -> None:
    with running_service(seeded_url, "serve", SCO_WORKERS="2") as (base, _):
        for _ in range(20):
            assert httpx.get(f"{base}/v1/summits/2022-samarkand").status_code == 200
        # A request is counted once its answer is sent: the last one may still be being
        # counted by its worker when the other one answers /metrics, so ask a few times.
        for _ in range(20):
            text = httpx.get(f"{base}/metrics").text
            counted = [
                float(line.rsplit(" ", 1)[1])
                for line in text.splitlines()
                if line.startswith("sco_http_requests_total{")
                and 'route="/v1/summits/{summit_id}"' in line
                and 'status="200"' in line
            ]
            if sum(counted) >= 20:
                break
            time.sleep(0.1)
    assert sum(counted) == 20, text


@engine_independent
def test_metrics_on_a_port_of_their_own(seeded_url: str) -> None:
    """With SCO_METRICS_PORT, /metrics is served there (every worker's counts) and nowhere
    else, and that port serves nothing else: not even a read the API port has cached."""
    metrics_port = free_port()
    with running_service(
        seeded_url, "serve", SCO_WORKERS="2", SCO_METRICS_PORT=str(metrics_port)
    ) as (base, _):
        metrics = f"http://127.0.0.1:{metrics_port}"
        for _ in range(3):  # the second and third are answered from the cache
            assert httpx.get(f"{base}/v1/member-states").status_code == 200
        hidden = httpx.get(f"{base}/metrics")
        assert hidden.status_code == 404
        assert hidden.headers["content-type"] == "application/problem+json"
        assert hidden.headers["x-content-type-options"] == "nosniff"
        assert "port of their own" in hidden.json()["detail"]
        for path in ("/v1/member-states", "/v1", "/docs", "/healthz"):
            elsewhere = httpx.get(f"{metrics}{path}")
            assert elsewhere.status_code == 404, path
            assert elsewhere.json()["detail"] == "No such path here: this port serves /metrics only"
        for _ in range(20):  # a worker counts an answer once it is sent: ask a few times
            text = httpx.get(f"{metrics}/metrics").text
            counted = sum(
                float(line.rsplit(" ", 1)[1])
                for line in text.splitlines()
                if line.startswith("sco_http_requests_total{")
                and 'route="/v1/member-states"' in line
            )
            if counted >= 3:
                break
            time.sleep(0.1)
        assert counted == 3, text


@engine_independent
def test_the_metrics_port_must_differ_from_the_api_port(empty_url: str) -> None:
    result = subprocess.run(
        [*COMMAND, "serve", "--port", "18123"],
        env={**os.environ, "SCO_DATABASE_URL": empty_url, "SCO_METRICS_PORT": "18123"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "SCO_METRICS_PORT is the API's port (18123)" in result.stderr


def test_setup_migrates_and_seeds_once_and_never_serves(empty_url: str) -> None:
    """`sco-api setup`, a deployment's one-shot job: run again (after an upgrade), it
    writes nothing; it ends rather than serves."""
    first = run_cli(empty_url, "setup")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("dataset version 1 (seeded now): 27 states")
    again = run_cli(empty_url, "setup")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("dataset version 1 (already seeded): 27 states")
    assert len(again.stdout.splitlines()) == 1
