"""Alembic upgrades an empty database to head, and head matches the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from learnapp import migrate
from learnapp.models import Base


def test_upgrade_empty_database_to_head_matches_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    migrate.upgrade(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert {"user_account", "progress", "quiz_attempt"} <= set(
            inspect(connection).get_table_names()
        )
    migrate.upgrade(url)  # running it again is harmless
    engine.dispose()
