"""What a mentor reads: urgent learners first with their reason; a learner's practice runs in
the page's language, one line each with its ending; self-checks per attempt, never summed."""

import re
from datetime import timedelta

from sqlalchemy import update

from learnapp.access import LEARNER
from learnapp.db import get_session
from learnapp.models import Pairing, QuizAttempt, ScenarioChoice, ScenarioRun, User
from learnapp.models.base import utcnow


def _add(app, *rows) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        get_session().add_all(rows)
        get_session().commit()


def _check(user_id: int, submission: str, q1: bool, q2: bool, minutes_ago: int) -> list:
    at = utcnow() - timedelta(minutes=minutes_ago)
    return [
        QuizAttempt(
            user_id=user_id,
            lesson_id="sample-first",
            question_id=question,
            submission_id=submission,
            answer="0",
            correct=correct,
            created_at=at,
        )
        for question, correct in (("q1", q1), ("q2", q2))
    ]


def _text(html: str) -> str:
    """The page's words without tags, spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_urgent_learners_come_first_each_with_a_short_reason(client, auth, world, app):
    """Erika comes first by name; Hans, stuck on a self-check, must still come before her,
    and Grete (away for three weeks) after him and before Erika."""
    with app.app_context():
        db = get_session()
        db.execute(update(User).values(last_active_at=utcnow()))
        grete = User(
            username="gretea",
            display_name="Grete Lernend",
            role=LEARNER,
            centre_id=world.centre_a,
            password_hash="-",
            last_active_at=utcnow() - timedelta(weeks=3, hours=1),
        )
        db.add(grete)
        db.flush()
        db.add_all(
            [
                Pairing(mentor_id=world.mentor_a, learner_id=world.learner_a2),
                Pairing(mentor_id=world.mentor_a, learner_id=grete.id),
                *_check(world.learner_a2, "first", False, True, 30),
                *_check(world.learner_a2, "second", True, False, 20),
            ]
        )
        db.commit()
    auth.login("mentora")
    page = _text(client.get("/mentor").get_data(as_text=True))
    assert "Brauchen Sie jetzt (2)" in page and "Alle anderen (1)" in page
    hans = page.index("Hans Lernend 2× falsch: Die erste Lektion")
    grete_at = page.index("Grete Lernend seit 3 Wochen nicht da")
    assert hans < grete_at < page.index("Erika Lernend")


def test_practice_runs_read_as_the_learners_answers_in_the_page_language(client, auth, world, app):
    run = ScenarioRun(
        user_id=world.learner_a,
        lesson_id="sample-practice",
        current_step="end-unsafe",
        outcome="unsafe",
        started_at=utcnow() - timedelta(hours=1),
    )
    run.steps = [
        ScenarioChoice(step_id="message", position=1, choice_index=1, next_step="end-unsafe")
    ]
    safe = ScenarioRun(
        user_id=world.learner_a,
        lesson_id="sample-practice",
        current_step="end-safe",
        outcome="safe",
        started_at=utcnow(),
    )
    safe.steps = [
        ScenarioChoice(step_id="message", position=1, choice_index=0, next_step="end-safe")
    ]
    _add(app, run, safe)
    auth.login("mentora")
    url = f"/mentor/learners/{world.learner_a}"
    page = _text(client.get(url).get_data(as_text=True))
    # one line per run, newest first, each with its ending in words and the ending's title
    safe_at = page.index("✓ sicher beendet : „Gut gemacht!“")
    unsafe_at = page.index("✗ unsicher beendet : „Das war riskant“")
    assert safe_at < unsafe_at
    assert "„Ich überweise Geld.“" in page and "„Ich rufe die alte Nummer an.“" in page
    for raw in ("end-unsafe", "end-safe", "message →", "I send money", "Weg:"):
        assert raw not in page
    with app.app_context():
        get_session().execute(update(User).where(User.username == "mentora").values(locale="en"))
        get_session().commit()
    english = _text(client.get(url).get_data(as_text=True))
    assert "„I send money.“" in english and "„That was risky“" in english
    assert "Ich überweise Geld" not in english


def test_self_checks_are_shown_per_attempt_not_added_up(client, auth, world, app):
    _add(
        app,
        *_check(world.learner_a, "first", False, False, 30),
        *_check(world.learner_a, "second", True, True, 10),
    )
    auth.login("mentora")
    page = _text(client.get(f"/mentor/learners/{world.learner_a}").get_data(as_text=True))
    first = re.search(r"Wissensfragen, 1\. Versuch \([^)]*\): 0 von 2 richtig", page)
    second = re.search(r"Wissensfragen, 2\. Versuch \([^)]*\): 2 von 2 richtig", page)
    assert first and second and first.start() < second.start()
    assert "von 4" not in page
