"""The server's edges (app.http.server), through `sco-api serve` over raw sockets, since
an HTTP client cannot send what is tested: request heads over the limit, heads that never
end, targets over the limit, pipelined requests, and connections that send nothing."""

import contextlib
import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from app.core.settings import Settings
from tests.conftest import engine_independent, running_service
from tests.largest_head import LARGEST_HEAD as HEADERS
from tests.largest_head import target

pytestmark = engine_independent

MAX_HEAD = Settings.model_fields["max_header_bytes"].default
MAX_TARGET = Settings.model_fields["max_target"].default
IDLE_TIMEOUT = Settings.model_fields["idle_timeout"].default
PROXY_BUFFER = 4096  # nginx's default proxy_buffer_size: a whole answer head must fit
# ... beside, when nginx caches the answer, its record of the cache entry: a fixed part (336
# bytes: ngx_http_file_cache_header_t on 64-bit Linux) and a line "\nKEY: <key>\n". The
# key of the shipped configuration (deploy/nginx.conf) is `$scheme$proxy_host$request_uri`,
# with the upstream named `sco_api`. Measured with nginx 1.22 and this configuration: a head
# of 3302 bytes passed with a target of 436 characters, and one of 3306 bytes with 437 did not
# ("upstream sent too big header"): 3302 + 343 + len("http" "sco_api") + 436 = 4092.
NGINX_CACHE_RECORD = 336 + len("\nKEY: ") + len("\n")
NGINX_KEY_PREFIX = len("http") + len("sco_api")


@dataclass(frozen=True)
class Server:
    host: str  # host:port
    pid: int
    log: Path


@dataclass(frozen=True)
class Answer:
    head: bytes  # the status line and headers as sent, the empty line included
    status: int
    headers: dict[str, str]
    body: bytes


class Connection:
    """A raw connection to the server, reading answers framed by Content-Length."""

    def __init__(self, host: str, timeout: float = 10) -> None:
        address, _, port = host.rpartition(":")
        self.sock = socket.create_connection((address, int(port)), timeout=timeout)
        self.received = b""

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _more(self) -> None:
        data = self.sock.recv(65536)
        assert data, f"closed by the server after {self.received[:200]!r}"
        self.received += data

    def answer(self) -> Answer:
        while b"\r\n\r\n" not in self.received:
            self._more()
        end = self.received.index(b"\r\n\r\n") + 4
        head = self.received[:end]
        status_line, *lines = head.decode("latin-1").split("\r\n")[:-2]
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
        size = int(headers["content-length"])
        while len(self.received) < end + size:
            self._more()
        body, self.received = self.received[end : end + size], self.received[end + size :]
        return Answer(head, int(status_line.split()[1]), headers, body)

    def closed_after(self) -> float:
        """Seconds until the server closes the connection (reading and dropping answers)."""
        started = time.monotonic()
        while self.sock.recv(65536):
            pass
        return time.monotonic() - started


