"""The `sco-api` command: serve, migrate, seed, check."""

import sys
from pathlib import Path
from typing import Annotated

import typer
from alembic import command
from alembic.config import Config

from app.settings import ROOT, get_settings

cli = typer.Typer(
    help="SCO Data API: serve, migrate, seed and check the dataset.",
    no_args_is_help=True,
    add_completion=False,
)


def alembic_config(url: str | None = None) -> Config:
    """Alembic's configuration for `url` (default: SCO_DATABASE_URL)."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url or get_settings().database_url)
    return config


@cli.command()
def migrate() -> None:
    """Upgrade the database schema to the latest migration (Alembic `upgrade head`).
    To go back, use Alembic itself: `alembic downgrade REVISION`."""
    command.upgrade(alembic_config(), "head")
    typer.echo("migrated to head")


@cli.command()
def seed(
    seed_dir: Annotated[Path | None, typer.Option(help="Folder holding dataset.yaml")] = None,
) -> None:
    """Load the curated dataset in one transaction; unchanged files change nothing."""
    from app.db import make_engine
    from app.seeding import SeedError
    from app.seeding import seed as load_seed

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        report = load_seed(engine, seed_dir or settings.seed_dir)
    except SeedError as exc:
        for problem in exc.problems:
            typer.echo(f"refused: {problem}", err=True)
        typer.echo(f"seed refused: {len(exc.problems)} problem(s); nothing was written", err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    if not report.changed:
        typer.echo(f"dataset unchanged (version {report.version}); nothing written")
        return
    counts = ", ".join(f"{n} {table}" for table, n in report.counts.items())
    typer.echo(f"seeded (version {report.version}): {counts}")
    for source_id, statement, verdict in report.verdicts:
        typer.echo(f"  claim [{verdict}] {source_id}: {statement}")


@cli.command()
def check() -> None:
    """Verify quotes, integrity rules and claims in the database; exit 1 on any failure."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.checks import claim_problems, integrity
    from app.dataset import load
    from app.db import make_engine

    engine = make_engine(get_settings().database_url)
    try:
        ds = load(engine)
    except (SQLAlchemyError, RuntimeError) as exc:
        typer.echo(f"FAILED: the database cannot be read (run `sco-api migrate`?): {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    problems = integrity(ds) + claim_problems(ds)
    if not ds.states:
        problems.append("the database holds no dataset: run `sco-api seed`")
    for claim in ds.claims:
        typer.echo(f"claim [{claim.verdict}] {claim.source_id}: {claim.statement}")
    for problem in problems:
        typer.echo(f"FAILED: {problem}", err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo(
        f"check passed: {len(ds.periods)} status periods, {len(ds.terms)} terms, "
        f"{len(ds.summits)} summits, {len(ds.presidencies)} presidencies, "
        f"{len(ds.citations)} citations, {len(ds.claims)} claims"
    )


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (SCO_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (SCO_PORT)")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (SCO_WORKERS)")] = None,
) -> None:
    """Serve the API with uvicorn (uvloop and httptools)."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        log_level=settings.log_level,
        proxy_headers=True,
    )


@cli.command()
def start(
    host: Annotated[str | None, typer.Option(help="Address to bind (SCO_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (SCO_PORT)")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (SCO_WORKERS)")] = None,
) -> None:
    """Migrate, seed, then serve: what the README's first command and the image run."""
    migrate()
    seed(None)
    serve(host, port, workers)


def main() -> None:
    sys.exit(cli())
