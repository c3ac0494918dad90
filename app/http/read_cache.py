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

import asyncio
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.dates import today
from app.core.errors import AppError
from app.domain.dataset import Stamp
from app.http.access import Tally
from app.http.answers import (
    COMPRESS_OVER,
    ENTRY_OVERHEAD,
    VARY,
    Answer,
    Answers,
    Key,
    etag_of,
    header,
    kept_under,
    not_modified,
)
from app.http.days import PLACE, DayTemplate, day_in, stretch
from app.http.negotiation import coding
from app.storage.store import Store

PER_CLIENT = (b"private", b"no-store")  # Cache-Control words of answers never kept
UNVERSIONED = {"/openapi.json"}  # cached paths that read nothing from the database
# The site's pages (app.site), cached as the API's answers are: `/` and the pages of things.
PAGES = {"/", "/timeline", "/changes"}
PAGE_PREFIXES = (
    "/states/",
    "/people/",
    "/sources/",
    "/bodies/",
    "/meetings/",
    "/documents/",
    "/change-sets/",
)
MAX_PENDING_DAYS = 4096  # stretches awaiting a second day, at most (then forgotten)
# The Cache-Control of an answer that names a version (it never changes).
IMMUTABLE = "public, max-age=31536000, immutable"


def revalidated(shared_max_age: int) -> str:
    """The Cache-Control of an answer that may change (one not fixed by a version). A
    client or a private cache revalidates every reuse (`max-age=0, must-revalidate`: what
    `no-cache` asks of it); a shared cache may answer from its copy for `shared_max_age`
    seconds (`s-maxage`, SCO_SHARED_MAX_AGE), then revalidates it with its ETag. 0: every
    cache revalidates every reuse (`no-cache`)."""
    if shared_max_age == 0:
        return "public, no-cache"
    return f"public, max-age=0, s-maxage={shared_max_age}, must-revalidate"


def is_cached_path(path: str) -> bool:
    return (
        path == "/v1"
        or path.startswith(("/v1/", *PAGE_PREFIXES))
        or path in UNVERSIONED
        or path in PAGES
    )


