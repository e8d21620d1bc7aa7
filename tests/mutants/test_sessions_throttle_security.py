"""Sign-in sessions and throttling: the rules the other tests leave open.

The page asked for survives the second step and an idle sign-out exactly; the second step
lasts five minutes to the second and is forgotten once expired; a paused address can be
unlocked; the database counter store resets a window at its end and now and then forgets
counters that expired more than a day ago.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from sqlalchemy import create_engine, select, text

from learnapp.access import COORDINATOR
from learnapp.auth import sessions, throttle
from learnapp.db import get_db, get_session
from learnapp.models import User
from learnapp.models.people import LoginCounter
from tests.helpers import PASSWORD, csrf_from
from tests.services import needs_postgres

MINUTE = 60
T0 = datetime(2030, 1, 1, 12, 0, 0)


def _password_step(client, username: str, next_path: str | None = None):  # type: ignore[no-untyped-def]
    url = "/login" if next_path is None else f"/login?next={next_path}"
    token = csrf_from(client.get("/login?lang=en").get_data(as_text=True))
    return client.post(url, data={"username": username, "password": PASSWORD, "csrf_token": token})


def _code_step(client, code: str):  # type: ignore[no-untyped-def]
    page = client.get("/login/code?lang=en").get_data(as_text=True)
    return client.post("/login/code", data={"csrf_token": csrf_from(page), "code": code})


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    """The sessions module's clock, moved by hand."""
    now = SimpleNamespace(now=float(int(time.time())))
    monkeypatch.setattr(sessions, "time", SimpleNamespace(time=lambda: now.now))
    return now


# --- the second step -------------------------------------------------------------------------


def test_after_the_code_the_page_asked_for_opens(client, make_user):
    secret = pyotp.random_base32()
    make_user(role=COORDINATOR, username="petra", totp_secret=secret)
    response = _password_step(client, "petra", next_path="/settings")
    assert response.headers["Location"] == "/login/code"
    response = _code_step(client, pyotp.TOTP(secret).now())
    assert response.status_code == 302 and response.headers["Location"] == "/settings"


def test_the_second_step_lasts_five_minutes_to_the_second(client, make_user, clock):
    make_user(role=COORDINATOR, username="petra", totp_secret=pyotp.random_base32())
    _password_step(client, "petra")
    clock.now += sessions.SECOND_STEP_SECONDS
    assert client.get("/login/code").status_code == 200  # exactly five minutes: still fine
    clock.now += 1
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_an_expired_second_step_is_forgotten(client, make_user, clock):
    make_user(role=COORDINATOR, username="petra", totp_secret=pyotp.random_base32())
    _password_step(client, "petra")
    with client.session_transaction() as cookie:
        assert sessions.SECOND_STEP_KEY in cookie
    clock.now += sessions.SECOND_STEP_SECONDS + 1
    assert client.get("/login/code").status_code == 302
    with client.session_transaction() as cookie:
        assert sessions.SECOND_STEP_KEY not in cookie


def test_a_deactivated_account_cannot_finish_the_second_step(app, client, make_user):
    make_user(role=COORDINATOR, username="petra", totp_secret=pyotp.random_base32())
    _password_step(client, "petra")
    with app.app_context():
        db = get_session()
        user = db.scalars(select(User).where(User.username == "petra")).one()
        user.active = False  # the session version stays the same
        db.commit()
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_a_deleted_account_cannot_finish_the_second_step(app, make_user):
    with app.test_request_context("/login/code"):
        from flask import session

        session[sessions.SECOND_STEP_KEY] = {
            "user": 999_999,
            "version": 0,
            "next": None,
            "at": int(time.time()),
        }
        assert sessions.pending_second_step(get_session()) is None


# --- idle sign-out ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["/settings", "/settings?step=X"], ids=str)
def test_idle_sign_out_returns_to_exactly_the_page_asked_for(
    app, client, auth, learner, clock, page
):
    assert auth.login("erika").status_code == 302
    clock.now += app.config["IDLE_TIMEOUT_MINUTES"] * MINUTE + MINUTE
    response = client.get(page)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login" and parse_qs(location.query)["next"] == [page]


