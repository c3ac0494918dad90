"""The request whose answer has the largest header block the service sends, used by the
edge tests (tests/test_edges.py), the proxy tests (tests/test_proxy.py) and
scripts/compose_checks.py. Imports nothing.

The paged collection whose answers have the largest head: the timeline. Every collection
has at most four Link targets (first, prev, next, last); the timeline's Coverage-Until
names every kind of fact. Its CSV (Content-Disposition), pinned to a version (an immutable
Cache-Control), asked from another origin (the CORS headers), with the longest request id
echoed and compressed: the largest head it gives. `sort=` takes spaces (`+`) around its
names, so the target can have any length, repeated whole in each Link target.
"""

LONGEST = "/v1/timeline?limit=1&offset=1&format=csv&version=1&sort="
LARGEST_HEAD = {
    "Origin": "https://app.example.org",
    "X-Request-ID": "r" * 128,
    "Accept-Encoding": "br",
    "Accept-Language": "ru",
}


def target(length: int) -> str:
    """The largest head's request target, `length` characters long."""
    return LONGEST + "+" * (length - len(LONGEST) - len("date")) + "date"
