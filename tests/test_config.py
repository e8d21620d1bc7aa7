"""Configuration: defaults < instance/config.py < LEARNAPP_* environment; the secret key."""

from pathlib import Path

import pytest
from flask import Flask

from learnapp import config


def _bare_app(instance: Path) -> Flask:
    return Flask("learnapp", instance_path=str(instance), instance_relative_config=True)


def test_secret_key_is_created_once_and_reused(tmp_path, monkeypatch):
    for key in list(__import__("os").environ):
        if key.startswith("LEARNAPP_"):
            monkeypatch.delenv(key)
    first = _bare_app(tmp_path)
    config.load_config(first, None)
    second = _bare_app(tmp_path)
    config.load_config(second, None)
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_instance_file_then_environment_override_defaults(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("DEMO_MODE = True\nCONTENT_DIR = '/from/instance'\n")
    monkeypatch.setenv("LEARNAPP_CONTENT_DIR", "/from/env")
    monkeypatch.setenv("LEARNAPP_SQLITE_BUSY_TIMEOUT_MS", "1234")
    app = _bare_app(tmp_path)
    config.load_config(app, None)
    assert app.config["DEMO_MODE"] is True
    assert app.config["CONTENT_DIR"] == "/from/env"
    assert app.config["SQLITE_BUSY_TIMEOUT_MS"] == 1234
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'learnapp.db'}"


def test_database_url_from_plain_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db.example/learnapp")
    monkeypatch.delenv("LEARNAPP_DATABASE_URL", raising=False)
    app = _bare_app(tmp_path)
    config.load_config(app, None)
    assert app.config["DATABASE_URL"] == "postgresql+psycopg://db.example/learnapp"


def test_production_refuses_debug(tmp_path):
    app = _bare_app(tmp_path)
    with pytest.raises(RuntimeError, match="DEBUG"):
        config.load_config(app, {"DEBUG": True, "ENVIRONMENT": "production"})


def test_refuses_a_weak_secret_key(tmp_path):
    app = _bare_app(tmp_path)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        config.load_config(app, {"SECRET_KEY": "short"})


def test_environment_values_are_read_as_json_where_they_parse(tmp_path, monkeypatch):
    monkeypatch.setenv("LEARNAPP_DEMO_MODE", "true")
    monkeypatch.setenv("LEARNAPP_LANGUAGES", '["de"]')
    monkeypatch.setenv("LEARNAPP_IDLE_TIMEOUT_MINUTES", "45")
    monkeypatch.setenv("LEARNAPP_RATELIMIT_STORAGE_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.setenv("LEARNAPP_SECRET_KEY", "1" * 40)
    app = _bare_app(tmp_path)
    config.load_config(app, None)
    assert app.config["DEMO_MODE"] is True
    assert app.config["LANGUAGES"] == ["de"]
    assert app.config["IDLE_TIMEOUT_MINUTES"] == 45
    assert app.config["RATELIMIT_STORAGE_URL"] == "redis://127.0.0.1:6379/3"
    assert app.config["SECRET_KEY"] == "1" * 40


def test_environment_sets_one_key_of_a_dict_setting(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("LIMITS = {'A': 1, 'B': 2}\n")
    monkeypatch.setenv("LEARNAPP_LIMITS__B", "3")
    app = _bare_app(tmp_path)
    config.load_config(app, None)
    assert app.config["LIMITS"] == {"A": 1, "B": 3}


def test_test_configuration_ignores_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("LEARNAPP_DEMO_MODE", "true")
    app = _bare_app(tmp_path)
    config.load_config(app, {"SECRET_KEY": "k" * 40})
    assert app.config["DEMO_MODE"] is False
