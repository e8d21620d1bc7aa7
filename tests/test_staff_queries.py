"""Mentor dashboard, coordinator report and early warning: the same number of SQL queries at
10 and at 500 learners (data from the large demo generator)."""

import re
from datetime import datetime

import pytest
from sqlalchemy import delete, select, update

from learnapp.access import MENTOR
from learnapp.content import get_library
from learnapp.db import get_session
from learnapp.demo_large import generate
from learnapp.models import Base, Pairing, Progress, QuizAttempt, TandemSession, User
from learnapp.progress_rules import STUCK_AFTER_FAILED_CHECKS
from tests.helpers import Auth, count_queries

PAGES = {
    "m1": ["/mentor", "/mentor/learners/{learner}", "/mentor/sessions/new"],
    "c1": [
        "/coordinate",
        "/coordinate?page=2",
        "/coordinate?reason=inactive",
        "/coordinate/reports",
        "/coordinate/reports.csv",
        "/coordinate/reports.xlsx",
        "/coordinate/accounts",
        "/coordinate/accounts?page=2",
        "/coordinate/accounts?role=learner&quiet_days=30&q=e",
        "/coordinate/accounts?state=locked",
        "/coordinate/pairings",
        "/coordinate/pairings?page=2",
        "/coordinate/pairings?learner={learner}",  # a learner with a mentor, from her page
        "/coordinate/pairings?q=l",
        "/coordinate/people/{learner}",
        "/coordinate/warnings/{learner}/inactive/dismiss",
        "/coordinate/cards/today",  # every generated learner is made today
        "/coordinate/content-due",
    ],
}
# Every coordinator page stays under this size, however large the centre (HTML pages only).
MAX_PAGE_BYTES = 100_000


WARNING_COUNT = re.compile(r'<h2 id="(\w+)-heading">.*\((\d+)\)</h2>')


def _make_every_warning_list_non_empty(db, library) -> None:  # type: ignore[no-untyped-def]
    """Quiet tandems, silent and stuck learners, quiet mentors: lists with rows are where a
    query per row would hide. Every mentor but m1 (whose own pages are measured) has held no
    session: one quiet mentor at 10 learners, 24 at 500, so a query per row changes the count.
    """
    names = ["l1", "l2", "l3", "l4", "l5"]
    quiet = select(User.id).where(User.username.in_(names))
    # stuck: two wrong self-checks on a lesson they have not finished (the generator's random
    # answers leave this list empty at 10 learners)
    lesson = next(
        lesson
        for course in library.ordered_courses
        for lesson in course.lessons[library.default_lang].values()
        if lesson.quiz
    )
    db.execute(delete(Progress).where(Progress.user_id.in_(quiet), Progress.lesson_id == lesson.id))
    db.add_all(
        QuizAttempt(
            user_id=user_id,
            lesson_id=lesson.id,
            question_id=lesson.quiz[0].id,
            submission_id=f"stuck-{user_id}-{attempt}",
            answer="0",
            correct=False,
        )
        for user_id in db.scalars(quiet)
        for attempt in range(STUCK_AFTER_FAILED_CHECKS)
    )
    db.execute(delete(TandemSession).where(TandemSession.learner_id.in_(quiet)))
    db.execute(
        update(Pairing).where(Pairing.learner_id.in_(quiet)).values(started_at=datetime(2025, 1, 1))
    )
    db.execute(update(User).where(User.id.in_(quiet)).values(last_active_at=datetime(2025, 1, 1)))
    quiet_mentors = select(User.id).where(User.role == MENTOR, User.username != "m1")
    db.execute(delete(TandemSession).where(TandemSession.mentor_id.in_(quiet_mentors)))
    db.execute(
        update(User).where(User.id.in_(quiet_mentors)).values(created_at=datetime(2025, 1, 1))
    )
    db.commit()


def _warnings(html: str) -> dict[str, int]:
    """How many rows each list of the early-warning page shows, from its headings."""
    return {name: int(count) for name, count in WARNING_COUNT.findall(html)}


