"""Read benchmark of issue 19: what users do, against three ceilings, in one run.

Scenarios (wrk, 32 connections, 127.0.0.1 only), each on SQLite and PostgreSQL, through a
service of 1 and of 2 workers:
  hit       five cached reads, round robin            304      If-None-Match of a hit
  as_of     a new `as_of` day every request           version  `version=` cycling over 24
  csv       a collection as text/csv                   br       a collection compressed
  writer    the hits beside a curator committing one change a second
Ceilings, serving the same bytes with as many workers: a minimal FastAPI route and a bare
ASGI callable on the same uvicorn (httptools, uvloop), and nginx from disk; each serves the
five hits' bodies in turn (the hits and the writer's rows are compared with those, "x5") and
the first hit's alone (every other row). Every load, ceilings included, is asked by a wrk
script, so that wrk's own cost per request is the same in each.
Each figure is the median of ROUNDS rounds; in a round every scenario and every ceiling is
measured once, in turn, so that the machine's drift falls on all alike.

    ./dev python bench/reads.py            the full run (minutes; for the note)
    ./dev python bench/reads.py --quick    SQLite, one worker, one round: about a minute

Needs wrk and nginx (apt-get install wrk nginx-light). Results are printed as a table and
written to bench/results/reads.json. Ratios, not absolute numbers, are the result.
"""

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, Writer, free_port, sco_api, serve, wait_up, wrk

HITS = [
    "/v1/member-states",
    "/v1/member-states?as_of=2022-03-17",
    "/v1/states/IND",
    "/v1/presidencies",
    "/v1/snapshot?as_of=2024-01-01",
]
COLLECTION = "/v1/member-states"
HISTORY = 24  # change sets made before measuring, so that `version=` has that many to cycle
ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
# The ceilings serve the bytes of the five hits, body N at /N (the server ignores the rest).
BODIES = [f"/{n}" for n in range(len(HITS))]
BARE_APP = """
import pathlib
FOLDER = pathlib.Path({folder!r})
ANSWERS = {{}}
for n in range({count}):
    body = (FOLDER / str(n)).read_bytes()
    ANSWERS[f"/{{n}}"] = [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())
    ], body

async def app(scope, receive, send):
    headers, body = ANSWERS.get(scope["path"], ANSWERS["/0"])
    await send({{"type": "http.response.start", "status": 200, "headers": headers}})
    await send({{"type": "http.response.body", "body": body}})
"""
FASTAPI_APP = """
import pathlib
from fastapi import FastAPI
from fastapi.responses import Response
FOLDER = pathlib.Path({folder!r})
BODIES = [(FOLDER / str(n)).read_bytes() for n in range({count})]
app = FastAPI()

@app.get("/{{n}}")
async def constant(n: int) -> Response:
    return Response(BODIES[n], media_type="application/json")
"""
NGINX_CONF = """
worker_processes {workers};
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    server {{
        listen 127.0.0.1:{port};
        location / {{ root {folder}/bodies; default_type application/json; }}
    }}
}}
"""
# wrk scripts: requests that each differ (a path per request), written to the run's folder.
ROUND_ROBIN = """
paths = {{{paths}}}
i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
"""


def new_days(first: date, days: int) -> str:
    """A wrk script asking /v1/member-states for a day not asked before in the run (as_of
    is at most today): counting on from a random start over `days` days from `first`, so
    that rounds seldom meet."""
    return f"""
local n = 0
local first = os.time{{year={first.year}, month={first.month}, day={first.day}, hour=12}}
math.randomseed(os.time())
local start = math.random(0, {days - 1})
request = function()
  n = n + 1
  local day = os.date("!%Y-%m-%d", first + ((start + n) % {days}) * 86400)
  return wrk.format("GET", "/v1/member-states?as_of=" .. day)
end
"""


NEW_DAY = new_days(date(1700, 1, 1), 119_000)  # 1700 to 2025


def lua(folder: Path, name: str, text: str) -> str:
    path = folder / f"{name}.lua"
    path.write_text(text)
    return str(path)


