"""Prometheus metrics, through the official client library.

With several worker processes (`SCO_WORKERS` > 1) each worker counts for itself; `serve`
then points PROMETHEUS_MULTIPROC_DIR at a fresh folder before the workers start, and
/metrics adds up every worker's files (the library's multiprocess mode).
"""

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "sco_http_requests_total",
    "HTTP requests answered, by method, route template and status",
    ["method", "route", "status"],
)
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
LATENCY = Histogram(
    "sco_http_request_duration_seconds",
    "Time from a request's arrival to its last byte, by route template",
    ["route"],
    buckets=LATENCY_BUCKETS,
)
CACHE = Counter(
    "sco_read_cache_lookups_total", "Read-cache lookups, by result (hit or miss)", ["result"]
)
RELOADS = Counter(
    "sco_dataset_reloads_total",
    "Datasets read from the database: the current one after a change (current), or an "
    "earlier version rebuilt from the change log (past); or held as a write of this worker "
    "committed it (written)",
    ["kind"],
)
VERSION_READ = Histogram(
    "sco_version_read_seconds",
    "Time to read the dataset version from the database (when a write rang the beacon, or "
    "the version read last is SCO_STALE_SECONDS old; shared by the requests of a moment)",
    buckets=(0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2),
)
WRITES = Counter(
    "sco_writes_total",
    "Change sets submitted to the write service, by channel and outcome "
    "(committed, unchanged, dry_run, refused)",
    ["channel", "outcome"],
)
AUTH_FAILURES = Counter(
    "sco_auth_failures_total",
    "Requests refused for want of a valid API key (401), by reason (missing, malformed, "
    "unknown, revoked)",
    ["reason"],
)
AUTH_FAILURE_REASONS = ("missing", "malformed", "unknown", "revoked")
for _reason in AUTH_FAILURE_REASONS:  # each series shown from the start, at 0
    AUTH_FAILURES.labels(_reason)
AUTH_THROTTLED = Counter(
    "sco_auth_throttled_total",
    "Requests refused (429) because their client failed too many API-key checks of late "
    "(SCO_AUTH_FAILURE_LIMIT within SCO_AUTH_FAILURE_WINDOW seconds)",
)
CONTENT_TYPE = CONTENT_TYPE_LATEST


def observe_many(histogram: Histogram, buckets: list[int], seconds: float) -> None:
    """Observations made elsewhere (app.http.access.Tally), added to a histogram's child at
    once: `buckets[i]` of them within its i-th bucket (its own, not cumulative), `seconds`
    their sum. The client has no call for this: the child's bucket and sum values are
    those its `observe` adds to (tests/test_http.py checks that both ways agree)."""
    histogram._sum.inc(seconds)
    for value, count in zip(histogram._buckets, buckets, strict=True):
        if count:
            value.inc(count)


def exposition() -> bytes:
    """The metrics in the Prometheus text format: this process's, or every worker's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest()
