"""Content negotiation: which of the representations a server can send a request's
`Accept…` header prefers, with q-values, wildcards and specificity as RFC 9110 12.5 says.
Werkzeug's parsers do the reading; this module only states the service's choices."""

from collections.abc import Sequence
from functools import lru_cache

from werkzeug.datastructures import MIMEAccept
from werkzeug.datastructures.accept import Accept
from werkzeug.http import parse_accept_header

from app.core.errors import NotAcceptable


def negotiate(accept: str | None, offers: Sequence[tuple[str, Sequence[str]]]) -> str:
    """The name of the offer (name, its media types) the Accept header prefers: the first
    without Accept or on a tie; a 406 naming what is offered when it accepts none."""
    media = tuple(t for _, types in offers for t in types)
    if not accept:
        return offers[0][0]
    best: str | None = parse_accept_header(accept, MIMEAccept).best_match(media)
    if best is None:
        raise NotAcceptable(
            f"This resource is available as {', '.join(media)}; the Accept header ({accept}) "
            "allows none"
        )
    return next(name for name, types in offers if best in types)


# Content codings the cache can send, best first; identity is always acceptable unless
# refused outright (`identity;q=0`), which this service ignores and sends identity anyway.
CODINGS = ("br", "gzip")


@lru_cache(maxsize=256)  # clients send few distinct headers; parsing each costs microseconds
def coding(header: str | None) -> str | None:
    """The content coding to answer with (`br` or `gzip`), None for identity."""
    if not header:
        return None
    accept = parse_accept_header(header, Accept)
    best = max(CODINGS, key=lambda c: (accept[c], -CODINGS.index(c)))
    return best if accept[best] > 0 else None


@lru_cache(maxsize=256)
def accepts(header: str | None, name: str) -> bool:
    """Whether Accept-Encoding allows content coding `name` (q above 0, or by `*`)."""
    return bool(header) and parse_accept_header(header, Accept)[name] > 0
