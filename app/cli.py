"""The `sco-api` command: serve, migrate, seed, check."""

import errno
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from alembic import command
from alembic.config import Config
from typer.core import TyperGroup

from app.core.settings import ROOT, get_settings

if TYPE_CHECKING:
    import socket

    from sqlalchemy import Engine

    from app.writes.dataset_file import SeedError


def plainly(exc: BaseException) -> str | None:
    """A failure of the machine under a command (a full disk, a locked or unreachable
    database, a missing file, a configuration refused) in one line; None for anything else
    (a defect: traceback)."""
    from pydantic import ValidationError
    from sqlalchemy.exc import DBAPIError

    from app.core.errors import AppError
    from app.writes.service import first_line

    if isinstance(exc, AppError):  # the database unavailable, or busy with other writes
        return exc.detail
    if isinstance(exc, ValidationError) and exc.title == "Settings":
        return "the configuration is refused: " + "; ".join(
            f"{'SCO_' + str(e['loc'][0]).upper() + ': ' if e['loc'] else ''}"
            f"{e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        )
    if isinstance(exc, DBAPIError):
        said = first_line(exc)
        full = "disk is full" in said or "No space left" in said
        if full or ("disk I/O error" in said and _no_room_for_sqlite()):
            return f"the disk is full: the database cannot be written ({said})"
        if "database is locked" in said:
            return (
                "the database is locked: another process is writing to it (or holds it for "
                "a backup); try again when it is done"
            )
        return f"the database cannot be used: {said}"
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        if exc.errno == errno.ENOSPC:
            return f"the disk is full{where}"
        if exc.errno == errno.ENOENT:
            return f"no such file or folder{where}"
        return f"{exc.strerror or exc}{where}"
    return None


def _no_room_for_sqlite() -> bool:
    """Whether the folder of the SQLite database (if it is one) has under 1 MiB free: SQLite
    reports a full disk as "disk I/O error" when its write-ahead log cannot grow."""
    import shutil

    from sqlalchemy.engine import make_url

    url = make_url(get_settings().database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return False
    try:
        return shutil.disk_usage(Path(url.database).parent).free < 1024 * 1024
    except OSError:
        return False


class _Commands(TyperGroup):
    """The commands, each answering a failure of the machine under it in one line on
    stderr (exit 1), never a traceback."""

    def invoke(self, ctx: Any) -> Any:  # a Context of typer's own Click
        try:
            return super().invoke(ctx)
        except Exception as exc:
            line = plainly(exc)
            if line is None:
                raise
            typer.echo(f"sco-api {ctx.invoked_subcommand or ''}: {line}".strip(), err=True)
            raise typer.Exit(1) from exc


cli = typer.Typer(
    cls=_Commands,
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
    from app.storage.beacon import ring

    command.upgrade(alembic_config(), "head")
    ring(get_settings().database_url)  # workers serving it read its version again
    typer.echo("migrated to head")


def _engine() -> "Engine":
    from app.core.db import make_engine

    return make_engine(get_settings().database_url)


def _refused(exc: "SeedError", what: str) -> typer.Exit:
    for problem in exc.problems:
        typer.echo(f"refused: {problem}", err=True)
    typer.echo(f"{what} refused: {len(exc.problems)} problem(s); nothing was written", err=True)
    return typer.Exit(1)


@cli.command()
def seed(
    seed_dir: Annotated[Path | None, typer.Option(help="Folder holding dataset.yaml")] = None,
) -> None:
    """Load the shipped dataset into an empty database (as its first change set). On a
    seeded database nothing is written: it says whether the file differs (exit 0)."""
    from app.writes.importing import SeedError, describe
    from app.writes.importing import seed as load_seed

    engine = _engine()
    try:
        report = load_seed(engine, seed_dir or get_settings().seed_dir)
    except SeedError as exc:
        raise _refused(exc, "seed") from exc
    finally:
        engine.dispose()
    outcome = report.outcome
    if report.seeded and outcome is not None:
        counts = Counter(c.kind for c in outcome.changes)
        listed = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        typer.echo(f"seeded (version {report.version}): {listed}")
        return
    if outcome is None or not outcome.changes:
        typer.echo(f"already seeded (version {report.version}); the file matches; nothing written")
        return
    n = outcome.counts()
    typer.echo(
        f"already seeded (version {report.version}); nothing written. The file differs from the "
        f"database: {n['create']} added, {n['update']} changed, {n['delete']} removed "
        "(`sco-api import FILE --dry-run` shows them)"
    )
    for line in list(describe(outcome))[:20]:
        typer.echo(line)


@cli.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A dataset file, or a folder with dataset.yaml")],
    dry_run: Annotated[bool, typer.Option(help="Print the change set; write nothing")] = False,
    force: Annotated[
        bool, typer.Option(help="Also undo changes made through other channels since")
    ] = False,
    reason: Annotated[str | None, typer.Option(help="Why (recorded in the change log)")] = None,
    actor: Annotated[str, typer.Option(help="Who (recorded in the change log)")] = "sco-api import",
) -> None:
    """Apply the file's differences from the database as one change set."""
    from app.writes.importing import SeedError, describe, import_file

    engine = _engine()
    try:
        outcome = import_file(
            engine, file, dry_run=dry_run, force=force, actor=actor, reason=reason
        )
    except SeedError as exc:
        raise _refused(exc, "import") from exc
    finally:
        engine.dispose()
    n = outcome.counts()
    summary = f"{n['create']} added, {n['update']} changed, {n['delete']} removed"
    if not outcome.changes:
        typer.echo("the file matches the database; nothing written")
        return
    if dry_run:
        typer.echo(f"dry run: the change set would make {summary}; nothing written")
    else:
        typer.echo(f"imported as change set {outcome.seq}: {summary}")
    for line in describe(outcome):
        typer.echo(line)


@cli.command()
def export(
    file: Annotated[Path, typer.Argument(help="Where to write the dataset file")],
) -> None:
    """Write the database's dataset in the dataset-file format, every fact with its id."""
    from app.writes.importing import SeedError
    from app.writes.importing import export as write_export

    engine = _engine()
    try:
        count = write_export(engine, file)
    except SeedError as exc:
        for problem in exc.problems:
            typer.echo(f"FAILED: {problem}", err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    typer.echo(f"exported {count} facts to {file}")


@cli.command()
def check() -> None:
    """Run the rule set on the database (references, integrity, claims) and compare its
    rows with a replay of the change log; exit 1 naming each failure."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.core.db import snapshot
    from app.domain.rules import check as run_rules
    from app.storage.changelog import differences
    from app.storage.rows import read
    from app.writes.importing import SeedError, exportable

    engine = _engine()
    try:
        with snapshot(engine) as session:
            facts = read(session.connection())
            drift = differences(session.connection(), facts)
    except SQLAlchemyError as exc:
        typer.echo(f"FAILED: the database cannot be read (run `sco-api migrate`?): {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    ds, found = run_rules(facts)
    problems = [str(p) for p in found] + drift
    try:
        exportable(facts)
    except SeedError as exc:  # held under older limits: the dataset file refuses them
        problems += exc.problems
    if not facts.docs["state"]:
        problems.append("the database holds no dataset: run `sco-api seed`")
    for claim in ds.claims if ds else []:
        typer.echo(f"claim [{claim.verdict}] {claim.source_id}: {claim.statement}")
    for problem in problems:
        typer.echo(f"FAILED: {problem}", err=True)
    if problems or ds is None:
        raise typer.Exit(1)
    typer.echo(
        f"check passed: {len(ds.periods)} status periods, {len(ds.terms)} terms, "
        f"{len(ds.summits)} summits, {len(ds.presidencies)} presidencies, "
        f"{len(ds.citations)} citations, {len(ds.claims)} claims; the tables match the "
        "change log"
    )


@cli.command()
def revert(
    seq: Annotated[int, typer.Argument(help="The seq of the change set to undo")],
    reason: Annotated[str | None, typer.Option(help="Why (recorded in the change log)")] = None,
    actor: Annotated[str, typer.Option(help="Who (recorded in the change log)")] = "sco-api revert",
) -> None:
    """Undo a change set by applying its inverse, itself recorded (channel `revert`): the
    facts it created go, the ones it deleted come back under their ids, the ones it changed
    get their earlier fields. Refused when later change sets touched the same facts."""
    from app.core.errors import AppError
    from app.writes import revert as reverting
    from app.writes import service as writes

    engine = _engine()
    try:
        outcome = writes.commit(
            engine,
            reverting.plan(seq),
            actor=actor,
            reason=reverting.reason_for(seq, reason),
            channel="revert",
        )
    except AppError as exc:
        typer.echo(f"refused: {exc.detail}", err=True)
        raise typer.Exit(1) from exc
    except writes.Refused as exc:
        raise _refused(exc, "revert") from exc
    finally:
        engine.dispose()
    n = outcome.counts()
    typer.echo(
        f"reverted change set {seq} as change set {outcome.seq}: {n['create']} created, "
        f"{n['update']} updated, {n['delete']} deleted"
    )


keys_cli = typer.Typer(
    help="Curators' API keys for the write API: create (the secret is shown once), list, revoke.",
    no_args_is_help=True,
)
cli.add_typer(keys_cli, name="keys")


@keys_cli.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(help="Who or what the key is for, e.g. alice")],
    scope: Annotated[
        list[str],
        typer.Option(
            "--scope",
            help="What the key may do (repeat for several): facts:write, sources:write, "
            "audit:read, keys:admin",
        ),
    ],
) -> None:
    """Make a key and print its secret: the only time it is shown (only a hash is kept)."""
    from app.storage import keys

    engine = _engine()
    try:
        secret = keys.create(engine, name, scope)
    except keys.KeyRefused as exc:
        typer.echo(f"refused: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    typer.echo(secret)
    typer.echo(
        f"created key {name!r} with scope(s) {', '.join(sorted(set(scope)))}; the secret above "
        "is shown only now: send it as `Authorization: Bearer <secret>`",
        err=True,
    )


@keys_cli.command("list")
def keys_list() -> None:
    """List the keys (never their secrets): name, scopes, created, revoked."""
    from app.storage import keys

    engine = _engine()
    try:
        found = keys.listed(engine)
    finally:
        engine.dispose()
    for key in found:
        state = f"revoked {key.revoked_at:%Y-%m-%dT%H:%M:%SZ}" if key.revoked_at else "active"
        typer.echo(
            f"{key.name}\t{','.join(key.scopes)}\tcreated {key.created_at:%Y-%m-%dT%H:%M:%SZ}"
            f"\t{state}"
        )
    if not found:
        typer.echo("no keys yet: `sco-api keys create NAME --scope SCOPE`", err=True)


@keys_cli.command("revoke")
def keys_revoke(name: Annotated[str, typer.Argument(help="The key's name")]) -> None:
    """Revoke a key for good: it is refused (401) from its next request on."""
    from app.storage import keys

    engine = _engine()
    try:
        key = keys.revoke(engine, name)
    except keys.KeyRefused as exc:
        typer.echo(f"refused: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    typer.echo(f"revoked key {key.name!r}")


def _port_free(host: str, port: int) -> str | None:
    """None when `host:port` can be bound, else why not."""
    import socket

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port))
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _check_port(host: str, port: int) -> None:
    why = _port_free(host, port)
    if why is not None:
        typer.echo(
            f"cannot listen on {host}:{port}: {why}. Another process holds the port: stop it, "
            "or choose another port with SCO_PORT=8001 (or --port 8001)",
            err=True,
        )
        raise typer.Exit(1)


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (SCO_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (SCO_PORT)")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (SCO_WORKERS)")] = None,
) -> None:
    """Serve the API with uvicorn (uvloop and httptools); /metrics on SCO_METRICS_PORT when
    it is set. Never migrates: `sco-api setup` does, or `sco-api start` before it serves."""
    import uvicorn

    settings = get_settings()
    host, port = host or settings.host, port or settings.port
    workers = workers or settings.workers
    metrics_port = settings.metrics_port
    if metrics_port == port:
        typer.echo(
            f"sco-api serve: SCO_METRICS_PORT is the API's port ({port}): give /metrics a port "
            "of its own, or leave SCO_METRICS_PORT unset to serve it with the API",
            err=True,
        )
        raise typer.Exit(1)
    for each in (port, metrics_port):
        if each is not None:
            _check_port(host, each)
    _count_metrics_together(workers)
    options = _uvicorn_options(host, port, workers)
    if metrics_port is None:
        uvicorn.run("app.main:create_app", **options)
    else:
        _serve_two_ports(options, metrics_port)


def _count_metrics_together(workers: int) -> None:
    """With several workers, each writes its metrics to files in one folder and /metrics
    adds them up. The folder goes when the server stops."""
    import atexit
    import os
    import shutil
    import tempfile

    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        folder = tempfile.mkdtemp(prefix="sco-api-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
        atexit.register(shutil.rmtree, folder, ignore_errors=True)


def _uvicorn_options(host: str, port: int, workers: int) -> dict[str, Any]:
    from app.core.logs import config

    settings = get_settings()
    return {
        "factory": True,
        "host": host,
        "port": port,
        "workers": workers,
        "log_level": settings.log_level,
        "log_config": config(settings.log_level, settings.access_log),
        "access_log": False,  # app.http.middleware.Observe writes the access log
        "server_header": False,
        # httptools with bounds on request heads, targets and idle connections; named by
        # import string, so that each worker process imports it.
        "http": "app.http.server:EdgeProtocol",
        # X-Forwarded-* are applied by the application (SCO_TRUSTED_PROXIES), not twice.
        "proxy_headers": False,
    }


def _serve_two_ports(options: dict[str, Any], metrics_port: int) -> None:
    """uvicorn on the API's port and the metrics port: two listening sockets, made here and
    shared by every worker; the application tells a request's port by the address its
    connection was accepted on (app.http.ports)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config("app.main:create_app", **options)
    host = options["host"]
    sockets = [config.bind_socket(), _listening(host, metrics_port)]
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"metrics at http://{shown}:{metrics_port}/metrics", err=True)
    server = uvicorn.Server(config)
    try:
        if config.workers > 1:
            Multiprocess(config, sockets=sockets).run()
        else:
            server.run(sockets=sockets)
    except KeyboardInterrupt:
        pass
    if config.workers == 1 and not server.started:
        raise typer.Exit(3)  # uvicorn's STARTUP_FAILURE: the application did not start


def _listening(host: str, port: int) -> "socket.socket":
    """A socket bound to `host:port`, to be listened on by every worker."""
    import socket

    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


@cli.command()
def start(
    host: Annotated[str | None, typer.Option(help="Address to bind (SCO_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (SCO_PORT)")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (SCO_WORKERS)")] = None,
) -> None:
    """Migrate, seed, then serve: what the README's first command and the image run. Prints
    one line about the dataset, then the address."""
    settings = get_settings()
    host, port = host or settings.host, port or settings.port
    for each in (port, settings.metrics_port):
        if each is not None:
            _check_port(host, each)  # before migrating and seeding, not after
    setup()
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"serving at http://{shown}:{port} (docs: http://{shown}:{port}/docs)")
    serve(host, port, workers)


@cli.command()
def setup() -> None:
    """Migrate, then seed an empty database, and never serve: a deployment's one-shot job,
    run before its replicas (`sco-api serve`, which never migrate) start, and again after
    each upgrade. Prints one line about the dataset."""
    from app.storage.beacon import ring

    command.upgrade(alembic_config(), "head")
    ring(get_settings().database_url)  # workers serving it on this host read it again
    _quiet_seed()


def _quiet_seed() -> None:
    """Seed an empty database; print one line saying what the database holds."""
    from app.storage.store import load
    from app.writes.importing import SeedError
    from app.writes.importing import seed as load_seed

    engine = _engine()
    try:
        report = load_seed(engine, get_settings().seed_dir)
        ds = load(engine)
    except SeedError as exc:
        raise _refused(exc, "seed") from exc
    finally:
        engine.dispose()
    state = "seeded now" if report.seeded else "already seeded"
    differs = report.outcome is not None and bool(report.outcome.changes) and not report.seeded
    typer.echo(
        f"dataset version {ds.version} ({state}): {len(ds.states)} states, "
        f"{len(ds.periods)} status periods, {len(ds.terms)} terms, {len(ds.summits)} summits, "
        f"{len(ds.presidencies)} presidencies, {len(ds.sources)} sources"
        + ("; seed/dataset.yaml differs (`sco-api seed` says how)" if differs else "")
    )


def main() -> None:
    sys.exit(cli())
