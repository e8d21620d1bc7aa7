"""/healthz for monitoring: can the database be read, and can it be written?

Reading is checked with a query; writing with a write that is rolled back (PostgreSQL: a
temporary table, refused by a read-only or recovering server; SQLite: the write lock, refused
by a read-only file) and, for SQLite, with the free space on its disk. A database that reads
but cannot write answers 503 with "write": "failing": the pages still open, but nothing can
be saved, and that must alarm someone. Uses its own connection, never the request's session.
"""

from __future__ import annotations

import logging
import shutil

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from learnapp import sqlite_upkeep
from learnapp.db import get_db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


class CannotWrite(Exception):
    pass


def check_read(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def check_write(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        _check_sqlite_write(engine)
        return
    with engine.connect() as connection, connection.begin() as transaction:
        connection.execute(text("CREATE TEMPORARY TABLE healthz_probe (x int) ON COMMIT DROP"))
        connection.execute(text("INSERT INTO healthz_probe VALUES (1)"))
        transaction.rollback()


def _check_sqlite_write(engine: Engine) -> None:
    path = sqlite_upkeep.database_file(str(engine.url))
    if path is not None:
        free = shutil.disk_usage(path.parent).free
        if free < current_app.config["HEALTH_MIN_FREE_BYTES"]:
            raise CannotWrite(f"only {free // 1024 // 1024} MB free on the database's disk")
    connection = engine.raw_connection()
    cursor = connection.cursor()
    try:
        cursor.execute("BEGIN IMMEDIATE")  # the write lock: refused on a read-only database
        cursor.execute("ROLLBACK")
    finally:
        cursor.close()
        connection.close()


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """200 when the database reads and writes; 503 and what fails otherwise."""
    engine = get_db().engine
    try:
        check_read(engine)
    except SQLAlchemyError as error:
        log.error("healthz: the database cannot be read: %s", error)
        return jsonify(status="error", database="unreachable", read="failing", write="failing"), 503
    try:
        check_write(engine)
    except (SQLAlchemyError, CannotWrite, OSError) as error:
        log.error("healthz: the database cannot be written: %s", error)
        return jsonify(status="error", database="cannot write", read="ok", write="failing"), 503
    return jsonify(status="ok", database="ok", read="ok", write="ok")
