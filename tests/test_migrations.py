"""Alembic upgrades an empty database to head, and head matches the models."""

import os
from pathlib import Path

import pyotp
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from werkzeug.security import generate_password_hash

from learnapp import create_app, migrate
from learnapp.models import Base
from learnapp.models.base import utcnow
from tests.helpers import PASSWORD, Auth, csrf_from

CONTENT = Path(__file__).parent / "fixtures" / "content"


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


def test_upgrade_from_0005_encrypts_totp_secrets_and_keeps_them_usable(tmp_path):
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


def test_upgrade_outside_the_app_without_a_key_is_refused_when_secrets_exist(tmp_path, monkeypatch):
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
