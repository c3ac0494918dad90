"""What is noted of every answer: its access-log line and its metrics, the same whichever
layer answered it (app.http.front for cached answers, app.http.middleware.Observe for the
rest). Both are made for a worker answering tens of thousands of requests a second: a
line is written out field by field and joins a batch (app.core.logs), and the request
metrics are tallied in plain numbers and handed to the Prometheus client in batches.
"""

import asyncio
import logging
import time
from bisect import bisect_left
from datetime import UTC, datetime
from json.encoder import encode_basestring
from typing import Any

from app.core import metrics
from app.core.logs import FLUSH_AFTER, BatchedStreamHandler

access_log = logging.getLogger("app.access")
_json = encode_basestring  # a str as a JSON string literal (the C encoder json.dumps uses)


class AccessLog:
    """One JSON object per answer (logger `app.access`): time, request_id, method, route,
    path, status, duration_ms, bytes. Strings a client chooses are encoded. Through the
    service's own handler (app.core.logs) a line skips the logging machinery and joins the
    handler's next batch; through any other (a test's), it is logged as a record."""

    def __init__(self, logger: logging.Logger = access_log) -> None:
        self.logger = logger
        self._ms = -1  # the millisecond whose time is in _time
        self._time = ""

    @staticmethod
    def middle(method: str, route: str, path: str, query: bytes, status: int) -> str:
        """The part of a line between the request id and the duration: the same for every
        answer of one request to one cached answer, so the front keeps it with the answer."""
        if query:
            path += "?" + query.decode("latin-1")
        return (
            f'"method": "{method}", "route": {_json(route)}, "path": {_json(path)}, '
            f'"status": {status}, "duration_ms": '
        )

    def write(
        self,
        request_id: str | bytes,
        method: str,
        route: str,
        path: str,
        query: bytes,
        status: int,
        began: float,
        sent: int,
    ) -> None:
        if self.logger.isEnabledFor(logging.INFO):
            self.write_middle(
                request_id, self.middle(method, route, path, query, status), began, sent
            )

    def write_middle(self, request_id: str | bytes, middle: str, began: float, sent: int) -> None:
        """A line of `middle` (see `middle`)."""
        logger = self.logger
        if not logger.isEnabledFor(logging.INFO):
            return
        duration_ms = (time.perf_counter() - began) * 1000
        if isinstance(request_id, bytes):
            request_id = request_id.decode("latin-1")  # checked: a plain token (app.main)
        now = time.time()
        ms = int(now * 1000)
        if ms != self._ms:  # the time, worked out once per millisecond
            self._ms = ms
            self._time = datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")
        line = (
            f'{{"time": "{self._time}", "request_id": {_json(request_id)}, {middle}'
            f'{duration_ms:.3f}, "bytes": {sent}}}'
        )
        handlers = logger.handlers
        if (
            len(handlers) == 1
            and type(handlers[0]) is BatchedStreamHandler
            and not logger.propagate
        ):
            handlers[0].write_line(line)
        else:
            logger.info(line)


_BOUNDS = (*metrics.LATENCY_BUCKETS, float("inf"))


class Tally:
    """The request metrics (requests by method, route and status; latency by route; cache
    hits), counted in plain numbers and given to the Prometheus client FLUSH_AFTER seconds
    after the first of a batch, and whenever /metrics is read (`flush`)."""

    def __init__(self) -> None:
        # By (method, route, status): [requests, their seconds in all, each bucket's count].
        self._pending: dict[tuple[str, str, int], list[Any]] = {}
        self._hits = 0
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self._timer: asyncio.TimerHandle | None = None

    def count(
        self, method: str, route: str, status: int, duration: float, *, hit: bool = False
    ) -> None:
        key = (method, route, status)
        pending = self._pending.get(key)
        if pending is None:
            pending = self._pending[key] = [0, 0.0, [0] * len(_BOUNDS)]
        pending[0] += 1
        pending[1] += duration
        pending[2][bisect_left(_BOUNDS, duration)] += 1  # the first bound it is within
        if hit:
            self._hits += 1
        if self._timer is None:
            try:
                self._timer = asyncio.get_running_loop().call_later(FLUSH_AFTER, self.flush)
            except RuntimeError:
                self.flush()

    def flush(self) -> None:
        """Hand what was counted to the Prometheus client."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        pending, self._pending = self._pending, {}
        hits, self._hits = self._hits, 0
        for (method, route, status), (n, seconds, buckets) in pending.items():
            children = self._children.get((method, route, status))
            if children is None:
                children = self._children[(method, route, status)] = (
                    metrics.REQUESTS.labels(method, route, str(status)),
                    metrics.LATENCY.labels(route),
                )
            children[0].inc(n)
            metrics.observe_many(children[1], buckets, seconds)
        if hits:
            metrics.CACHE.labels("hit").inc(hits)

    def looked_up(self, hit: bool) -> None:
        """A lookup of the read cache by the stack (app.http.read_cache)."""
        if hit:
            self._hits += 1
        else:
            metrics.CACHE.labels("miss").inc()
