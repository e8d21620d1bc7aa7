"""SQLite's files kept private and its write-ahead log kept small.

- The database, its -wal and -shm files are readable by the app's user only (0600): they hold
  names and progress. SQLite gives the -wal and -shm files the mode of the database file, so
  creating that file privately before SQLite opens it is enough.
- `journal_size_limit` cuts the WAL back to that size whenever SQLite starts it anew.
- A long reader (a big report, a backup) keeps SQLite from reusing the WAL: it grows behind
  the reader and, without a checkpoint of type TRUNCATE, never shrinks again. After a request,
  at most once every SQLITE_CHECKPOINT_EVERY_SECONDS and only when the WAL has grown beyond
  SQLITE_CHECKPOINT_WAL_BYTES, the worker checkpoints and truncates it. That runs after the
  answer has been sent and never waits: if a reader is still busy, it tries again later.
- `synchronous`: NORMAL (the default) keeps the database intact on power loss but may lose
  the last commits before it; FULL waits for the disk on every commit and loses none.
"""

from __future__ import annotations

import logging
import os
import stat
import time
from pathlib import Path

from flask import Flask, Response
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)
PRIVATE_MODE = 0o600
SYNCHRONOUS_MODES = ("NORMAL", "FULL")
COMPANION_SUFFIXES = ("", "-wal", "-shm", "-journal")


def database_file(url: str) -> Path | None:
    """The file behind a sqlite URL (None for memory databases and other databases)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_private(path: Path) -> None:
    """Create the database file 0600 if it is missing; take away others' access if not."""
    if not path.parent.is_dir():
        return  # nothing can be created; opening the database will say why
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE))
    except FileExistsError:
        pass
    except OSError as error:
        log.warning("could not create %s privately: %s", path, error)
        return
    for suffix in COMPANION_SUFFIXES:
        companion = path.with_name(path.name + suffix)
        try:
            if stat.S_IMODE(companion.stat().st_mode) & 0o077:
                companion.chmod(PRIVATE_MODE)
        except OSError:  # missing, or owned by someone else: leave it
            continue


def pragmas(busy_timeout_ms: int, synchronous: str, journal_size_limit: int) -> list[str]:
    if synchronous.upper() not in SYNCHRONOUS_MODES:
        raise ValueError(f"SQLITE_SYNCHRONOUS must be one of {SYNCHRONOUS_MODES}")
    return [
        "PRAGMA journal_mode=WAL",
        "PRAGMA foreign_keys=ON",
        f"PRAGMA busy_timeout={int(busy_timeout_ms)}",
        f"PRAGMA synchronous={synchronous.upper()}",
        f"PRAGMA journal_size_limit={int(journal_size_limit)}",
    ]


LOOK_EVERY_S = 1.0


class WalCheckpointer:
    """Truncates a grown WAL after a request, now and then, without ever waiting."""

    def __init__(
        self, engine: Engine, path: Path, wal_bytes: int, every_s: float, busy_timeout_ms: int
    ) -> None:
        self.engine = engine
        self.wal = path.with_name(path.name + "-wal")
        self.wal_bytes = wal_bytes
        self.every_s = every_s
        self.busy_timeout_ms = busy_timeout_ms
        self.last_try = -float("inf")
        self.last_look = -float("inf")

    def due(self) -> bool:
        now = time.monotonic()
        # The WAL's size is looked at once a second at most: a stat() after every request
        # cost a few per cent of a page.
        look_every = min(LOOK_EVERY_S, self.every_s)
        if now - self.last_try < self.every_s or now - self.last_look < look_every:
            return False
        self.last_look = now
        try:
            return self.wal.stat().st_size >= self.wal_bytes
        except OSError:
            return False

    def checkpoint(self) -> tuple[int, int, int]:
        """(busy, WAL pages, pages moved) as SQLite reports them; busy=1: a reader was there."""
        self.last_try = time.monotonic()
        connection = self.engine.raw_connection()
        cursor = connection.cursor()
        try:
            cursor.execute("PRAGMA busy_timeout=0")  # a busy reader: give up at once
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy, pages, moved = cursor.fetchone() or (1, -1, -1)
        finally:
            cursor.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_ms)}")
            cursor.close()
            connection.close()
        if busy:
            log.info("WAL checkpoint postponed: a reader is still busy (%d pages)", pages)
        return busy, pages, moved

    def after_response(self) -> None:
        if not self.due():
            return
        try:
            self.checkpoint()
        except Exception:  # upkeep must never disturb a request; the next one tries again
            log.exception("WAL checkpoint failed")


def init_app(app: Flask, engine: Engine) -> None:
    path = database_file(app.config["DATABASE_URL"])
    if path is None:
        return
    checkpointer = WalCheckpointer(
        engine,
        path,
        int(app.config["SQLITE_CHECKPOINT_WAL_BYTES"]),
        float(app.config["SQLITE_CHECKPOINT_EVERY_SECONDS"]),
        int(app.config["SQLITE_BUSY_TIMEOUT_MS"]),
    )
    app.extensions["learnapp_wal_checkpointer"] = checkpointer

    def checkpoint_after_sending(response: Response) -> Response:
        response.call_on_close(checkpointer.after_response)
        return response

    app.after_request(checkpoint_after_sending)
