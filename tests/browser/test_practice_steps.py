"""Every step of every bundled practice scenario in a real browser: on a tablet, upright and
on its side, the question is on the first screen and the choices there or one tap away; tapping
the screen's own control (the fake button, link or hang-up) records the choice it stands for.
Screenshots of each screen kind at three sizes and two text sizes go to tests/browser/screenshots/.
"""

from __future__ import annotations

from collections import deque

import pytest
from sqlalchemy import select

from learnapp.access import LEARNER
from learnapp.content.library import load_library
from learnapp.content.model import Scenario
from learnapp.db import get_session
from learnapp.models import ScenarioChoice
from learnapp.paths import CONTENT_DIR
from tests.browser import accounts
from tests.browser.pages import submit

LIBRARY = load_library(CONTENT_DIR, "de")
PORTRAIT = {"width": 810, "height": 1080}
LANDSCAPE = {"width": 1080, "height": 810}
PHONE = {"width": 360, "height": 740}
STEPS = [
    (course.id, lesson_id, step_id)
    for course in LIBRARY.ordered_courses
    for lesson_id, lesson in course.lessons["de"].items()
    if lesson.scenario is not None
    for step_id, step in lesson.scenario.steps.items()
    if not step.end
]
# One step of each screen kind, photographed: (name, course, lesson, step).
SCREEN_KINDS = [
    ("email", "banking", "banking-practice-locked-account", "mail"),
    ("browser", "banking", "banking-practice-locked-account", "fake-page"),
    ("chat", "messaging", "messaging-practice-new-number", "money-request"),
    ("sms", "messaging", "messaging-practice-parcel-sms", "reminder"),
    ("call", "banking", "banking-practice-bank-call", "pressure"),
]


def path_to(scenario: Scenario, target: str) -> list[int]:
    """The choices (by position) that lead from the start to `target`, fewest first."""
    paths: dict[str, list[int]] = {scenario.start: []}
    queue = deque([scenario.start])
    while queue:
        step = scenario.steps[queue.popleft()]
        for index, choice in enumerate(step.choices):
            if choice.next not in paths:
                paths[choice.next] = [*paths[step.id], index]
                queue.append(choice.next)
    return paths[target]


def walk_to(page, course_id: str, lesson_id: str, step_id: str) -> None:  # type: ignore[no-untyped-def]
    lesson = LIBRARY.courses[course_id].lessons["de"][lesson_id]
    assert lesson.scenario is not None
    page.goto(f"/courses/{course_id}/{lesson_id}")
    submit(page, ".practice-start button[type=submit]")
    for index in path_to(lesson.scenario, step_id):
        submit(page, f".choices button[value='{index}']")
    assert page.locator("#practice-choices input[name=step]").get_attribute("value") == step_id


def within_first_screen(page, selector: str, viewport: dict[str, int]) -> bool:  # type: ignore[no-untyped-def]
    found = page.locator(selector)
    if found.count() == 0:
        return False
    box = found.first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]


def last_choice(live_server, run_id: int) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    with live_server.app.app_context():
        choice = (
            get_session()
            .scalars(
                select(ScenarioChoice)
                .where(ScenarioChoice.run_id == run_id)
                .order_by(ScenarioChoice.id.desc())
            )
            .first()
        )
        assert choice is not None
        return choice.step_id, choice.choice_index


@pytest.mark.parametrize(
    ("course_id", "lesson_id", "step_id"),
    STEPS,
    ids=[f"{lesson}:{step}" for _, lesson, step in STEPS],
)
def test_question_first_and_the_screen_control_takes_its_choice(
    browsing, live_server, course_id, lesson_id, step_id
):
    step = LIBRARY.courses[course_id].lessons["de"][lesson_id].scenario.steps[step_id]
    page = browsing.open(accounts.username(LEARNER)).page
    walk_to(page, course_id, lesson_id, step_id)
    for viewport in (PORTRAIT, LANDSCAPE):
        page.set_viewport_size(viewport)
        page.evaluate("window.scrollTo(0, 0)")
        assert within_first_screen(page, "#prompt", viewport), f"question below the fold {viewport}"
        choices_shown = within_first_screen(page, ".choices button", viewport)
        assert choices_shown or within_first_screen(page, ".jump-to-choices a", viewport)
    controls = page.locator(".sim .sim-control")
    if step.tap is None:
        assert controls.count() == 0
        return
    assert controls.count() >= 1
    run_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    with page.expect_navigation():
        controls.first.click()
    assert last_choice(live_server, run_id) == (step_id, step.tap)


@pytest.mark.parametrize("setting", ["default", "large"])
@pytest.mark.parametrize(
    ("kind", "course_id", "lesson_id", "step_id"), SCREEN_KINDS, ids=[k[0] for k in SCREEN_KINDS]
)
def test_screenshots_of_each_screen_kind(
    browsing, screenshot_dir, setting, kind, course_id, lesson_id, step_id
):
    page = browsing.open(accounts.username(LEARNER, setting)).page
    walk_to(page, course_id, lesson_id, step_id)
    for label, viewport in (("portrait", PORTRAIT), ("landscape", LANDSCAPE), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.evaluate("window.scrollTo(0, 0)")
        target = screenshot_dir / f"practice-{kind}-{label}-{setting}.png"
        page.screenshot(path=str(target), full_page=True, animations="disabled", caret="hide")
        assert target.stat().st_size > 1000
        # The fake screen alone, to look at it closely at every size.
        page.locator(".sim").screenshot(path=str(target.with_suffix(".screen.png")))
        # Nothing scrolls sideways: the fake screen fits the phone, the address bar stays one line.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
