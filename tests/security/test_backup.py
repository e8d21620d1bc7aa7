"""`flask backup` copies a running SQLite database consistently; `flask restore` brings it back."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from learnapp.backup import BackupError, restore, sqlite_path

pytestmark = pytest.mark.usefixtures("centre")


@pytest.fixture
def db_file(app) -> Path:  # type: ignore[no-untyped-def]
    url = app.config["DATABASE_URL"]
    if not url.startswith("sqlite"):
        pytest.skip("backup and restore are for SQLite; PostgreSQL uses pg_dump")
    return sqlite_path(url)


class Writer(threading.Thread):
    """Adds one centre per commit, as fast as it can, and counts what was committed."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.acknowledged = 0
        self.stop = threading.Event()

    def run(self) -> None:
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        while not self.stop.is_set():
            connection.execute(
                "INSERT INTO centre (name, town, created_at) VALUES (?, '', CURRENT_TIMESTAMP)",
                (f"c{self.acknowledged}",),
            )
            connection.commit()
            self.acknowledged += 1
        connection.close()


def _centres(path: Path) -> list[int]:
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("SELECT id FROM centre ORDER BY id")]
    finally:
        connection.close()


def test_backup_while_writing_then_restore(runner, db_file, tmp_path):
    writer = Writer(db_file)
    writer.start()
    try:
        time.sleep(0.3)
        copies = []
        for number in range(3):
            before = writer.acknowledged
            target = tmp_path / f"backup-{number}.db"
            result = runner.invoke(args=["backup", str(target)])
            assert result.exit_code == 0, result.output
            assert "integrity check: ok" in result.output
            copies.append((target, before, writer.acknowledged))
            time.sleep(0.1)
    finally:
        writer.stop.set()
        writer.join()
    assert writer.acknowledged > 100

    for target, before, after in copies:
        ids = _centres(target)
        # a consistent snapshot: every row acknowledged before the copy began, in order,
        # and nothing that was not yet written (+1: the fixture's own centre)
        assert before + 1 <= len(ids) <= after + 1
        assert ids == list(range(1, len(ids) + 1))
        connection = sqlite3.connect(target)
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        connection.close()

    chosen, _, _ = copies[1]
    expected = _centres(chosen)
    assert len(_centres(db_file)) > len(expected)
    result = runner.invoke(args=["restore", "--yes", str(chosen)])
    assert result.exit_code == 0, result.output
    assert _centres(db_file) == expected
    assert "previous database was saved" in result.output
    assert list(db_file.parent.glob(db_file.name + ".before-restore-*"))


def test_restore_asks_first_and_refuses_a_damaged_file(runner, db_file, tmp_path, app):
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    result = runner.invoke(args=["restore", str(damaged)], input="n\n")
    assert result.exit_code != 0 and "replaces the current database" in result.output
    assert result.output.endswith("Aborted!\n")  # the answer "n" stopped it
    with pytest.raises(BackupError):
        restore(app.config["DATABASE_URL"], damaged)
    assert _centres(db_file) == [1]  # untouched


def test_backup_refuses_to_overwrite_the_database(runner, db_file):
    result = runner.invoke(args=["backup", str(db_file)])
    assert result.exit_code != 0 and "must not overwrite" in result.output


def test_postgresql_gets_advice_instead():
    with pytest.raises(BackupError, match="pg_dump"):
        sqlite_path("postgresql+psycopg://postgres@127.0.0.1/x")
