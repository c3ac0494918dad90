"""The shipped nginx configuration (deploy/nginx.conf, what compose.yaml runs) in front of
`sco-api serve`, as a shared cache: a repeated read is nginx's; past the bound nginx
revalidates it, a conditional request the service answers 304; a client's own If-None-Match
is answered 304; Vary keeps variants apart; problems are never kept; a write passes through
with its If-Match, and no read is older than the bound after it; the longest target the
service accepts, with its longest Link header, passes nginx's default buffers.

nginx is Debian's (`.ci/run` installs nginx-light); its configuration is the shipped file
with only its addresses and folders changed. The service runs with a bound of 2 s
(SCO_SHARED_MAX_AGE) to keep the waits short; nginx obeys whatever bound the service sends,
counting whole seconds: an answer it took at 10.9 s with `s-maxage=2` is fresh until 13.0 s,
so its copies are up to one second older than the bound.
"""

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from app.core.settings import Settings
from tests.conftest import (
    ROOT,
    Databases,
    engine_independent,
    free_port,
    run_cli,
    running_service,
)
from tests.largest_head import LARGEST_HEAD, target

pytestmark = engine_independent
BOUND = 2  # seconds: SCO_SHARED_MAX_AGE of the service under test
EXPIRED = BOUND + 1.1  # past it, nginx's copy of an answer has expired (whole seconds)
MAX_TARGET = Settings.model_fields["max_target"].default


@dataclass(frozen=True)
class Deployment:
    nginx: httpx.Client  # through nginx
    log: Path  # the service's stderr: its access log
    key: str  # a facts:write API key

    def logged(self, request_id: str) -> list[int]:
        """The statuses the service logged for the request `request_id` (nginx passes it)."""
        time.sleep(0.3)  # the access log is written in batches (0.1 s at most)
        statuses = []
        for line in self.log.read_text().splitlines():
            if line.startswith("{") and f'"request_id": "{request_id}"' in line:
                statuses.append(json.loads(line)["status"])
        return statuses

    def get(self, path: str, request_id: str, **headers: str) -> httpx.Response:
        return self.nginx.get(path, headers={"X-Request-ID": request_id, **headers})


