"""Cached answers: an ASGI middleware in front of the whole application.

A GET under /v1 is answered from memory when the same path, query and varying request
headers were answered under the same dataset version on the same day, before FastAPI
routes or validates anything. A miss goes through the application; a 200 answer that is
the same for every client is kept whole — status, content type, the application's headers
and body — so a hit is the answer the application gave, byte for byte. A matching
If-None-Match (or, without one, an If-Modified-Since no older than Last-Modified) gets a 304.

Answers over 1 KB are compressed for clients that accept it (brotli, else gzip), once per
cached answer and coding: the compressed body is kept beside the plain one. Each coding is
its own representation, so its ETag carries a suffix (`"…-br"`); a validator matches
whatever coding it was received in.

The OpenAPI document is cached too, with an ETag, but under no dataset version: it reads
nothing from the database, so the docs keep working while the database is down.

Memory is bounded by everything an entry holds (key, headers and body), so neither large
answers nor many distinct long query strings can grow a worker past its bound.
"""

import gzip
import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from email.utils import parsedate_to_datetime
from functools import lru_cache

import brotli
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HEADER_RE, HEADER_VALUE_RE

from app.core.dates import today
from app.core.errors import AppError
from app.domain.dataset import Stamp
from app.http.access import Tally
from app.http.negotiation import coding
from app.storage.store import Store

# Request headers an answer may vary by; they are part of the key. An answer varying by
# anything else (Authorization above all) is never kept.
VARY = (b"accept", b"accept-language")
Key = tuple[Stamp | None, date, str, bytes, tuple[bytes, ...]]
# What an entry costs beyond its bytes: the key tuple, the Answer, the list of headers.
ENTRY_OVERHEAD = 600
PER_CLIENT = (b"private", b"no-store")  # Cache-Control words of answers never kept
COMPRESS_OVER = 1024  # bytes: smaller answers are sent as they are
UNVERSIONED = {"/openapi.json"}  # cached paths that read nothing from the database
COMPRESSORS = {
    b"br": lambda body: brotli.compress(body, quality=5),
    b"gzip": lambda body: gzip.compress(body, compresslevel=6, mtime=0),
}

# The Cache-Control of an answer that names a version (it never changes) and of the rest.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"


Headers = list[tuple[bytes, bytes]]


@dataclass(frozen=True, slots=True)
class Variant:
    """What an answer sends in one content coding: the headers and body of its 200, and
    the headers of its 304."""

    headers: Headers
    body: bytes
    not_modified: Headers
    # What the front (app.http.front) sends for a 200 or a 304 of this variant to a request
    # without Origin, worked out on its first such hit: the headers and their lines encoded.
    sent: dict[str, tuple[Headers, bytes | None]] = field(default_factory=dict)

    @classmethod
    def of(cls, headers: Headers, body: bytes) -> "Variant":
        return cls(headers, body, [(k, v) for k, v in headers if k in _NOT_MODIFIED_HEADERS])


def encode(headers: Headers) -> bytes | None:
    """Header lines as HTTP/1.1 sends them; None when a name or value is one the server
    would refuse (checked by the server's own patterns)."""
    for name, value in headers:
        if HEADER_RE.search(name) or HEADER_VALUE_RE.search(value):
            return None
    return b"".join(name + b": " + value + b"\r\n" for name, value in headers)


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    etag: bytes | None
    size: int
    last_modified: bytes | None = None
    route: str = ""  # its route template, as the access log and the metrics name it
    # Its access-log lines' middles, by method and status (app.http.access.AccessLog).
    notes: dict[tuple[str, int], str] = field(default_factory=dict)
    # What is sent, per content coding (None: identity), headers complete (Vary,
    # Content-Encoding, the coding's ETag, Content-Length): made once, not on every hit.
    variants: dict[bytes | None, Variant] = field(default_factory=dict)

    def with_coding(self, name: bytes | None) -> "Answer":
        """This answer with what it sends in coding `name` (compressed once) kept too."""
        headers = list(self.headers)
        body = self.body
        if len(body) > COMPRESS_OVER:
            headers = _add_vary(headers, b"Accept-Encoding")
        if name is not None:
            body = COMPRESSORS[name](self.body)
            headers.append((b"content-encoding", name))
            if self.etag is not None:
                tag = self.etag[:-1] + b"-" + name + b'"'
                headers = [(k, tag if k == b"etag" else v) for k, v in headers]
        headers.append((b"content-length", str(len(body)).encode()))
        size = self.size + (len(body) if name is not None else 0)
        variants = {**self.variants, name: Variant.of(headers, body)}
        return replace(self, variants=variants, size=size)


