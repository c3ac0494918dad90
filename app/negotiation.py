"""Content negotiation: which of the representations a server can send a request's
`Accept…` header prefers, with q-values, wildcards and specificity as RFC 9110 12.5 says.
Werkzeug's parsers do the reading; this module only states the service's choices."""

from werkzeug.datastructures import MIMEAccept
from werkzeug.datastructures.accept import Accept
from werkzeug.http import parse_accept_header


def best_match(header: str | None, offers: tuple[str, ...], default: str) -> str | None:
    """The media type of `offers` the Accept header prefers (`default` with no header; a
    tie goes to the earlier offer); None when it accepts none of them (a 406)."""
    if not header:
        return default
    accept = parse_accept_header(header, MIMEAccept)
    best: str | None = accept.best_match(offers)
    return best


# Content codings the cache can send, best first; identity is always acceptable unless
# refused outright (`identity;q=0`), which this service ignores and sends identity anyway.
CODINGS = ("br", "gzip")


def coding(header: str | None) -> str | None:
    """The content coding to answer with (`br` or `gzip`), None for identity."""
    if not header:
        return None
    accept = parse_accept_header(header, Accept)
    best = max(CODINGS, key=lambda c: (accept[c], -CODINGS.index(c)))
    return best if accept[best] > 0 else None
