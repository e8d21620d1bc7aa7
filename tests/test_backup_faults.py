"""Backups that fail leave nothing half-written; a restore never discards a change the app
acknowledged (writes get a "short maintenance" page meanwhile); backups are private."""

from __future__ import annotations

import errno
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import event, func, select

from learnapp import backup as backup_module
from learnapp.backup import sqlite_path
from learnapp.db import get_db, get_session
from learnapp.models import Progress, User
from tests.helpers import Auth

LESSON = "/courses/sample/sample-first"
MAINTENANCE_DE = "Kurze Wartung"
MAINTENANCE_EN = "Short maintenance"


@pytest.fixture
def db_file(app: Flask) -> Path:
    url = app.config["DATABASE_URL"]
    if not url.startswith("sqlite"):
        pytest.skip("backup and restore are for SQLite; PostgreSQL uses pg_dump")
    return sqlite_path(url)


def _done_rows(app: Flask) -> int:
    with app.app_context():
        query = select(func.count()).select_from(Progress).where(Progress.completed_at.isnot(None))
        return get_session().scalar(query) or 0


@pytest.mark.parametrize(
    "full",
    [
        sqlite3.OperationalError("database or disk is full"),
        OSError(errno.ENOSPC, "No space left on device"),
    ],
)
def test_a_backup_onto_a_full_disk_says_so_and_leaves_nothing(
    runner: FlaskCliRunner,
    db_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    full: Exception,
) -> None:
    real_copy = backup_module._copy

    def copy_until_full(source: sqlite3.Connection, target: Path) -> None:
        real_copy(source, target)  # the partial file exists, half-written as far as we know
        raise full

    monkeypatch.setattr(backup_module, "_copy", copy_until_full)
    folder = tmp_path / "backups"
    result = runner.invoke(args=["backup", str(folder / "mon.db")])
    assert result.exit_code == 1
    assert "not enough free space" in result.output
    assert "Traceback" not in result.output
    assert list(folder.iterdir()) == []  # no .partial, no backup


def test_backups_and_the_copy_kept_before_a_restore_are_private(
    runner: FlaskCliRunner, db_file: Path, tmp_path: Path
) -> None:
    target = tmp_path / "mon.db"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert runner.invoke(args=["restore", "--yes", str(target)]).exit_code == 0
    (kept,) = db_file.parent.glob(db_file.name + ".before-restore-*")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_during_a_restore_changes_get_the_maintenance_page_and_reading_goes_on(
    app: Flask,
    runner: FlaskCliRunner,
    client: FlaskClient,
    auth: Auth,
    learner: User,
    db_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert auth.login("erika").status_code == 302
    token = auth.token(LESSON)
    snapshot = tmp_path / "before.db"
    assert runner.invoke(args=["backup", str(snapshot)]).exit_code == 0
    seen: dict[str, Any] = {}
    real_restore = backup_module.restore

    def restore_while_the_learner_clicks(database_url: str, backup_file: Path) -> Path | None:
        seen["read"] = client.get(LESSON)
        seen["done"] = client.post(
            LESSON + "/done", data={"csrf_token": token}, headers={"Accept-Language": "de"}
        )
        seen["english"] = client.post(
            LESSON + "/done", data={"csrf_token": token}, headers={"Accept-Language": "en"}
        )
        return real_restore(database_url, backup_file)

    monkeypatch.setattr(backup_module, "restore", restore_while_the_learner_clicks)
    result = runner.invoke(args=["restore", "--yes", str(snapshot)])
    assert result.exit_code == 0, result.output
    assert seen["read"].status_code == 200
    assert seen["done"].status_code == 503
    assert MAINTENANCE_DE in seen["done"].get_data(as_text=True)
    assert MAINTENANCE_EN in seen["english"].get_data(as_text=True)
    assert _done_rows(app) == 0  # nothing acknowledged, nothing lost
    # The restore is over: the flag is gone and "Done" works again.
    assert not Path(app.config["MAINTENANCE_FLAG"]).exists()
    assert client.post(LESSON + "/done", data={"csrf_token": token}).status_code == 302
    assert _done_rows(app) == 1


def test_a_change_committed_as_a_restore_begins_is_not_acknowledged(
    app: Flask, client: FlaskClient, auth: Auth, learner: User
) -> None:
    """The request passed the check at its start; the restore's flag appeared while it worked."""
    assert auth.login("erika").status_code == 302
    token = auth.token(LESSON)
    flag = Path(app.config["MAINTENANCE_FLAG"])
    with app.app_context():
        engine = get_db().engine

    def restore_begins(_connection: object) -> None:
        flag.touch()

    event.listen(engine, "commit", restore_begins)
    try:
        reply = client.post(LESSON + "/done", data={"csrf_token": token})
    finally:
        event.remove(engine, "commit", restore_begins)
        flag.unlink()
    assert reply.status_code == 503
    assert "Wartung" in reply.get_data(as_text=True)
