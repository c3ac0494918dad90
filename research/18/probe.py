"""The issue's hostile inputs, sent to a live `sco-api serve` on a fresh seeded database of
each engine (127.0.0.1 only), with the answer each gets. Run from the repository:

    ./dev python research/18/probe.py [--root DIR]

`--root` serves another checkout (a `git worktree` of the commit before issue 18, to see
the answers before). Prints one line per input and engine.
"""

import argparse
import json
import os
import socket
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from run import free_port, sco_api, serve, wait_up  # noqa: E402

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
SOURCE = {
    "id": "probe-source",
    "kind": "news_article",
    "title": "A probe",
    "publisher": "Probe",
    "published_on": "2026-12-01",
    "url": "https://example.org/probe",
    "language": "en",
    "text": "A probe of the write API.",
}


def raw(port: int, data: bytes, read: bool = True) -> str:
    """Send `data` on a new connection; the status line answered (or what happened)."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        try:
            s.sendall(data)
        except OSError as exc:
            return f"send failed: {exc}"
        if not read:
            return ""
        try:
            return s.recv(200).split(b"\r\n")[0].decode(errors="replace") or "closed"
        except OSError as exc:
            return f"read failed: {exc}"


def probe(url: str, root: Path) -> None:
    env = {
        **os.environ,
        "SCO_DATABASE_URL": url,
        "SCO_LOG_LEVEL": "error",
        "SCO_ACCESS_LOG": "false",
        "PYTHONPATH": str(root),
    }
    sco_api(env, "migrate", root=root)
    sco_api(env, "seed", root=root)
    scopes = ("--scope", "facts:write", "--scope", "sources:write")
    secret = sco_api(env, "keys", "create", "probe", *scopes, root=root)
    port = free_port()
    proc = serve(
        [sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", str(port)],
        env,
        root,
    )
    engine = url.split(":")[0].split("+")[0]
    base = f"http://127.0.0.1:{port}"
    try:
        wait_up(f"{base}/healthz")
        auth = {"Authorization": f"Bearer {secret}", "Change-Reason": "probe"}
        with httpx.Client(base_url=base, timeout=60) as c:

            def show(what: str, r: httpx.Response) -> None:
                extra = r.headers.get("cache-control", "-")
                print(
                    f"{engine:10} {what:42} {r.status_code}  cache-control: {extra}  "
                    f"{r.text[:110]!r}",
                    flush=True,
                )

            show(
                "NUL in a title",
                c.post("/v1/sources", json={**SOURCE, "title": "A\u0000B"}, headers=auth),
            )
            show(
                "%00 in Change-Reason",
                c.post(
                    "/v1/sources",
                    json={**SOURCE, "id": "p2"},
                    headers={**auth, "Change-Reason": "a%00b"},
                ),
            )
            digits = b'{"reason": "x", "operations": [], "revert": ' + b"9" * 5000 + b"}"
            show(
                "5,000-digit integer",
                c.post(
                    "/v1/change-sets",
                    content=digits,
                    headers={**auth, "Content-Type": "application/json"},
                ),
            )
            etag = c.get("/v1/people/zhang-ming").headers["ETag"]
            cited = [
                {"id": x["id"], "quote": x.get("quote"), "states": x.get("states")}
                for x in c.get("/v1/people/zhang-ming").json()["sources"]
            ]
            # Its citations, and as many copies of the first as a body of 1.9 MB holds.
            extra = min(10_000, 1_900_000 // len(json.dumps(cited[0])))
            copies = cited + [cited[0]] * extra
            show(
                f"{extra:,} copies of one citation",
                c.patch(
                    "/v1/people/zhang-ming",
                    content=json.dumps({"sources": copies}),
                    headers={
                        **auth,
                        "Content-Type": "application/merge-patch+json",
                        "If-Match": etag,
                    },
                ),
            )
            show(
                "UTF-16 body",
                c.post(
                    "/v1/sources",
                    content=json.dumps(SOURCE).encode("utf-16"),
                    headers={**auth, "Content-Type": "application/json"},
                ),
            )
            show("404", c.get("/v1/states/XX"))
            codes: dict[int, int] = {}
            began = time.monotonic()
            for _ in range(2000):
                r = c.post(
                    "/v1/sources", json=SOURCE, headers={"Authorization": "Bearer sco_" + "x" * 43}
                )
                codes[r.status_code] = codes.get(r.status_code, 0) + 1
            took = time.monotonic() - began
            print(
                f"{engine:10} {'2,000 wrong keys':42} {codes} in {took:.1f} s; "
                f"Retry-After {r.headers.get('retry-after')}",
                flush=True,
            )
            valid = c.post("/v1/sources", json={**SOURCE, "id": "p3"}, headers=auth)
            show("then a valid key, same client", valid)
        big = b"GET /v1 HTTP/1.1\r\nHost: x\r\nX-Big: " + b"x" * (64 << 20) + b"\r\n\r\n"
        print(f"{engine:10} {'a 64 MiB header':42} {raw(port, big)}", flush=True)
        long = b"GET /v1/states?q=" + b"x" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
        print(f"{engine:10} {'a 20 KB target':42} {raw(port, long)}", flush=True)
        with socket.create_connection(("127.0.0.1", port)) as idle:
            idle.settimeout(70)
            began = time.monotonic()
            try:
                got = idle.recv(10)
                said = f"closed after {time.monotonic() - began:.0f} s ({got!r})"
            except TimeoutError:
                said = "still open after 70 s"
        print(f"{engine:10} {'a connection that sends nothing':42} {said}", flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args()
    name = f"sco_probe_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        folder = tempfile.mkdtemp(prefix="sco-probe-")
        probe(f"sqlite:///{folder}/probe.db", args.root.resolve())
        probe(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", args.root.resolve())
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
