"""Sign-in throttle at its numbers: a short wait from the 3rd wrong password, a pause from the
10th (per name) or the 100th (per address), for 15 minutes; success and unlocking start afresh.

The clock is controlled: the `limits` memory store and the database store both read it, so a
test can step past a wait or to one minute before the end of a pause. The first part drives
`Throttle` itself with the default numbers; the second goes through the sign-in page with
small configured numbers, and tests N-1, N and N+1 of those.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from limits.storage import MemoryStorage

from learnapp.auth import throttle
from learnapp.config import DefaultConfig
from tests.helpers import PASSWORD, Auth, csrf_from

WAIT = "Please wait a few seconds"
PAUSED = "paused for a while"
WRONG = "not right"
PAST_ANY_WAIT = throttle.MAX_WAIT_SECONDS + 1


class Clock:
    """The time both counter stores see; moves only when told."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))

    def time(self) -> float:
        return self.now

    def utc(self) -> datetime:
        return datetime.fromtimestamp(self.now, UTC).replace(tzinfo=None)

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr("limits.storage.memory.time", SimpleNamespace(time=clock.time))
    monkeypatch.setattr("learnapp.auth.throttle.utcnow", clock.utc)
    return clock


# --- The Throttle with the default numbers ----------------------------------------------------


def default_throttle() -> throttle.Throttle:
    config = DefaultConfig
    limits = throttle.Limits(
        window=config.LOGIN_WINDOW_MINUTES * 60,
        slowdown_after=config.LOGIN_SLOWDOWN_AFTER,
        lock_after=config.LOGIN_LOCK_AFTER,
        lock_seconds=config.LOGIN_LOCK_MINUTES * 60,
        address_slowdown_after=config.LOGIN_ADDRESS_SLOWDOWN_AFTER,
        address_lock_after=config.LOGIN_ADDRESS_LOCK_AFTER,
    )
    return throttle.Throttle(MemoryStorage(), limits, f"t-{uuid.uuid4().hex}")


def fail(guard: throttle.Throttle, times: int, username: str = "erika", address: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    verdict = throttle.Verdict()
    for _ in range(times):
        verdict = guard.record_failure(username, address)
    return verdict


@pytest.mark.parametrize(
    ("failures", "wait", "locked"),
    [
        pytest.param(2, False, False, id="2: free"),
        pytest.param(3, True, False, id="3: wait"),
        pytest.param(4, True, False, id="4: wait"),
        pytest.param(9, True, False, id="9: wait, not paused"),
        pytest.param(10, False, True, id="10: paused"),
        pytest.param(11, False, True, id="11: paused"),
    ],
)
def test_failures_per_name(clock, failures, wait, locked):
    guard = default_throttle()
    assert fail(guard, failures).locked is (failures >= 10)
    verdict = guard.check("erika", "10.0.0.2")  # from another address: only the name counts
    assert (verdict.wait, verdict.locked) == (wait, locked)
    assert guard.is_locked("erika") is locked
    assert guard.check("hans", "10.0.0.2").allowed  # another name is not affected


@pytest.mark.parametrize(
    ("failures", "locked"),
    [
        pytest.param(99, False, id="99"),
        pytest.param(100, True, id="100"),
        pytest.param(101, True, id="101"),
    ],
)
def test_failures_per_address(clock, failures, locked):
    """Many names tried from one address (a centre's router): paused from the 100th."""
    guard = default_throttle()
    for number in range(failures):
        guard.record_failure(f"guess{number}", "192.0.2.7")
    assert guard.check("erika", "192.0.2.7").locked is locked
    assert guard.check("erika", "192.0.2.8").allowed
    assert not guard.is_locked("erika")


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(3, 1), (4, 2), (5, 4), (7, 16), (8, 30), (9, 30)],
    ids=lambda value: str(value),
)
def test_the_wait_doubles_up_to_30_seconds(clock, failures, seconds):
    guard = default_throttle()
    for _ in range(failures):
        clock.advance(PAST_ANY_WAIT)  # each try after the wait before it
        guard.record_failure("erika", "10.0.0.1")
    clock.advance(seconds - 0.5)
    assert guard.check("erika", "10.0.0.1").wait
    clock.advance(0.5)
    assert guard.check("erika", "10.0.0.1").allowed


@pytest.mark.parametrize(
    ("after", "locked"),
    [
        pytest.param(-60, True, id="lock minutes - 1 minute: paused"),
        pytest.param(-1, True, id="lock minutes - 1 second: paused"),
        pytest.param(0, False, id="exactly lock minutes: free"),
        pytest.param(60, False, id="lock minutes + 1 minute: free"),
    ],
)
def test_the_pause_lasts_the_lock_minutes(clock, after, locked):
    guard = default_throttle()
    fail(guard, 10)
    clock.advance(DefaultConfig.LOGIN_LOCK_MINUTES * 60 + after)
    assert guard.check("erika", "10.0.0.1").locked is locked


@pytest.mark.parametrize("how", ["a right password", "an unlock"])
def test_success_and_unlock_start_the_count_afresh(clock, how):
    guard = default_throttle()
    fail(guard, 10 if how == "an unlock" else 9)
    if how == "an unlock":
        guard.unlock("erika")
    else:
        guard.record_success("erika")
    assert guard.check("erika", "10.0.0.1").allowed
    assert not fail(guard, 9).locked  # nine more are not ten
    assert fail(guard, 1).locked  # the tenth is


