"""The configuration: the database URL as a secret in a file (SCO_DATABASE_URL_FILE), and
a configuration refused in one line naming the variable, never a traceback."""

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from app.cli import cli
from app.core.settings import Settings, get_settings
from tests.conftest import on


def sco_api(env: dict[str, str | None], *args: str) -> tuple[int, str]:
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, list(args), env={"SCO_DATABASE_URL": None, **env})
    finally:
        get_settings.cache_clear()
    return result.exit_code, result.stdout + result.stderr


def test_the_database_url_is_read_from_its_file(seeded_url: str, tmp_path: Path) -> None:
    secret = tmp_path / "database-url"
    secret.write_text(f"  {seeded_url}\n")
    code, said = sco_api({"SCO_DATABASE_URL_FILE": str(secret)}, "check")
    assert code == 0, said
    assert "check passed" in said


def test_the_url_in_a_file_and_in_the_environment_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "database-url"
    secret.write_text("sqlite:////nowhere/a.db")
    env = {"SCO_DATABASE_URL_FILE": str(secret), "SCO_DATABASE_URL": "sqlite:////nowhere/b.db"}
    code, said = sco_api(env, "check")
    assert code == 1
    assert said.strip() == (
        "sco-api check: the configuration is refused: give the database URL as "
        "SCO_DATABASE_URL or in SCO_DATABASE_URL_FILE, not both"
    )


@pytest.mark.parametrize("content", [None, "", " \n"])
def test_a_missing_or_empty_secret_file_is_named(tmp_path: Path, content: str | None) -> None:
    secret = tmp_path / "database-url"
    if content is not None:
        secret.write_text(content)
    code, said = sco_api({"SCO_DATABASE_URL_FILE": str(secret)}, "check")
    assert code == 1
    assert "Traceback" not in said
    what = "cannot be read" if content is None else "is empty"
    assert f"SCO_DATABASE_URL_FILE: {secret} {what}" in said


def test_a_refused_setting_is_named_in_one_line() -> None:
    code, said = sco_api({"SCO_PORT": "eighty"}, "check")
    assert code == 1
    assert said.strip().startswith("sco-api check: the configuration is refused: SCO_PORT: ")
    assert "Traceback" not in said


def test_the_application_reads_the_url_from_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "database-url"
    secret.write_text("postgresql+psycopg://sco:s3cret@db:5432/sco\n")
    monkeypatch.delenv("SCO_DATABASE_URL", raising=False)
    monkeypatch.setenv("SCO_DATABASE_URL_FILE", str(secret))
    assert Settings().database_url == "postgresql+psycopg://sco:s3cret@db:5432/sco"


def test_the_metrics_port_and_the_api_port_are_two() -> None:
    code, said = sco_api({"SCO_PORT": "8000", "SCO_METRICS_PORT": "8000"}, "check")
    assert code == 1
    assert said.splitlines() == [
        "sco-api check: the configuration is refused: SCO_METRICS_PORT is SCO_PORT (8000): "
        "give /metrics a port of its own, or leave SCO_METRICS_PORT unset to serve it with "
        "the API"
    ]


def test_the_password_is_read_from_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A password of any characters goes into the URL escaped, whether the URL is in the
    environment or in its own file."""
    secret = tmp_path / "db_password"
    secret.write_text("p@ss:w/rd%\n")
    monkeypatch.setenv("SCO_DATABASE_PASSWORD_FILE", str(secret))
    monkeypatch.setenv("SCO_DATABASE_URL", "postgresql+psycopg://sco@db:5432/sco")
    url = make_url(Settings().database_url)
    assert (url.username, url.password, url.host, url.database) == (
        "sco",
        "p@ss:w/rd%",
        "db",
        "sco",
    )
    monkeypatch.delenv("SCO_DATABASE_URL")
    (tmp_path / "url").write_text("postgresql+psycopg://sco@db/sco")
    monkeypatch.setenv("SCO_DATABASE_URL_FILE", str(tmp_path / "url"))
    assert make_url(Settings().database_url).password == "p@ss:w/rd%"


@on("postgresql")
def test_the_service_connects_with_the_password_from_its_file(
    seeded_url: str, tmp_path: Path
) -> None:
    secret = tmp_path / "db_password"
    secret.write_text("unused-by-trust-auth")
    assert make_url(seeded_url).password is None
    env = {"SCO_DATABASE_URL": seeded_url, "SCO_DATABASE_PASSWORD_FILE": str(secret)}
    code, said = sco_api(env, "check")
    assert code == 0, said


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("sqlite:////nowhere/a.db", "SCO_DATABASE_PASSWORD_FILE is for a PostgreSQL URL"),
        ("postgresql+psycopg://sco:given@db/sco", "the database URL has a password and "),
        ("not a url", "the database URL is not a URL SQLAlchemy reads"),
    ],
)
def test_a_password_file_that_cannot_apply_is_refused(
    tmp_path: Path, url: str, refusal: str
) -> None:
    secret = tmp_path / "db_password"
    secret.write_text("s3cret")
    env = {"SCO_DATABASE_URL": url, "SCO_DATABASE_PASSWORD_FILE": str(secret)}
    code, said = sco_api(env, "check")
    assert code == 1
    assert said.startswith(f"sco-api check: the configuration is refused: {refusal}"), said
    assert "s3cret" not in said
    assert "Traceback" not in said
