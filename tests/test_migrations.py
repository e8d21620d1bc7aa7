"""Alembic upgrades an empty database to head, and head matches the models."""

import os
from datetime import datetime
from pathlib import Path

import pyotp
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, create_engine, inspect, text
from werkzeug.security import generate_password_hash

from learnapp import create_app, migrate
from learnapp.models import Base
from learnapp.models.base import utcnow
from tests.helpers import PASSWORD, Auth, csrf_from

CONTENT = Path(__file__).parent / "fixtures" / "content"


def test_upgrade_empty_database_to_head_matches_models(tmp_path: Path) -> None:
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


def _empty_database(tmp_path: Path) -> str:
    """The suite's PostgreSQL database when one is given (emptied), else a SQLite file."""
    url = os.environ.get("LEARNAPP_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / 'upgraded.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    return url


def test_upgrade_from_0005_encrypts_totp_secrets_and_keeps_them_usable(tmp_path: Path) -> None:
    url = _empty_database(tmp_path)
    migrate.upgrade(url, "0005")
    secret = pyotp.random_base32()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO centre (name, town, created_at) VALUES ('Z', '', :t)"),
            {"t": utcnow()},
        )
        connection.execute(
            text(
                "INSERT INTO user_account (username, display_name, password_hash, role, "
                "centre_id, active, must_change_password, session_version, totp_secret, "
                "text_size, contrast, speech_rate, created_at, updated_at) VALUES ('petra', "
                "'Petra', :hash, 'coordinator', 1, true, false, 1, :secret, 100, 'normal', "
                "100, :t, :t)"
            ),
            {"hash": generate_password_hash(PASSWORD), "secret": secret, "t": utcnow()},
        )
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "k" * 40, "DATABASE_URL": url, "CONTENT_DIR": str(CONTENT)}
    )
    try:
        with app.app_context():
            migrate.upgrade(url)  # as `flask db upgrade` does: inside the app
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT totp_secret FROM user_account")).scalar_one()
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        assert secret not in stored and stored.startswith("v1:")
        client = app.test_client()
        assert Auth(client).login("petra").headers["Location"] == "/login/code"
        page = client.get("/login/code").get_data(as_text=True)
        code = pyotp.TOTP(secret).now()
        response = client.post("/login/code", data={"csrf_token": csrf_from(page), "code": code})
        assert response.status_code == 302 and response.headers["Location"] == "/"
    finally:
        app.extensions["learnapp_db"].engine.dispose()
        engine.dispose()


def test_upgrade_outside_the_app_without_a_key_is_refused_when_secrets_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LEARNAPP_SECRET_KEY", raising=False)
    url = _empty_database(tmp_path)
    migrate.upgrade(url, "0005")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO centre (name, town, created_at) VALUES ('Z', '', :t)"),
            {"t": utcnow()},
        )
        connection.execute(
            text(
                "INSERT INTO user_account (username, display_name, password_hash, role, "
                "active, must_change_password, session_version, totp_secret, text_size, "
                "contrast, speech_rate, created_at, updated_at) VALUES ('petra', 'P', 'x', "
                "'admin', true, false, 1, 'JBSWY3DPEHPK3PXP', 100, 'normal', 100, :t, :t)"
            ),
            {"t": utcnow()},
        )
    engine.dispose()
    with pytest.raises(RuntimeError, match="needs the app's SECRET_KEY"):
        migrate.upgrade(url)


# Wall-clock starts as 0006 stored them, and the UTC instants 0007 makes of them.
WALL_CLOCK_TO_UTC = [
    ("2027-01-15 10:00:00", "2027-01-15 09:00:00"),  # winter time: UTC+1
    ("2027-07-15 10:00:00", "2027-07-15 08:00:00"),  # summer time: UTC+2
    ("2027-03-28 01:30:00", "2027-03-28 00:30:00"),  # just before the spring change
    ("2027-03-28 02:30:00", "2027-03-28 01:30:00"),  # never happened: read as 03:30 summer time
    ("2027-10-31 02:30:00", "2027-10-31 00:30:00"),  # happened twice: the first time
    ("2027-10-31 03:30:00", "2027-10-31 02:30:00"),  # after the autumn change
]


def _starts(connection: Connection) -> list[str]:
    rows = connection.execute(text("SELECT starts_at FROM tandem_session ORDER BY id")).scalars()
    return [str(value)[:19] for value in rows]


def test_0007_turns_wall_clock_starts_into_utc_instants_and_back(tmp_path: Path) -> None:
    url = _empty_database(tmp_path)
    migrate.upgrade(url, "0006")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO centre (name, town, created_at) VALUES ('Z', '', :t)"),
            {"t": utcnow()},
        )
        for username, role in (("mia", "mentor"), ("lena", "learner")):
            connection.execute(
                text(
                    "INSERT INTO user_account (username, display_name, password_hash, role, "
                    "active, must_change_password, session_version, text_size, contrast, "
                    "speech_rate, created_at, updated_at) VALUES (:u, :u, 'x', :r, true, "
                    "false, 1, 100, 'normal', 100, :t, :t)"
                ),
                {"u": username, "r": role, "t": utcnow()},
            )
        ids: dict[str, int] = {
            name: key
            for name, key in connection.execute(text("SELECT username, id FROM user_account"))
        }
        for local, _utc in WALL_CLOCK_TO_UTC:
            connection.execute(
                text(
                    "INSERT INTO tandem_session (mentor_id, learner_id, starts_at, "
                    "planned_minutes, place, agenda, notes, notes_shared, next_steps, "
                    "created_at) VALUES (:m, :l, :s, 60, 'centre', '', '', false, '', :t)"
                ),
                {
                    "m": ids["mia"],
                    "l": ids["lena"],
                    "s": datetime.fromisoformat(local),
                    "t": utcnow(),
                },
            )
    try:
        migrate.upgrade(url)
        with engine.connect() as connection:
            assert _starts(connection) == [utc for _local, utc in WALL_CLOCK_TO_UTC]
        migrate.downgrade(url, "0006")
        with engine.connect() as connection:
            back = _starts(connection)
        expected = [local for local, _utc in WALL_CLOCK_TO_UTC]
        expected[3] = "2027-03-28 03:30:00"  # the time that never happened comes back real
        assert back == expected
    finally:
        engine.dispose()
