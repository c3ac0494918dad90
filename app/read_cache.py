"""Cached answers: an ASGI middleware in front of the whole application.

A GET under /v1 is answered from memory when the same path and query were answered under
the same dataset version (and, for answers that depend on it, the same day), before
FastAPI routes or validates anything. A miss goes through the application, and a 200 answer
is kept. Every answer carries an ETag; a matching If-None-Match gets a 304.
"""

import hashlib
from dataclasses import dataclass
from datetime import date

from cachetools import LRUCache
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.dataset import Stamp
from app.dates import today
from app.errors import AppError
from app.store import Store

Key = tuple[Stamp, date, str, bytes]
ENTRY_OVERHEAD = 200  # bytes counted for an answer's key and headers


@dataclass(frozen=True)
class Answer:
    body: bytes
    etag: bytes


def _matches(scope: Scope, etag: bytes) -> bool:
    """Whether If-None-Match names this answer (weak comparison, lists and `*` included)."""
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            tags = {t.strip().removeprefix(b"W/") for t in value.split(b",")}
            return etag in tags or b"*" in tags
    return False


def _is_cached_path(path: str) -> bool:
    return path == "/v1" or path.startswith("/v1/")


class ReadCache:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        # Bounded by bytes, so a few large pages cannot crowd the memory out.
        self.answers: LRUCache[Key, Answer] = LRUCache(
            maxsize=max_bytes, getsizeof=lambda answer: len(answer.body) + ENTRY_OVERHEAD
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not _is_cached_path(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        store: Store = scope["app"].state.store
        try:
            version = await store.version()
        except AppError:
            await self.app(scope, receive, send)  # the application answers the problem
            return
        key = (version, today(), scope["path"], scope["query_string"])
        answer = self.answers.get(key)
        if answer is None:
            answer = await self._through_app(scope, receive, send)
            if answer is None:
                return
            if len(answer.body) + ENTRY_OVERHEAD <= self.answers.maxsize:
                self.answers[key] = answer
        await self._send(scope, answer, send)

    async def _through_app(self, scope: Scope, receive: Receive, send: Send) -> Answer | None:
        """Run the application; keep a 200 answer, pass anything else on unchanged."""
        messages: list[Message] = []

        async def keep(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, keep)
        if (
            messages
            and messages[0]["type"] == "http.response.start"
            and (messages[0]["status"] == 200)
        ):
            body = b"".join(m.get("body", b"") for m in messages[1:])
            digest = hashlib.blake2b(body, digest_size=12).hexdigest()
            return Answer(body, f'"{digest}"'.encode())
        for message in messages:
            await send(message)
        return None

    @staticmethod
    async def _send(scope: Scope, answer: Answer, send: Send) -> None:
        headers = [(b"etag", answer.etag), (b"cache-control", b"no-cache")]
        if _matches(scope, answer.etag):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        headers += [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(answer.body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})
