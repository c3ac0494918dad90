"""Write-path benchmark: eight curators writing at once on one fact, as a busy newsroom
would. Each reads the fact (its ETag), then PATCHes its note with If-Match, ROUNDS times;
a curator whose ETag went stale meanwhile gets 412 and reads again. Reported: the count
of each status and the p50/p99 of a PATCH, on SQLite and PostgreSQL, through a service of
one worker and of two, all on 127.0.0.1.

    ./dev python bench/curators.py [--rounds 10] [--workers 1 2] [--postgres] [--root DIR]

`--root` serves the application of another checkout (e.g. a `git worktree` of an earlier
commit, to measure before and after on the same machine). Only 200 and 412 are expected:
any other status is a failure of the service under contention. Results are printed and
written to bench/results/curators.json.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, free_port, sco_api, serve, wait_up

FACT = "/v1/summits/2022-samarkand"
CURATORS = 8
ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def curator(base: str, secret: str, rounds: int, i: int, out: list[tuple[int, float]]) -> None:
    """Read, then patch with If-Match, `rounds` times: (status, seconds) of each PATCH."""
    headers = {
        "Authorization": f"Bearer {secret}",
        "Change-Reason": "benchmark",
        "Content-Type": "application/merge-patch+json",
    }
    with httpx.Client(base_url=base, timeout=120) as client:
        for n in range(rounds):
            etag = client.get(FACT, headers={"Accept-Encoding": "identity"}).headers["ETag"]
            body = json.dumps({"note": f"curator {i}, write {n}"})
            began = time.monotonic()
            answer = client.patch(FACT, content=body, headers={**headers, "If-Match": etag})
            out.append((answer.status_code, time.monotonic() - began))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(url: str, root: Path, workers: int, rounds: int) -> dict[str, object]:
    env = {
        **os.environ,
        "SCO_DATABASE_URL": url,
        "SCO_LOG_LEVEL": "warning",
        "SCO_ACCESS_LOG": "false",
        "PYTHONPATH": str(root),
    }
    python = sys.executable
    sco_api(env, "migrate", root=root)
    sco_api(env, "seed", root=root)
    secret = sco_api(env, "keys", "create", "bench", "--scope", "facts:write", root=root)
    port = free_port()
    command = ["-c", "from app.cli import main; main()", "serve", "--port", str(port)]
    proc = serve([python, *command, "--workers", str(workers)], env, root)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_up(f"{base}/healthz")
        httpx.get(f"{base}{FACT}", timeout=30)  # the first read loads the dataset
        out: list[tuple[int, float]] = []
        threads = [
            threading.Thread(target=curator, args=(base, secret, rounds, i, out))
            for i in range(CURATORS)
        ]
        began = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - began
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    seconds = [s for _, s in out]
    statuses = Counter(str(status) for status, _ in out)
    return {
        "statuses": dict(sorted(statuses.items())),
        "patches": len(out),
        "p50_s": round(statistics.median(seconds), 3),
        "p99_s": round(percentile(seconds, 99), 3),
        "max_s": round(max(seconds), 3),
        "elapsed_s": round(elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--postgres", action="store_true", help="also measure on PostgreSQL")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve")
    args = parser.parse_args()
    results: dict[str, object] = {"curators": CURATORS, "rounds": args.rounds}
    tmp = Path(tempfile.mkdtemp(prefix="sco-curators-"))
    made: list[str] = []
    try:
        for workers in args.workers:
            urls = {"sqlite": f"sqlite:///{tmp / f'w{workers}.db'}"}
            if args.postgres:
                name = f"sco_bench_{uuid.uuid4().hex[:8]}"
                with psycopg.connect(ADMIN, autocommit=True) as conn:
                    conn.execute(f'CREATE DATABASE "{name}"')
                made.append(name)
                urls["postgresql"] = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
            for backend, url in urls.items():
                found = measure(url, args.root.resolve(), workers, args.rounds)
                results[f"{backend}_{workers}_workers"] = found
                print(f"{backend:10} {workers} worker(s): {json.dumps(found)}", flush=True)
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as conn:
            for name in made:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    out = ROOT / "bench" / "results" / "curators.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
