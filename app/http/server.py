"""The server's edges: uvicorn's httptools protocol with bounds on what a client may send
before the application sees a request (`sco-api serve` runs it, in every worker).

* A request header block (request line and headers) over SCO_MAX_HEADER_BYTES is refused
  with 431 as soon as it passes the limit, ended or not: the parser is never fed more of a
  head than the limit, so an endless header costs a worker no more than that.
* A request target (path and query) over SCO_MAX_TARGET characters is refused with 414
  before any work is done (app.core.settings says why the limit is where it is).
* A connection that sends nothing, or does not finish a request head, within
  SCO_IDLE_TIMEOUT seconds is closed. Between requests uvicorn's keep-alive timeout holds.

A refusal is a complete answer, problem details in the service's own shape, after which the
connection is closed; one warning names the client and the limit (never what was sent).
"""

import asyncio
import logging
import re

import httptools
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from app.core.errors import PROBLEM_JSON, PROBLEM_TYPES, Problem, problem_type
from app.core.settings import get_settings
from app.http.front import Front
from app.http.middleware import API_CSP, SECURITY_HEADERS

log = logging.getLogger("app")

HEAD_END = b"\r\n\r\n"  # the empty line ending a head (the parser takes no bare LF)
# A Host header worth building a URI on: a name or address, and a port.
_HOST = re.compile(rb"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")
# Seconds a refused connection stays half-open, what the client still sends dropped unread:
# closed with data unread, it would be reset, and a reset can destroy the answer in transit
# before the client reads it (a client still sending an endless header would never see it).
LINGER = 5.0


_VERSIONS = ("1.1", "1.0")
_BODY_HEADERS = (b"content-length", b"transfer-encoding")
# The Date line(s) of the list of default headers uvicorn last made, kept with that list.
_DEFAULT_LINES: list[object] = [None, b""]


class _Refused(Exception):
    """Raised in a parser callback to stop the parser: the request is refused."""


