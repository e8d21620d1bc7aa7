"""The Wi-Fi drops: a saved course still opens, presses wait on the tablet and arrive once.

A learner saves a course for use without internet, the connection goes (Playwright's offline
mode), she reads three lessons, marks two done and answers a self-check; the connection comes
back, and the server holds exactly those writes, with the time they were pressed. Signing out
leaves nothing in the tablet's caches.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learnapp.content import get_library
from learnapp.db import get_session
from learnapp.models import Progress, QuizAttempt, User
from learnapp.models.base import utcnow
from tests.browser.accounts import PASSWORD

COURSE = "government"
QUEUED = """() => navigator.serviceWorker.ready.then((registration) => new Promise((resolve) => {
  const channel = new MessageChannel();
  channel.port1.onmessage = (event) => resolve(event.data.count);
  registration.active.postMessage({ type: "queued" }, [channel.port2]);
}))"""


@pytest.fixture
def offline_learner(live_server):  # type: ignore[no-untyped-def]
    with live_server.app.app_context():
        session = get_session()
        user = User(username="olga-offline", display_name="Olga Offline", role="learner")
        user.set_password(PASSWORD)
        session.add(user)
        session.commit()
        lessons = [
            lesson_id
            for lesson_id in get_library().courses[COURSE].lesson_ids
            if not get_library().courses[COURSE].lesson(lesson_id, "de", "de").is_scenario
        ]
        return user.id, lessons, list(get_library().courses[COURSE].lesson_ids)


def test_a_saved_course_works_offline_and_its_presses_arrive_once(
    browsing, live_server, offline_learner, screenshot_dir
):
    user_id, lessons, all_ids = offline_learner
    reading = lessons[:3]
    with live_server.app.app_context():
        quiz_lesson = reading[2]
        assert get_library().courses[COURSE].lesson(quiz_lesson, "de", "de").quiz
    visit = browsing.open("olga-offline", fresh=True)
    page, context = visit.page, visit.page.context
    page.goto(f"/courses/{COURSE}")
    until(page, "navigator.serviceWorker.controller !== null", True)
    page.click(".save-offline button")
    page.wait_for_selector(".save-offline[data-saved-bytes]")
    saved_bytes = int(page.get_attribute(".save-offline", "data-saved-bytes") or 0)
    assert saved_bytes > 10_000
    before = utcnow()

    context.set_offline(True)
    for lesson_id in reading:
        page.goto(f"/courses/{COURSE}/{lesson_id}")
        assert page.is_visible(".offline-banner")
        assert page.inner_text("h1")
    page.screenshot(path=str(screenshot_dir / "offline-lesson.png"))
    for lesson_id in reading[:2]:
        page.goto(f"/courses/{COURSE}/{lesson_id}")
        with page.expect_navigation():
            page.click("#done button[type=submit]")
        assert "queued=done" in page.url and page.is_visible('[data-offline-note="done"]')
    page.goto(f"/courses/{COURSE}/{quiz_lesson}")
    for fieldset in page.locator("#quiz fieldset.question").all():
        fieldset.locator("input").first.check()
    with page.expect_navigation():
        page.click("#quiz button[type=submit]")
    assert page.is_visible('[data-offline-note="check"]')
    assert page.evaluate(QUEUED) == 3
    pressed_by = utcnow()
    page.wait_for_timeout(1500)  # sent later than pressed: the pressing time must be kept
    page.goto(f"/courses/{COURSE}/{lessons[5]}")  # not opened, yet saved with the course
    assert page.is_visible(".offline-banner")
    practice = next(i for i in all_ids if i not in lessons)  # saved, but it needs the server
    page.goto(f"/courses/{COURSE}/{practice}")
    with page.expect_navigation():
        page.click(".practice-start button[type=submit]")
    assert page.is_visible('[data-offline-note="online-only"]')
    page.goto("/settings")  # never kept: the offline page, listing what is saved
    # Practice lessons are kept too: their start says kindly that it needs a connection.
    until(page, "document.querySelectorAll('.saved-lessons li').length", len(all_ids))
    print(f"bytes kept for the course {COURSE}: {saved_bytes}")
    with live_server.app.app_context():
        assert _done(user_id) == set() and _submissions(user_id) == 0

    context.set_offline(False)
    page.goto(f"/courses/{COURSE}")
    until(page, QUEUED, 0)  # the page asks the worker to send the queue as it opens
    with live_server.app.app_context():
        assert _done(user_id) == set(reading[:2])
        assert _submissions(user_id) == 1
        completed = (
            get_session()
            .scalars(select(Progress.completed_at).where(Progress.user_id == user_id))
            .all()
        )
        assert all(before - timedelta(seconds=1) <= at <= pressed_by for at in completed)
        answered = (
            get_session()
            .scalars(select(QuizAttempt.created_at).where(QuizAttempt.user_id == user_id))
            .all()
        )
        assert answered and all(at <= pressed_by for at in answered)
    page.reload()  # a second page with a connection: nothing is sent twice
    page.wait_for_load_state("networkidle")
    with live_server.app.app_context():
        assert _submissions(user_id) == 1 and _done(user_id) == set(reading[:2])

    with page.expect_navigation():
        page.click(".signout button")
    assert page.evaluate("caches.keys()") == []
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0


def until(page, expression: str, expected: object) -> None:  # type: ignore[no-untyped-def]
    """Poll from Python: wait_for_function evaluates strings, which the page's CSP forbids."""
    for _ in range(100):
        if page.evaluate(expression) == expected:
            return
        page.wait_for_timeout(100)
    assert page.evaluate(expression) == expected


def _done(user_id: int) -> set[str]:
    rows = get_session().scalars(
        select(Progress.lesson_id).where(
            Progress.user_id == user_id, Progress.completed_at.is_not(None)
        )
    )
    return set(rows)


def _submissions(user_id: int) -> int:
    return (
        get_session().scalar(
            select(func.count(func.distinct(QuizAttempt.submission_id))).where(
                QuizAttempt.user_id == user_id
            )
        )
        or 0
    )