def request(host: str, target: str = "/healthz", **headers: str) -> bytes:
    lines = [f"GET {target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def padded(host: str, size: int) -> bytes:
    """A GET request whose header block is exactly `size` bytes (an X-Pad header fills it)."""
    bare = request(host, X_Pad="")
    return request(host, X_Pad="p" * (size - len(bare)))


def ask(host: str, data: bytes) -> Answer:
    with Connection(host) as conn:
        conn.send(data)
        return conn.answer()


def assert_refused(answer: Answer, status: int, name: str, base: str) -> None:
    """A refusal: problem details of type `name`, not kept by caches, the connection closed."""
    assert answer.status == status, answer.head
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["connection"] == "close"
    assert answer.headers["x-content-type-options"] == "nosniff"
    problem = json.loads(answer.body)
    assert problem["type"] == f"{base}/problems/{name}"
    assert problem["status"] == status
    assert problem["title"]
    assert str(problem["detail"]).count(" ") > 3


@pytest.fixture(scope="module")
def server(seeded_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`sco-api serve`, one worker, with the default limits (its log kept)."""
    log = tmp_path_factory.mktemp("edges") / "stderr.txt"
    with running_service(seeded_url, errors=log) as (base, process):
        yield Server(urlsplit(base).netloc, process.pid, log)


# --- The header block: 431 past SCO_MAX_HEADER_BYTES ------------------------------------


def test_a_header_block_over_the_limit_is_refused_and_one_under_it_answered(
    server: Server,
) -> None:
    host = server.host
    assert ask(host, padded(host, 15 * 1024)).status == 200
    refused = ask(host, padded(host, 17 * 1024))
    # The Host header was read before the limit passed: the problem type is built on it.
    assert_refused(refused, 431, "request-header-fields-too-large", f"http://{host}")
    assert str(MAX_HEAD) in json.loads(refused.body)["detail"]


def test_the_header_limit_is_exact(server: Server) -> None:
    host = server.host
    assert ask(host, padded(host, MAX_HEAD)).status == 200
    assert ask(host, padded(host, MAX_HEAD + 1)).status == 431


def test_a_refusal_builds_its_problem_type_on_the_host_asked_for(server: Server) -> None:
    oversized = padded("api.example.org", 17 * 1024)
    refused = ask(server.host, oversized)
    assert json.loads(refused.body)["type"] == (
        "http://api.example.org/problems/request-header-fields-too-large"
    )


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _endless_header(host: str, mib: int) -> Connection:
    """A connection that sent `mib` MiB of one header that never ends (no CRLF)."""
    conn = Connection(host)
    conn.send(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\nX-Endless: ".encode())
    for _ in range(mib):
        conn.send(b"x" * (1 << 20))
    return conn


def test_a_header_that_never_ends_is_refused_at_the_limit(server: Server) -> None:
    """The server reads a head no further than the limit: a client still sending gets its
    answer (the rest is dropped unread while the connection closes)."""
    with _endless_header(server.host, 1) as conn:
        assert_refused(
            conn.answer(), 431, "request-header-fields-too-large", f"http://{server.host}"
        )
        assert conn.closed_after() < 10


@pytest.mark.serial  # measures a worker's memory
def test_endless_headers_held_open_cost_a_worker_no_memory(server: Server) -> None:
    """20 connections, each having sent a 16 MiB header that never ends, held open: before
    the limit, the worker kept them all (375 MiB); now it keeps none."""
    _endless_header(server.host, 1).sock.close()  # warm up
    before = _rss_kib(server.pid)
    held = [_endless_header(server.host, 16) for _ in range(20)]
    try:
        after = _rss_kib(server.pid)
        for conn in held:
            assert conn.answer().status == 431
    finally:
        for conn in held:
            conn.sock.close()
    growth_mib = (after - before) / 1024
    print(f"worker RSS {before / 1024:.1f} -> {after / 1024:.1f} MiB (+{growth_mib:.1f} MiB)")
    assert growth_mib < 4


# --- The request target: 414 past SCO_MAX_TARGET -----------------------------------------

# The request with the largest answer head (tests/largest_head.py), as `request` takes it.
LARGEST_HEAD = {name.replace("-", "_"): value for name, value in HEADERS.items()}


def test_a_target_at_the_limit_gets_an_answer_whose_head_fits_a_caching_proxys_buffer(
    server: Server,
) -> None:
    at_limit = target(MAX_TARGET)
    assert len(at_limit) == MAX_TARGET
    answer = ask(server.host, request(server.host, at_limit, **LARGEST_HEAD))
    assert answer.status == 200, answer.body
    links = answer.headers["link"].split(", ")
    assert len(links) == 4
    assert all(at_limit.partition("&sort=")[2] in link for link in links)
    print(f"target of {MAX_TARGET} characters: an answer head of {len(answer.head)} bytes")
    assert len(answer.head) + NGINX_CACHE_RECORD + NGINX_KEY_PREFIX + MAX_TARGET <= PROXY_BUFFER


def test_a_target_over_the_limit_is_refused_before_any_work(server: Server) -> None:
    over = ask(server.host, request(server.host, target(MAX_TARGET + 1), **LARGEST_HEAD))
    # Refused on the request line, before the Host header: on the server's own address.
    assert_refused(over, 414, "uri-too-long", f"http://{server.host}")
    assert str(MAX_TARGET) in json.loads(over.body)["detail"]
    assert ask(server.host, request(server.host, "/v1/states?q=" + "a" * 20_000)).status == 414


def test_each_refusal_is_logged_naming_the_client_and_the_limit(server: Server) -> None:
    secret = "not-for-the-log"
    ask(server.host, request(server.host, target(MAX_TARGET + 1), X_Secret=secret))
    ask(server.host, request(server.host, X_Secret=secret, X_Pad="p" * (17 * 1024)))
    deadline = time.monotonic() + 5
    while True:
        text = server.log.read_text()
        lines = [line for line in text.splitlines() if "refused a request" in line]
        if len(lines) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert any(f"{MAX_TARGET} characters" in line for line in lines), lines
    assert any(f"{MAX_HEAD} bytes" in line for line in lines), lines
    assert all(" WARNING app " in line and " from 127.0.0.1:" in line for line in lines)
    assert secret not in text
    assert "ppppp" not in text


# --- Pipelining ----------------------------------------------------------------------------


def test_pipelined_requests_are_each_answered_in_order(server: Server) -> None:
    host = server.host
    with Connection(host) as conn:
        conn.send(request(host, "/v1/states/IND") + request(host, "/healthz"))
        first, second = conn.answer(), conn.answer()
    assert (first.status, second.status) == (200, 200)
    assert json.loads(first.body)["iso3"] == "IND"
    assert json.loads(second.body) == {"status": "ok"}


def test_a_pipelined_head_has_a_limit_of_its_own_and_its_refusal_comes_in_turn(
    server: Server,
) -> None:
    """Each head is counted on its own (the one before does not use up its allowance), and
    the refusal of one comes after the answer to the one before."""
    host = server.host
    with Connection(host) as conn:
        conn.send(padded(host, MAX_HEAD) + padded(host, MAX_HEAD) + padded(host, MAX_HEAD + 1))
        answers = [conn.answer().status for _ in range(3)]
        assert answers == [200, 200, 431]
        assert conn.closed_after() < 10


# --- Idle connections: closed after SCO_IDLE_TIMEOUT -------------------------------------


@pytest.fixture(scope="module")
def impatient(seeded_url: str) -> Iterator[str]:
    """`sco-api serve` closing idle connections after 2 s."""
    with running_service(seeded_url, SCO_IDLE_TIMEOUT="2") as (base, _):
        yield urlsplit(base).netloc


@pytest.mark.serial  # timing bounds
def test_a_connection_that_sends_nothing_is_closed(impatient: str) -> None:
    assert 0 < IDLE_TIMEOUT <= 60, "the default bound: a minute at most"
    with Connection(impatient) as conn:
        assert 1.5 < conn.closed_after() < 5


def _dribbled(conn: Connection) -> float:
    """Send a head a line every 0.2 s, never ending it, until the server closes the
    connection: the seconds that took."""
    started = time.monotonic()
    conn.send(b"GET /healthz HTTP/1.1\r\n")
    try:
        while time.monotonic() - started < 10:
            conn.send(b"X-Slow: 1\r\n")
            time.sleep(0.2)
    except OSError:  # closed by the server
        return time.monotonic() - started
    raise AssertionError("still open after 10 s")


@pytest.mark.serial  # timing bounds
def test_a_head_sent_too_slowly_is_closed(impatient: str) -> None:
    """A slowloris: a head sent a line at a time, never complete within the bound."""
    with Connection(impatient) as conn:
        assert 1.5 < _dribbled(conn) < 5
    # A head begun after an answer is bound too (the wait for it is uvicorn's keep-alive).
    with Connection(impatient) as conn:
        conn.send(request(impatient))
        assert conn.answer().status == 200
        assert 1.5 < _dribbled(conn) < 5


@pytest.mark.serial  # timing bounds
def test_a_body_that_stalls_is_closed(impatient: str) -> None:
    """A body promised and never sent whole: answered (401: no key) without being read,
    then one byte of it and no more. The connection does not stay open for ever."""
    with Connection(impatient) as conn:
        conn.send(
            f"POST /v1/sources HTTP/1.1\r\nHost: {impatient}\r\nContent-Type: "
            "application/json\r\nContent-Length: 100\r\n\r\n".encode()
        )
        assert conn.answer().status == 401
        conn.send(b"{")
        assert 1.5 < conn.closed_after() < 5


def test_endless_trailers_are_not_kept(server: Server) -> None:
    """The trailers of a chunked body are headers too: past the head's limit, the
    connection is closed, with nothing more read."""
    with Connection(server.host) as conn:
        conn.send(
            f"POST /v1/sources HTTP/1.1\r\nHost: {server.host}\r\nContent-Type: "
            "application/json\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n".encode()
        )
        conn.send((b"X-Trailer: " + b"t" * 1000 + b"\r\n") * (4 * MAX_HEAD // 1000))
        # The answer read, then the connection closed (reset: with trailers unread); a
        # connection left open would time out instead.
        with contextlib.suppress(ConnectionResetError):
            assert conn.closed_after() < 10
    assert "trailers passed" in server.log.read_text()


@pytest.mark.serial  # timing bounds
def test_a_kept_alive_connection_is_reused_within_uvicorns_wait(impatient: str) -> None:
    with Connection(impatient) as conn:
        conn.send(request(impatient))
        assert conn.answer().status == 200
        time.sleep(3)  # past the idle bound, within uvicorn's keep-alive (5 s)
        conn.send(request(impatient))
        assert conn.answer().status == 200


# The limits in every worker of `sco-api start`, on both engines: tests/test_hostile.py.


# --- Cached answers, sent by the protocol itself (app.http.front) -------------------------


def exchange(host: str, data: bytes, *, head_only: bool = False) -> Answer:
    """One request on a fresh connection; its answer (only its head for HEAD and 304)."""
    with Connection(host) as conn:
        conn.send(data)
        if not head_only:
            return conn.answer()
        while b"\r\n\r\n" not in conn.received:
            conn._more()
        head = conn.received[: conn.received.index(b"\r\n\r\n") + 4]
        status_line, *lines = head.decode("latin-1").split("\r\n")[:-2]
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
        return Answer(head, int(status_line.split()[1]), headers, b"")


_QUERIES = iter(range(1, 101))


@pytest.mark.parametrize(
    ("case", "method", "headers", "version"),
    [
        ("plain", "GET", {}, "1.1"),
        ("head", "HEAD", {}, "1.1"),
        ("brotli", "GET", {"Accept-Encoding": "br"}, "1.1"),
        ("CSV", "GET", {"Accept": "text/csv"}, "1.1"),
        ("request id", "GET", {"X-Request-ID": "trace-1.2:3"}, "1.1"),
        ("origin", "GET", {"Origin": "https://example.org"}, "1.1"),
        ("HTTP/1.0", "GET", {}, "1.0"),
    ],
)
def test_a_cached_answer_is_the_one_the_application_gave(
    server: Server, case: str, method: str, headers: dict[str, str], version: str
) -> None:
    """The first request to a target goes through the application (a miss); the second is
    answered from the cache before it (by the protocol, or the front's ASGI way when CORS
    must read the request): the same status, headers and body, but for Date and a request
    id of its own (or the client's, echoed)."""
    host = server.host
    target = f"/v1/member-states?limit={next(_QUERIES)}"  # a target no test asked before
    lines = [f"{method} {target} HTTP/{version}", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    data = ("\r\n".join(lines) + "\r\n\r\n").encode()
    head_only = method == "HEAD"
    miss, hit = exchange(host, data, head_only=head_only), exchange(host, data, head_only=head_only)
    assert miss.status == hit.status == 200, case
    assert hit.body == miss.body
    varying = {"date", "x-request-id"}
    assert {k: v for k, v in hit.headers.items() if k not in varying} == {
        k: v for k, v in miss.headers.items() if k not in varying
    }, case
    given = headers.get("X-Request-ID")
    assert hit.headers["x-request-id"] == (given or hit.headers["x-request-id"])
    assert given or hit.headers["x-request-id"] != miss.headers["x-request-id"]
    if version == "1.0":
        assert hit.headers["connection"] == "close"
    # A 304 for the tag it was given, with the headers a 304 keeps.
    tag = hit.headers["etag"]
    match = data.replace(b"\r\n\r\n", f"\r\nIf-None-Match: {tag}\r\n\r\n".encode(), 1)
    not_modified = exchange(host, match, head_only=True)
    assert not_modified.status == 304, case
    assert not_modified.headers["etag"] == tag
    assert "content-length" not in not_modified.headers
    assert not_modified.headers["vary"] == hit.headers["vary"]


def test_pipelined_hits_and_misses_are_answered_in_order(server: Server) -> None:
    """A hit behind a miss on one connection waits its turn (answered by the application's
    way then); hits before and after are answered at once, in order."""
    host = server.host
    hit_target = "/v1/states/IND"
    ask(host, request(host, hit_target))  # cached now
    miss_target = f"/v1/member-states?limit={next(_QUERIES)}"
    with Connection(host) as conn:
        conn.send(
            request(host, hit_target) + request(host, miss_target) + request(host, hit_target)
        )
        answers = [conn.answer() for _ in range(3)]
    assert [a.status for a in answers] == [200, 200, 200]
    assert json.loads(answers[0].body)["iso3"] == json.loads(answers[2].body)["iso3"] == "IND"
    assert json.loads(answers[1].body)["limit"] == int(miss_target.rpartition("=")[2])


@pytest.mark.serial  # timing bounds
def test_a_kept_alive_connection_idle_past_uvicorns_wait_is_closed(impatient: str) -> None:
    """After an answer (a cached one too), an idle connection is closed after uvicorn's
    keep-alive wait (5 s): one timer per connection keeps it (app.http.server)."""
    with Connection(impatient) as conn:
        for _ in range(2):
            conn.send(request(impatient, "/v1/states/IND"))
            assert conn.answer().status == 200
        assert 4.5 < conn.closed_after() < 8
