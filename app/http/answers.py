"""What the read cache keeps (app.http.read_cache) and the front sends (app.http.front):
answers with their variants per content coding, and the bounded store of them."""

import gzip
import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any, Protocol

import brotli
from uvicorn.protocols.http.httptools_impl import HEADER_RE, HEADER_VALUE_RE

from app.domain.dataset import Stamp

# Request headers an answer may vary by; they are part of the key. An answer varying by
# anything else (Authorization above all) is never kept.
VARY = (b"accept", b"accept-language")
Key = tuple[Stamp | None, date, str, bytes, tuple[bytes, ...]]
_PINNED = re.compile(rb"(?:^|&)version=")


def kept_under(stamp: Stamp | None, query: bytes) -> Stamp | None:
    """The dataset version an answer is kept under: its own, but for an answer that names a
    version (`version=N`), which never changes (it says so: immutable), kept under the
    database's epoch alone, so that it outlives the writes that come after."""
    if stamp is not None and b"version=" in query and _PINNED.search(query):
        return stamp[0], -1
    return stamp


# What an entry costs beyond its bytes: the key tuple, the Answer, the list of headers.
ENTRY_OVERHEAD = 600
COMPRESS_OVER = 1024  # bytes: smaller answers are sent as they are
COMPRESSORS = {
    b"br": lambda body: brotli.compress(body, quality=5),
    b"gzip": lambda body: gzip.compress(body, compresslevel=6, mtime=0),
}

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
    etag_of_body: bool = False  # its ETag is its body's hash (the application gave none)
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
            headers = add_vary(headers, b"Accept-Encoding")
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


def header(
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


class Entry(Protocol):
    @property
    def size(self) -> int: ...  # what it holds in all, bytes


class Answers:
    """The cached answers of one worker (Answer, or app.http.days.DayTemplate), bounded by
    what they hold in all (`size`), the least recently used going first. An OrderedDict's
    own `move_to_end` keeps the order: a hit's lookup is two calls in C (cachetools'
    LRUCache makes four in Python, which on the front's path (app.http.front) cost more
    than the rest of the lookup)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> Any:
        """The entry kept under `key` (an Answer under a Key), or None."""
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def keep(self, key: tuple[Any, ...], entry: Entry) -> None:
        """Keep `entry` (unless it alone is over the bound), letting the least recently
        used go until all fit."""
        if entry.size > self.max_bytes:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= old.size
        self._entries[key] = entry
        self.size += entry.size
        while self.size > self.max_bytes:
            _, gone = self._entries.popitem(last=False)
            self.size -= gone.size

    def drop(self, key: tuple[Any, ...]) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self.size -= entry.size

    def __len__(self) -> int:
        return len(self._entries)


def add_vary(headers: list[tuple[bytes, bytes]], name: bytes) -> list[tuple[bytes, bytes]]:
    vary = header(headers, b"vary")
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


def etag_of(body: bytes) -> bytes:
    """The ETag of an answer the application gave none: its body's hash."""
    return b'"' + hashlib.blake2b(body, digest_size=16).hexdigest().encode() + b'"'