def test_success_does_not_forget_the_address_count(clock):
    guard = default_throttle()
    for number in range(99):
        guard.record_failure(f"guess{number}", "192.0.2.7")
    guard.record_success("guess0")
    guard.record_failure("guess-last", "192.0.2.7")
    assert guard.check("erika", "192.0.2.7").locked


# --- Through the sign-in page, with configured numbers -----------------------------------------

SLOWDOWN, LOCK, LOCK_MINUTES, ADDRESS_LOCK = 3, 5, 20, 6
ELSEWHERE = "10.0.0.99"


@pytest.fixture
def configured(app, clock):  # type: ignore[no-untyped-def]
    """Small numbers, and a pause longer than the counting window (20 against 15 minutes)."""

    def apply(store: str = "memory://") -> None:
        app.config.update(
            RATELIMIT_STORAGE_URL=store,
            RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}",
            LOGIN_WINDOW_MINUTES=15,
            LOGIN_SLOWDOWN_AFTER=SLOWDOWN,
            LOGIN_LOCK_AFTER=LOCK,
            LOGIN_LOCK_MINUTES=LOCK_MINUTES,
            LOGIN_ADDRESS_SLOWDOWN_AFTER=1000,
            LOGIN_ADDRESS_LOCK_AFTER=ADDRESS_LOCK,
        )
        throttle.init_app(app)

    apply()
    return apply


def attempt(
    client, username: str = "erika", password: str = "wrong-password", address: str = "10.0.0.1"
):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get("/login?lang=en").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )
    return response.status_code, response.get_data(as_text=True)


def wrong(client, clock, times: int, **kw):  # type: ignore[no-untyped-def]
    """Wrong passwords, each after any wait has passed; the last answer."""
    result = (0, "")
    for _ in range(times):
        clock.advance(PAST_ANY_WAIT)
        result = attempt(client, **kw)
    return result


@pytest.mark.parametrize(
    "failures", [SLOWDOWN - 1, SLOWDOWN, SLOWDOWN + 1], ids=["N-1", "N", "N+1"]
)
def test_slowdown_on_the_page(client, learner, clock, configured, failures):
    assert wrong(client, clock, failures)[0] == 401
    status, page = attempt(client, password=PASSWORD)  # at once
    if failures < SLOWDOWN:
        assert status == 302
    else:
        assert status == 429 and WAIT in page and PAUSED not in page
        clock.advance(PAST_ANY_WAIT)
        assert attempt(client, password=PASSWORD)[0] == 302


@pytest.mark.parametrize("failures", [LOCK - 1, LOCK, LOCK + 1], ids=["N-1", "N", "N+1"])
def test_pause_on_the_page(client, learner, clock, configured, failures):
    status, page = wrong(client, clock, failures)
    if failures < LOCK:
        assert status == 401 and WRONG in page
    else:
        assert status == 429 and PAUSED in page and "ask your mentor" in page
    clock.advance(PAST_ANY_WAIT)
    status, page = attempt(client, password=PASSWORD)
    assert (status == 429 and PAUSED in page) if failures >= LOCK else status == 302


@pytest.mark.parametrize("store", ["memory://", "database://"])
@pytest.mark.parametrize(
    ("after", "paused"),
    [
        pytest.param(-60, True, id="lock minutes - 1"),
        pytest.param(0, False, id="exactly lock minutes"),
        pytest.param(60, False, id="lock minutes + 1"),
    ],
)
def test_the_pause_ends_after_the_lock_minutes(
    client, learner, clock, configured, store, after, paused
):
    configured(store)
    assert wrong(client, clock, LOCK)[0] == 429
    clock.advance(LOCK_MINUTES * 60 + after)
    status, page = attempt(client, password=PASSWORD)
    assert (status == 429 and PAUSED in page) if paused else status == 302


def test_a_right_password_starts_the_count_afresh(client, auth, learner, clock, configured):
    wrong(client, clock, LOCK - 1)
    clock.advance(PAST_ANY_WAIT)
    assert attempt(client, password=PASSWORD)[0] == 302
    auth.logout()
    # from another tablet, so that the address's own count stays out of the way
    assert wrong(client, clock, LOCK - 1, address=ELSEWHERE)[0] == 401
    clock.advance(PAST_ANY_WAIT)
    assert attempt(client, password=PASSWORD, address=ELSEWHERE)[0] == 302


def test_an_unlock_by_the_coordinator_starts_the_count_afresh(
    app, client, learner, staff, clock, configured
):
    assert wrong(client, clock, LOCK)[0] == 429
    accounts = Auth(staff)
    response = accounts.post(
        f"/coordinate/accounts/{learner.id}/unlock", token_from="/coordinate/accounts"
    )
    assert response.status_code == 302
    assert wrong(client, clock, LOCK - 1, address=ELSEWHERE)[0] == 401
    clock.advance(PAST_ANY_WAIT)
    assert attempt(client, password=PASSWORD, address=ELSEWHERE)[0] == 302


@pytest.mark.parametrize(
    "failures", [ADDRESS_LOCK - 1, ADDRESS_LOCK, ADDRESS_LOCK + 1], ids=["N-1", "N", "N+1"]
)
def test_address_pause_on_the_page(client, learner, clock, configured, failures):
    for number in range(failures):
        attempt(client, username=f"guess{number}", address="192.0.2.7")
    status, _page = attempt(client, password=PASSWORD, address="192.0.2.7")
    assert status == (302 if failures < ADDRESS_LOCK else 429)
    if status == 302:
        Auth(client).logout()
    assert attempt(client, password=PASSWORD, address="192.0.2.8")[0] == 302