def _header(
    headers: list[tuple[bytes, bytes]] | tuple[tuple[bytes, bytes], ...], name: bytes
) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def plain_tag(tag: bytes) -> bytes:
    """An entity tag without its weakness mark or content-coding suffix."""
    tag = tag.strip().removeprefix(b"W/")
    for name in COMPRESSORS:
        tag = tag.replace(b"-" + name + b'"', b'"')
    return tag


@lru_cache(maxsize=1024)  # clients send the tags they were given: few distinct values
def _names(value: bytes, etag: bytes) -> bool:
    """Whether an If-None-Match value names `etag` (or is `*`)."""
    tags = {plain_tag(t) for t in value.split(b",")}
    return etag in tags or b"*" in tags


def not_modified(value: bytes | None, since: bytes | None, answer: Answer) -> bool:
    """Whether the request's validators say the client holds this answer already: an
    If-None-Match (`value`) naming it (weak comparison, lists and `*` included), or, with no
    If-None-Match (RFC 9110 13.2.2), an If-Modified-Since (`since`) no older than
    Last-Modified."""
    if value is not None:
        return answer.etag is not None and _names(value, answer.etag)
    if since is None or answer.last_modified is None:
        return False
    try:
        return parsedate_to_datetime(since.decode("latin-1")) >= parsedate_to_datetime(
            answer.last_modified.decode("latin-1")
        )
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as RFC 9110 says


def is_cached_path(path: str) -> bool:
    return path == "/v1" or path.startswith("/v1/") or path in UNVERSIONED


