"""Practice scenarios: every choice of every step leads where the author wrote it.

The scenario of "alpha-practice" (content/alpha/de/03-uebung.md):

    start:  0 → middle   1 → end-safe    2 → end-unsafe   3 → other   (four choices, the most)
    middle: 0 → end-safe 1 → end-unsafe                               (two choices, the fewest)
    other:  0 → end-unsafe 1 → middle    2 → end-safe
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from learnapp.content.library import load_library
from learnapp.db import get_session
from learnapp.learn import practice
from learnapp.models import Progress, ScenarioChoice, ScenarioRun, User
from tests.boundaries.support import CONTENT

LESSON = load_library(CONTENT, "de").courses["alpha"].lessons["de"]["alpha-practice"]
LESSON_URL = "/courses/alpha/alpha-practice"
# How to reach a step from the start.
ROUTE = {"start": [], "middle": [("start", "0")], "other": [("start", "3")]}
FEEDBACK = re.compile(r'class="feedback-heading">[^<]*: ([^<]*)<')

EVERY_CHOICE = [
    pytest.param("start", 0, "middle", None, id="start#0 (first) -> middle"),
    pytest.param("start", 1, "end-safe", "safe", id="start#1 -> safe ending"),
    pytest.param("start", 2, "end-unsafe", "unsafe", id="start#2 -> unsafe ending"),
    pytest.param("start", 3, "other", None, id="start#3 (last) -> other"),
    pytest.param("middle", 0, "end-safe", "safe", id="middle#0 (first) -> safe ending"),
    pytest.param("middle", 1, "end-unsafe", "unsafe", id="middle#1 (last) -> unsafe ending"),
    pytest.param("other", 0, "end-unsafe", "unsafe", id="other#0 (first) -> unsafe ending"),
    pytest.param("other", 1, "middle", None, id="other#1 -> middle"),
    pytest.param("other", 2, "end-safe", "safe", id="other#2 (last) -> safe ending"),
]


def test_the_scenario_is_what_these_tests_assume():
    steps = LESSON.scenario.steps
    assert {
        step_id: [choice.next for choice in step.choices]
        for step_id, step in steps.items()
        if not step.end
    } == {
        "start": ["middle", "end-safe", "end-unsafe", "other"],
        "middle": ["end-safe", "end-unsafe"],
        "other": ["end-unsafe", "middle", "end-safe"],
    }


def start(auth) -> str:  # type: ignore[no-untyped-def]
    response = auth.post(f"{LESSON_URL}/practice", token_from=LESSON_URL)
    assert response.status_code == 302
    return response.headers["Location"]


def choose(auth, run_url: str, step: str, choice: str):  # type: ignore[no-untyped-def]
    return auth.post(run_url, {"step": step, "choice": choice}, token_from=run_url)


@pytest.mark.parametrize(("step", "index", "target", "outcome"), EVERY_CHOICE)
def test_every_choice_through_the_pages(app, client, auth, learner, step, index, target, outcome):
    auth.login("erika")
    run_url = start(auth)
    for earlier_step, earlier_choice in ROUTE[step]:
        assert choose(auth, run_url, earlier_step, earlier_choice).status_code == 302
    assert f'name="step" value="{step}"' in client.get(run_url).get_data(as_text=True)

    response = choose(auth, run_url, step, str(index))
    assert response.status_code == 302
    page = client.get(run_url).get_data(as_text=True)
    label = LESSON.scenario.steps[step].choices[index].label
    assert FEEDBACK.search(page).group(1) == label  # "Your choice: …" names the choice taken
    assert f"Rückmeldung {label.removeprefix('Wahl ')}" in page
    if outcome:
        assert f"ending-{outcome}" in page
    else:
        assert f'name="step" value="{target}"' in page

    with app.app_context():
        db = get_session()
        run = db.scalars(select(ScenarioRun)).one()
        assert (run.current_step, run.outcome) == (target, outcome)
        assert (run.ended_at is not None) is (outcome is not None)
        taken = [(c.step_id, c.choice_index, c.next_step) for c in run.steps]
        assert taken[-1] == (step, index, target)
        assert len(taken) == len(ROUTE[step]) + 1
        done = db.scalars(select(Progress.completed_at)).one()
        assert (done is not None) is (outcome is not None)  # an ending finishes the lesson


@pytest.mark.parametrize(("step", "index", "target", "outcome"), EVERY_CHOICE)
def test_every_choice_in_the_service(app, learner, step, index, target, outcome):
    with app.app_context():
        db = get_session()
        run = practice.start_run(db, db.get(User, learner.id), LESSON)
        for earlier_step, earlier_choice in ROUTE[step]:
            practice.choose(db, LESSON, run, earlier_step, earlier_choice)
        reached = practice.choose(db, LESSON, run, step, str(index))
        assert (reached.id, reached.end) == (target, outcome)
        assert (run.current_step, run.outcome) == (target, outcome)


# str.isdigit() is also true for "²" and "٣": int("²") raises (it was a 500), int("٣") is 3 (a
# choice the page never offered). learnapp/whole_numbers.py reads ASCII digits only.
OUT_OF_RANGE = [
    pytest.param("start", "4", id="start: one past the last (4 choices)"),
    pytest.param("middle", "2", id="middle: one past the last (2 choices)"),
    pytest.param("other", "3", id="other: one past the last (3 choices)"),
    pytest.param("start", "-1", id="minus one"),
    pytest.param("start", "99", id="far past"),
    pytest.param("start", "", id="empty"),
    pytest.param("start", "1.0", id="not a whole number"),
    pytest.param("start", "٣", id="an Arabic-Indic three"),
    pytest.param("start", "²", id="a superscript two"),
    pytest.param("start", "9" * 40, id="a huge number"),
]
# Through the pages: the edges of each step, and what turns into a 500 today.
ON_THE_PAGE = [
    p for p in OUT_OF_RANGE if p.id.startswith(("start:", "middle:", "other:", "minus", "a super"))
]


@pytest.mark.parametrize(("step", "choice"), ON_THE_PAGE)
def test_a_choice_that_does_not_exist_is_refused_cleanly(app, client, auth, learner, step, choice):
    auth.login("erika")
    run_url = start(auth)
    for earlier_step, earlier_choice in ROUTE[step]:
        choose(auth, run_url, earlier_step, earlier_choice)
    response = choose(auth, run_url, step, choice)
    assert response.status_code in (302, 400, 404)  # back to the step with a notice; never 500
    page = client.get(run_url)
    assert page.status_code == 200
    assert f'name="step" value="{step}"' in page.get_data(as_text=True)  # still at that step
    with app.app_context():
        db = get_session()
        assert db.scalar(select(func.count()).select_from(ScenarioChoice)) == len(ROUTE[step])
        assert db.scalars(select(ScenarioRun)).one().current_step == step


@pytest.mark.parametrize(("step", "choice"), OUT_OF_RANGE)
def test_the_service_refuses_a_choice_that_does_not_exist(app, learner, step, choice):
    with app.app_context():
        db = get_session()
        run = practice.start_run(db, db.get(User, learner.id), LESSON)
        for earlier_step, earlier_choice in ROUTE[step]:
            practice.choose(db, LESSON, run, earlier_step, earlier_choice)
        with pytest.raises(practice.PracticeError):
            practice.choose(db, LESSON, run, step, choice)
        assert run.current_step == step


def test_an_ended_run_takes_no_more_choices(app, client, auth, learner):
    auth.login("erika")
    run_url = start(auth)
    choose(auth, run_url, "start", "1")
    for choice in ("0", "1", "3"):
        assert choose(auth, run_url, "end-safe", choice).status_code == 302
        assert choose(auth, run_url, "start", choice).status_code == 302
    with app.app_context():
        db = get_session()
        assert db.scalar(select(func.count()).select_from(ScenarioChoice)) == 1
        assert db.scalars(select(ScenarioRun)).one().outcome == "safe"
