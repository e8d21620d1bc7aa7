"""Progress, "Continue" and certificates: only this course's lessons, only lessons marked done.

Courses (content/): "empty" (order 0, no lessons), "alpha" (4 lessons) and "beta" (5 lessons,
more than alpha has, so counting beta's lessons for alpha could fill alpha up).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from learnapp.content.library import load_library
from learnapp.db import get_session
from learnapp.learn import certificates, services
from learnapp.models import Progress, User
from tests.boundaries.support import ALPHA, BETA, CONTENT

LIBRARY = load_library(CONTENT, "de")
T0 = datetime(2026, 5, 1, 9, 0)


def rows(done=(), visited=(), latest: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    """Progress rows as the pages read them; `latest` was worked on last."""
    result = {}
    for number, lesson_id in enumerate([*visited, *done], start=1):
        updated = T0 + timedelta(hours=number)
        if lesson_id == latest:
            updated = T0 + timedelta(days=30)
        result[lesson_id] = SimpleNamespace(
            id=number,
            lesson_id=lesson_id,
            completed_at=updated if lesson_id in done else None,
            updated_at=updated,
        )
    return result


def counts(progress: dict) -> dict[str, tuple[int, int, int]]:
    return {
        item.course.id: (item.done, item.total, item.percent)
        for item in services.course_progress(LIBRARY, progress)
    }


@pytest.mark.parametrize(
    ("progress", "expected"),
    [
        pytest.param(rows(), (0, 0, 0), id="nothing yet"),
        pytest.param(rows(visited=ALPHA + BETA), (0, 0, 0), id="every lesson only opened"),
        pytest.param(rows(done=ALPHA[:1]), (1, 0, 0), id="alpha 1 of 4"),
        pytest.param(rows(done=ALPHA[:3]), (3, 0, 0), id="alpha all but the last"),
        pytest.param(rows(done=ALPHA[1:]), (3, 0, 0), id="alpha all but the first"),
        pytest.param(rows(done=ALPHA), (4, 0, 0), id="alpha all 4"),
        pytest.param(rows(done=BETA), (0, 5, 0), id="beta all 5, alpha none"),
        pytest.param(rows(done=ALPHA[:3] + BETA[:2]), (3, 2, 0), id="some of each"),
        pytest.param(
            rows(done=("gone-lesson",)), (0, 0, 0), id="a lesson no longer in the content"
        ),
    ],
)
def test_course_progress_counts_done_lessons_of_that_course_only(progress, expected):
    result = counts(progress)
    assert (result["alpha"][0], result["beta"][0], result["empty"][0]) == expected
    assert (result["alpha"][1], result["beta"][1], result["empty"][1]) == (4, 5, 0)


@pytest.mark.parametrize(
    ("done", "total", "percent"),
    [(0, 0, 0), (0, 4, 0), (1, 4, 25), (1, 3, 33), (2, 3, 67), (3, 4, 75), (4, 4, 100)],
)
def test_percent(done, total, percent):
    assert services.CourseProgress(LIBRARY.courses["alpha"], done, total).percent == percent


@pytest.mark.parametrize(
    ("progress", "expected"),
    [
        pytest.param(
            rows(), ("alpha", "alpha-quiz", False), id="new learner: skips the empty course"
        ),
        pytest.param(
            rows(done=("gone-lesson",)), ("alpha", "alpha-quiz", False), id="only unknown lessons"
        ),
        pytest.param(
            rows(done=ALPHA[:1], visited=("alpha-practice",), latest="alpha-practice"),
            ("alpha", "alpha-practice", True),
            id="latest only opened: go back to it",
        ),
        pytest.param(
            rows(done=ALPHA[:2], latest="alpha-read"),
            ("alpha", "alpha-practice", True),
            id="latest done: the next one",
        ),
        pytest.param(
            rows(done=("alpha-quiz", "alpha-practice", "alpha-last"), latest="alpha-last"),
            ("alpha", "alpha-read", True),
            id="last lesson done, an earlier one open: back in the same course",
        ),
        pytest.param(
            rows(done=ALPHA, latest="alpha-last"),
            ("beta", "beta-1", True),
            id="last lesson of a finished course: the next course",
        ),
        pytest.param(
            rows(done=BETA + ALPHA[1:], latest="beta-5"),
            ("alpha", "alpha-quiz", True),
            id="last lesson of the last course: round to the first open one",
        ),
        pytest.param(rows(done=ALPHA + BETA, latest="beta-5"), None, id="everything done"),
        pytest.param(
            {**rows(done=ALPHA[:1]), **rows(done=("gone-lesson",), latest="gone-lesson")},
            ("alpha", "alpha-read", True),
            id="latest row is a removed lesson: ignored",
        ),
    ],
)
def test_continue_point(progress, expected):
    point = services.continue_point(LIBRARY, progress)
    found = None if point is None else (point.course.id, point.lesson_id, point.started)
    assert found == expected


# --- Through the pages ------------------------------------------------------------------------


def finish(app, user_id: int, lesson_ids, course_id=None) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        db = get_session()
        user = db.get(User, user_id)
        for lesson_id in lesson_ids:
            course = course_id or LIBRARY.lesson_course[lesson_id]
            services.mark_done(db, user, course, lesson_id)
        db.commit()


def progress_text(page: str) -> str:
    return page.split('class="progress-text">', 1)[1].split("<", 1)[0]


def course_card(page: str, course_id: str) -> str:
    return page.split(f'href="/courses/{course_id}"', 1)[1].split("</li>", 1)[0]


@pytest.mark.parametrize(
    ("done", "visited", "undone", "alpha_done"),
    [
        pytest.param((), (), (), 0, id="nothing"),
        pytest.param((), ALPHA, (), 0, id="every lesson opened, none done"),
        pytest.param(ALPHA[:3], ("alpha-last",), (), 3, id="all but the last done, last opened"),
        pytest.param(ALPHA[:3] + BETA, (), (), 3, id="all but the last, plus all of beta"),
        pytest.param(ALPHA[1:] + BETA[:1], (), (), 3, id="all but the first, plus one of beta"),
        pytest.param(ALPHA, (), (), 4, id="all four done"),
        pytest.param(ALPHA, (), ("alpha-last",), 3, id="all done, then the last undone"),
        pytest.param(ALPHA, (), ("alpha-quiz",), 3, id="all done, then the first undone"),
    ],
)
def test_certificate_and_progress_pages(
    app, client, auth, learner, done, visited, undone, alpha_done
):
    auth.login("erika")
    for lesson_id in visited:
        assert client.get(f"/courses/alpha/{lesson_id}").status_code == 200
    finish(app, learner.id, done)
    for lesson_id in undone:
        response = auth.post(
            f"/courses/alpha/{lesson_id}/done",
            {"undo": "1"},
            token_from=f"/courses/alpha/{lesson_id}",
        )
        assert response.status_code == 302
    earned = alpha_done == len(ALPHA)

    page = client.get("/courses/alpha/certificate?lang=en").get_data(as_text=True)
    assert ('class="certificate"' in page) is earned
    if not earned:
        assert progress_text(page) == f"{alpha_done} of 4 lessons done"

    course = client.get("/courses/alpha").get_data(as_text=True)
    assert course.count("lesson-item is-done") == alpha_done
    assert ("certificate-card" in course) is earned

    card = course_card(client.get("/courses").get_data(as_text=True), "alpha")
    assert progress_text(card) == f"{alpha_done} of 4 lessons done"
    assert ("/courses/alpha/certificate" in card) is earned


def test_all_of_another_course_earns_nothing_here(app, client, auth, learner):
    finish(app, learner.id, BETA)
    auth.login("erika")
    alpha = client.get("/courses/alpha/certificate?lang=en").get_data(as_text=True)
    assert 'class="certificate"' not in alpha and progress_text(alpha) == "0 of 4 lessons done"
    beta = client.get("/courses/beta/certificate?lang=en").get_data(as_text=True)
    assert 'class="certificate"' in beta


def test_a_course_without_lessons_has_no_certificate(app, client, auth, learner):
    finish(app, learner.id, ALPHA + BETA)
    auth.login("erika")
    response = client.get("/courses/empty/certificate?lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'class="certificate"' not in page and progress_text(page) == "0 of 0 lessons done"
    course = client.get("/courses/empty").get_data(as_text=True)
    assert "certificate-card" not in course
    card = course_card(client.get("/courses?lang=en").get_data(as_text=True), "empty")
    assert "/courses/empty/certificate" not in card
    with app.app_context():
        db = get_session()
        earned = certificates.certificate_for(
            db, db.get(User, learner.id), LIBRARY.courses["empty"]
        )
        assert (earned.earned, earned.done, earned.total) == (False, 0, 0)


@pytest.mark.parametrize("course_id", ["alpha", "beta"])
def test_certificate_counts_only_its_own_lessons(app, learner, course_id):
    """3 of alpha and 4 of beta done: each certificate counts its own, neither is earned."""
    finish(app, learner.id, ALPHA[:3] + BETA[:4])
    with app.app_context():
        db = get_session()
        earned = certificates.certificate_for(
            db, db.get(User, learner.id), LIBRARY.courses[course_id]
        )
    assert (earned.done, earned.total, earned.earned) == {
        "alpha": (3, 4, False),
        "beta": (4, 5, False),
    }[course_id]


def test_opening_a_lesson_does_not_finish_it_and_done_twice_keeps_the_first_date(app, learner):
    with app.app_context():
        db = get_session()
        user = db.get(User, learner.id)
        row = services.record_visit(db, user, "alpha", "alpha-read")
        db.commit()
        assert row.completed_at is None
        first = services.mark_done(db, user, "alpha", "alpha-read").completed_at
        db.commit()
        services.record_visit(db, user, "alpha", "alpha-read")
        again = services.mark_done(db, user, "alpha", "alpha-read").completed_at
        db.commit()
        assert first is not None and again == first
        services.mark_not_done(db, user, "alpha-read")
        db.commit()
        assert db.scalars(select(Progress)).one().completed_at is None
