"""What scripts/compose-demo shows of compose.yaml's deployment, through nginx at BASE:

2. a repeated read served by nginx (the service never sees the second);
3. past the bound, nginx's revalidation reaches the service as a conditional request and is a
   304 there;
4. a client's own If-None-Match answered 304, fresh or revalidated;
5. a write through nginx: its answer's Dataset-Version read at once with `version=`, and no
   client served the old answer for longer than the bound;
6. the longest request target the service accepts, with its longest Link header, answered
   200 through nginx (default buffers, the shipped cache configuration), and the size of
   the header block the service sent for it.

Usage: python scripts/compose_checks.py BASE KEY REPLICA... (KEY: a facts:write API key;
REPLICA: the names of the api containers, whose access logs `podman logs` reads). Each step
prints what it saw and fails loudly when it sees something else.
"""

import json
import re
import subprocess
import sys
import time
from typing import Any

import httpx

from tests.largest_head import LARGEST_HEAD, target


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def check(ok: bool, what: str) -> None:
    if not ok:
        raise SystemExit(f"FAILED: {what}")


class Demo:
    def __init__(self, base: str, key: str, replicas: list[str]) -> None:
        self.client = httpx.Client(base_url=base, timeout=30)
        self.key = key
        self.replicas = replicas

    def get(self, path: str, request_id: str, **headers: str) -> httpx.Response:
        response = self.client.get(path, headers={"X-Request-ID": request_id, **headers})
        print(
            f"  GET {path[:70]}{'…' if len(path) > 70 else ''} [{request_id[:24]}] -> "
            f"{response.status_code}, X-Cache-Status: {response.headers.get('x-cache-status')}, "
            f"Dataset-Version: {response.headers.get('dataset-version')}"
        )
        return response

    def logged(self, request_id: str) -> list[dict[str, Any]]:
        """The replicas' access-log lines of the request `request_id` (nginx passes it on)."""
        time.sleep(0.3)  # the access log is written in batches
        lines = []
        for name in self.replicas:
            out = subprocess.run(
                ["podman", "logs", name], capture_output=True, text=True, check=True
            )
            for line in (out.stdout + out.stderr).splitlines():
                if line.startswith("{") and f'"request_id": "{request_id}"' in line:
                    record = json.loads(line)
                    record["replica"] = name
                    lines.append(record)
        return lines

    def bound(self, response: httpx.Response) -> int:
        found = re.search(r"s-maxage=(\d+)", response.headers["cache-control"])
        check(found is not None, "an unversioned answer names its s-maxage")
        assert found is not None
        return int(found.group(1))

    # --- The steps ------------------------------------------------------------------------

    def repeated_read(self, path: str) -> httpx.Response:
        step("2. A repeated read is served by nginx")
        first = self.get(path, "demo-read-1")
        second = self.get(path, "demo-read-2")
        check(first.status_code == second.status_code == 200, "both reads are 200")
        check(first.headers["x-cache-status"] == "MISS", "the first read goes to the service")
        check(second.headers["x-cache-status"] == "HIT", "the second is nginx's")
        check(second.content == first.content, "the same answer")
        seen = [len(self.logged(i)) for i in ("demo-read-1", "demo-read-2")]
        print(f"  the service logged the first {seen[0]} time(s), the second {seen[1]} times")
        check(seen == [1, 0], "only the first read reached the service")
        print(f"  Cache-Control: {first.headers['cache-control']}")
        return first

    def revalidation(self, path: str, first: httpx.Response) -> None:
        bound = self.bound(first)
        step(f"3. Past the bound ({bound} s) nginx revalidates: a 304 at the service")
        time.sleep(bound + 1.1)  # nginx counts whole seconds
        again = self.get(path, "demo-revalidate")
        check(again.status_code == 200, "the client gets the whole answer")
        check(again.headers["x-cache-status"] == "REVALIDATED", "nginx revalidated its copy")
        check(again.content == first.content, "the same answer")
        lines = self.logged("demo-revalidate")
        for line in lines:
            print(
                f"  service ({line['replica']}): {line['method']} {line['path']} -> "
                f"{line['status']}, {line['bytes']} bytes, {line['duration_ms']} ms"
            )
        check([line["status"] for line in lines] == [304], "the service answered it 304")

    def client_revalidation(self, path: str, first: httpx.Response) -> None:
        step("4. A client's own If-None-Match is answered 304")
        etag = first.headers["etag"]
        fresh = self.get(path, "demo-inm-fresh", **{"If-None-Match": etag})
        check(fresh.status_code == 304, "304 from nginx's fresh copy")
        check(fresh.headers.get("etag") == etag, "the 304 carries the ETag")
        check(not self.logged("demo-inm-fresh"), "answered by nginx alone")
        bound = self.bound(first)
        time.sleep(bound + 1.1)  # nginx counts whole seconds
        stale = self.get(path, "demo-inm-expired", **{"If-None-Match": etag})
        check(stale.status_code == 304, "304 once nginx revalidated its expired copy")
        statuses = [line["status"] for line in self.logged("demo-inm-expired")]
        print(f"  the service answered nginx's conditional request: {statuses}")
        check(statuses == [304], "the service said 304")
        other = self.get(path, "demo-inm-other", **{"If-None-Match": '"another"'})
        check(other.status_code == 200, "a validator that does not match gets the answer")

    def write(self, path: str) -> None:
        step("5. A write through nginx; nobody served the old answer past the bound")
        plain = {"Accept-Encoding": "identity"}  # the ETag of the identity body, for If-Match
        before = self.get(path, "demo-before-1", **plain)
        self.get(path, "demo-before-2", **plain)  # nginx's copy, about to be old
        bound = self.bound(before)
        old_version = before.headers["dataset-version"]
        note = f"Demonstration write at {time.time():.3f} (scripts/compose-demo)."
        written = self.client.patch(
            path,
            content=json.dumps({"note": note}),
            headers={
                "Authorization": f"Bearer {self.key}",
                "If-Match": before.headers["etag"],
                "Content-Type": "application/merge-patch+json",
                "Change-Reason": "scripts/compose-demo",
                "X-Request-ID": "demo-write",
            },
        )
        at = time.monotonic()
        version = written.headers.get("dataset-version")
        print(
            f"  PATCH {path} -> {written.status_code}, Dataset-Version: {version} "
            f"(was {old_version}), X-Cache-Status: {written.headers.get('x-cache-status')}"
        )
        check(written.status_code == 200, f"the write succeeded: {written.text[:300]}")
        check(version == str(int(old_version) + 1), "its answer names the new version")
        pinned = self.get(f"{path}?version={version}", "demo-pinned")
        check(pinned.status_code == 200, "the new version is readable at once")
        check(pinned.json()["note"] == note, "and holds the write")
        print(f"  version={version}: Cache-Control {pinned.headers['cache-control']}")
        # Read it unversioned, as any client would, until well past the bound.
        old_last = new_first = None
        seen = []
        while (elapsed := time.monotonic() - at) < bound + 3:  # nginx: at most bound + 1
            response = self.client.get(path, headers=plain)  # the variant nginx holds
            is_new = response.json()["note"] == note
            seen.append((round(elapsed, 2), is_new, response.headers.get("x-cache-status")))
            if is_new and new_first is None:
                new_first = elapsed
            if not is_new:
                old_last = elapsed
            time.sleep(0.1)
        olds = sum(1 for _, new, _ in seen if not new)
        print(
            f"  {len(seen)} reads over {bound + 3} s: {olds} old answer(s), the last at "
            f"+{old_last or 0:.2f} s; new from +{new_first or 0:.2f} s (the bound: {bound} s)"
        )
        print(
            f"  reads (seconds after the write's answer, new?, X-Cache-Status): {seen[:2]} "
            f"… {[entry for entry in seen if entry[1]][:2]} …"
        )
        check(new_first is not None, "the new answer was served")
        check(
            old_last is None or old_last <= bound + 1,
            "no old answer past the bound (nginx counts whole seconds: up to 1 s more)",
        )
        check(
            all(new for t, new, _ in seen if new_first is not None and t >= new_first),
            "never the old answer after the new one",
        )

    def longest_target(self) -> None:
        step("6. The longest target the service accepts, through nginx with default buffers")
        refused = self.client.get(target(2000))
        check(refused.status_code == 414, "a target past the limit is 414")
        limit_found = re.search(r"(\d+) characters", refused.json()["detail"])
        check(limit_found is not None, "the 414 names the limit")
        assert limit_found is not None
        limit = int(limit_found.group(1))
        longest = target(limit)
        check(len(longest) == limit, "a target of exactly the limit")
        for attempt in ("MISS", "HIT"):
            response = self.client.get(longest, headers=LARGEST_HEAD)
            links = response.headers.get("link", "")
            print(
                f"  GET <{len(longest)} characters> -> {response.status_code}, "
                f"X-Cache-Status: {response.headers.get('x-cache-status')}, Link: "
                f"{len(links)} characters, {len(links.split(', ')) if links else 0} targets"
            )
            check(response.status_code == 200, "answered 200 through nginx")
            check(response.headers.get("x-cache-status") == attempt, f"a cache {attempt}")
        over = self.client.get(target(limit + 1), headers=LARGEST_HEAD)
        print(f"  GET <{len(longest) + 1} characters> -> {over.status_code}")
        check(over.status_code == 414, "one character more is refused by the service")
        head = self._head_at_replica(longest)
        print(
            f"  the header block the service sends for it: {head} bytes "
            f"(nginx buffers 4,096 with its cache record of {336 + 7 + 11 + len(longest)})"
        )

    def _head_at_replica(self, path: str) -> int:
        """The size of the header block a replica sends for `path` (asked inside it)."""
        lines = [f"GET {path} HTTP/1.1", "Host: api:8000"]
        lines += [f"{name}: {value}" for name, value in LARGEST_HEAD.items()]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode().hex()
        out = subprocess.run(
            ["podman", "exec", self.replicas[0], "python3", "-c", HEAD_SIZE, request],
            capture_output=True,
            text=True,
            check=True,
        )
        return int(out.stdout.strip())


# Run inside a replica: send the request given in hex, print the size of the answer's head.
HEAD_SIZE = """
import socket, sys
s = socket.create_connection(("127.0.0.1", 8000))
s.sendall(bytes.fromhex(sys.argv[1]))
data = b""
while b"\\r\\n\\r\\n" not in data:
    data += s.recv(65536)
print(data.index(b"\\r\\n\\r\\n") + 4)
"""


def main() -> None:
    base, key, *replicas = sys.argv[1:]
    demo = Demo(base, key, replicas)
    path = "/v1/member-states?as_of=2022-03-17"
    first = demo.repeated_read(path)
    demo.revalidation(path, first)
    demo.client_revalidation(path, first)
    demo.write("/v1/summits/2022-samarkand")
    demo.longest_target()
    step("The replicas shared the work")
    for name in replicas:
        out = subprocess.run(["podman", "logs", name], capture_output=True, text=True, check=True)
        count = sum(1 for line in (out.stdout + out.stderr).splitlines() if '"route": ' in line)
        print(f"  {name}: {count} requests answered")
    print("\nall shown: compose.yaml's deployment works as the README says")


if __name__ == "__main__":
    main()
