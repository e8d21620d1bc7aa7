"""Run Alembic migrations against the app's database (`flask db ...` and tests)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import create_engine

from learnapp.paths import MIGRATIONS_DIR

# New migration files are numbered on from the newest: 0006_add_something.py.
REVISION_DIGITS = 4


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    # Alembic's config is an INI parser: a literal % must be doubled.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


@dataclass(frozen=True)
class Revisions:
    current: tuple[str, ...]  # empty: a database Alembic has never touched
    newest: str | None

    @property
    def up_to_date(self) -> bool:
        return self.current == ((self.newest,) if self.newest else ())


def revisions(database_url: str) -> Revisions:
    """Which migration the database is at, and the newest one the code has."""
    scripts = ScriptDirectory.from_config(alembic_config(database_url))
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_heads()
    finally:
        engine.dispose()
    return Revisions(current=tuple(current), newest=scripts.get_current_head())


def next_revision_id(database_url: str) -> str:
    newest = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    number = int(newest) + 1 if newest and re.fullmatch(r"\d+", newest) else 1
    return f"{number:0{REVISION_DIGITS}d}"


def new_revision(database_url: str, message: str, autogenerate: bool) -> str:
    """Write a new migration file; with autogenerate, compared against the database."""
    rev_id = next_revision_id(database_url)
    script = command.revision(
        alembic_config(database_url), message=message, autogenerate=autogenerate, rev_id=rev_id
    )
    if not isinstance(script, Script):  # only with several heads, which this project never has
        raise RuntimeError("Alembic did not write exactly one migration file.")
    return str(script.path)
