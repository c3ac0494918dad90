"""Read-path benchmark: requests per second of the API's routes as ratios to a baseline
route that returns precomputed bytes, all measured in one run on this machine with wrk
(32 connections, one uvicorn worker with uvloop and httptools), on 127.0.0.1 only.

Then the reads again with a curator beside them committing one change a second through
the write API (a PATCH of a summit's note): each write moves the dataset version, so
every cached answer is recomputed once after it. Reported as the ratio of the read
throughput with the writer to the same without it.

    ./dev python bench/run.py [--seconds 10] [--postgres]

Ratios, not absolute numbers, are the result: they hold from one machine to another.
Results are printed and written to bench/results/latest.json.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
BASELINE_APP = """
from fastapi import FastAPI
from fastapi.responses import Response
app = FastAPI()
BODY = open({path!r}, "rb").read()

@app.get("/bytes")
async def constant() -> Response:
    return Response(BODY, media_type="application/json")
"""
PATHS = [
    "/v1/member-states",
    "/v1/member-states?as_of=2022-03-17",
    "/v1/snapshot?as_of=2024-01-01",
    "/v1/presidencies",
    "/v1/states/IND",
    "/v1/states/BLR/timeline",
    "/v1/timeline?from=2022-01-01&to=2022-12-31",
    "/v1/sources",
    "/v1/status-periods/ind-member-2017-06-09",
    "/v1/member-states?as_of=2022-03-17&version=1",
]


# Read while a writer commits once a second beside them.
WRITE_PATHS = [
    "/v1/member-states?as_of=2022-03-17",
    "/v1/status-periods/ind-member-2017-06-09",
    "/v1/snapshot?as_of=2024-01-01",
]
WRITTEN = "/v1/summits/2022-samarkand"


class Writer(threading.Thread):
    """A curator committing one change a second through the write API until stopped."""

    def __init__(self, base: str, secret: str) -> None:
        super().__init__(daemon=True)
        self.base, self.secret = base, secret
        self.stop = threading.Event()
        self.committed = 0
        self.failed = 0

    def run(self) -> None:
        headers = {
            "Authorization": f"Bearer {self.secret}",
            "Change-Reason": "benchmark",
            "Content-Type": "application/merge-patch+json",
            "If-Match": "*",
        }
        with httpx.Client(base_url=self.base, timeout=10) as client:
            while not self.stop.is_set():
                started = time.monotonic()
                body = json.dumps({"note": f"benchmark write {self.committed}"})
                answer = client.patch(WRITTEN, content=body, headers=headers)
                if answer.status_code == 200:
                    self.committed += 1
                else:
                    self.failed += 1
                self.stop.wait(max(0.0, 1.0 - (time.monotonic() - started)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(url: str) -> None:
    for _ in range(100):
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def wrk(url: str, seconds: int, *extra: str) -> dict[str, float]:
    """wrk's figures for `url` (32 connections; `extra`: its -H and -s options)."""
    out = subprocess.run(
        ["wrk", "-t1", "-c32", f"-d{seconds}s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    p99_ms = float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p99_ms": p99_ms, "non_2xx": float(errors.group(1)) if errors else 0.0}


def sco_api(env: dict[str, str], *args: str, root: Path = ROOT) -> str:
    """`sco-api ARGS` of the checkout at `root`, in this Python; what it printed."""
    return subprocess.run(
        [sys.executable, "-c", "from app.cli import main; main()", *args],
        env=env,
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def serve(cmd: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--postgres", action="store_true", help="also measure on PostgreSQL")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")

    tmp = Path(tempfile.mkdtemp(prefix="sco-bench-"))
    databases = {"sqlite": f"sqlite:///{tmp / 'bench.db'}"}
    pg_name = f"sco_bench_{uuid.uuid4().hex[:8]}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    if args.postgres:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        databases["postgresql"] = f"postgresql+psycopg://postgres@127.0.0.1:5432/{pg_name}"

    results: dict[str, object] = {"seconds": args.seconds, "connections": 32}
    procs: list[subprocess.Popen[bytes]] = []
    try:
        python = sys.executable
        for backend, url in databases.items():
            env = {**os.environ, "SCO_DATABASE_URL": url, "SCO_LOG_LEVEL": "warning"}
            for step in ("migrate", "seed"):
                sco_api(env, step)
            port = free_port()
            procs.append(
                serve(
                    [
                        python,
                        "-c",
                        "from app.cli import main; main()",
                        "serve",
                        "--port",
                        str(port),
                    ],
                    env,
                    ROOT,
                )
            )
            base = f"http://127.0.0.1:{port}"
            wait_up(f"{base}/healthz")
            sample = httpx.get(f"{base}{PATHS[0]}").content
            if backend == "sqlite":
                body_file = tmp / "body.json"
                body_file.write_bytes(sample)
                (tmp / "baseline.py").write_text(BASELINE_APP.format(path=str(body_file)))
                bport = free_port()
                procs.append(
                    serve(
                        [
                            python,
                            "-m",
                            "uvicorn",
                            "baseline:app",
                            "--port",
                            str(bport),
                            "--log-level",
                            "warning",
                        ],
                        os.environ.copy(),
                        tmp,
                    )
                )
                wait_up(f"http://127.0.0.1:{bport}/bytes")
                baseline = wrk(f"http://127.0.0.1:{bport}/bytes", args.seconds)
                results["baseline_bytes"] = {**baseline, "body_bytes": len(sample)}
                print(f"baseline (precomputed {len(sample)} bytes): {baseline['rps']:.0f} req/s")
            rows = {}
            for path in PATHS:
                measured = wrk(f"{base}{path}", args.seconds)
                ratio = measured["rps"] / results["baseline_bytes"]["rps"]  # type: ignore[index]
                rows[path] = {**measured, "ratio_to_bytes": round(ratio, 3)}
                print(
                    f"{backend:10} {path:40} {measured['rps']:8.0f} req/s  "
                    f"p99 {measured['p99_ms']:.1f} ms  ratio {ratio:.2f}"
                )
            results[backend] = rows
            secret = sco_api(env, "keys", "create", "bench", "--scope", "facts:write")
            writes_rows = {}
            for path in WRITE_PATHS:
                writer = Writer(base, secret)
                writer.start()
                try:
                    measured = wrk(f"{base}{path}", args.seconds)
                finally:
                    writer.stop.set()
                    writer.join()
                ratio = measured["rps"] / rows[path]["rps"]
                writes_rows[path] = {
                    **measured,
                    "writes": writer.committed,
                    "failed_writes": writer.failed,
                    "ratio_to_no_writes": round(ratio, 3),
                }
                print(
                    f"{backend:10} {path:40} {measured['rps']:8.0f} req/s with "
                    f"{writer.committed} writes ({writer.failed} failed)  "
                    f"p99 {measured['p99_ms']:.1f} ms  ratio to no writes {ratio:.2f}"
                )
            results[f"{backend}_with_writes"] = writes_rows
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
        if args.postgres:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
