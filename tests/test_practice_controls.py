"""Practice without JavaScript: the controls inside a simulated screen are buttons of the step's
choices form and take the choice the scenario declares (`tap:`), for every step of every
bundled scenario in both languages; a screen without `tap` has nothing that can be pressed."""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from learnapp.content.library import load_library
from learnapp.content.model import Scenario
from learnapp.db import get_session
from learnapp.models import ScenarioChoice
from learnapp.paths import CONTENT_DIR

LIBRARY = load_library(CONTENT_DIR, "de")
SCENARIOS = [
    (course.id, lesson_id, lang)
    for course in LIBRARY.ordered_courses
    for lang in ("de", "en")
    for lesson_id, lesson in course.lessons[lang].items()
    if lesson.scenario is not None
]
FORM_ID = "practice-choices"


@pytest.fixture
def content_dir():
    return CONTENT_DIR


class StepPage(HTMLParser):
    """What a browser without scripts would send: the form's fields and the screen's buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.form_fields: dict[str, str] = {}
        self.screen_controls: list[dict[str, str | None]] = []  # buttons, links, fields
        self._in_form = False
        self._in_screen = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form" and found.get("id") == FORM_ID:
            self._in_form = True
        if tag == "figure" and "sim" in (found.get("class") or "").split():
            self._in_screen += 1
        elif self._in_screen and tag in ("button", "a", "input", "select", "textarea"):
            self.screen_controls.append({"tag": tag, **found})
        if self._in_form and tag == "input" and found.get("type") == "hidden":
            self.form_fields[found["name"] or ""] = found.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        if tag == "figure" and self._in_screen:
            self._in_screen -= 1


def read_step(html: str) -> StepPage:
    page = StepPage()
    page.feed(html)
    return page


def paths(scenario: Scenario) -> dict[str, list[tuple[str, int]]]:
    """For each step, the (step, choice) pairs that lead to it from the start."""
    found: dict[str, list[tuple[str, int]]] = {scenario.start: []}
    queue = deque([scenario.start])
    while queue:
        step = scenario.steps[queue.popleft()]
        for index, choice in enumerate(step.choices):
            if choice.next not in found:
                found[choice.next] = [*found[step.id], (step.id, index)]
                queue.append(choice.next)
    return found


@pytest.mark.parametrize(("course_id", "lesson_id", "lang"), SCENARIOS)
def test_screen_controls_take_the_declared_choice_without_javascript(
    client, auth, learner, app, course_id, lesson_id, lang
):
    auth.login("erika")
    auth.post("/settings", {"text_size": "100", "contrast": "normal", "language": lang})
    scenario = LIBRARY.courses[course_id].lessons[lang][lesson_id].scenario
    assert scenario is not None
    lesson_url = f"/courses/{course_id}/{lesson_id}"
    for step_id, path in paths(scenario).items():
        step = scenario.steps[step_id]
        if step.end:
            continue
        run_url = auth.post(f"{lesson_url}/practice", token_from=lesson_url).headers["Location"]
        for earlier, index in path:
            auth.post(run_url, {"step": earlier, "choice": str(index)}, token_from=run_url)
        page = read_step(client.get(run_url).get_data(as_text=True))
        assert page.form_fields["step"] == step_id
        if step.tap is None:
            assert page.screen_controls == [], (step_id, "looks tappable but is no choice")
            continue
        assert page.screen_controls, (step_id, "has a tap but no control")
        for control in page.screen_controls:
            assert (control["tag"], control.get("type"), control.get("form")) == (
                "button",
                "submit",
                FORM_ID,
            )
            assert (control.get("name"), control.get("value")) == ("choice", str(step.tap))
        # The press a browser without scripts sends: the form's hidden fields and the button.
        data = {**page.form_fields, "choice": page.screen_controls[0]["value"]}
        assert auth.post(run_url, data, token_from=run_url).status_code == 302
        run_id = int(run_url.rsplit("/", 1)[1])
        with app.app_context():
            chosen = (
                get_session()
                .scalars(
                    select(ScenarioChoice)
                    .where(ScenarioChoice.run_id == run_id)
                    .order_by(ScenarioChoice.id.desc())
                )
                .first()
            )
        assert chosen is not None and (chosen.step_id, chosen.choice_index) == (step_id, step.tap)


def test_the_bundled_risky_taps_are_practised_on_the_screen():
    """The taps the issue names: the e-mail's "unlock" button and the SMS link are choices."""
    banking = LIBRARY.courses["banking"].lessons
    messaging = LIBRARY.courses["messaging"].lessons
    for lang in ("de", "en"):
        mail = banking[lang]["banking-practice-locked-account"].scenario.steps["mail"]
        sms = messaging[lang]["messaging-practice-parcel-sms"].scenario.steps["sms"]
        assert mail.tap == 0 and mail.screen["button"]
        assert sms.tap == 0