class Ceilings:
    """The three ceilings, serving `bodies` (body N at /N) with `workers` workers."""

    def __init__(self, folder: Path, bodies: list[bytes], workers: int) -> None:
        folder.chmod(0o755)  # nginx's workers run as another user
        served = folder / "bodies"
        served.mkdir(exist_ok=True)
        served.chmod(0o755)
        for n, body in enumerate(bodies):
            (served / str(n)).write_bytes(body)
        apps = {"fastapi_app": FASTAPI_APP, "bare_app": BARE_APP}
        for name, text in apps.items():
            code = text.format(folder=str(served), count=len(bodies))
            (folder / f"{name}.py").write_text(code)
        self.procs: list[subprocess.Popen[bytes]] = []
        self.urls: dict[str, str] = {}
        try:
            self._start(folder, workers)
        except BaseException:
            self.stop()
            raise

    def _start(self, folder: Path, workers: int) -> None:
        for name, target in (("fastapi", "fastapi_app:app"), ("asgi", "bare_app:app")):
            port = free_port()
            command = [sys.executable, "-m", "uvicorn", target, "--port", str(port)]
            command += ["--workers", str(workers), "--log-level", "warning", "--no-access-log"]
            self.procs.append(serve(command, os.environ.copy(), folder))
            self.urls[name] = f"http://127.0.0.1:{port}"
        port = free_port()
        conf = folder / "nginx.conf"
        conf.write_text(NGINX_CONF.format(workers=workers, folder=folder, port=port))
        nginx = shutil.which("nginx") or "nginx"
        self.procs.append(
            serve([nginx, "-c", str(conf), "-p", str(folder)], dict(os.environ), folder)
        )
        self.urls["nginx"] = f"http://127.0.0.1:{port}"
        for url in self.urls.values():
            wait_up(f"{url}/0")

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
            proc.wait(timeout=30)


def make_history(base: str, secret: str) -> None:
    """HISTORY change sets, so that `version=` has as many versions to cycle over."""
    headers = {
        "Authorization": f"Bearer {secret}",
        "Change-Reason": "benchmark history",
        "Content-Type": "application/merge-patch+json",
        "If-Match": "*",
    }
    with httpx.Client(base_url=base, timeout=60) as client:
        for n in range(HISTORY):
            body = json.dumps({"note": f"history {n}"})
            answer = client.patch("/v1/summits/2022-samarkand", content=body, headers=headers)
            answer.raise_for_status()


Load = Callable[[int], dict[str, float]]  # seconds -> wrk's figures


def round_robin(folder: Path, name: str, paths: list[str]) -> str:
    """A wrk script asking `paths` in turn. Every load is made by such a script, ceilings
    included (one path or several), so that wrk's own cost per request is the same in each."""
    return lua(folder, name, ROUND_ROBIN.format(paths=", ".join(f'"{p}"' for p in paths)))


def scenarios(base: str, folder: Path, version: int) -> dict[str, Load]:
    """Each scenario: a function of the seconds to load it for, answering wrk's figures."""
    etag = httpx.get(f"{base}{HITS[0]}", headers={"Accept-Encoding": "identity"}).headers["ETag"]
    hits = round_robin(folder, "hits", HITS)
    one = round_robin(folder, "one", HITS[:1])
    versions = [f"{COLLECTION}?version={v}" for v in range(version - HISTORY + 1, version + 1)]
    cycle = round_robin(folder, "versions", versions)
    days = lua(folder, "days", NEW_DAY)
    plain = {"Accept-Encoding": "identity"}

    def run(script: str, **headers: str) -> Load:
        extra = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
        return lambda seconds: wrk(base + HITS[0], seconds, *extra, "-s", script)

    return {
        "hit": run(hits, **plain),
        "304": run(one, **{"If-None-Match": etag, **plain}),
        "as_of": run(days, **plain),
        "version": run(cycle, **plain),
        "csv": run(one, **{"Accept": "text/csv", **plain}),
        "br": run(one, **{"Accept-Encoding": "br"}),
    }


# The rows compared with the ceilings serving the five hits' bodies in turn; the others are
# compared with the ceilings serving the first hit's body alone.
MIXED = ("hit", "writer")


def ceiling_loads(ceilings: Ceilings, folder: Path) -> dict[str, Load]:
    mixed = round_robin(folder, "bodies", BODIES)
    one = round_robin(folder, "body", BODIES[:1])
    loads: dict[str, Load] = {}
    for name, url in ceilings.urls.items():
        loads[f"ceiling:{name}"] = lambda s, u=url: wrk(u + "/0", s, "-s", one)  # type: ignore[misc]
        loads[f"ceiling:{name} x5"] = lambda s, u=url: wrk(u + "/0", s, "-s", mixed)  # type: ignore[misc]
    return loads