def _measure(app, learners: int) -> tuple[dict[str, int], dict[str, int]]:
    """Queries per page, and the rows of the early-warning lists; HTML pages stay small."""
    with app.app_context():
        data = generate(
            get_session(),
            get_library(),
            centres=1,
            mentors=max(2, learners // 20),  # m1, and at least one mentor to go quiet
            learners=learners,
        )
        _make_every_warning_list_non_empty(get_session(), get_library())
        mentor = get_session().scalars(select(User).where(User.username == "m1")).one()
        learner = (
            get_session()
            .scalars(select(Pairing.learner_id).where(Pairing.mentor_id == mentor.id))
            .first()
        )
    counts, warnings = {}, {}
    for username, paths in PAGES.items():
        client = app.test_client()
        auth = Auth(client)
        assert auth.login(username, data.password).status_code == 302
        for path in paths:
            url = path.format(learner=learner)
            client.get(url)  # warm-up (last-active write)
            with count_queries(app) as statements:
                response = client.get(url)
            assert response.status_code == 200, url
            counts[path] = len(statements)
            if response.mimetype == "text/html":
                size = len(response.get_data())
                assert size < MAX_PAGE_BYTES, f"{url}: {size} bytes at {learners} learners"
                SIZES[(path, learners)] = size
            if path == "/coordinate":
                warnings = _warnings(response.get_data(as_text=True))
    return counts, warnings


SIZES: dict[tuple[str, int], int] = {}


@pytest.fixture
def content_dir():
    from learnapp.paths import CONTENT_DIR

    return CONTENT_DIR


def test_staff_pages_run_a_constant_number_of_queries(app):
    small, small_warnings = _measure(app, 10)
    engine = app.extensions["learnapp_db"].engine
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    large, large_warnings = _measure(app, 500)
    print("queries per page (10 / 500 learners):", {p: (small[p], large[p]) for p in small})
    print("early-warning rows (10 / 500 learners):", small_warnings, large_warnings)
    print("bytes per page (10 / 500 learners):", SIZES)
    # the lists were drawn with rows at both sizes, else their queries were not measured
    lists = {"inactive", "stuck", "pairs", "mentors"}
    assert set(small_warnings) == set(large_warnings) == lists
    assert all(small_warnings.values()) and all(large_warnings.values())
    assert small_warnings["mentors"] == 1 and large_warnings["mentors"] == 24
    assert small_warnings["stuck"] >= 5
    assert small == large
    for path, count in large.items():
        assert 1 <= count <= 12, f"{path}: {count} queries"  # 0: nothing was counted


def _mentor_with(app, make_user, learners: int) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """A mentor with `learners` learners, every one of them with every reason to be urgent
    (stuck, asking for help, away) and a planned session, and practice runs of two steps:
    a row or a choice drawn with a query of its own would show in the count."""
    from learnapp.models import HelpRequest, ScenarioChoice, ScenarioRun
    from learnapp.models.base import utcnow

    mentor = make_user(role=MENTOR, username=f"mentor{learners}")
    people = [make_user(last_active_at=datetime(2025, 1, 1)) for _ in range(learners)]
    with app.app_context():
        db = get_session()
        for person in people:
            db.add(Pairing(mentor_id=mentor.id, learner_id=person.id))
            db.add(HelpRequest(learner_id=person.id, course_id="sample", lesson_id="sample-first"))
            db.add(
                TandemSession(
                    mentor_id=mentor.id, learner_id=person.id, starts_at=datetime(2099, 1, 1)
                )
            )
            for attempt in range(STUCK_AFTER_FAILED_CHECKS):
                db.add(
                    QuizAttempt(
                        user_id=person.id,
                        lesson_id="sample-first",
                        question_id="q1",
                        submission_id=f"{person.id}-{attempt}",
                        answer="1",
                        correct=False,
                    )
                )
            for outcome in ("safe", "unsafe"):
                run = ScenarioRun(
                    user_id=person.id,
                    lesson_id="sample-practice",
                    current_step=f"end-{outcome}",
                    outcome=outcome,
                    started_at=utcnow(),
                )
                run.steps = [
                    ScenarioChoice(step_id="message", position=1, choice_index=0, next_step="x"),
                    ScenarioChoice(step_id="message", position=2, choice_index=1, next_step="y"),
                ]
                db.add(run)
        db.commit()
    return mentor.username, people[-1].id


def test_mentor_pages_cost_the_same_at_3_and_at_25_learners(app, make_user):
    counts = {}
    for learners in (3, 25):
        username, learner = _mentor_with(app, make_user, learners)
        client = app.test_client()
        assert Auth(client).login(username).status_code == 302
        for path in ("/mentor", f"/mentor/learners/{learner}"):
            client.get(path)  # warm-up (last-active write)
            with count_queries(app) as statements:
                response = client.get(path)
            page = response.get_data(as_text=True)
            assert response.status_code == 200
            assert "2× falsch" in page or "Gewählte Antworten (2)" in page  # rows were drawn
            counts[learners, path.split("/")[2] if "learners" in path else "dashboard"] = len(
                statements
            )
    print("queries (3 / 25 learners):", counts)
    assert counts[3, "dashboard"] == counts[25, "dashboard"]
    assert counts[3, "learners"] == counts[25, "learners"]
