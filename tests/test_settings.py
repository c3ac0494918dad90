"""The configuration: the database URL as a secret in a file (SCO_DATABASE_URL_FILE), and
a configuration refused in one line naming the variable, never a traceback."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.core.settings import Settings, get_settings


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
