"""The front: cached answers sent before any other layer sees the request.

A GET or HEAD whose answer is in the read cache (app.http.read_cache), under a dataset
version the store holds as confirmed (app.storage.store.Store.confirmed: no database read),
is answered here, as the whole stack would answer it: the same headers (CORS's, the request
id), the access-log line and the metrics. So is a request for a day (`as_of`) in a stretch
between turning points whose template the cache holds (app.http.days). Everything else, a
miss above all, goes on through the stack (app.main), which fills the cache.

Two ways in: as the application's outermost ASGI callable (`__call__`), and, on the
service's own server, from the protocol itself (app.http.server.EdgeProtocol), which asks
`answer_now` for the whole answer as buffers to write as soon as a request's head is read:
no task, no ASGI messages, and header lines encoded once per cached answer rather than
checked and joined again on every request. With the twenty-odd headers an answer carries,
those are most of what a hit would otherwise cost.
"""

import random
import re
import time
from datetime import date

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.dates import today
from app.domain.dataset import Stamp
from app.http.access import AccessLog, Tally
from app.http.answers import (
    COMPRESS_OVER,
    VARY,
    Answer,
    Answers,
    Variant,
    encode,
    kept_under,
    not_modified,
)
from app.http.days import PLACE, DayTemplate, day_in, stretch
from app.http.negotiation import coding
from app.http.read_cache import UNVERSIONED, is_cached_path
from app.storage.store import Store

_REQUEST_ID = re.compile(rb"^[A-Za-z0-9._:-]{1,128}$")  # app.main.valid_id, in bytes
_NO_ORIGIN = Headers(raw=[])
Lines = list[tuple[bytes, bytes]]
_ACCEPT, _LANGUAGE = VARY  # the request headers a cached answer may vary by, looked up
_OK, _NOT_MODIFIED = b"HTTP/1.1 200 OK\r\n", b"HTTP/1.1 304 Not Modified\r\n"


class Hit:
    """A request the cache answers: what it sends, and when it began (for the log)."""

    __slots__ = ("answer", "began", "day", "fresh", "request_id", "template", "variant")

    def __init__(
        self,
        answer: Answer | None,
        variant: Variant | None,
        fresh: bool,
        request_id: bytes,
        began: float,
        day: bytes = b"",
        template: DayTemplate | None = None,
    ) -> None:
        self.answer = answer  # a cached answer, or (for a day) None and:
        self.variant = variant
        self.fresh = fresh  # False: the client holds it already (304)
        self.request_id = request_id
        self.began = began
        self.day = day  # the day asked, answered from the template of its stretch
        self.template = template

    @property
    def status(self) -> int:
        return 200 if self.fresh else 304

    @property
    def route(self) -> str:
        return self.answer.route if self.answer is not None else self.template.route  # type: ignore[union-attr]


