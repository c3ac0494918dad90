"""Service settings, read from environment variables prefixed `SCO_`."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ROOT = Path(__file__).resolve().parents[2]
# Each waiting writer holds a thread of the worker's pool (app.main makes the pool this much
# larger than anyio's 40), so that key checks and dataset loads always find one free.
MAX_WRITERS_WAITING = 200


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SCO_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{ROOT / 'data' / 'sco.db'}",
        description="SQLAlchemy URL: sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DB",
    )
    database_url_file: Path | None = Field(
        default=None,
        description="A file holding the database URL (a secret mounted by the deployment, "
        "so that no password is in the environment, the image or the compose file); read "
        "once at start, surrounding whitespace dropped. Give it or SCO_DATABASE_URL, not both",
    )
    database_password_file: Path | None = Field(
        default=None,
        description="A file holding the PostgreSQL password alone (the file the postgres "
        "image reads as POSTGRES_PASSWORD_FILE), put into the database URL, which then "
        "names the user and no password; read once at start, surrounding whitespace dropped",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1)
    seed_dir: Path = ROOT / "seed"
    contact_name: str | None = Field(
        default=None, description="Who runs this service, named in the OpenAPI document"
    )
    contact_url: str | None = Field(default=None, description="The operator's web page")
    contact_email: str | None = Field(default=None, description="The operator's address")
    unstated_file: Path = Field(
        default=ROOT / "seed" / "unstated.yaml",
        description="The committed list of facts still allowed to stand without a citation "
        "that states them (app.domain.stating)",
    )
    cache_mb: int = Field(default=64, ge=1, description="Memory for cached answers, per worker")
    log_level: str = "info"
    cors_origins: list[str] = Field(
        default=["*"], description='Origins browsers may call from (JSON list); ["*"]: any'
    )
    public_url: str | None = Field(
        default=None,
        description="The service's public base URL (https://host/prefix), on which problem "
        "type URIs are built; default: the base URL each request was made on",
    )
    access_log: bool = Field(
        default=True, description="One JSON line per request on stderr (logger app.access)"
    )
    trusted_proxies: list[str] = Field(
        default=["127.0.0.1", "::1"],
        description="Addresses and networks (JSON list, e.g. "
        '["10.0.0.5", "127.0.0.1"]; ["*"]: any) of the reverse proxies whose '
        "X-Forwarded-For and X-Forwarded-Proto are believed: behind one, a client is the "
        "address it forwards (throttling, the base URL); otherwise the connecting address. "
        "List the proxies only: a client inside a listed network, or any client with "
        '["*"], can forge the address it is counted by',
    )
    auth_failure_limit: int = Field(
        default=20,
        ge=1,
        description="Failed API-key checks (401) a client may make within the window; past "
        "them, its requests that need a key are refused (429) until the oldest leaves it",
    )
    auth_failure_window: int = Field(
        default=60,
        ge=1,
        description="Seconds over which a client's failed API-key checks are counted",
    )
    # The server's edges (app.http.server): what a client may send before a request is read.
    max_header_bytes: int = Field(
        default=16384,
        ge=1024,
        description="The largest request header block (request line and headers), in bytes; "
        "a larger one is refused (431) as soon as it passes the limit, before it is read whole",
    )
    max_target: int = Field(
        default=400,
        ge=64,
        description="The longest request target (path and query), in characters; a longer "
        "one is refused (414) before any work. A collection's Link header repeats the "
        "target up to four times, and a caching proxy keeps its cache key (the target "
        "again) in the buffer it reads the answer's header block into: at 400 the largest "
        "header block is some 3.2 KB and fits, with nginx's cache key and record, in the "
        "4 KB nginx buffers by default (proxy_buffer_size)",
    )
    idle_timeout: float = Field(
        default=30,
        gt=0,
        description="Seconds within which a new connection must send a request head, and a "
        "begun head must be complete; past them the connection is closed. Between requests "
        "uvicorn's keep-alive timeout (5 s) holds",
    )

    metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="A second port, on the same address, that serves /metrics and nothing "
        "else; /metrics is then not found on SCO_PORT. Unset: /metrics is on SCO_PORT with "
        "the API (`./dev start`). The image sets 9100: publish only SCO_PORT",
    )
    shared_max_age: int = Field(
        default=5,
        ge=0,
        le=3600,
        description="Seconds a shared cache (a proxy such as nginx, a CDN) may answer from "
        "its copy of an answer not fixed by a version before it revalidates it with its "
        "ETag (`s-maxage`): a shared cache's answer is never older than this. Clients and "
        "private caches revalidate every reuse (`max-age=0, must-revalidate`). 0: every "
        "cache revalidates every reuse (`no-cache`)",
    )

    # Freshness (app.storage.beacon, app.storage.store).
    stale_seconds: float = Field(
        default=1.0,
        ge=0,
        le=60,
        description="Seconds a worker may answer from the dataset version it last confirmed "
        "for changes it is not told of: writes through another host sharing the database, "
        "or a database changed outside the service (a SQLite file restored). Writes through "
        "this host's service or `sco-api` are seen at once, by every worker. 0: the version "
        "is read from the database on every request",
    )
    beacon_dir: Path | None = Field(
        default=None,
        description="The folder of the beacons by which this host's writers tell its workers "
        "of a change (app.storage.beacon); default /dev/shm, else the temporary folder. "
        "Processes that share a database on one host must share this folder",
    )
    gc_freeze: bool = Field(
        default=True,
        description="Move each dataset, once built, out of the garbage collector's passes "
        "(app.core.heap): a full pass over it stalls every request for 80-170 ms. Off in a "
        "process that makes and drops many applications (the test suite), whose cycles a "
        "freeze would keep until the next full pass",
    )

    # Writers' turns (app.storage.turns).
    write_wait: float = Field(
        default=30,
        gt=0,
        description="Seconds a write waits for its turn at most; past them it is refused "
        "(503 with Retry-After)",
    )
    writers_waiting: int = Field(
        default=32,
        ge=1,
        le=MAX_WRITERS_WAITING,
        description="Writes that may wait for their turn at once in one worker; the next "
        "is refused at once (503 with Retry-After)",
    )

    @property
    def contact(self) -> dict[str, str]:
        """The operator's contact as the OpenAPI document gives it (empty: none set)."""
        given = {"name": self.contact_name, "url": self.contact_url, "email": self.contact_email}
        return {k: v for k, v in given.items() if v}

    @model_validator(mode="after")
    def _database_url_from_file(self) -> "Settings":
        if self.database_url_file is None:
            return self
        if "database_url" in self.model_fields_set:
            raise ValueError(
                "give the database URL as SCO_DATABASE_URL or in SCO_DATABASE_URL_FILE, not both"
            )
        self.database_url = _read_secret(self.database_url_file, "SCO_DATABASE_URL_FILE")
        return self

    @model_validator(mode="after")
    def _database_password_from_file(self) -> "Settings":
        if self.database_password_file is None:
            return self
        try:
            url = make_url(self.database_url)
        except ArgumentError:
            raise ValueError("the database URL is not a URL SQLAlchemy reads") from None
        if url.get_backend_name() != "postgresql":
            raise ValueError(
                "SCO_DATABASE_PASSWORD_FILE is for a PostgreSQL URL; this one is "
                f"{url.get_backend_name()}"
            )
        if url.password is not None:
            raise ValueError(
                "the database URL has a password and SCO_DATABASE_PASSWORD_FILE gives one: "
                "give it in one place"
            )
        password = _read_secret(self.database_password_file, "SCO_DATABASE_PASSWORD_FILE")
        self.database_url = url.set(password=password).render_as_string(hide_password=False)
        return self

    @model_validator(mode="after")
    def _ports_apart(self) -> "Settings":
        if self.metrics_port is not None and self.metrics_port == self.port:
            raise ValueError(
                f"SCO_METRICS_PORT is SCO_PORT ({self.port}): give /metrics a port of its own, "
                "or leave SCO_METRICS_PORT unset to serve it with the API"
            )
        return self


def _read_secret(path: Path, name: str) -> str:
    """A secret from its file, or a ValueError naming the variable and what is wrong."""
    try:
        value = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{name}: {path} cannot be read ({exc})") from None
    if not value:
        raise ValueError(f"{name}: {path} is empty")
    return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
