"""The site's pages against the API's JSON of the same facts (issue 21): time to first byte
made (a miss of the read cache: the page or the answer computed) and served (a hit), and
the bytes sent plain and with brotli. One service (one worker, SQLite or PostgreSQL),
requests one at a time from one client on 127.0.0.1; each figure a median, and the result
the ratio of a page's to its JSON's, measured in the same run.

    ./dev python bench/pages.py [--misses 25] [--hits 200] [--postgres]

A miss is forced without a write: each request sends an Accept-Language of its own
(`en, x-N`: a private-use tag, English all the same), which the read cache keys on. Written to
bench/results/pages.json.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reads import fresh_database
from run import ROOT, free_port, sco_api, serve, wait_up

DAY = "2022-03-17"
# (what, page, the JSON of the same facts)
PAIRS = [
    ("the day", f"/?as_of={DAY}", f"/v1/snapshot?as_of={DAY}"),
    ("the day, in Chinese", f"/?as_of={DAY}&lang=zh", f"/v1/snapshot?as_of={DAY}&lang=zh"),
    ("the history", f"/timeline?as_of={DAY}", f"/v1/timeline?to={DAY}&limit=1000"),
    ("a state", f"/states/IN?as_of={DAY}", "/v1/states/IN"),
    ("a person", "/people/zhang-ming", "/v1/people/zhang-ming"),
    ("a body", f"/bodies/secretariat?as_of={DAY}", "/v1/bodies/secretariat"),
    ("a source", "/sources/newsaz-2024-belarus-member", "/v1/sources/newsaz-2024-belarus-member"),
    ("the seed's change set", "/change-sets/1", "/v1/change-sets/1"),
]
PAGE = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}
_fresh = iter(range(1, 1_000_000))


def first_byte(client: httpx.Client, path: str, headers: dict[str, str]) -> tuple[float, int]:
    """Milliseconds from sending the request to the answer's first byte of body; the
    body's length as sent."""
    begun = time.perf_counter()
    with client.stream("GET", path, headers=headers) as answer:
        chunks = answer.iter_raw()
        first = next(chunks, b"")
        took = (time.perf_counter() - begun) * 1000
        size = len(first) + sum(len(chunk) for chunk in chunks)
        if answer.status_code != 200:
            raise RuntimeError(f"{path}: {answer.status_code}")
    return took, size


def measure(
    client: httpx.Client, path: str, accept: dict[str, str], misses: int, hits: int
) -> dict[str, float]:
    made = []
    for _ in range(misses):
        language = {"Accept-Language": f"en, x-{next(_fresh)}"}  # a private tag: English
        made.append(
            first_byte(client, path, {**accept, **language, "Accept-Encoding": "identity"})[0]
        )
    served, plain = [], 0
    for _ in range(hits):
        took, plain = first_byte(client, path, {**accept, "Accept-Encoding": "identity"})
        served.append(took)
    _, brotli = first_byte(client, path, {**accept, "Accept-Encoding": "br"})
    return {
        "made_ms": statistics.median(made),
        "served_ms": statistics.median(served),
        "kb": plain / 1024,
        "br_kb": brotli / 1024,
    }


def run(url: str, misses: int, hits: int) -> dict[str, dict[str, dict[str, float]]]:
    env = {**os.environ, "SCO_DATABASE_URL": url, "SCO_LOG_LEVEL": "warning"}
    for step in ("migrate", "seed"):
        sco_api(env, step)
    port = free_port()
    command = [
        sys.executable,
        "-c",
        "from app.cli import main; main()",
        "serve",
        "--port",
        str(port),
    ]
    service = serve(command, env, ROOT)
    results: dict[str, dict[str, dict[str, float]]] = {}
    try:
        base = f"http://127.0.0.1:{port}"
        wait_up(f"{base}/healthz")
        with httpx.Client(base_url=base, timeout=60) as client:
            for what, page, data in PAIRS:
                first_byte(client, page, PAGE)  # the first request of each: not counted
                first_byte(client, data, JSON)
                results[what] = {
                    "page": measure(client, page, PAGE, misses, hits),
                    "json": measure(client, data, JSON, misses, hits),
                }
    finally:
        service.terminate()
        service.wait(timeout=30)
    return results


def table(engine: str, results: dict[str, dict[str, dict[str, float]]]) -> str:
    lines = [
        f"{engine}: page against its JSON (ratios page/JSON; medians in ms, sizes in KB)",
        f"{'':24} {'made':>6} {'served':>7} {'size':>6} {'br':>6}   "
        f"{'page made':>10} {'JSON made':>10} {'page KB':>8} {'JSON KB':>8} {'page br':>8}",
    ]
    for what, pair in results.items():
        page, data = pair["page"], pair["json"]
        lines.append(
            f"{what:24} {page['made_ms'] / data['made_ms']:6.2f} "
            f"{page['served_ms'] / data['served_ms']:7.2f} {page['kb'] / data['kb']:6.2f} "
            f"{page['br_kb'] / data['br_kb']:6.2f}   {page['made_ms']:10.1f} "
            f"{data['made_ms']:10.1f} {page['kb']:8.1f} {data['kb']:8.1f} {page['br_kb']:8.1f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", type=int, default=25)
    parser.add_argument("--hits", type=int, default=200)
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    args = parser.parse_args()
    everything: dict[str, object] = {"misses": args.misses, "hits": args.hits}
    for engine in ["sqlite", "postgresql"] if args.postgres else ["sqlite"]:
        folder = Path(tempfile.mkdtemp(prefix="sco-pages-"))
        with fresh_database(engine, folder) as url:
            results = run(url, args.misses, args.hits)
        everything[engine] = results
        print(table(engine, results), flush=True)
    out = ROOT / "bench" / "results" / "pages.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(everything, indent=2))


if __name__ == "__main__":
    main()
