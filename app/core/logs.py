"""Logging: every line carries the id of the request it belongs to (`-` outside one).

The access log is one JSON object per line on stderr (logger `app.access`, written by
app.http.access): time, request_id, method, route, path, status, duration_ms, bytes. Its
lines are written in batches, at most FLUSH_AFTER seconds after their answers (one write per
answer would cost a busy worker more than answering from the cache). Other lines are plain
text, written at once: time, level, logger, [request id], message.
"""

import asyncio
import contextlib
import logging
import os
import stat
import threading
from typing import Any

FLUSH_AFTER = 0.1  # seconds a line of the access log may wait to be written
# Characters written at once at most: to a pipe some 4 KB at most in UTF-8 (a line's
# characters are ASCII or Latin-1), which a pipe takes whole (PIPE_BUF); to a file, more.
PIPE_BATCH = 2048
FILE_BATCH = 32768

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s"


def config(level: str = "info", access_log: bool = True) -> dict[str, Any]:
    """A `logging.config.dictConfig` for uvicorn and the application."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {
                "()": "asgi_correlation_id.CorrelationIdFilter",
                "uuid_length": None,
                "default_value": "-",
            }
        },
        "formatters": {
            "text": {"format": FORMAT},
            "json_line": {"format": "%(message)s"},
        },
        "handlers": {
            "text": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "text",
                "filters": ["request_id"],
            },
            "access": {
                "class": "app.core.logs.BatchedStreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "json_line",
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["text"], "level": level.upper(), "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "app": {"handlers": ["text"], "level": level.upper(), "propagate": False},
            "app.access": {
                "handlers": ["access"] if access_log else [],
                "level": "INFO" if access_log else "CRITICAL",
                "propagate": False,
            },
            "asgi_correlation_id": {"handlers": ["text"], "level": "WARNING", "propagate": False},
        },
    }


class BatchedStreamHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler that writes its lines in batches: FLUSH_AFTER seconds after the
    first line of a batch (on the event loop of the thread that wrote it, else at once),
    or as soon as a batch is full, and when logging shuts down. Each write holds whole
    lines, at most PIPE_BATCH characters to a pipe, so that the lines of several workers
    sharing one pipe never mix."""

    def __init__(self, stream: Any = None) -> None:
        super().__init__(stream)
        self._lines: list[str] = []
        self._waiting = 0  # bytes in _lines
        self._timer: asyncio.TimerHandle | None = None
        self._lines_lock = threading.Lock()
        self._batch = PIPE_BATCH
        with contextlib.suppress(AttributeError, OSError, ValueError):
            mode = os.fstat(self.stream.fileno()).st_mode
            if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
                self._batch = FILE_BATCH  # a file (or /dev/null): no other writer's lines mix

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.write_line(self.format(record))
        except Exception:
            self.handleError(record)

    def write_line(self, line: str) -> None:
        """Add `line` (no newline) to the batch."""
        with self._lines_lock:
            self._lines.append(line)
            self._waiting += len(line) + 1
            full = self._waiting >= self._batch
            if self._timer is None:
                # One timer at a time, left to run when a full batch is written meanwhile:
                # it writes what came since.
                try:
                    loop = asyncio.get_running_loop()
                except RuntimeError:
                    full = True  # no event loop here to write it later: now
                else:
                    self._timer = loop.call_later(FLUSH_AFTER, self._timed)
        if full:
            self.flush()

    def _timed(self) -> None:
        self._timer = None
        self.flush()

    def flush(self) -> None:
        with self._lines_lock:
            lines, self._lines, self._waiting = self._lines, [], 0
        if lines:
            self.acquire()
            try:
                chunk: list[str] = []
                size = 0
                for line in lines:
                    if chunk and size + len(line) + 1 > self._batch:
                        self._write(chunk)
                        chunk, size = [], 0
                    chunk.append(line)
                    size += len(line) + 1
                self._write(chunk)
            finally:
                self.release()
        super().flush()

    def _write(self, chunk: list[str]) -> None:
        self.stream.write("\n".join(chunk) + "\n")
        self.stream.flush()
