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
from dataclasses import dataclass, field, replace
from datetime import date
from email.utils import parsedate_to_datetime

import brotli
from cachetools import LRUCache
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core import metrics
from app.core.dates import today
from app.core.errors import AppError
from app.domain.dataset import Stamp
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
_HIT, _MISS = metrics.CACHE.labels("hit"), metrics.CACHE.labels("miss")
COMPRESSORS = {
    b"br": lambda body: brotli.compress(body, quality=5),
    b"gzip": lambda body: gzip.compress(body, compresslevel=6, mtime=0),
}

# The Cache-Control of an answer that names a version (it never changes) and of the rest.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"


Variant = tuple[list[tuple[bytes, bytes]], bytes]  # the headers to send, and the body


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    etag: bytes | None
    size: int
    last_modified: bytes | None = None
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
        return replace(self, variants={**self.variants, name: (headers, body)}, size=size)


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


def _not_modified(scope: Scope, answer: Answer) -> bool:
    """Whether the request's validators say the client holds this answer already: an
    If-None-Match naming it (weak comparison, lists and `*` included), or, with no
    If-None-Match (RFC 9110 13.2.2), an If-Modified-Since no older than Last-Modified."""
    value = _header(scope["headers"], b"if-none-match")
    if value is not None:
        if answer.etag is None:
            return False
        tags = {plain_tag(t) for t in value.split(b",")}
        return answer.etag in tags or b"*" in tags
    since = _header(scope["headers"], b"if-modified-since")
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


class ReadCache:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.answers: LRUCache[Key, Answer] = LRUCache(
            maxsize=max_bytes, getsizeof=lambda answer: answer.size
        )

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
        varying = tuple(_header(scope["headers"], name) or b"" for name in VARY)
        key = (version, today(), scope["path"], scope["query_string"], varying)
        answer = self.answers.get(key)
        (_MISS if answer is None else _HIT).inc()
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
        if answer.size <= self.answers.maxsize:
            self.answers[key] = answer

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
                return _answer(key, headers, body)
            messages[0] = {**start, "headers": headers}
        for message in messages:
            await send(message)
        return None

    @staticmethod
    async def _send(scope: Scope, answer: Answer, send: Send, name: bytes | None) -> None:
        headers, body = answer.variants[name]
        if _not_modified(scope, answer):
            kept = [(k, v) for k, v in headers if k in _NOT_MODIFIED_HEADERS]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        # A copy: the layers outside (CORS) add their headers to the list they are sent.
        start = {"type": "http.response.start", "status": answer.status, "headers": [*headers]}
        await send(start)
        await send({"type": "http.response.body", "body": body})


def _answer(key: Key, headers: list[tuple[bytes, bytes]], body: bytes) -> Answer:
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
    return Answer(200, tuple(kept), body, etag, size, _header(kept, b"last-modified"))


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
