"""Extra PostgreSQL databases next to the suite's own (LEARNAPP_TEST_DATABASE_URL).

A test that needs an empty database, or two, gets `<test database>2`, `<test database>3` …
on the same server: made fresh, dropped afterwards.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

TEST_URL = os.environ.get("LEARNAPP_TEST_DATABASE_URL", "")
on_postgres = pytest.mark.skipif(
    not TEST_URL.startswith("postgresql"),
    reason="runs in the PostgreSQL pass (LEARNAPP_TEST_DATABASE_URL=postgresql+psycopg://…)",
)


def _admin_url() -> str:
    return make_url(TEST_URL).set(database="postgres").render_as_string(hide_password=False)


def sibling_url(number: int) -> str:
    url = make_url(TEST_URL)
    return url.set(database=f"{url.database}{number}").render_as_string(hide_password=False)


def recreate(url: str) -> str:
    """Drop and create the database of `url` (only a sibling of the test database)."""
    name = make_url(url).database
    assert (
        name
        and name != make_url(TEST_URL).database
        and name.startswith(str(make_url(TEST_URL).database))
    )
    drop(url)
    engine = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url


def drop(url: str) -> None:
    name = make_url(url).database
    engine = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()
