"""`flask db current / downgrade / revision` and the password rule of `flask users create`."""

import shutil
from pathlib import Path

import pytest
from flask import Flask

from learnapp import create_app, migrate
from learnapp.paths import MIGRATIONS_DIR

# The newest migration's number, read from the files: a new migration must not break these tests.
NEWEST = max(
    path.name[:4] for path in (MIGRATIONS_DIR / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")
)
PREVIOUS = f"{int(NEWEST) - 1:04d}"
FOLLOWING = f"{int(NEWEST) + 1:04d}"


@pytest.fixture
def migrated_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """An app on its own SQLite file, with a copy of the migrations that tests may add to."""
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", migrations)
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'migrated.db'}",
        }
    )


def test_current_says_when_an_upgrade_is_due(migrated_app):
    runner = migrated_app.test_cli_runner()
    empty = runner.invoke(args=["db", "current"])
    assert empty.exit_code == 1
    assert "empty (never migrated)" in empty.output and "flask db upgrade" in empty.output
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    done = runner.invoke(args=["db", "current"])
    assert done.exit_code == 0, done.output
    assert f"Database: {NEWEST}" in done.output and "up to date" in done.output


def test_downgrade_asks_first_then_goes_back_one_step(migrated_app):
    runner = migrated_app.test_cli_runner()
    runner.invoke(args=["db", "upgrade"])
    refused = runner.invoke(args=["db", "downgrade"], input="n\n")
    assert refused.exit_code != 0
    assert migrate.revisions(migrated_app.config["DATABASE_URL"]).current == (NEWEST,)
    back = runner.invoke(args=["db", "downgrade", "--yes"])
    assert back.exit_code == 0, back.output
    assert f"Database is now at: {PREVIOUS}" in back.output
    assert runner.invoke(args=["db", "current"]).exit_code == 1
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0


def test_revision_writes_the_next_numbered_migration(migrated_app):
    runner = migrated_app.test_cli_runner()
    runner.invoke(args=["db", "upgrade"])
    result = runner.invoke(args=["db", "revision", "-m", "add a hobby"])
    assert result.exit_code == 0, result.output
    written = Path(result.output.split("Created ")[1].split(":")[0])
    assert written.name == f"{FOLLOWING}_add_a_hobby.py"
    source = written.read_text(encoding="utf-8")
    assert f'revision = "{FOLLOWING}"' in source.replace("'", '"')
    assert f'down_revision = "{NEWEST}"' in source.replace("'", '"')
    # The models match the newest migration, so the compared migration has nothing to do.
    assert "op." not in source
    assert not (MIGRATIONS_DIR / "versions" / written.name).exists()


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("short", "at least 8 characters"),
        ("password123", "easy to guess"),
        ("Karl-Heinz", "same as the username"),
    ],
)
def test_users_create_holds_the_password_rules_of_the_forms(runner, password, says):
    result = runner.invoke(
        args=["users", "create", "karl-heinz"], input=f"{password}\n{password}\n"
    )
    assert result.exit_code != 0
    assert says in result.output or _german(says) in result.output


def _german(english: str) -> str:
    """The CLI speaks the default language; the same rule in German."""
    return {
        "at least 8 characters": "mindestens 8 Zeichen",
        "easy to guess": "leicht zu erraten",
        "same as the username": "Benutzername",
    }[english]


@pytest.mark.parametrize("name", ["   ", "Erika\nMeyer", "Erika\u202eMeyer"])
def test_users_create_holds_the_display_name_rule_of_the_forms(runner, name):
    result = runner.invoke(
        args=["users", "create", "erika", "--name", name],
        input="a-long-fine-password\na-long-fine-password\n",
    )
    assert result.exit_code != 0
    assert "Created" not in result.output


def test_users_create_without_a_name_uses_the_username(runner):
    result = runner.invoke(
        args=["users", "create", "erika"], input="a-long-fine-password\na-long-fine-password\n"
    )
    assert result.exit_code == 0, result.output
