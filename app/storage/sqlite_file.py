"""The SQLite file a serving process reads, and what can go wrong with it.

The service only reads, so it opens the file read-only (`mode=ro`): a missing file is then
an error, never a new empty database. Every probe compares the path's inode, size and
mtime with the file it opened, so a file deleted, replaced or changed behind SQLite's back
is noticed at the next request: a replaced file is reopened (and served if it is a valid
seeded database), a changed one is checked again (`PRAGMA quick_check`: milliseconds for
this dataset's few megabytes; on a failure, the header's page count against the file's
size). The file is only ever opened through SQLite in this process (see `_check`).

A database in WAL mode needs its `-shm` file to be writable, or creatable beside it; in a
read-only folder it cannot be opened at all ("unable to open database file"). Such a file
is opened `immutable=1` instead: nobody can write it while it is read-only to us, and
if it is changed or replaced, the comparison above reopens it.
"""

import logging
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("app")
GONE = "The database file {} no longer exists"
NOT_A_DATABASE = "The database file {} is not a database (corrupted or overwritten)"
MALFORMED = "The database file {} is corrupted (database disk image is malformed{})"


@dataclass(frozen=True)
class Identity:
    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> "Identity":
        st = path.stat()
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)

    def same_file(self, other: "Identity") -> bool:
        return (self.device, self.inode) == (other.device, other.inode)


class FileFault(Exception):
    """What is wrong with the file, in words for a 503 detail and the log."""


class SqliteFile:
    def __init__(self, path: str) -> None:
        self.path = Path(path).resolve()
        self.name = self.path.name
        self.immutable = False  # opened `immutable=1`: a read-only file in WAL mode
        self.served = False  # opened once: a file missing now is one deleted while served

    def connect(self) -> tuple[sqlite3.Connection, Identity]:
        """A read-only connection to the file, checked, and the file it reads; opened
        `immutable=1` when the file cannot be opened read-only otherwise (see above)."""
        identity = self._identity()
        conn = self._open(immutable=False)
        try:
            self._check(conn, identity)
        except sqlite3.OperationalError as exc:
            conn.close()
            if exc.sqlite_errorcode != sqlite3.SQLITE_CANTOPEN or self._writable():
                raise FileFault(self.explain(exc)) from exc
            if self._wal_holds_changes():
                # `immutable` would ignore them and serve an older dataset without a word.
                raise FileFault(
                    f"The database file {self.name} is read-only and its -wal file holds "
                    "changes not checkpointed: make its folder writable"
                ) from exc
            conn = self._open(immutable=True)
            try:
                self._check(conn, identity)
            except BaseException:
                conn.close()
                raise
            if not self.immutable:
                log.warning(
                    "database file %s is read-only in WAL mode: opened immutable, "
                    "so a change is noticed by its size and time",
                    self.path,
                )
            self.immutable = True
        except BaseException:
            conn.close()
            raise
        self.served = True
        return conn, identity

    def connection(self) -> sqlite3.Connection:
        """A connection alone (an engine's `creator`)."""
        return self.connect()[0]

    def changed(self, opened: Identity) -> bool:
        """Whether the path now names another file than `opened`, or that file changed
        (a checkpoint, or a write behind SQLite's back); raises FileFault when it is gone."""
        now = self._identity()
        if not now.same_file(opened):
            log.warning("database file %s was replaced: reopening it", self.path)
        return now != opened

    def explain(self, exc: BaseException) -> str:
        """A sqlite3 error, said as what it means for this file."""
        if isinstance(exc, FileFault):
            return str(exc)
        text = str(exc)
        if not self.path.exists():
            return GONE.format(self.name)
        if "no such table" in text:
            return (
                f"The database file {self.name} is not migrated: run `sco-api migrate` "
                "and `sco-api seed`"
            )
        if "file is not a database" in text:
            return NOT_A_DATABASE.format(self.name)
        if "malformed" in text:
            return MALFORMED.format(self.name, "")
        if "readonly" in text or "unable to open" in text:
            return f"The database file {self.name} cannot be opened read-only ({text})"
        return f"The database file {self.name} cannot be read ({text})"

    def _identity(self) -> Identity:
        try:
            return Identity.of(self.path)
        except FileNotFoundError:
            raise FileFault(
                GONE.format(self.name)
                if self.served
                else f"The database file {self.name} does not exist: run `sco-api migrate`"
            ) from None
        except OSError as exc:
            raise FileFault(f"The database file {self.name} cannot be read ({exc})") from exc

    def _open(self, immutable: bool) -> sqlite3.Connection:
        # A URI, so that a path holding `#`, `?` or `%` still names its file.
        query = "immutable=1" if immutable else "mode=ro"
        return sqlite3.connect(
            f"{self.path.as_uri()}?{query}",
            uri=True,
            check_same_thread=False,
            isolation_level=None,
            # The probe reads on the event loop: a lock held by a checkpoint must not stall
            # every request for the driver's default 5 s.
            timeout=0.25,
        )

    def _wal_holds_changes(self) -> bool:
        wal = self.path.with_name(self.name + "-wal")
        return wal.exists() and wal.stat().st_size > 0

    def _writable(self) -> bool:
        return os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)

    def _check(self, conn: sqlite3.Connection, identity: Identity) -> None:
        """SQLite's own quick check of every page; when it fails, whether the file holds
        every page its header counts (a file cut short says so).

        The file is never opened here but through SQLite: closing any other descriptor of
        it would drop the POSIX locks every connection of this process holds on it (SQLite
        cannot see that descriptor), and a writer elsewhere could then checkpoint over
        pages being read, or, with this process writing too, corrupt the file."""
        if not os.access(self.path, os.R_OK):
            raise FileFault(f"The database file {self.name} is not readable (permission denied)")
        failure: str | None
        try:
            problems = conn.execute("PRAGMA quick_check(1)").fetchone()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "unable to open" in str(exc):
                raise
            failure = self.explain(exc)
        else:
            found = " ".join(str(problems[0] if problems else "no answer").split())
            failure = None if found == "ok" else MALFORMED.format(self.name, f": {found}")
        if failure is None:
            return
        # Shorter than its header counts: a file cut short. (Only when the check fails: in the
        # middle of a checkpoint the header may count pages not written yet.)
        header = _header(self.path)
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(header[28:32], "big")
        counted = len(header) == 100 and header[24:28] == header[92:96]  # a valid count
        if counted and identity.size < pages * page_size:
            raise FileFault(
                f"The database file {self.name} is truncated/corrupted: {identity.size} bytes "
                f"where its header counts {pages * page_size}"
            )
        raise FileFault(failure)


def _header(path: Path) -> bytes:
    """The first 100 bytes of the file, read by another process: a descriptor this process
    opened and closed on the file would drop its connections' locks (see SqliteFile._check).
    Only asked when the file failed its check, so the cost of a process does not matter."""
    try:
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; sys.stdout.buffer.write(open(sys.argv[1], 'rb').read(100))",
                str(path),
            ],
            capture_output=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return b""
