"""Service settings, read from environment variables prefixed `SCO_`."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SCO_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{ROOT / 'data' / 'sco.db'}",
        description="SQLAlchemy URL: sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DB",
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

    @property
    def contact(self) -> dict[str, str]:
        """The operator's contact as the OpenAPI document gives it (empty: none set)."""
        given = {"name": self.contact_name, "url": self.contact_url, "email": self.contact_email}
        return {k: v for k, v in given.items() if v}


@lru_cache
def get_settings() -> Settings:
    return Settings()
