"""The beacon: one word in shared memory that every writer on this host changes after each
commit to a database, so that the workers reading that database learn of the change by
reading the word (some 100 ns) instead of asking the database on every request.

A beacon is a file of 8 bytes, named after the database (not its credentials), in
SCO_BEACON_DIR (default: /dev/shm, else the temporary folder), mapped into the memory of
every process that uses it. A writer stores a fresh random word after its transaction
commits and before its answer is sent; a reader that finds a word other than the one it
last saw asks the database for the version again. The word says only *that* something
changed: a torn read or a stray write can cost an extra question to the database, never a
missed change, because the reader notes the word before it asks.

Changes this host's processes do not make (a writer on another host sharing one PostgreSQL,
a SQLite file restored from a backup) ring no beacon: readers ask the database at least
every SCO_STALE_SECONDS for those (app.storage.store).

A beacon that cannot be opened (a folder that is not writable) is none: its reader asks the
database on every request, as though the word always changed, and its writer's changes
reach the other workers within SCO_STALE_SECONDS. That is said once in the log.
"""

import hashlib
import logging
import mmap
import os
import random
import struct
import tempfile
from functools import cache
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from app.core.settings import get_settings

log = logging.getLogger("app")
_WORD = struct.Struct("<Q")
SIZE = _WORD.size
SHARED_MEMORY = Path("/dev/shm")


def default_folder() -> Path:
    """/dev/shm where there is one (memory, never written to a disk), else the temporary
    folder."""
    if SHARED_MEMORY.is_dir() and os.access(SHARED_MEMORY, os.W_OK):
        return SHARED_MEMORY
    return Path(tempfile.gettempdir())


def identity(url: str | URL) -> str:
    """What names a database whoever connects to it: a SQLite file's real path, or a
    PostgreSQL server's host, port and database (not the user or the password)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return "sqlite:" + os.path.realpath(parsed.database or "")
    return f"postgresql:{parsed.host or ''}:{parsed.port or 5432}/{parsed.database or ''}"


def path_for(url: str | URL, folder: Path | None = None) -> Path:
    digest = hashlib.sha256(identity(url).encode()).hexdigest()[:24]
    return (folder or get_settings().beacon_dir or default_folder()) / f"sco-api-{digest}.beacon"


class Beacon:
    """The beacon of one database, mapped (or None when it cannot be: see the module)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._map: mmap.mmap | None = None
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                if os.fstat(fd).st_size < SIZE:
                    os.ftruncate(fd, SIZE)  # a new file: zeros, a word like any other
                self._map = mmap.mmap(fd, SIZE)
            finally:
                os.close(fd)
        except OSError as exc:
            log.warning(
                "no beacon at %s (%s): the database is asked for its version on every "
                "request, and this process's writes reach other workers within "
                "SCO_STALE_SECONDS",
                path,
                exc.strerror or exc,
            )

    @property
    def mapped(self) -> bool:
        return self._map is not None

    def read(self) -> int:
        """The word as it stands; -1 (never a word) when there is no beacon."""
        if self._map is None:
            return -1
        return int(_WORD.unpack_from(self._map, 0)[0])

    def ring(self) -> None:
        """Store a fresh word: every reader of this database asks it again."""
        if self._map is not None:
            _WORD.pack_into(self._map, 0, random.getrandbits(64))

    def close(self) -> None:
        mapped, self._map = self._map, None
        if mapped is not None:
            mapped.close()


def beacon_of(url: str | URL, folder: Path | None = None) -> Beacon:
    """This process's beacon of the database at `url`, in `folder` (default: SCO_BEACON_DIR):
    one mapping, however often asked."""
    return _beacon(path_for(url, folder))


@cache
def _beacon(path: Path) -> Beacon:
    return Beacon(path)


def ring(url: str | URL) -> None:
    """Say that the database at `url` changed (after a commit, before answering), by the
    beacon in SCO_BEACON_DIR."""
    beacon_of(url).ring()
