"""Backups of the whole database, and restoring one: `flask --app intake backup|restore`.

SQLite is copied with its online backup API (a consistent copy while the app writes);
PostgreSQL with `pg_dump --format=custom` and restored with `pg_restore`. Everything
intake keeps is in the database: submissions, notes, the pipeline history, settings,
the questionnaire versions and the rendered proposal PDFs.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from .extensions import db


class BackupError(click.ClickException):
    """A backup or restore that did not happen, with the reason."""


def default_path(instance_path: str, url: str) -> Path:
    """instance/backups/intake-<UTC time>.sqlite3 (or .dump for PostgreSQL)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = "sqlite3" if _is_sqlite(url) else "dump"
    return Path(instance_path) / "backups" / f"intake-{stamp}.{suffix}"


def back_up(url: str, destination: Path, *, force: bool = False) -> None:
    """Write a consistent copy of the database at `url` to `destination` (mode 0600):
    a new file, never through a symbolic link; an existing file only with `force`."""
    fd = _create(destination, force=force)
    try:
        if _is_sqlite(url):
            with (
                closing(sqlite3.connect(_sqlite_file(url))) as source,
                closing(sqlite3.connect(destination)) as target,
            ):
                source.backup(target)
        else:  # pg_dump writes into the file we opened: it never opens the path
            _run_pg("pg_dump", url, "--format=custom", stdout=fd)
    except BaseException:
        destination.unlink(missing_ok=True)  # no half-written backup left behind
        raise
    finally:
        os.close(fd)


def _create(destination: Path, *, force: bool) -> int:
    """A new empty file, owner-only from the first byte (prospects' personal data)."""
    if destination.is_symlink():
        raise BackupError(
            f"{destination} is a symbolic link; a backup never follows one: "
            "give the real path"
        )
    if destination.exists():
        if not force or not destination.is_file():
            raise BackupError(
                f"{destination} exists; choose another name, or add --force to "
                "replace it (a regular file only)"
            )
        destination.unlink()
    destination.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    try:
        fd = os.open(destination, flags, 0o600)
    except FileExistsError:  # appeared meanwhile (O_EXCL refuses a link too)
        raise BackupError(f"{destination} appeared while writing; try again") from None
    os.fchmod(fd, 0o600)
    return fd


def restore(url: str, source: Path) -> None:
    """Replace the database at `url` with the backup in `source`."""
    if _is_sqlite(url):
        with (
            closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup,
            closing(sqlite3.connect(_sqlite_file(url))) as target,
        ):
            backup.backup(target)
    else:
        _run_pg(
            "pg_restore",
            url,
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            str(source),
        )


def _is_sqlite(url: str) -> bool:
    return sa.engine.make_url(url).get_backend_name() == "sqlite"


def _sqlite_file(url: str) -> str:
    path = sa.engine.make_url(url).database
    if not path or path == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return path


def _run_pg(program: str, url: str, *args: str, stdout: int | None = None) -> None:
    """Run pg_dump/pg_restore on the database; the password travels in the environment."""
    parsed = sa.engine.make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    target = parsed.set(drivername="postgresql", password=None)
    command = [
        program,
        "--no-owner",
        "--no-privileges",
        f"--dbname={target.render_as_string(hide_password=False)}",
        *args,
    ]
    try:
        result = subprocess.run(
            command,
            env=env,
            stdout=subprocess.PIPE if stdout is None else stdout,
            stderr=subprocess.PIPE,
            text=True,
        )
    except FileNotFoundError:
        raise BackupError(
            f"{program} is not installed (Debian: apt-get install postgresql-client)"
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{program} failed:\n{result.stderr.strip()}")


@click.command("backup")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write it (default: instance/backups/intake-<UTC time>.*). "
    "Never through a symbolic link.",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@with_appcontext
def backup_command(output: Path | None, force: bool):
    """Write a consistent copy of the database to a file; safe while the app runs."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    destination = output or default_path(current_app.instance_path, url)
    back_up(url, destination, force=force)
    size = destination.stat().st_size
    click.echo(f"backup written to {destination} ({size:,} bytes)")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(source: Path, yes: bool):
    """Replace everything in the database with a backup made by `backup`."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    where = sa.engine.make_url(url).render_as_string(hide_password=True)
    if not yes:
        click.confirm(
            f"Replace everything in {where} with {source}?", abort=True, default=False
        )
    # no connection of ours may hold a lock on what the restore replaces
    db.session.remove()
    db.engine.dispose()
    restore(url, source)
    click.echo(f"restored {where} from {source}")
