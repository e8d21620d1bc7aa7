"""`flask backup PATH` and `flask restore PATH` for the SQLite database.

A backup goes through SQLite's online backup API, never a file copy: it is a consistent
snapshot even while learners are writing (the WAL file is part of the database, and a plain
copy of learnapp.db alone can miss the last minutes or be torn). For PostgreSQL use pg_dump
and pg_restore (see the README).
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from learnapp import maintenance


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why in plain words."""


def sqlite_path(database_url: str) -> Path:
    """The file behind a sqlite:/// URL; other databases are refused with advice."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            f"The database is {url.get_backend_name()}, not SQLite: use pg_dump and "
            "pg_restore for PostgreSQL (see the README, section Backups)."
        )
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory database cannot be backed up.")
    return Path(url.database)


def _integrity(path: Path) -> str:
    """SQLite's own check of every page: "ok", or what is wrong."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    except sqlite3.DatabaseError as error:
        return str(error)
    finally:
        connection.close()


def _copy(source: sqlite3.Connection, target_path: Path) -> None:
    target = sqlite3.connect(target_path)
    try:
        # One step = one read transaction: in WAL mode writers go on meanwhile, and the copy
        # is the snapshot at its start. (Many small steps would restart on every write.)
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        target.close()


def _out_of_space(error: BaseException) -> bool:
    if isinstance(error, OSError):
        return error.errno in (errno.ENOSPC, errno.EDQUOT)
    return isinstance(error, sqlite3.Error) and "full" in str(error).lower()


def _private_empty_file(path: Path) -> None:
    """The backup holds everyone's names and progress: readable by this user only."""
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def backup(database_url: str, destination: Path, busy_timeout: float = 30.0) -> Path:
    """Copy a (running) SQLite database consistently to `destination`; check the copy.

    The copy is written next to the destination as `.partial` and renamed when it is whole
    and checked; whatever goes wrong (a full disk too), the `.partial` file is removed.
    """
    source_path = sqlite_path(database_url)
    if not source_path.exists():
        raise BackupError(f"There is no database at {source_path}.")
    destination = destination.resolve()
    if destination == source_path.resolve():
        raise BackupError("The backup must not overwrite the database itself.")
    partial = destination.with_name(destination.name + ".partial")
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        _private_empty_file(partial)
        source = sqlite3.connect(source_path, timeout=busy_timeout)
        try:
            _copy(source, partial)
        finally:
            source.close()
        result = _integrity(partial)
        if result != "ok":
            raise BackupError(f"The copy failed its integrity check: {result}")
        partial.replace(destination)  # the backup appears whole or not at all
    except (OSError, sqlite3.Error, BackupError) as error:
        partial.unlink(missing_ok=True)
        if _out_of_space(error):
            raise BackupError(
                f"There is not enough free space in {destination.parent} for the backup. "
                "Nothing was written: free some space (or choose another place) and try again."
            ) from error
        if isinstance(error, BackupError):
            raise
        raise BackupError(f"The backup could not be written: {error}") from error
    return destination


def restore(database_url: str, backup_file: Path, busy_timeout: float = 30.0) -> Path | None:
    """Bring a backup back into the database; the current database is kept beside it first.

    Writes of running app servers must be paused meanwhile (`flask restore` does so).
    Returns where the previous database was saved (None if there was none).
    """
    target_path = sqlite_path(database_url)
    backup_file = backup_file.resolve()
    if not backup_file.is_file():
        raise BackupError(f"There is no backup file at {backup_file}.")
    result = _integrity(backup_file)
    if result != "ok":
        raise BackupError(f"The backup file is damaged ({result}); nothing was changed.")
    saved = None
    if target_path.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        saved = target_path.with_name(f"{target_path.name}.before-restore-{stamp}")
        backup(database_url, saved, busy_timeout)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    target = sqlite3.connect(target_path, timeout=busy_timeout)
    try:
        # The backup API writes into the live file under SQLite's own locking (WAL included).
        source.backup(target)
    finally:
        source.close()
        target.close()
    result = _integrity(target_path)
    if result != "ok":  # pragma: no cover - would mean the disk failed during the restore
        if saved is not None:
            shutil.copyfile(saved, target_path)
        raise BackupError(f"The restored database failed its check ({result}).")
    return saved


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Make a consistent copy of the running SQLite database at PATH."""
    try:
        written = backup(current_app.config["DATABASE_URL"], path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {written} (integrity check: ok).")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the SQLite database with the backup at PATH.

    The app may keep running: while the restore works, it shows pages but answers every
    change with a "short maintenance" page (learnapp/maintenance.py), so nobody is told
    something was saved that the restore then replaces.
    """
    if not yes:
        click.confirm("This replaces the current database with the backup. Go on?", abort=True)
    try:
        with maintenance.writes_paused(current_app, f"restore from {path}"):
            saved = restore(current_app.config["DATABASE_URL"], path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    if saved is not None:
        click.echo(f"The previous database was saved as {saved}.")
    click.echo(f"Restored from {path}.")