def measure(
    url: str, workers: int, rounds: int, seconds: int, folder: Path
) -> dict[str, dict[str, float]]:
    """Every scenario and ceiling on the database at `url`, median of `rounds` rounds."""
    env = {**os.environ, "SCO_DATABASE_URL": url, "SCO_LOG_LEVEL": "warning"}
    sco_api(env, "migrate")
    sco_api(env, "seed")
    secret = sco_api(env, "keys", "create", "bench", "--scope", "facts:write")
    port = free_port()
    command = [sys.executable, "-c", "from app.cli import main; main()", "serve"]
    service = serve([*command, "--port", str(port), "--workers", str(workers)], env, ROOT)
    base = f"http://127.0.0.1:{port}"
    ceilings = None
    try:
        wait_up(f"{base}/healthz")
        make_history(base, secret)
        version = int(httpx.get(f"{base}/v1").headers["Dataset-Version"])
        plain = {"Accept-Encoding": "identity"}
        bodies = [httpx.get(f"{base}{path}", headers=plain).content for path in HITS]
        ceilings = Ceilings(folder, bodies, workers)
        loads = scenarios(base, folder, version)
        hits = loads["hit"]

        def beside_writer(seconds: int) -> dict[str, float]:
            writer = Writer(base, secret)
            writer.start()
            try:
                return {**hits(seconds), "writes": float(writer.committed)}
            finally:
                writer.stop.set()
                writer.join()

        loads["writer"] = beside_writer
        loads.update(ceiling_loads(ceilings, folder))
        found: dict[str, list[dict[str, float]]] = {name: [] for name in loads}
        for _ in range(rounds):
            for name, load in loads.items():
                if not found[name]:
                    load(1)  # a warm-up, the first time
                found[name].append(load(seconds))
        return {
            name: {
                "rps": statistics.median(r["rps"] for r in runs),
                "p99_ms": statistics.median(r["p99_ms"] for r in runs),
                "non_2xx": max(r["non_2xx"] for r in runs),
            }
            for name, runs in found.items()
        }
    finally:
        if ceilings is not None:
            ceilings.stop()
        service.terminate()
        service.wait(timeout=30)


def table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    """The results as a markdown table: each scenario's req/s, p99, and its ratios to the
    ceilings measured in the same run."""
    lines = [
        "| run | read | req/s | p99 ms | ÷ FastAPI | ÷ bare ASGI | ÷ nginx | ÷ hit |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run_name, figures in results.items():
        hit = figures["hit"]["rps"]
        for name, f in figures.items():
            mixed = name in MIXED or name.endswith("x5")
            ceiling = {
                n: figures[f"ceiling:{n}" + (" x5" if mixed else "")]["rps"]
                for n in ("fastapi", "asgi", "nginx")
            }
            ratios = " | ".join(f"{f['rps'] / ceiling[n]:.2f}" for n in ceiling)
            errors = f" ({f['non_2xx']:.0f} not 2xx/3xx)" if f["non_2xx"] else ""
            lines.append(
                f"| {run_name} | {name}{errors} | {f['rps']:.0f} | {f['p99_ms']:.1f} | "
                f"{ratios} | {f['rps'] / hit:.2f} |"
            )
    return "\n".join(lines)


@contextlib.contextmanager
def fresh_database(engine: str, folder: Path) -> Iterator[str]:
    """A database of the run's own: a SQLite file in `folder`, or a PostgreSQL database on
    the local server, dropped after."""
    if engine == "sqlite":
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    name = f"sco_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="SQLite, 1 worker, 1 round, 3 s")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is needed: apt-get install wrk nginx-light")
    rounds, seconds = (1, 3) if args.quick else (args.rounds, args.seconds)
    engines = ["sqlite"] if args.quick else ["sqlite", "postgresql"]
    worker_counts = [1] if args.quick else [1, 2]
    results: dict[str, dict[str, dict[str, float]]] = {}
    for workers in worker_counts:
        for engine in engines:
            folder = Path(tempfile.mkdtemp(prefix="sco-reads-"))
            with fresh_database(engine, folder) as url:
                key = f"{engine}, {workers} worker{'s' if workers > 1 else ''}"
                results[key] = measure(url, workers, rounds, seconds, folder)
                print(f"measured {key}", flush=True)
            shutil.rmtree(folder, ignore_errors=True)
    print(table(results))
    out = ROOT / "bench" / "results" / "reads.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"rounds": rounds, "seconds": seconds, **results}, indent=2))


if __name__ == "__main__":
    main()
