"""An upgrade cut off in the middle of a migration leaves nothing of it behind, and the next
upgrade runs it again: on SQLite as on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import alembic.op
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from learnapp import migrate
from learnapp.models import Base
from tests import postgres_databases
from tests.postgres_databases import on_postgres


class DiskFull(Exception):
    """What the interruption looks like to alembic."""


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=on_postgres)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'upgrade.db'}"
        return
    url = postgres_databases.recreate(postgres_databases.sibling_url(2))
    yield url
    postgres_databases.drop(url)


def _state(url: str) -> tuple[str | None, set[str]]:
    """(the recorded revision, the indexes of quiz_attempt)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
        indexes = {index["name"] or "" for index in inspect(connection).get_indexes("quiz_attempt")}
    engine.dispose()
    return revision, indexes


def _fail_on_second_call(real: Callable[..., Any]) -> Callable[..., Any]:
    calls = []

    def create_index(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        if len(calls) == 2:
            raise DiskFull("database or disk is full")
        return real(*args, **kwargs)

    return create_index


def test_an_interrupted_migration_leaves_nothing_and_runs_again(
    empty_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = empty_database
    migrate.upgrade(url, "0004")
    # 0005 creates three indexes: the first is made, then the "disk" is full.
    monkeypatch.setattr(alembic.op, "create_index", _fail_on_second_call(alembic.op.create_index))
    with pytest.raises(DiskFull):
        migrate.upgrade(url)
    revision, indexes = _state(url)
    assert revision == "0004"
    assert "ix_quiz_attempt_failed" not in indexes  # made, then undone with its migration

    monkeypatch.undo()
    migrate.upgrade(url, "0005")  # the disk has space again
    revision, indexes = _state(url)
    assert revision == "0005"
    assert "ix_quiz_attempt_failed" in indexes  # (0011 later replaces it by a narrower one)
    migrate.upgrade(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()