def test_idle_sign_out_of_a_form_ignores_an_empty_referrer(app, client, auth, learner, clock):
    assert auth.login("erika").status_code == 302
    token = auth.token()
    clock.now += app.config["IDLE_TIMEOUT_MINUTES"] * MINUTE + MINUTE
    response = client.post("/settings", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/login"


# --- unlocking an address --------------------------------------------------------------------


def _try(client, username: str, password: str, address: str) -> int:  # type: ignore[no-untyped-def]
    token = csrf_from(client.get("/login?lang=en").get_data(as_text=True))
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    ).status_code


def test_unlocking_an_address_lets_it_sign_in_again(app, client, learner):
    app.config.update(
        LOGIN_SLOWDOWN_AFTER=100,
        LOGIN_LOCK_AFTER=100,
        LOGIN_ADDRESS_SLOWDOWN_AFTER=100,
        LOGIN_ADDRESS_LOCK_AFTER=3,
        RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}",
    )
    throttle.init_app(app)
    for n in range(3):
        _try(client, f"guess{n}", "wrong-password", "192.0.2.7")
    assert _try(client, "erika", PASSWORD, "192.0.2.7") == 429
    with app.test_request_context("/"):
        throttle.unlock_address("192.0.2.7")
    assert _try(client, "erika", PASSWORD, "192.0.2.7") == 302


# --- the database counter store --------------------------------------------------------------


def test_the_database_store_accepts_postgresql():
    engine = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none")  # not connected
    try:
        throttle.DatabaseCounterStore(engine)
    finally:
        engine.dispose()


def test_the_database_store_names_a_database_it_does_not_support():
    engine = SimpleNamespace(dialect=SimpleNamespace(name="oracle"))
    with pytest.raises(RuntimeError, match="database:// throttling does not support oracle"):
        throttle.DatabaseCounterStore(engine)  # type: ignore[arg-type]


@pytest.fixture
def store(app, monkeypatch):  # type: ignore[no-untyped-def]
    """A database store on a fixed clock that never cleans up unless told to."""
    now = SimpleNamespace(now=T0, random=0.5)
    monkeypatch.setattr(throttle, "utcnow", lambda: now.now)
    monkeypatch.setattr(throttle, "random", SimpleNamespace(random=lambda: now.random))
    with app.app_context():
        engine = get_db().engine
    return SimpleNamespace(counters=throttle.DatabaseCounterStore(engine), engine=engine, at=now)


def _keys(engine) -> set[str]:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return set(connection.scalars(select(LoginCounter.__table__.c.key)))


def test_a_counter_window_ends_at_its_expiry(store):
    assert store.counters.incr("k", 60) == 1
    store.at.now = T0 + timedelta(seconds=59)
    assert store.counters.incr("k", 60) == 2
    store.at.now = T0 + timedelta(seconds=60)  # the window's end: a new window begins
    assert store.counters.get("k") == 0
    assert store.counters.incr("k", 60) == 1


def _expired_counters(store) -> None:  # type: ignore[no-untyped-def]
    """Counters whose windows ended 1.5 days, exactly 1 day and 12 hours before T0."""
    for key, ended in (
        ("old", timedelta(days=1, hours=12)),
        ("a-day", timedelta(days=1)),
        ("recent", timedelta(hours=12)),
    ):
        store.at.now = T0 - ended - timedelta(seconds=60)
        store.counters.incr(key, 60)
    store.at.now = T0


def test_clean_up_forgets_counters_expired_more_than_a_day_ago(store):
    _expired_counters(store)
    store.at.random = 0.0
    assert store.counters.incr("now", 60) == 1
    assert _keys(store.engine) == {"a-day", "recent", "now"}
    assert store.counters.get("now") == 1


@pytest.mark.parametrize("draw", [0.01, 0.5, 0.99])
def test_clean_up_happens_only_one_time_in_a_hundred(store, draw):
    _expired_counters(store)
    store.at.random = draw
    store.counters.incr("now", 60)
    assert _keys(store.engine) == {"old", "a-day", "recent", "now"}


@pytest.fixture
def postgres_engine():  # type: ignore[no-untyped-def]
    """The counter table in a schema of its own on the local PostgreSQL."""
    schema = f"mut_{uuid.uuid4().hex}"
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine = create_engine(url, connect_args={"options": f"-c search_path={schema}"})
    LoginCounter.__table__.create(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@needs_postgres
def test_the_database_store_counts_on_postgresql(postgres_engine):
    counters = throttle.DatabaseCounterStore(postgres_engine)
    assert [counters.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert counters.get("k") == 3
    counters.clear("k")
    assert counters.get("k") == 0