class Front:
    """The outermost callable of the application: hits here, the rest through `app`."""

    def __init__(
        self,
        app: ASGIApp,
        answers: Answers,
        cors: CORSMiddleware,
        access: AccessLog,
        tally: Tally,
    ) -> None:
        self.app = app
        self.answers = answers
        self.store: Store | None = None  # the application's, while it runs (app.main)
        self.cors = cors
        self.access = access
        self.tally = tally
        self._day = today()
        self._day_ends = 0.0  # time.time() at which _day is over (read again then)

    # --- Finding a hit ------------------------------------------------------------------

    def find(
        self, method: str, path: str, query: bytes, headers: dict[bytes, bytes], began: float
    ) -> Hit | None:
        """The cached answer to this request, or None to let the stack answer it. `headers`
        holds each request header once (a request that sends one twice goes to the stack,
        which reads it as it always has)."""
        if method not in ("GET", "HEAD") or not is_cached_path(path):
            return None
        given_id = headers.get(b"x-request-id")
        if given_id is not None and not _REQUEST_ID.match(given_id):
            return None  # replaced by a fresh id, and that is logged: the stack does it
        version: Stamp | None = None
        if path not in UNVERSIONED:
            store = self.store
            version = store.confirmed() if store is not None else None
            if version is None:
                return None
        varying = (headers.get(_ACCEPT, b""), headers.get(_LANGUAGE, b""))
        day = self._today()
        answer = self.answers.get((kept_under(version, query), day, path, query, varying))
        if answer is None:
            if version is None:
                return None
            return self._day_hit(version, day, path, query, varying, headers, given_id, began)
        variant = answer.variants.get(_coding(headers.get(b"accept-encoding"), len(answer.body)))
        if variant is None:
            return None  # a coding not made yet: the stack compresses it and keeps it
        match, since = headers.get(b"if-none-match"), headers.get(b"if-modified-since")
        fresh = (match is None and since is None) or not not_modified(match, since, answer)
        request_id = given_id or b"%032x" % random.getrandbits(128)
        return Hit(answer, variant, fresh, request_id, began)

    def _day_hit(
        self,
        version: Stamp,
        day: date,
        path: str,
        query: bytes,
        varying: tuple[bytes, bytes],
        headers: dict[bytes, bytes],
        given_id: bytes | None,
        began: float,
    ) -> Hit | None:
        """A request for a day answered from the template of its stretch, if the cache
        holds one (app.http.days): plain requests only (no validators, no compression)."""
        if b"if-none-match" in headers or b"if-modified-since" in headers:
            return None
        found = day_in(query, day)
        store = self.store
        if found is None or store is None:
            return None
        points = store.turning_points(version)
        if points is None:
            return None
        asked, marked = found
        where = ("day", version, day, path, marked, varying, stretch(points, asked))
        template = self.answers.get(where)
        if not isinstance(template, DayTemplate):
            return None
        if _coding(headers.get(b"accept-encoding"), template.length) is not None:
            return None  # compressed: the stack compresses it
        request_id = given_id or b"%032x" % random.getrandbits(128)
        return Hit(None, None, True, request_id, began, asked, template)

    def _today(self) -> date:
        now = time.time()
        if now >= self._day_ends:
            self._day = today()
            self._day_ends = (now // 86400 + 1) * 86400  # the next midnight, UTC
        return self._day

    def noted(self, hit: Hit, method: str, path: str, query: bytes, sent: int) -> None:
        """The hit's metrics and access-log line."""
        status, route = hit.status, hit.route
        self.tally.count(method, route, status, time.perf_counter() - hit.began, hit=True)
        if hit.answer is None:  # a day's: a path of its own each time
            middle = self.access.middle(method, route, path, query, status)
        else:
            notes = hit.answer.notes
            kept = notes.get((method, status))
            if kept is None:
                kept = notes[(method, status)] = self.access.middle(
                    method, route, path, query, status
                )
            middle = kept
        self.access.write_middle(hit.request_id, middle, hit.began, sent)

    # --- From the server's protocol -----------------------------------------------------

    def answer_now(
        self,
        method: str,
        path: str,
        query: bytes,
        raw: Lines,
        date_lines: bytes,
        keep_alive: bool,
    ) -> tuple[bytes, bytes, bytes] | None:
        """The whole answer to a request without Origin, as the buffers to write: status
        line, `date_lines` from the server and the request id; the other header lines; the
        body. None when the cache does not answer it (nothing is noted then)."""
        began = time.perf_counter()
        headers = dict(raw)
        if len(headers) != len(raw) or b"origin" in headers:
            return None  # CORS's headers depend on the request: the ASGI way works them out
        hit = self.find(method, path, query, headers, began)
        if hit is None:
            return None
        _, lines, body = self._known(hit)
        if lines is None:
            return None  # a header the server would refuse as it stands: uvicorn says so
        if method == "HEAD":
            body = b""
        first = b"".join(
            (
                _OK if hit.fresh else _NOT_MODIFIED,
                date_lines,
                b"x-request-id: ",
                hit.request_id,
                b"\r\n" if keep_alive else b"\r\nconnection: close\r\n",
            )
        )
        self.noted(hit, method, path, query, len(body))
        return first, lines, body

    # --- As ASGI ------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not await self._answered(scope, send):
            await self.app(scope, receive, send)

    async def _answered(self, scope: Scope, send: Send) -> bool:
        began = time.perf_counter()
        raw = scope["headers"]
        headers = dict(raw)
        if len(headers) != len(raw):
            return False
        method, path, query = scope["method"], scope["path"], scope["query_string"]
        hit = self.find(method, path, query, headers, began)
        if hit is None:
            return False
        if b"origin" in headers:
            if hit.answer is None:
                return False  # a day's, with CORS worked out for it: the stack's way
            sent = await self._cors(self._headers(hit), Headers(scope=scope))
            body = hit.variant.body if hit.fresh else b""  # type: ignore[union-attr]
        else:
            sent, _, body = self._known(hit)
        if method == "HEAD":
            body = b""
        await send(
            {
                "type": "http.response.start",
                "status": hit.status,
                "headers": [*sent, (b"x-request-id", hit.request_id)],
            }
        )
        await send({"type": "http.response.body", "body": body})
        self.noted(hit, method, path, query, len(body))
        return True

    # --- Headers ------------------------------------------------------------------------

    @staticmethod
    def _headers(hit: Hit) -> Lines:
        variant = hit.variant
        assert variant is not None
        return variant.headers if hit.fresh else variant.not_modified

    def _known(self, hit: Hit) -> tuple[Lines, bytes | None, bytes]:
        """The headers the stack sends for this hit to a request without Origin (CORS adds
        the same to each: worked out once per variant or template, by CORS itself), their
        lines (the empty line that ends the head with them), and the body."""
        template = hit.template
        if template is not None:
            if template.sent is None:
                marked = [(n, PLACE.join(p)) for n, p in template.headers]
                template.sent = [(n, v.split(PLACE)) for n, v in self._run_cors(marked)]
            body = template.body_for(hit.day)
            headers = template.headers_for(template.sent, hit.day, body)
            lines = encode(headers)
            return headers, None if lines is None else lines + b"\r\n", body
        variant = hit.variant
        assert variant is not None
        kind = "200" if hit.fresh else "304"
        known = variant.sent.get(kind)
        if known is None:
            headers = self._run_cors(self._headers(hit))
            lines = encode(headers)
            # The lines end the head: the empty line that ends it goes with them.
            known = variant.sent[kind] = (headers, None if lines is None else lines + b"\r\n")
        return known[0], known[1], variant.body if hit.fresh else b""

    def _run_cors(self, headers: Lines) -> Lines:
        """`headers` as CORS sends them to a request without Origin, worked out without an
        event loop (CORS's `send`, to a list, never waits)."""
        coroutine = self._cors(headers, _NO_ORIGIN)
        try:
            coroutine.send(None)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        raise AssertionError("CORS waited")

    async def _cors(self, headers: Lines, request: Headers) -> Lines:
        """`headers` as Starlette's CORS middleware sends them for this request."""
        sent: list[Message] = []

        async def keep(message: Message) -> None:
            sent.append(message)

        start = {"type": "http.response.start", "status": 200, "headers": [*headers]}
        await self.cors.send(start, keep, request)
        return list(sent[0]["headers"])


def _coding(accept_encoding: bytes | None, length: int) -> bytes | None:
    """The coding a body of `length` bytes is sent in (None: identity)."""
    if accept_encoding is None or length <= COMPRESS_OVER:
        return None
    wanted = coding(accept_encoding.decode("latin-1"))
    return wanted.encode() if wanted else None
