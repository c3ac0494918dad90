"""Writers take turns: every change set waits for the database in a queue, first come, first
served, instead of colliding in SQLite's busy handler (which sleeps up to 100 ms between
tries and lets late writers overtake early ones, so that some waited past their bound and
were refused while others went through).

In a process, writers queue in arrival order. Across the worker processes of a service on
one SQLite file, the writer at the head of each queue takes an exclusive lock on a file
beside the database (`<database>-writers`, released by the kernel if its process dies),
polled every millisecond or so; on PostgreSQL the writers' advisory lock does that. A
writer is refused promptly (503 with Retry-After) when SCO_WRITERS_WAITING writers already
wait in its process, or when its turn has not come within SCO_WRITE_WAIT seconds.
"""

import fcntl
import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.core.errors import Unavailable
from app.core.settings import get_settings

# A write takes about 0.2 to 0.7 s here (the whole rule set runs on the candidate
# dataset; a refusal by If-Match less), so SCO_WRITERS_WAITING (32) writers waiting in one
# process are all served within SCO_WRITE_WAIT (30 s).
_POLL = (0.001, 0.005)  # the first and the longest pause between tries of the file lock


class Turns:
    """The queue of one database's writers in this process (and, for an SQLite file, the
    lock its processes share)."""

    def __init__(self, lock_file: Path | None, wait: float, waiting: int):
        self.lock_file = lock_file
        self.wait = wait
        self.max_waiting = waiting
        self._queue: deque[object] = deque()
        self._busy = False
        self._changed = threading.Condition()
        # When this process last let the file lock go: its next writer leaves the lock to
        # the other processes' pollers for one of their pauses first (see _lock_file).
        self._released = -1.0

    def waiting(self) -> int:
        with self._changed:
            return len(self._queue)

    @contextmanager
    def turn(self) -> Iterator[float]:
        """Wait for this writer's turn; yields the seconds left of its bound (what the
        database itself may still be waited for)."""
        deadline = time.monotonic() + self.wait
        self._queue_up(deadline)
        try:
            fd = self._lock_file(deadline) if self.lock_file is not None else None
            try:
                yield max(deadline - time.monotonic(), 0.001)
            finally:
                if fd is not None:
                    os.close(fd)  # closing the file releases its lock
                    self._released = time.monotonic()
        finally:
            with self._changed:
                self._busy = False
                self._changed.notify_all()

    def _queue_up(self, deadline: float) -> None:
        me = object()
        with self._changed:
            if len(self._queue) >= self.max_waiting:
                raise Unavailable(
                    f"{len(self._queue)} writes are waiting for the database already (the "
                    f"limit is {self.max_waiting}): send this one again in a few seconds"
                )
            self._queue.append(me)
            try:
                while self._busy or self._queue[0] is not me:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise self._too_long()
                    self._changed.wait(left)
                self._busy = True
            finally:
                self._queue.remove(me)
                self._changed.notify_all()

    def _lock_file(self, deadline: float) -> int:
        assert self.lock_file is not None
        # Let a writer of another process, polling, have the turn this process just ended
        # (in turns, not this process's queue first), then poll as they do.
        lull = self._released + _POLL[1] - time.monotonic()
        if lull > 0:
            time.sleep(lull)
        try:  # read-only is enough to lock it (and works on a file another user made)
            fd = os.open(self.lock_file, os.O_RDONLY | os.O_CREAT, 0o644)
        except OSError as exc:
            raise Unavailable(
                f"The writers' lock file {self.lock_file} cannot be opened ({exc.strerror}): "
                "the database's folder must be writable by the service"
            ) from exc
        pause = _POLL[0]
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return fd
                except BlockingIOError:
                    if time.monotonic() + pause > deadline:
                        raise self._too_long() from None
                    time.sleep(pause)
                    pause = min(pause * 2, _POLL[1])
        except BaseException:
            os.close(fd)
            raise

    def _too_long(self) -> Unavailable:
        return Unavailable(
            f"The database did not take this write within {self.wait:g} s (other writes "
            "went first): send it again in a few seconds"
        )


_TURNS: dict[str, Turns] = {}
_MADE = threading.Lock()


def turns_of(url: str, sqlite_file: str | None) -> Turns:
    """The queue of the writers of the database at `url` in this process (one per
    database); `sqlite_file` is its file on SQLite (None: PostgreSQL, or in memory)."""
    with _MADE:
        found = _TURNS.get(url)
        if found is None:
            lock = Path(f"{sqlite_file}-writers") if sqlite_file else None
            settings = get_settings()
            found = _TURNS[url] = Turns(lock, settings.write_wait, settings.writers_waiting)
        return found
