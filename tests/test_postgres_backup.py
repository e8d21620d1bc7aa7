"""The PostgreSQL backup path of the README (pg_dump --format=custom, pg_restore into an empty
database) works while learners write: the dump is one consistent snapshot, and a dump taken
when the writes have stopped restores with the same number of rows in every table."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from learnapp import migrate
from learnapp.models import Centre, User
from tests import postgres_databases
from tests.postgres_databases import on_postgres
from tests.services import in_ci

pytestmark = [
    on_postgres,
    pytest.mark.skipif(
        shutil.which("pg_dump") is None and not in_ci(),
        reason="pg_dump is not installed (Debian: postgresql-client)",
    ),
]


def libpq(url: str) -> str:
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class Writer(threading.Thread):
    """Adds a centre and its learner in one transaction each, until stopped."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.engine = create_engine(url)
        self.stop = threading.Event()
        self.committed = 0

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                with Session(self.engine) as session, session.begin():
                    centre = Centre(name=f"Zentrum {self.committed}", town="Oldenburg")
                    session.add(centre)
                    session.flush()
                    session.add(
                        User(
                            username=f"learner{self.committed}",
                            display_name="Erika",
                            role="learner",
                            centre_id=centre.id,
                            password_hash="x",
                        )
                    )
                self.committed += 1
        finally:
            self.stop.set()
            self.engine.dispose()


def counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
        found = {
            t: connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables
        }
    engine.dispose()
    return found


def dump_and_restore(source: str, target: str, dump: Path) -> None:
    subprocess.run(["pg_dump", "--format=custom", "--file", str(dump), libpq(source)], check=True)
    postgres_databases.recreate(target)
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", libpq(target), str(dump)],
        check=True,
    )


def test_pg_dump_during_writes_restores_consistently_and_completely(tmp_path: Path) -> None:
    source = postgres_databases.recreate(postgres_databases.sibling_url(3))
    target = postgres_databases.sibling_url(4)
    try:
        migrate.upgrade(source)
        writer = Writer(source)
        writer.start()
        try:
            while writer.committed < 50 and not writer.stop.is_set():
                time.sleep(0.01)
            assert not writer.stop.is_set(), "the writer stopped by itself"
            dump_and_restore(source, target, tmp_path / "during.dump")
            during = writer.committed
        finally:
            writer.stop.set()
            writer.join(30)
        restored = counts(target)
        # One snapshot: every centre came with its learner, and none is missing or extra.
        assert 50 <= restored["centre"] == restored["user_account"] <= during
        assert restored["alembic_version"] == 1

        dump_and_restore(source, target, tmp_path / "after.dump")
        assert counts(target) == counts(source)
        assert counts(source)["centre"] == writer.committed
    finally:
        postgres_databases.drop(target)
        postgres_databases.drop(source)