def _nginx_config(folder: Path, upstream: str, port: int) -> Path:
    """deploy/nginx.conf with this test's addresses and folders (each change must apply:
    a shipped file that drifted from them fails here)."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    for old, new in (
        ("server api:8000;", f"server {upstream};"),
        ("listen 80;", f"listen 127.0.0.1:{port};"),
        ("pid /tmp/nginx.pid;", f"pid {folder}/nginx.pid;"),
        ("error_log /dev/stderr warn;", f"error_log {folder}/error.log warn;"),
        ("access_log /dev/stdout;", f"access_log {folder}/access.log;"),
        ("/var/cache/nginx/sco", f"{folder}/cache"),
    ):
        assert old in text, f"deploy/nginx.conf no longer has {old!r}"
        text = text.replace(old, new)
    text = text.replace("/tmp/nginx-", f"{folder}/nginx-")
    if os.geteuid() == 0:  # as root, workers would be `nobody`, shut out of this folder
        text = "user root;\n" + text
    config = folder / "nginx.conf"
    config.write_text(text)
    return config


@pytest.fixture(scope="module")
def deployment(
    databases: Databases, template_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is not installed: apt-get install nginx-light (.ci/run does)")
    folder = tmp_path_factory.mktemp("nginx")
    url = databases.copy(template_url)
    key = run_cli(url, "keys", "create", "proxy-test", "--scope", "facts:write").stdout.strip()
    log = folder / "service.log"
    with running_service(url, "serve", errors=log, SCO_SHARED_MAX_AGE=str(BOUND)) as (base, _):
        port = free_port()
        config = _nginx_config(folder, base.removeprefix("http://"), port)
        with open(folder / "nginx.stderr", "wb") as stderr:
            process = subprocess.Popen(
                [nginx, "-c", str(config), "-e", str(folder / "error.log"), "-g", "daemon off;"],
                stderr=stderr,
            )
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert process.poll() is None, (folder / "nginx.stderr").read_text()
                    assert time.monotonic() < deadline, "nginx did not start"
                    time.sleep(0.1)
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
                yield Deployment(client, log, key)
        finally:
            process.terminate()
            process.wait(timeout=10)
    databases.release(url)


def test_a_repeated_read_is_nginxs_and_past_the_bound_a_304_at_the_service(
    deployment: Deployment,
) -> None:
    path = "/v1/observer-states?as_of=2022-03-17"
    first = deployment.get(path, "proxy-read-1")
    second = deployment.get(path, "proxy-read-2")
    assert first.headers["x-cache-status"] == "MISS"
    assert second.headers["x-cache-status"] == "HIT", (first.headers, second.headers)
    assert second.content == first.content
    assert first.headers["cache-control"] == f"public, max-age=0, s-maxage={BOUND}, must-revalidate"
    assert deployment.logged("proxy-read-1") == [200]
    assert deployment.logged("proxy-read-2") == []  # never reached the service
    assert second.headers["x-request-id"] == "proxy-read-2"  # the client's, not the first's
    time.sleep(EXPIRED)
    again = deployment.get(path, "proxy-read-3")
    assert again.status_code == 200
    assert again.headers["x-cache-status"] == "REVALIDATED"
    assert again.content == first.content
    assert deployment.logged("proxy-read-3") == [304]  # nginx's conditional request


def test_a_clients_if_none_match_is_answered_304(deployment: Deployment) -> None:
    path = "/v1/dialogue-partners?as_of=2022-03-17"
    etag = deployment.get(path, "proxy-inm-0").headers["etag"]
    fresh = deployment.get(path, "proxy-inm-1", **{"If-None-Match": etag})
    assert fresh.status_code == 304
    assert fresh.headers["etag"] == etag
    assert deployment.logged("proxy-inm-1") == []
    time.sleep(EXPIRED)
    expired = deployment.get(path, "proxy-inm-2", **{"If-None-Match": etag})
    assert expired.status_code == 304
    assert expired.headers["x-cache-status"] == "REVALIDATED"
    assert deployment.logged("proxy-inm-2") == [304]
    other = deployment.get(path, "proxy-inm-3", **{"If-None-Match": '"another"'})
    assert other.status_code == 200


def test_variants_are_kept_apart(deployment: Deployment) -> None:
    """By Origin (a cached answer without CORS headers is never given to a browser on
    another origin), by language and by coding."""
    path = "/v1/member-states?as_of=2022-03-17"
    for round_ in ("MISS", "HIT"):
        plain = deployment.get(path, f"proxy-vary-plain-{round_}")
        cross = deployment.get(path, f"proxy-vary-cors-{round_}", Origin="https://a.example")
        russian = deployment.get(path, f"proxy-vary-ru-{round_}", **{"Accept-Language": "ru"})
        for answer in (plain, cross, russian):
            assert answer.headers["x-cache-status"] == round_
        assert "access-control-allow-origin" not in plain.headers
        assert cross.headers["access-control-allow-origin"] == "*"
        assert plain.json()["items"][0]["state"]["name"] == "China"
        assert russian.json()["items"][0]["state"]["name"] == "Китай"
    for coding in ("br", "gzip", "identity"):
        response = deployment.get(path, f"proxy-coding-{coding}", **{"Accept-Encoding": coding})
        assert response.headers.get("content-encoding", "identity") == coding


def test_problems_are_never_kept(deployment: Deployment) -> None:
    for attempt in range(2):
        missing = deployment.get("/v1/states/XXX", f"proxy-404-{attempt}")
        assert missing.status_code == 404
        assert missing.headers["x-cache-status"] == "MISS"
        assert deployment.logged(f"proxy-404-{attempt}") == [404]


def test_a_write_passes_through_and_no_read_is_older_than_the_bound(
    deployment: Deployment,
) -> None:
    path = "/v1/summits/2019-bishkek"
    plain = {"Accept-Encoding": "identity"}
    before = deployment.get(path, "proxy-before-1", **plain)
    assert deployment.get(path, "proxy-before-2", **plain).headers["x-cache-status"] == "HIT"
    write = {
        "Authorization": f"Bearer {deployment.key}",
        "Content-Type": "application/merge-patch+json",
        "Change-Reason": "tests/test_proxy.py",
    }
    stale = deployment.nginx.patch(
        path, content='{"note": "x"}', headers={**write, "If-Match": '"stale"'}
    )
    assert stale.status_code == 412  # nginx passed the If-Match
    note = f"Written through nginx at {time.time()}"
    written = deployment.nginx.patch(
        path,
        content=json.dumps({"note": note}),
        headers={**write, "If-Match": before.headers["etag"]},
    )
    assert written.status_code == 200, written.text
    at = time.monotonic()
    version = written.headers["dataset-version"]
    assert int(version) == int(before.headers["dataset-version"]) + 1
    pinned = deployment.nginx.get(f"{path}?version={version}")
    assert pinned.json()["note"] == note  # the writer reads its write at once
    last_old = first_new = None
    while (elapsed := time.monotonic() - at) < EXPIRED + 0.5:
        if deployment.nginx.get(path, headers=plain).json()["note"] == note:
            first_new = elapsed if first_new is None else first_new
        else:
            assert first_new is None, "an old answer after the new one"
            last_old = elapsed
        time.sleep(0.05)
    assert last_old is None or last_old <= BOUND + 1, last_old  # nginx counts in seconds
    assert deployment.nginx.get(path, headers=plain).json()["note"] == note


def test_the_longest_target_passes_nginxs_default_buffers(deployment: Deployment) -> None:
    longest = target(MAX_TARGET)
    for round_ in ("MISS", "HIT"):
        response = deployment.nginx.get(longest, headers=LARGEST_HEAD)
        assert response.status_code == 200
        assert response.headers["x-cache-status"] == round_
        assert len(response.headers["link"].split(", ")) == 4
    assert deployment.nginx.get(target(MAX_TARGET + 1), headers=LARGEST_HEAD).status_code == 414
