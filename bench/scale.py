"""How the service's costs grow with the data: today's dataset against a synthetic one
FACTOR times its size (bench/synthetic.py), on SQLite and PostgreSQL, one worker each.

For each dataset:
  start-up   process start to the first 200 of /v1/member-states (median of 3 starts)
  hit        the five cached reads of bench/reads.py, round robin (wrk, 32 connections),
             and the bare ASGI callable of bench/reads.py serving the same five bodies
             (their size grows with the data: the snapshot is 2.7 MB at 100x)
  as_of      bench/reads.py's crawl: a new `as_of` day every request, 1700 to 2025
  in window  a new day every request from 2001-06-16 on, where the data is (a member-state
             list per day; at 100x nearly every day answers differently)
  miss       one request at a time, the application's answer for a day no one asked
             (days 30 apart: each the first asked of its stretch), median ms and KB:
             /v1/member-states (its answer grows with the data) and /v1/presidencies (one
             presidency a day, whatever the size)
  write      a curator's PATCH of a summit's note (median of 3), the whole write: rows
             read, the rule set, the commit
  memory     the worker's resident memory after all of the above

    ./dev python bench/scale.py [--factor 100] [--seconds 5] [--sqlite-only]

Results: a table, and bench/results/scale.json. Ratios between the two sizes are the result.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reads import (
    BODIES,
    HITS,
    NEW_DAY,
    Ceilings,
    fresh_database,
    lua,
    new_days,
    round_robin,
)
from run import ROOT, free_port, sco_api, serve, wait_up, wrk

IN_WINDOW = new_days(date(2001, 6, 16), 9_100)  # the days of the data
WRITTEN = {"seed": "/v1/summits/2022-samarkand", "synthetic": "/v1/summits/summit-00010"}
PLAIN = {"Accept-Encoding": "identity"}


def started(
    command: list[str], env: dict[str, str], url: str
) -> tuple[float, subprocess.Popen[bytes]]:
    """Start the service; seconds from process start to its first 200 of `url`."""
    begun = time.monotonic()
    service = serve(command, env, ROOT)
    while True:
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return time.monotonic() - begun, service
        except httpx.HTTPError:
            pass
        if service.poll() is not None or time.monotonic() - begun > 120:
            raise RuntimeError(f"the service did not answer {url}")
        time.sleep(0.02)


def stop(service: subprocess.Popen[bytes]) -> None:
    service.terminate()
    service.wait(timeout=30)


def misses(base: str, path: str, count: int = 150) -> dict[str, float]:
    """The application's answers for days no one asked, one at a time: median ms and KB."""
    took, sizes = [], []
    with httpx.Client(base_url=base, timeout=60, headers=PLAIN) as client:
        for n in range(count):
            day = date(2001, 6, 20) + timedelta(days=30 * n + 7)
            begun = time.perf_counter()
            answer = client.get(f"{path}?as_of={day}")
            took.append((time.perf_counter() - begun) * 1000)
            answer.raise_for_status()
            sizes.append(len(answer.content) / 1024)
    return {"ms": statistics.median(took), "kb": statistics.median(sizes)}


