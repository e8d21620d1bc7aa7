"""Self-checks graded on the server and practice scenarios walked through HTTP."""

import re

from sqlalchemy import func, select

from learnapp.db import get_session
from learnapp.models import Progress, QuizAttempt, ScenarioChoice, ScenarioRun

SUBMISSION = re.compile(r'name="submission" value="([0-9a-f]{32})"')


def submission_of(page: str) -> str:
    return SUBMISSION.search(page).group(1)


def check(client, auth, lesson: str, answers: dict, submission: str | None = None):
    page = client.get(f"/courses/sample/{lesson}").get_data(as_text=True)
    data = {"submission": submission or submission_of(page), **answers}
    return auth.post(
        f"/courses/sample/{lesson}/check", data, token_from=f"/courses/sample/{lesson}"
    )


def count(app, model) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model))


def test_right_answers_are_graded_and_explained(client, auth, learner, app):
    auth.login("erika")
    response = check(client, auth, "sample-first", {"q-q1": "0", "q-q2": "true"})
    assert response.status_code == 302 and "checked=" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "choice-right" in page and "choice-wrong" not in page
    with app.app_context():
        attempts = get_session().scalars(select(QuizAttempt)).all()
        assert {(a.question_id, a.answer, a.correct) for a in attempts} == {
            ("q1", "0", True),
            ("q2", "true", True),
        }


def test_wrong_answers_show_why(client, auth, learner):
    auth.login("erika")
    response = check(client, auth, "sample-first", {"q-q1": "1", "q-q2": "false"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "choice-wrong" in page
    assert "Nein." in page  # the explanation of the wrong answer
    assert "Der Bildschirm reagiert auf Berührung." in page


def test_multiple_choice_needs_all_right_answers(client, auth, learner, app):
    auth.login("erika")
    check(client, auth, "sample-second", {"q-q1": "0"})
    check(client, auth, "sample-second", {"q-q1": ["0", "2"]})
    with app.app_context():
        marks = [
            a.correct for a in get_session().scalars(select(QuizAttempt).order_by(QuizAttempt.id))
        ]
    assert marks == [False, True]


def test_unanswered_question_gets_a_message_and_nothing_is_stored(client, auth, learner, app):
    auth.login("erika")
    response = check(client, auth, "sample-first", {"q-q1": "0"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="error-q2"' in page and 'aria-describedby="error-q2"' in page
    assert count(app, QuizAttempt) == 0


def test_tampered_answers_are_refused(client, auth, learner, app):
    auth.login("erika")
    for answers, tampered in (
        ({"q-q1": "7", "q-q2": "true"}, "q1"),
        ({"q-q1": ["0", "1"], "q-q2": "true"}, "q1"),
        ({"q-q1": "0", "q-q2": "maybe"}, "q2"),
    ):
        response = check(client, auth, "sample-first", answers)
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert (
            f'<p class="field-error" id="error-{tampered}">'
            "Diese Antwort gehört nicht zur Auswahl. Bitte wählen Sie noch einmal.</p>"
        ) in page, answers
        assert page.count('class="field-error"') == 1, answers  # the other answer was fine
    assert count(app, QuizAttempt) == 0


def test_replayed_form_is_not_stored_twice(client, auth, learner, app):
    auth.login("erika")
    page = client.get("/courses/sample/sample-first").get_data(as_text=True)
    submission = submission_of(page)
    check(client, auth, "sample-first", {"q-q1": "0", "q-q2": "true"}, submission)
    again = check(client, auth, "sample-first", {"q-q1": "1", "q-q2": "false"}, submission)
    assert again.status_code == 302
    assert count(app, QuizAttempt) == 2


def test_bad_submission_id_stores_nothing(client, auth, learner, app):
    auth.login("erika")
    response = auth.post(
        "/courses/sample/sample-first/check",
        {"submission": "../../etc", "q-q1": "0", "q-q2": "true"},
    )
    assert response.status_code == 302
    assert count(app, QuizAttempt) == 0


def test_quiz_required_blocks_done_until_passed(client, auth, learner, app):
    auth.login("erika")
    blocked = auth.post("/courses/sample/sample-second/done")
    assert blocked.status_code == 302
    page = client.get("/courses/sample/sample-second").get_data(as_text=True)
    assert (
        '<p class="field-error" role="alert">'
        "Bitte beantworten Sie zuerst die Wissensfragen richtig."
    ) in page
    assert count(app, Progress) == 1 and not _done(app, "sample-second")
    check(client, auth, "sample-second", {"q-q1": ["0", "2"]})
    auth.post("/courses/sample/sample-second/done")
    assert _done(app, "sample-second")


def _done(app, lesson_id: str) -> bool:
    with app.app_context():
        row = get_session().scalars(select(Progress).where(Progress.lesson_id == lesson_id)).first()
        return row is not None and row.completed_at is not None


def start_practice(client, auth) -> str:
    response = auth.post(
        "/courses/sample/sample-practice/practice", token_from="/courses/sample/sample-practice"
    )
    assert response.status_code == 302
    return response.headers["Location"]


def test_scenario_walk_to_the_safe_ending_stores_the_path(client, auth, learner, app):
    auth.login("erika")
    run_url = start_practice(client, auth)
    page = client.get(run_url).get_data(as_text=True)
    assert "Hallo Mama" in page and "sim-chat" in page
    response = auth.post(run_url, {"step": "message", "choice": "0"}, token_from=run_url)
    assert response.status_code == 302
    ending = client.get(run_url).get_data(as_text=True)
    assert (
        "Gut gemacht!" in ending and "<strong>richtig</strong>" in ending and "Sehr gut." in ending
    )
    with app.app_context():
        run = get_session().scalars(select(ScenarioRun)).one()
        assert (run.outcome, run.current_step) == ("safe", "end-safe")
        assert [(c.step_id, c.choice_index) for c in run.steps] == [("message", 0)]
    assert _done(app, "sample-practice")


def test_scenario_unsafe_ending(client, auth, learner, app):
    auth.login("erika")
    run_url = start_practice(client, auth)
    auth.post(run_url, {"step": "message", "choice": "1"}, token_from=run_url)
    assert "Rufen Sie sofort Ihre Bank an." in client.get(run_url).get_data(as_text=True)


def test_scenario_replayed_or_tampered_choices_change_nothing(client, auth, learner, app):
    auth.login("erika")
    run_url = start_practice(client, auth)
    for data in (
        {"step": "message", "choice": "9"},
        {"step": "nowhere", "choice": "0"},
        {"step": "message", "choice": "-1"},
        {"step": "message", "choice": "x"},
    ):
        assert auth.post(run_url, data, token_from=run_url).status_code == 302
    assert count(app, ScenarioChoice) == 0
    auth.post(run_url, {"step": "message", "choice": "0"}, token_from=run_url)
    auth.post(run_url, {"step": "message", "choice": "1"}, token_from=run_url)  # replay
    assert count(app, ScenarioChoice) == 1


def test_someone_elses_run_is_not_found(client, auth, learner, make_user, app):
    make_user(username="other")
    auth.login("other")
    run_url = start_practice(client, auth)
    auth.logout()
    auth.login("erika")
    assert client.get(run_url).status_code == 404
