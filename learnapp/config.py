"""Configuration: built-in defaults < instance/config.py < LEARNAPP_* environment variables."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask

ENV_PREFIX = "LEARNAPP_"
SECRET_KEY_FILE = "secret_key"
MIN_SECRET_KEY_LENGTH = 32


class DefaultConfig:
    """Values that hold unless the instance config or the environment says otherwise."""

    # DEBUG is left to Flask (FLASK_DEBUG / `flask run --debug`) unless set below it.
    DEMO_MODE = False
    # "production" refuses to start with debug on; "development" is for `make run`.
    ENVIRONMENT = "production"
    DATABASE_URL = ""  # empty: SQLite file in the instance folder
    CONTENT_DIR = ""  # empty: courses/content in the project
    CONTENT_AUTO_RELOAD = None  # None: follow DEBUG
    # Production: each worker looks for changed lesson files at most this often (seconds);
    # `flask courses reload` touches the stamp file (default: instance/content-reload.stamp).
    CONTENT_RELOAD_SECONDS = 60
    CONTENT_RELOAD_STAMP = ""
    # The parsed courses kept between starts (learnapp/content/cache.py): empty for
    # instance/content-library.cache, "off" to parse at every start.
    CONTENT_CACHE_FILE = ""
    FACTS_FILE = ""  # empty: facts.yaml next to the content folder
    # German first (the default), then English and the first languages of the region's older
    # migrants: Turkish, Russian, Ukrainian, Polish and Arabic (right to left).
    LANGUAGES = ("de", "en", "tr", "ru", "uk", "pl", "ar")
    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    # The cookie is written again when its content changes (auth/sessions.py notes the time of
    # use once a minute), not on every request: signing it anew costs every page.
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = None  # None: on in production (HTTPS), off in development and tests
    WTF_CSRF_TIME_LIMIT = None  # a learner may take their time; the token lives with the session
    MAX_CONTENT_LENGTH = 1024 * 1024
    # Every wait for the database ends before gunicorn's worker timeout (30 s), so the app
    # answers with its own page: SQLite's wait for a lock, PostgreSQL's for a row lock and
    # for one statement. 0 turns a PostgreSQL timeout off.
    SQLITE_BUSY_TIMEOUT_MS = 10_000
    DATABASE_STATEMENT_TIMEOUT_MS = 20_000
    DATABASE_LOCK_TIMEOUT_MS = 10_000
    # SQLite (learnapp/sqlite_upkeep.py): NORMAL may lose the last commits on power loss
    # (the file stays intact); FULL waits for the disk on every commit and loses none.
    SQLITE_SYNCHRONOUS = "NORMAL"
    SQLITE_JOURNAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024
    # The WAL is truncated after a request when it grew beyond this, at most this often.
    SQLITE_CHECKPOINT_WAL_BYTES = 4 * 1024 * 1024
    SQLITE_CHECKPOINT_EVERY_SECONDS = 30
    # While this file exists (`flask restore` makes it), writes get a "short maintenance"
    # page (learnapp/maintenance.py). Empty: `maintenance` in the instance folder.
    MAINTENANCE_FLAG = ""
    # /healthz reports the database as unable to write below this much free disk (SQLite).
    HEALTH_MIN_FREE_BYTES = 64 * 1024 * 1024
    # A pooled PostgreSQL connection idle this long is pinged before use (learnapp/db.py).
    DATABASE_PING_AFTER_IDLE_SECONDS = 10
    # Early warning: a learner silent for N days, a tandem or mentor without a session for M days.
    EARLY_WARNING_INACTIVE_DAYS = 14
    EARLY_WARNING_SESSION_DAYS = 28
    # Privacy (learnapp/retention.py): accounts without sign-in for this many months are listed
    # for the coordinator, and `flask privacy purge` anonymises them; report figures stay.
    RETENTION_INACTIVE_MONTHS = 24

    # Static files (learnapp/assets.py): fingerprinted, pre-compressed copies are built into
    # ASSETS_DIR (empty: static-build in the instance folder), where nginx can serve them.
    # False: do not build at start, read the manifest of an earlier `flask assets build`.
    ASSETS_DIR = ""
    ASSETS_BUILD_AT_START = True

    # Security (learnapp/security.py, learnapp/auth/): see the README's "Security" section.
    # A shared tablet signs its learner out after this long without a request; nothing is lost.
    IDLE_TIMEOUT_MINUTES = 180
    # A temporary password (from a mentor or coordinator) works once, and only this long.
    TEMPORARY_PASSWORD_DAYS = 14
    # Mentors, coordinators and admins see other people's data: signed out sooner when idle.
    STAFF_IDLE_TIMEOUT_MINUTES = 30
    # However busy: every session ends this long after its sign-in (0: never).
    SESSION_MAX_HOURS = 12
    # Where failed sign-ins are counted: "database://" (this app's database: every worker,
    # server and `flask users unlock` share it), "redis://host:6379/0", or "memory://" (one
    # process only; refused when gunicorn runs more than one worker).
    RATELIMIT_STORAGE_URL = "database://"
    RATELIMIT_KEY_PREFIX = "learnapp"
    LOGIN_WINDOW_MINUTES = 15  # failures are counted over this long
    LOGIN_SLOWDOWN_AFTER = 3  # failures for one username before each try must wait a little
    LOGIN_LOCK_AFTER = 10  # failures for one username before it is paused
    LOGIN_LOCK_MINUTES = 15
    # One address is often a whole community centre behind one router: generous limits.
    LOGIN_ADDRESS_SLOWDOWN_AFTER = 30
    LOGIN_ADDRESS_LOCK_AFTER = 100
    # A second factor (TOTP): who may turn it on, and who must (e.g. ["coordinator", "admin"]).
    TOTP_ROLES = ("coordinator", "admin")
    TOTP_REQUIRED_ROLES = ()
    TOTP_ISSUER = "DigiTandem"
    HSTS_SECONDS = 31_536_000  # sent only over HTTPS
    # How many reverse proxies in front set X-Forwarded-For/-Proto (0: none; trust nothing).
    TRUSTED_PROXIES = 0
    REQUEST_LOG = True  # one line per request on standard error
    # A learner's presses, counted in the database (learnapp/learn/limits.py): "I need help"
    # at most this often in any hour (and once per lesson until the mentor has answered),
    # "Check" of one lesson's self-check at most this often in any minute.
    HELP_REQUESTS_PER_HOUR = 5
    # E-mail to a mentor who gave an address, on a new help request (learnapp/mail.py). An
    # empty server sends no mail. MAIL_USE_TLS: STARTTLS on MAIL_PORT; MAIL_USE_SSL: TLS from
    # the start (usually port 465). No user name: no login.
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_FROM = ""
    SELF_CHECKS_PER_LESSON_PER_MINUTE = 6
    # Who offers this site, named on the welcome page for visitors ("the Seniorenbüro
    # Oldenburg"). Empty: "your community centre, with volunteer mentors".
    OPERATOR_NAME = ""


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill app.config from defaults, the instance file, the environment, then test overrides."""
    app.config.from_object(DefaultConfig)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        # Flask's own reading: LEARNAPP_X sets X, its value read as JSON where it parses
        # (true, 3, ["de"]), else kept as text; LEARNAPP_A__B sets key B of dict A.
        app.config.from_prefixed_env(ENV_PREFIX.removesuffix("_"))
        if os.environ.get("DATABASE_URL") and not os.environ.get(ENV_PREFIX + "DATABASE_URL"):
            app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
    else:
        app.config.update(test_config)

    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = "sqlite:///" + str(Path(app.instance_path) / "learnapp.db")
    if app.config["CONTENT_AUTO_RELOAD"] is None:
        app.config["CONTENT_AUTO_RELOAD"] = bool(app.config.get("DEBUG"))
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = app.config["ENVIRONMENT"] == "production" and not (
            app.config.get("TESTING")
        )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _load_or_create_secret_key(Path(app.instance_path))
    # A key of digits alone reads as a JSON number: a key is always text.
    app.config["SECRET_KEY"] = str(app.config["SECRET_KEY"])
    _refuse_unsafe(app)


def _load_or_create_secret_key(instance_path: Path) -> str:
    """Keep one random key in the instance folder so a restart logs nobody out."""
    key_file = instance_path / SECRET_KEY_FILE
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Write privately, then link into place: the link either wins whole or finds the
    # key another worker wrote first, so nobody ever reads a half-written file.
    tmp = instance_path / f".{SECRET_KEY_FILE}.{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    try:
        os.link(tmp, key_file)
    except FileExistsError:
        key = key_file.read_text(encoding="utf-8").strip()
    finally:
        tmp.unlink()
    return key


def _refuse_unsafe(app: Flask) -> None:
    if app.config["ENVIRONMENT"] == "production" and app.config.get("DEBUG"):
        raise RuntimeError(
            "Refusing to start: DEBUG is on in production. "
            "Set LEARNAPP_ENVIRONMENT=development for local work."
        )
    if len(str(app.config["SECRET_KEY"])) < MIN_SECRET_KEY_LENGTH:
        raise RuntimeError("Refusing to start: SECRET_KEY is shorter than 32 characters.")
