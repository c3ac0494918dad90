"""Cached answers: an ASGI middleware in front of the whole application.

A GET under /v1 is answered from memory when the same path, query and varying request
headers were answered under the same dataset version on the same day, before FastAPI
routes or validates anything. A miss goes through the application; a 200 answer that is
the same for every client is kept whole — status, content type, the application's headers
and body — so a hit is the answer the application gave, byte for byte. A matching
If-None-Match gets a 304.

Memory is bounded by everything an entry holds (key, headers and body), so neither large
answers nor many distinct long query strings can grow a worker past its bound.
"""

from dataclasses import dataclass
from datetime import date

from cachetools import LRUCache
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.dataset import Stamp
from app.dates import today
from app.errors import AppError
from app.store import Store

# Request headers an answer may vary by; they are part of the key. An answer varying by
# anything else (Authorization above all) is never kept.
VARY = (b"accept", b"accept-language")
Key = tuple[Stamp, date, str, bytes, tuple[bytes, ...]]
# What an entry costs beyond its bytes: the key tuple, the Answer, the list of headers.
ENTRY_OVERHEAD = 600
PER_CLIENT = (b"private", b"no-store")  # Cache-Control words of answers never kept


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    etag: bytes | None
    size: int


def _header(
    headers: list[tuple[bytes, bytes]] | tuple[tuple[bytes, bytes], ...], name: bytes
) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _matches(scope: Scope, etag: bytes | None) -> bool:
    """Whether If-None-Match names this answer (weak comparison, lists and `*` included)."""
    if etag is None:
        return False
    value = _header(scope["headers"], b"if-none-match")
    if value is None:
        return False
    tags = {t.strip().removeprefix(b"W/") for t in value.split(b",")}
    return etag in tags or b"*" in tags


def _is_cached_path(path: str) -> bool:
    return path == "/v1" or path.startswith("/v1/")


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
        if scope["type"] != "http" or not _is_cached_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        store: Store = scope["app"].state.store
        with store.budget():  # the request's waits on the database share one bound
            await self._answer(store, scope, receive, send)

    async def _answer(self, store: Store, scope: Scope, receive: Receive, send: Send) -> None:
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
        varying = tuple(_header(scope["headers"], name) or b"" for name in VARY)
        key = (version, today(), scope["path"], scope["query_string"], varying)
        answer = self.answers.get(key)
        if answer is None:
            answer = await self._through_app(scope, receive, send, key, stamp)
            if answer is None:
                return
            if answer.size <= self.answers.maxsize:
                self.answers[key] = answer
        await self._send(scope, answer, send)

    async def _through_app(
        self, scope: Scope, receive: Receive, send: Send, key: Key, stamp: bytes
    ) -> Answer | None:
        """Run the application; keep a shared 200 answer, pass anything else on."""
        messages: list[Message] = []

        async def keep(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, keep)
        start = messages[0] if messages else None
        if start is not None and start["type"] == "http.response.start":
            headers = [(k.lower(), v) for k, v in start.get("headers", [])]
            if _header(headers, b"dataset-version") is None:
                headers.append((b"dataset-version", stamp))
            if start["status"] == 200 and _shared(headers):
                body = b"".join(m.get("body", b"") for m in messages[1:])
                kept = tuple((k, v) for k, v in headers if k != b"content-length")
                size = (
                    len(body)
                    + sum(len(k) + len(v) for k, v in kept)
                    + len(key[2])
                    + len(key[3])
                    + sum(len(v) for v in key[4])
                    + ENTRY_OVERHEAD
                )
                return Answer(200, kept, body, _header(kept, b"etag"), size)
            messages[0] = {**start, "headers": headers}
        for message in messages:
            await send(message)
        return None

    @staticmethod
    async def _send(scope: Scope, answer: Answer, send: Send) -> None:
        if _matches(scope, answer.etag):
            kept = [(k, v) for k, v in answer.headers if k in _NOT_MODIFIED_HEADERS]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        headers = [*answer.headers, (b"content-length", str(len(answer.body)).encode())]
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})


# RFC 9110 15.4.5: a 304 carries the headers a 200 would have sent for caching.
_NOT_MODIFIED_HEADERS = {
    b"etag",
    b"cache-control",
    b"vary",
    b"dataset-version",
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