def write_ms(base: str, secret: str, path: str) -> float:
    headers = {
        "Authorization": f"Bearer {secret}",
        "Change-Reason": "benchmark",
        "Content-Type": "application/merge-patch+json",
        "If-Match": "*",
    }
    took = []
    with httpx.Client(base_url=base, timeout=300) as client:
        for n in range(3):
            begun = time.perf_counter()
            answer = client.patch(path, content=json.dumps({"note": f"scale {n}"}), headers=headers)
            took.append((time.perf_counter() - begun) * 1000)
            answer.raise_for_status()
    return statistics.median(took)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(url: str, data: str, factor: int, seconds: int, folder: Path) -> dict[str, float]:
    env = {**os.environ, "SCO_DATABASE_URL": url, "SCO_LOG_LEVEL": "warning"}
    sco_api(env, "migrate")
    begun = time.monotonic()
    if data == "seed":
        sco_api(env, "seed")
    else:
        generator = [sys.executable, str(ROOT / "bench" / "synthetic.py")]
        subprocess.run(
            [*generator, "--factor", str(factor), "--database", url],
            env=env,
            check=True,
            capture_output=True,
        )
    loaded = time.monotonic() - begun
    secret = sco_api(env, "keys", "create", "bench", "--scope", "facts:write")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-c", "from app.cli import main; main()", "serve"]
    command += ["--port", str(port), "--workers", "1"]
    starts = []
    for _ in range(3):
        took, service = started(command, env, f"{base}/v1/member-states")
        starts.append(took)
        stop(service)
    _, service = started(command, env, f"{base}/v1/member-states")
    try:
        wait_up(f"{base}/healthz")
        hits = round_robin(folder, "hits", HITS)
        crawl = lua(folder, "days", NEW_DAY)
        window = lua(folder, "window", IN_WINDOW)
        figures: dict[str, float] = {"loaded_s": loaded, "start_s": statistics.median(starts)}
        for path in ("/v1/member-states", "/v1/presidencies"):
            miss = misses(base, path)
            figures[f"miss {path} ms"] = miss["ms"]
            figures[f"miss {path} KB"] = miss["kb"]
        for name, script in (("hit", hits), ("as_of", crawl), ("in window", window)):
            extra = ["-H", "Accept-Encoding: identity", "-s", script]
            wrk(base + HITS[0], 1, *extra)  # a warm-up
            found = wrk(base + HITS[0], seconds, *extra)
            figures[f"{name} rps"] = found["rps"]
            figures[f"{name} p99 ms"] = found["p99_ms"]
        bodies = [httpx.get(f"{base}{path}", headers=PLAIN).content for path in HITS]
        figures["hits' KB"] = sum(len(body) for body in bodies) / 1024
        ceilings = Ceilings(folder, bodies, 1)
        try:
            bare = ["-s", round_robin(folder, "bodies", BODIES)]
            wrk(ceilings.urls["asgi"] + "/0", 1, *bare)
            figures["bare ASGI x5 rps"] = wrk(ceilings.urls["asgi"] + "/0", seconds, *bare)["rps"]
        finally:
            ceilings.stop()
        figures["hit ÷ bare"] = figures["hit rps"] / figures["bare ASGI x5 rps"]
        figures["write ms"] = write_ms(base, secret, WRITTEN[data])
        figures["memory MB"] = rss_mb(service.pid)
        return figures
    finally:
        stop(service)


def table(results: dict[str, dict[str, float]], factor: int) -> str:
    names = list(next(iter(results.values())))
    runs = list(results)
    lines = [
        "| figure | " + " | ".join(runs) + f" | {factor}x ÷ 1x |",
        "|---" * (len(runs) + 2) + "|",
    ]
    for name in names:
        cells = [f"{results[r][name]:,.{3 if '÷' in name else 1}f}" for r in runs]
        ratios = []
        for engine in ("sqlite", "postgresql"):
            small, big = f"{engine}, 1x", f"{engine}, {factor}x"
            if small in results and big in results and results[small][name]:
                ratios.append(f"{results[big][name] / results[small][name]:.2f}")
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {' / '.join(ratios)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    engines = ["sqlite"] if args.sqlite_only else ["sqlite", "postgresql"]
    results: dict[str, dict[str, float]] = {}
    for engine in engines:
        for data, size in (("seed", "1x"), ("synthetic", f"{args.factor}x")):
            folder = Path(tempfile.mkdtemp(prefix="sco-scale-"))
            with fresh_database(engine, folder) as url:
                key = f"{engine}, {size}"
                results[key] = measure(url, data, args.factor, args.seconds, folder)
                print(f"measured {key}", flush=True)
            shutil.rmtree(folder, ignore_errors=True)
    print(table(results, args.factor))
    out = ROOT / "bench" / "results" / "scale.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"factor": args.factor, **results}, indent=2))


if __name__ == "__main__":
    main()
