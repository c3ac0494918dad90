"""What every answer goes through on its way out, outermost first (see app.main):

* `Observe`: one JSON access-log line per request, the Prometheus request metrics
  (app.http.access); the request id comes from asgi-correlation-id, one layer further out.
* CORS (Starlette's), so every answer a browser app sees carries its headers.
* `HeadAsGet`: HEAD is answered on every GET path as that GET would be, without its body.
* `CompressOthers`: Starlette's GZip for the paths the read cache does not answer (the
  cache compresses its own answers, once per answer and coding).
"""

import base64
import hashlib
import re
import time

from asgi_correlation_id import correlation_id
from fastapi.routing import iter_route_contexts
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core import errors
from app.http.access import AccessLog, Tally
from app.http.answers import COMPRESS_OVER
from app.http.negotiation import accepts
from app.http.read_cache import is_cached_path

# API answers run no script and load nothing: the strictest policy. HTML pages (the docs,
# the problem pages) load their scripts and styles from this service only; their inline
# scripts are allowed by hash, computed from the page itself.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HTML_CSP = (
    "default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}  # others: OTHER
UNMATCHED = "unmatched"  # the route label of paths no route answers (bounded cardinality)


def _script_hashes(page: bytes) -> str:
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode() + "'"
        for m in _INLINE_SCRIPT.finditer(page)
    ]
    return "".join(" " + h for h in hashes)


class RouteLabels:
    """The route template a path belongs to (`/v1/states/{code}`), never the raw path, so
    that logs group by operation and metrics keep a bounded number of series. Built once
    from the paths of the application's routes (the OpenAPI document's and the site's
    pages), as one regular expression, static paths first."""

    EXTRA = (
        "/docs",
        "/docs/oauth2-redirect",
        "/redoc",
        "/redoc/redoc.standalone.js",
        "/openapi.json",
        "/",
    )

    def __init__(self) -> None:
        self._pattern: re.Pattern[str] | None = None
        self._templates: list[str] = []

    def _build(self, scope: Scope) -> re.Pattern[str]:
        routed = [
            route.path_format
            for route in iter_route_contexts(scope["app"].routes)
            if route.path_format
        ]
        templates = [*routed, *self.EXTRA]
        # Fewer parameters first: /v1/states/{code}/timeline before /v1/{anything}.
        self._templates = sorted(set(templates), key=lambda t: (t.count("{"), -len(t)))
        parts = [
            f"(?P<r{i}>" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(t)) + ")"
            for i, t in enumerate(self._templates)
        ]
        return re.compile("^(?:" + "|".join(parts) + ")$")

    def __call__(self, scope: Scope) -> str:
        if self._pattern is None:
            self._pattern = self._build(scope)
        match = self._pattern.match(scope["path"])
        if match is None or match.lastgroup is None:
            return UNMATCHED
        return self._templates[int(match.lastgroup[1:])]


class HttpMiddleware:
    """Base of this module's layers: `handle` sees each HTTP request; other scopes (the
    lifespan) pass straight through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class Observe(HttpMiddleware):
    """Logs and counts every HTTP answer the front (app.http.front) did not."""

    def __init__(
        self, app: ASGIApp, route_of: RouteLabels, access: AccessLog, tally: Tally
    ) -> None:
        super().__init__(app)
        self.route_of = route_of
        self.access = access
        self.tally = tally

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        began = time.perf_counter()
        method = scope["method"] if scope["method"] in METHODS else "OTHER"
        status = 500
        sent = 0

        async def sending(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = self.route_of(scope)
            self.tally.count(method, route, status, time.perf_counter() - began)
            request_id = correlation_id.get() or ""
            path, query = scope["path"], scope["query_string"]
            self.access.write(request_id, method, route, path, query, status, began, sent)


class SecurityHeaders(HttpMiddleware):
    """Adds the security headers to every answer of the application, and a
    Content-Security-Policy fitting what it is: an API answer or an HTML page (the docs),
    unless the answer brings its own (the site's pages, app.site). Sits inside
    compression, so an HTML page's inline scripts are hashed as the browser will see them."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        page: Message | None = None  # an HTML page's start, held until its whole body is in
        chunks: list[bytes] = []

        async def sending(message: Message) -> None:
            nonlocal page
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *SECURITY_HEADERS]
                named = dict(headers)
                if b"content-security-policy" in named:  # a page's own (app.site)
                    await send({**message, "headers": headers})
                    return
                content_type = named.get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    page = {**message, "headers": headers}
                    return
                headers.append((b"content-security-policy", API_CSP.encode()))
                message = {**message, "headers": headers}
            elif page is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = b"".join(chunks)
                csp = HTML_CSP.format(hashes=_script_hashes(body)).encode()
                await send(
                    {**page, "headers": [*page["headers"], (b"content-security-policy", csp)]}
                )
                message = {"type": "http.response.body", "body": body}
            await send(message)

        await self.app(scope, receive, sending)


class HeadAsGet(HttpMiddleware):
    """Answers HEAD as GET without the body (Content-Length and every header kept), so HEAD
    works on every GET path, the cached ones included, with no route declaring it."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        # The server reads the method from the scope it made (a HEAD answer has no body), so
        # the application gets a copy.
        await self.app({**scope, "method": "GET"}, receive, sending)


class CompressOthers(HttpMiddleware):
    """Gzip for answers over 1 KB on the paths the read cache does not answer (the docs,
    their scripts, the problem pages), to clients whose Accept-Encoding allows it by its
    q-values (Starlette's own check only looks for the word)."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app)
        self.gzip = GZipMiddleware(app, minimum_size=COMPRESS_OVER + 1)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if is_cached_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        codings = next((v for k, v in scope["headers"] if k == b"accept-encoding"), b"")
        if accepts(codings.decode("latin-1"), "gzip"):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)


class Unexpected(HttpMiddleware):
    """Answers an exception nothing else handled with a 500 problem, inside every other
    layer (Starlette would answer it outside them all): the answer still carries the
    request id, the CORS and security headers, and the access log counts it."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            if started:  # too late for another answer: let the server close the connection
                raise
            await errors.unexpected(Request(scope), exc)(scope, receive, send)