def _shared(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether an answer is the same for every client who sends the keyed headers."""
    control = (header(headers, b"cache-control") or b"").lower()
    if any(word in control for word in PER_CLIENT):
        return False
    vary = (header(headers, b"vary") or b"").lower()
    names = {v.strip() for v in vary.split(b",") if v.strip()}
    return names <= set(VARY)


class ReadCache:
    """Answers from the cache, and fills it (app.http.front answers the hits before any
    other layer: this one sees the requests it passed on)."""

    def __init__(
        self,
        app: ASGIApp,
        answers: Answers,
        route_of: Callable[[Scope], str],
        tally: Tally,
        revalidate: str,
    ) -> None:
        self.app = app
        self.revalidate = revalidate.encode()  # the Cache-Control of answers that give none
        self.answers = answers
        self.route_of = route_of
        self.tally = tally
        # The stretches (app.http.days) whose first day the application answered, and that
        # day: a second day makes the template.
        self.days: dict[tuple[object, ...], bytes] = {}
        # The answers being made, each awaited by the requests for it that came meanwhile.
        self.flights: dict[Key, asyncio.Future[Answer | None]] = {}

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
        query = scope["query_string"]
        key = (kept_under(version, query), today(), scope["path"], query, _varying(scope))
        answer = self.answers.get(key)
        self.tally.looked_up(answer is not None)
        made = False
        if answer is None:
            flight = self.flights.get(key)
            if flight is not None:
                # The same answer is being made for another request: wait for it, rather
                # than make it again (after a write, every connection asks at once).
                answer = await asyncio.shield(flight)
            if answer is None:
                made = True
                answer = await self._made(scope, receive, send, key, stamp)
                if answer is None:
                    return
        wanted = coding((header(scope["headers"], b"accept-encoding") or b"").decode("latin-1"))
        name = wanted.encode() if wanted and len(answer.body) > COMPRESS_OVER else None
        if name not in answer.variants:
            answer = answer.with_coding(name)
            self.answers.keep(key, answer)
        if made and version is not None:
            self._learn(store, version, key, answer)
        await self._send(scope, answer, send, name)

    async def _made(
        self, scope: Scope, receive: Receive, send: Send, key: Key, stamp: bytes | None
    ) -> Answer | None:
        """The answer the application gives, shared with the requests for the same key that
        arrive meanwhile (None: it was not one to keep, and each of them asks for itself)."""
        flight: asyncio.Future[Answer | None] = asyncio.get_running_loop().create_future()
        self.flights[key] = flight
        answer = None
        try:
            answer = await self._through_app(scope, receive, send, key, stamp)
        finally:
            del self.flights[key]
            flight.set_result(answer)
        return answer

    def _learn(self, store: Store, version: Stamp, key: Key, answer: Answer) -> None:
        """An answer for a day: with one for another day of its stretch, the stretch's
        template (app.http.days), from which the front answers every other day of it."""
        found = day_in(key[3], key[1])
        if found is None:
            return
        points = store.turning_points(version)
        if points is None:
            return
        day, marked = found
        where = ("day", version, key[1], key[2], marked, key[4], stretch(points, day))
        other = self.days.pop(where, None)
        if isinstance(self.answers.get(where), DayTemplate):
            return
        first = None
        if other is not None and other != day:
            first = self.answers.get((*key[:3], marked.replace(PLACE, other), key[4]))
        if not isinstance(first, Answer) or other is None:
            if len(self.days) >= MAX_PENDING_DAYS:
                self.days.clear()
            self.days[where] = day  # the first day of this stretch the application answered
            return
        template = DayTemplate.of(first, other, answer, day)
        if template is not None:
            self.answers.keep(where, template)
            # The two answers it was made of are the template's to make now.
            self.answers.drop((*key[:3], marked.replace(PLACE, other), key[4]))
            self.answers.drop(key)

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
            if stamp is not None and header(headers, b"dataset-version") is None:
                headers.append((b"dataset-version", stamp))
            if start["status"] == 200 and _shared(headers):
                body = b"".join(m.get("body", b"") for m in messages[1:])
                return _answer(key, headers, body, self.route_of(scope), self.revalidate)
            messages[0] = {**start, "headers": headers}
        for message in messages:
            await send(message)
        return None

    @staticmethod
    async def _send(scope: Scope, answer: Answer, send: Send, name: bytes | None) -> None:
        variant = answer.variants[name]
        headers = scope["headers"]
        since = header(headers, b"if-modified-since")
        # Copies: the layers outside (CORS) add their headers to the list they are sent.
        if not_modified(header(headers, b"if-none-match"), since, answer):
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
    return tuple(header(scope["headers"], name) or b"" for name in VARY)


def _answer(
    key: Key, headers: list[tuple[bytes, bytes]], body: bytes, route: str, revalidate: bytes
) -> Answer:
    """A 200 answer to keep, with an ETag of its body and Cache-Control `revalidate` if the
    application gave none."""
    kept = [(k, v) for k, v in headers if k != b"content-length"]
    etag = header(kept, b"etag")
    hashed = etag is None
    if etag is None:
        etag = etag_of(body)
        kept.append((b"etag", etag))
    if header(kept, b"cache-control") is None:
        kept.append((b"cache-control", revalidate))
    size = (
        len(body)
        + sum(len(k) + len(v) for k, v in kept)
        + len(key[2])
        + len(key[3])
        + sum(len(v) for v in key[4])
        + ENTRY_OVERHEAD
    )
    return Answer(200, tuple(kept), body, etag, size, header(kept, b"last-modified"), route, hashed)


def _with_version(send: Send, stamp: bytes) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if header(headers, b"dataset-version") is None:
                headers.append((b"dataset-version", stamp))
            message = {**message, "headers": headers}
        await send(message)

    return sending