def _shared(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether an answer is the same for every client who sends the keyed headers."""
    control = (_header(headers, b"cache-control") or b"").lower()
    if any(word in control for word in PER_CLIENT):
        return False
    vary = (_header(headers, b"vary") or b"").lower()
    names = {v.strip() for v in vary.split(b",") if v.strip()}
    return names <= set(VARY)


class Answers:
    """The cached answers of one worker, bounded by what they hold in all (Answer.size),
    the least recently used going first. An OrderedDict's own `move_to_end` keeps the order:
    a hit's lookup is two calls in C (cachetools' LRUCache makes four in Python, which on
    the front's path (app.http.front) cost more than the rest of the lookup)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[Key, Answer] = OrderedDict()

    def get(self, key: Key) -> Answer | None:
        answer = self._entries.get(key)
        if answer is not None:
            self._entries.move_to_end(key)
        return answer

    def keep(self, key: Key, answer: Answer) -> None:
        """Keep `answer` (unless it alone is over the bound), letting the least recently
        used go until all fit."""
        if answer.size > self.max_bytes:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= old.size
        self._entries[key] = answer
        self.size += answer.size
        while self.size > self.max_bytes:
            _, gone = self._entries.popitem(last=False)
            self.size -= gone.size

    def __len__(self) -> int:
        return len(self._entries)


class ReadCache:
    """Answers from the cache, and fills it (app.http.front answers the hits before any
    other layer: this one sees the requests it passed on)."""

    def __init__(
        self, app: ASGIApp, answers: Answers, route_of: Callable[[Scope], str], tally: Tally
    ) -> None:
        self.app = app
        self.answers = answers
        self.route_of = route_of
        self.tally = tally

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_cached_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        store: Store = scope["app"].state.store
        with store.budget():  # the request's waits on the database share one bound
            await self._answer(store, scope, receive, send)

    async def _answer(self, store: Store, scope: Scope, receive: Receive, send: Send) -> None:
        version: Stamp | None = None
        stamp: bytes | None = None
        if scope["path"] not in UNVERSIONED:
            try:
                version = await store.version()
            except AppError:
                # The application answers: a 404 or 422 as such, anything else the problem
                # (the store does not ask the database again within this request).
                await self.app(scope, receive, send)
                return
            stamp = str(version[1]).encode()
            if scope["method"] != "GET":
                await self.app(scope, receive, _with_version(send, stamp))
                return
        elif scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        key = (version, today(), scope["path"], scope["query_string"], _varying(scope))
        answer = self.answers.get(key)
        self.tally.looked_up(answer is not None)
        if answer is None:
            answer = await self._through_app(scope, receive, send, key, stamp)
            if answer is None:
                return
        wanted = coding((_header(scope["headers"], b"accept-encoding") or b"").decode("latin-1"))
        name = wanted.encode() if wanted and len(answer.body) > COMPRESS_OVER else None
        if name not in answer.variants:
            answer = answer.with_coding(name)
            self._keep(key, answer)
        await self._send(scope, answer, send, name)

    def _keep(self, key: Key, answer: Answer) -> None:
        self.answers.keep(key, answer)

    async def _through_app(
        self, scope: Scope, receive: Receive, send: Send, key: Key, stamp: bytes | None
    ) -> Answer | None:
        """Run the application; keep a shared 200 answer, pass anything else on."""
        messages: list[Message] = []

        async def keep(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, keep)
        start = messages[0] if messages else None
        if start is not None and start["type"] == "http.response.start":
            headers = [(k.lower(), v) for k, v in start.get("headers", [])]
            if stamp is not None and _header(headers, b"dataset-version") is None:
                headers.append((b"dataset-version", stamp))
            if start["status"] == 200 and _shared(headers):
                body = b"".join(m.get("body", b"") for m in messages[1:])
                return _answer(key, headers, body, self.route_of(scope))
            messages[0] = {**start, "headers": headers}
        for message in messages:
            await send(message)
        return None

    @staticmethod
    async def _send(scope: Scope, answer: Answer, send: Send, name: bytes | None) -> None:
        variant = answer.variants[name]
        headers = scope["headers"]
        since = _header(headers, b"if-modified-since")
        # Copies: the layers outside (CORS) add their headers to the list they are sent.
        if not_modified(_header(headers, b"if-none-match"), since, answer):
            kept = [*variant.not_modified]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        headers_sent = [*variant.headers]
        await send(
            {"type": "http.response.start", "status": answer.status, "headers": headers_sent}
        )
        await send({"type": "http.response.body", "body": variant.body})


def _varying(scope: Scope) -> tuple[bytes, ...]:
    return tuple(_header(scope["headers"], name) or b"" for name in VARY)


def _answer(key: Key, headers: list[tuple[bytes, bytes]], body: bytes, route: str) -> Answer:
    """A 200 answer to keep, with an ETag of its body if the application gave none."""
    kept = [(k, v) for k, v in headers if k != b"content-length"]
    etag = _header(kept, b"etag")
    if etag is None:
        etag = b'"' + hashlib.blake2b(body, digest_size=16).hexdigest().encode() + b'"'
        kept.append((b"etag", etag))
    if _header(kept, b"cache-control") is None:
        kept.append((b"cache-control", REVALIDATE.encode()))
    size = (
        len(body)
        + sum(len(k) + len(v) for k, v in kept)
        + len(key[2])
        + len(key[3])
        + sum(len(v) for v in key[4])
        + ENTRY_OVERHEAD
    )
    return Answer(200, tuple(kept), body, etag, size, _header(kept, b"last-modified"), route)


def _add_vary(headers: list[tuple[bytes, bytes]], name: bytes) -> list[tuple[bytes, bytes]]:
    vary = _header(headers, b"vary")
    if vary is None:
        return [*headers, (b"vary", name)]
    if name.lower() in {v.strip().lower() for v in vary.split(b",")}:
        return headers
    return [(k, vary + b", " + name if k == b"vary" else v) for k, v in headers]


# RFC 9110 15.4.5: a 304 carries the headers a 200 would have sent for caching.
_NOT_MODIFIED_HEADERS = {
    b"etag",
    b"cache-control",
    b"vary",
    b"dataset-version",
    b"last-modified",
    b"content-location",
    b"expires",
    b"date",
}


def _with_version(send: Send, stamp: bytes) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if _header(headers, b"dataset-version") is None:
                headers.append((b"dataset-version", stamp))
            message = {**message, "headers": headers}
        await send(message)

    return sending