class EdgeProtocol(HttpToolsProtocol):
    """HttpToolsProtocol that bounds request heads, request targets and idle connections.

    Head bytes are counted in `data_received`, before the parser sees them: while a head is
    incomplete, the parser is fed at most what is left of the allowance, and each piece
    ends where the head does (at its empty line), so that a request pipelined behind it
    starts a count of its own. Bodies are fed in pieces of at most the limit too: a head
    that begins within such a piece (a request pipelined right behind a body) is counted
    from the next piece on, so it may pass the limit by at most one piece before it is
    refused, and never holds more than twice the limit.
    """

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, object],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        settings = get_settings()
        self.max_head = settings.max_header_bytes
        self.max_target = settings.max_target
        self.idle_timeout = settings.idle_timeout
        self.public_url = settings.public_url
        self.metrics_port = settings.metrics_port
        self.in_head = True  # awaiting or reading a request head (not a body)
        self.head_bytes = 0  # bytes of the incomplete head fed to the parser so far
        self.head_tail = b""  # its last 3 bytes: its empty line may span two reads
        # The idle bound: when the head being awaited or read began (None: none is), and
        # the timer that checks it. One timer per connection, not per request (arming one
        # costs more than parsing a request): it is left to run when a head is complete,
        # and armed again, for the time left, by the next head.
        # While a body is read, `head_since` is when its last bytes came instead: a body that
        # stalls for SCO_IDLE_TIMEOUT (a client that sends one byte of it and no more) is
        # closed too.
        self.head_since: float | None = None
        self.head_timer: asyncio.TimerHandle | None = None
        self.trailer_bytes = 0  # of the trailers of a chunked body: bounded as a head is
        self.refusal: tuple[str, str] | None = None  # (problem type, detail) from a callback
        self.refused: bytes | None = None  # the answer, once refused: nothing more is read
        # The application's front (app.http.front), which answers cached reads here.
        self.front: Front | None = getattr(getattr(self.app, "state", None), "front", None)
        self.answered = False  # the request being read was answered by the front
        # The keep-alive wait: since when the connection is idle after an answer (None: it
        # is not), and the one timer that checks it.
        self.kept_since: float | None = None
        self.keep_timer: asyncio.TimerHandle | None = None

    # --- Connection events ---------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if self.server is not None and self.server[1] == self.metrics_port:
            self.front = None  # the metrics port answers /metrics only (app.http.ports)
        self._head_begins()  # a connection that never sends a request is closed too

    def connection_lost(self, exc: Exception | None) -> None:
        for timer in (self.head_timer, self.keep_timer):
            if timer is not None:
                timer.cancel()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if (
            self.in_head
            and not self.head_bytes
            and self.refused is None
            and len(data) <= self.max_head
            and data.endswith(HEAD_END)
        ):
            # The usual read: whole heads (a GET, or a few pipelined), within the limit
            # together, so none of them can pass it: fed at once, uncounted.
            self._unset_keepalive_if_required()
            self._head_begins()
            self._feed(data)
            return
        if self.refused is not None:
            return  # lingering after a refusal: dropped unread
        self._unset_keepalive_if_required()
        if self.in_head:
            self._head_begins()  # even bytes the parser skips (empty lines) count
        else:
            self.head_since = self.loop.time()  # the body goes on
        start = 0
        while start < len(data) and not self.transport.is_closing():
            stop = min(len(data), start + self.max_head - self.head_bytes)
            end = self._head_end(data, start, stop) if self.in_head else -1
            end = stop if end == -1 else end
            if self.in_head:
                self.head_bytes += end - start  # reset when the head is complete
            whole = start == 0 and end == len(data)  # the usual read: one whole request
            if not self._feed(data if whole else memoryview(data)[start:end]):
                return
            if self.in_head and self.head_bytes:  # the head goes on after this piece
                if self.head_bytes >= self.max_head:
                    # Past the limit: refuse it before reading any more of it.
                    self._refuse(
                        "request-header-fields-too-large",
                        "The request's header block (request line and headers) is longer "
                        f"than {self.max_head} bytes, the limit of this service.",
                    )
                    return
                self.head_tail = (self.head_tail + data[max(start, end - 3) : end])[-3:]
            start = end

    def _head_end(self, data: bytes, start: int, stop: int) -> int:
        """The offset just past the head's empty line in data[start:stop], or -1. The line
        may have begun in the bytes fed before (`head_tail`)."""
        if self.head_tail:
            joined = self.head_tail + data[start : min(stop, start + 3)]
            at = joined.find(HEAD_END)
            if at != -1:
                return start + at + len(HEAD_END) - len(self.head_tail)
        at = data.find(HEAD_END, start, stop)
        return -1 if at == -1 else at + len(HEAD_END)

    def _feed(self, piece: bytes | memoryview) -> bool:
        """Feed the parser; False when nothing more may be fed (the request was refused, or
        could not be parsed: answered as uvicorn answers it)."""
        try:
            self.parser.feed_data(piece)
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return False
        except httptools.HttpParserError:
            if self.refusal is not None:
                self._refuse(*self.refusal)
            else:
                msg = "Invalid HTTP request received."
                self.logger.warning(msg)
                self.send_400_response(msg)
            return False
        return True

    # --- Parser callbacks ----------------------------------------------------------------

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.trailer_bytes = 0
        self._head_begins()  # also a head that begins right behind a body

    def on_url(self, url: bytes) -> None:
        # The target comes in fragments, one per piece fed: refuse as soon as they pass.
        if len(self.url) + len(url) > self.max_target:
            self.refusal = (
                "uri-too-long",
                f"The request target (path and query) is longer than {self.max_target} "
                "characters, the limit of this service.",
            )
            raise _Refused
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        if self.in_head:
            super().on_header(name, value)
            return
        # A trailer of a chunked body (the parser reports them as headers): never kept (the
        # service reads none), counted against the head's limit, the connection closed past
        # it, so that endless trailers cost nothing either.
        self.trailer_bytes += len(name) + len(value)
        if self.trailer_bytes > self.max_head and not self.transport.is_closing():
            log.warning(
                "closed the connection from %s: its trailers passed %d bytes "
                "(SCO_MAX_HEADER_BYTES)",
                self._client(),
                self.max_head,
            )
            self.transport.close()

    def on_headers_complete(self) -> None:
        self.in_head, self.head_bytes, self.head_tail = False, 0, b""
        self.head_since = self.loop.time()  # a body may follow: it must not stall
        if not self._answered_now():
            super().on_headers_complete()

    def on_message_complete(self) -> None:
        self.in_head, self.head_since = True, None
        if self.answered:
            self.answered = False
            self.on_response_complete()  # the next pipelined request, or the keep-alive wait
            return
        super().on_message_complete()

    def on_response_complete(self) -> None:
        # uvicorn's, but for the keep-alive wait: see _check_keep_alive.
        self.server_state.total_requests += 1
        if self.transport.is_closing():
            return
        self.flow.resume_reading()
        if self.pipeline:
            cycle, app = self.pipeline.pop()
            self._start_asgi_task(cycle, app)
        else:
            self.kept_since = self.loop.time()
            if self.keep_timer is None:
                self.keep_timer = self.loop.call_later(
                    self.timeout_keep_alive, self._check_keep_alive
                )
        if self.refused is not None and not self._answering():
            self._send_refusal()  # its turn, after the requests pipelined before it

    # --- Keep-alive ----------------------------------------------------------------------

    def _unset_keepalive_if_required(self) -> None:
        self.kept_since = None  # a request came: the connection is not idle

    def _check_keep_alive(self) -> None:
        """uvicorn's keep-alive bound (a connection idle for timeout_keep_alive seconds
        after an answer is closed), timed by one timer per connection, armed again for the
        time left when it fires early, rather than one timer made and cancelled per request
        (which costs more than a cached answer's own work)."""
        self.keep_timer = None
        if self.kept_since is None or self.transport.is_closing():
            return
        left = self.kept_since + self.timeout_keep_alive - self.loop.time()
        if left > 0:
            self.keep_timer = self.loop.call_later(left, self._check_keep_alive)
        else:
            self.timeout_keep_alive_handler()

    # --- Cached answers ------------------------------------------------------------------

    def _answered_now(self) -> bool:
        """Answer the request from the cache (app.http.front) here and now, when nothing is
        before it on the connection and it has no body: True when answered."""
        front = self.front
        if (
            front is None
            or (self.cycle is not None and not self.cycle.response_complete)
            or self.pipeline
            or self.flow.write_paused
            or self.expect_100_continue
            or self.parser.should_upgrade()
        ):
            return False
        method = self.parser.get_method()
        if method not in (b"GET", b"HEAD") or self.parser.get_http_version() not in _VERSIONS:
            return False
        for name, _ in self.headers:
            if name in _BODY_HEADERS:
                return False  # a GET with a body: uvicorn reads it (and the app ignores it)
        parsed = httptools.parse_url(self.url)
        path = parsed.path.decode("ascii")
        if "%" in path or self.root_path:
            return False  # uvicorn's own scope makes these right
        keep_alive = self.parser.should_keep_alive()
        answer = front.answer_now(
            method.decode("ascii"),
            path,
            parsed.query or b"",
            self.headers,
            self._date_lines(),
            keep_alive,
        )
        if answer is None:
            return False
        self.transport.writelines(answer)  # one system call, the body not copied
        if not keep_alive:
            self.transport.close()
        self.answered = True
        return True

    def _date_lines(self) -> bytes:
        """The server's own headers (Date), as lines: encoded once per list uvicorn makes
        (once a second)."""
        default = self.server_state.default_headers
        if _DEFAULT_LINES[0] is not default:
            lines = b"".join(name + b": " + value + b"\r\n" for name, value in default)
            _DEFAULT_LINES[:] = [default, lines]
        return _DEFAULT_LINES[1]  # type: ignore[return-value]

    # --- The idle bound ------------------------------------------------------------------

    def _head_begins(self) -> None:
        """A head is awaited, or its first bytes came: it has SCO_IDLE_TIMEOUT to be complete."""
        if self.head_since is None:
            self.head_since = self.loop.time()
        if self.head_timer is None:
            self.head_timer = self.loop.call_later(self.idle_timeout, self._check_head)

    def _check_head(self) -> None:
        """Close the connection if its head is overdue, or its body has stalled; wait for
        the time left if it is not (it began after the timer was armed), or while the server
        itself holds the client back (reading paused, earlier requests still answered); let
        the timer go if neither a head nor a body is under way."""
        self.head_timer = None
        if self.head_since is None or self.transport.is_closing():
            return
        left = self.head_since + self.idle_timeout - self.loop.time()
        if left <= 0 and (self.flow.read_paused or self._answering()):
            self.head_since, left = self.loop.time(), self.idle_timeout
        if left > 0:
            self.head_timer = self.loop.call_later(left, self._check_head)
            return
        if not self.in_head or self.head_bytes:  # a silent client between requests is routine
            log.warning(
                "closed the connection from %s: its request %s within %g s (SCO_IDLE_TIMEOUT)",
                self._client(),
                "head was not complete" if self.in_head else "body sent nothing more",
                self.idle_timeout,
            )
        self.transport.close()

    # --- Refusals ------------------------------------------------------------------------

    def _refuse(self, name: str, detail: str) -> None:
        """Refuse the request being read with problem `name`: nothing more is read, and the
        answer goes once the requests before it on the connection are answered."""
        self.head_since = None  # no longer awaited: the connection lingers, then closes
        kind = PROBLEM_TYPES[name]
        body = Problem(
            type=problem_type(name, self._base_url()),
            title=kind.title,
            status=kind.status,
            detail=detail,
        ).model_dump_json(exclude_none=True)
        headers = [
            *self.server_state.default_headers,  # Date
            (b"content-type", PROBLEM_JSON.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
            (b"connection", b"close"),
            *SECURITY_HEADERS,
            (b"content-security-policy", API_CSP.encode()),
        ]
        head = b"".join(field + b": " + value + b"\r\n" for field, value in headers)
        self.refused = STATUS_LINE[kind.status] + head + b"\r\n" + body.encode()
        log.warning("refused a request from %s with %d: %s", self._client(), kind.status, detail)
        if not self._answering():
            self._send_refusal()

    def _answering(self) -> bool:
        """Whether requests before the one being read are still being answered."""
        return bool(self.pipeline) or (self.cycle is not None and not self.cycle.response_complete)

    def _send_refusal(self) -> None:
        """Write the refusal, close the writing side, and close the connection once the
        client has closed its own or after LINGER seconds, reading nothing meanwhile."""
        if self.refused is None or self.transport.is_closing():
            return  # closed meanwhile (an answer before it said `Connection: close`)
        self.transport.write(self.refused)
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.flow.resume_reading()  # dropped unread: see LINGER
        self.loop.call_later(LINGER, self.transport.close)

    def _base_url(self) -> str:
        """SCO_PUBLIC_URL, or this connection's own: by its Host header if read (and sound),
        else by the server's address."""
        if self.public_url:
            return self.public_url
        host = next((v for n, v in self.headers or [] if n == b"host"), b"")
        if _HOST.fullmatch(host):
            return f"{self.scheme}://{host.decode('ascii')}"
        address, port = self.server or ("localhost", None)
        shown = f"[{address}]" if ":" in address else address
        return f"{self.scheme}://{shown}" + (f":{port}" if port else "")

    def _client(self) -> str:
        return f"{self.client[0]}:{self.client[1]}" if self.client else "an unknown client"
