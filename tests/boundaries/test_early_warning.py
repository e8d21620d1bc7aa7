"""The coordinator's early-warning list at its edges, read from the page as a coordinator sees it.

The learner window (inactive_days) and the tandem window (session_days) are given different
values everywhere here, so that using one for the other fails a test. The clock is stopped
(`frozen`): "exactly N days ago" is then exactly that, to the microsecond.

The rule as coded: a learner is listed when their last activity (or, never signed in, the
creation of the account) lies MORE than N days back; a tandem or mentor when the last held
session lies more than M days back on the centre's wall clock.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from learnapp.access import LEARNER, MENTOR
from learnapp.coordinate import reports, warnings
from learnapp.db import get_session
from learnapp.models import Centre, Pairing, Progress, QuizAttempt, TandemSession, User
from learnapp.progress_rules import stuck_lessons
from tests.boundaries.support import section
from tests.helpers import PASSWORD, Auth

INACTIVE_DAYS = 10  # the learner window
SESSION_DAYS = 30  # the tandem and mentor window: deliberately different
LONG_AGO = timedelta(days=365)
MINUTE = timedelta(minutes=1)


def overview(staff, inactive: int = INACTIVE_DAYS, session: int = SESSION_DAYS) -> str:  # type: ignore[no-untyped-def]
    response = staff.get(f"/coordinate?lang=en&inactive_days={inactive}&session_days={session}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def learner_at(make_user, frozen, name: str, last_active=None, created=LONG_AGO, **fields):  # type: ignore[no-untyped-def]
    """A learner last active `last_active` ago (None: never), account made `created` ago."""
    return make_user(
        role=LEARNER,
        display_name=name,
        created_at=frozen.utc - created,
        last_active_at=None if last_active is None else frozen.utc - last_active,
        **fields,
    )


AROUND = [  # (how long ago, listed?) around a window of N days
    pytest.param(lambda n: timedelta(days=n - 1), False, id="N-1 days"),
    pytest.param(lambda n: timedelta(days=n) - MINUTE, False, id="N days minus 1 minute"),
    pytest.param(lambda n: timedelta(days=n), False, id="exactly N days"),
    pytest.param(lambda n: timedelta(days=n) + MINUTE, True, id="N days plus 1 minute"),
    pytest.param(lambda n: timedelta(days=n + 1), True, id="N+1 days"),
]


@pytest.mark.parametrize(("ago", "listed"), AROUND)
def test_learner_silent_around_the_learner_window(frozen, staff, make_user, ago, listed):
    learner_at(make_user, frozen, "Ina Inaktiv", last_active=ago(INACTIVE_DAYS))
    assert ("Ina Inaktiv" in section(overview(staff), "inactive-heading")) is listed


@pytest.mark.parametrize(
    ("created", "listed"),
    [
        pytest.param(lambda n: timedelta(0), False, id="account made just now"),
        *AROUND,
        pytest.param(lambda n: LONG_AGO, True, id="account made a year ago"),
    ],
)
def test_learner_who_never_signed_in_counts_from_the_account_creation(
    frozen, staff, make_user, created, listed
):
    """Never signed in: silent since the account was made (a new account gets N days' grace)."""
    learner_at(make_user, frozen, "Nora Nie", last_active=None, created=created(INACTIVE_DAYS))
    inactive = section(overview(staff), "inactive-heading")
    assert ("Nora Nie" in inactive) is listed
    if listed:
        assert "never" in inactive


def test_recent_activity_wins_over_an_old_account(frozen, staff, make_user):
    learner_at(make_user, frozen, "Alma Aktiv", last_active=timedelta(hours=1), created=LONG_AGO)
    assert "Alma Aktiv" not in section(overview(staff), "inactive-heading")


@pytest.mark.parametrize(
    "who",
    ["deactivated learner", "mentor", "learner of another centre"],
)
def test_only_active_learners_of_own_centres_are_listed(app, frozen, staff, make_user, who):
    silent = frozen.utc - LONG_AGO
    if who == "deactivated learner":
        make_user(role=LEARNER, display_name="Xaver Weg", created_at=silent, active=False)
    elif who == "mentor":
        make_user(role=MENTOR, display_name="Xaver Weg", created_at=silent, last_active_at=silent)
    else:
        with app.app_context():
            db = get_session()
            elsewhere = Centre(name="Anderswo")
            db.add(elsewhere)
            db.flush()
            user = User(
                username="xaver",
                display_name="Xaver Weg",
                role=LEARNER,
                centre_id=elsewhere.id,
                created_at=silent,
            )
            user.set_password(PASSWORD)
            db.add(user)
            db.commit()
    page = overview(staff)
    assert "Xaver Weg" not in section(page, "inactive-heading")
    assert "Xaver Weg" not in section(page, "stuck-heading")


# --- Tandems and mentors: the session window --------------------------------------------------


def tandem(app, make_user, frozen, since=LONG_AGO):  # type: ignore[no-untyped-def]
    """Mentor "Max Mentor" paired with "Paula Paar" (active today); both since `since`."""
    mentor = make_user(role=MENTOR, display_name="Max Mentor", created_at=frozen.utc - since)
    learner = learner_at(make_user, frozen, "Paula Paar", last_active=timedelta(hours=1))
    with app.app_context():
        db = get_session()
        db.add(Pairing(mentor_id=mentor.id, learner_id=learner.id, started_at=frozen.utc - since))
        db.commit()
    return mentor, learner


def hold(app, mentor, learner, starts_at, took_place=True) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        db = get_session()
        db.add(
            TandemSession(
                mentor_id=mentor.id,
                learner_id=learner.id,
                starts_at=starts_at,
                took_place=took_place,
                length_minutes=60 if took_place else None,
            )
        )
        db.commit()


def quiet(page: str) -> tuple[bool, bool]:
    """(tandem listed, mentor listed)."""
    return (
        "Max Mentor" in section(page, "pairs-heading"),
        "Max Mentor" in section(page, "mentors-heading"),
    )


@pytest.mark.parametrize(("ago", "listed"), AROUND)
def test_tandem_and_mentor_around_the_session_window(app, frozen, staff, make_user, ago, listed):
    """Session starts are instants (naive UTC): the window is measured in real time."""
    mentor, learner = tandem(app, make_user, frozen)
    hold(app, mentor, learner, frozen.utc - ago(SESSION_DAYS))
    assert quiet(overview(staff)) == (listed, listed)


@pytest.mark.parametrize(
    ("since", "listed"),
    [
        pytest.param(timedelta(days=SESSION_DAYS - 1), False, id="paired N-1 days ago"),
        pytest.param(timedelta(days=SESSION_DAYS + 1), True, id="paired N+1 days ago"),
    ],
)
def test_a_new_tandem_without_sessions_has_the_window_as_grace(
    app, frozen, staff, make_user, since, listed
):
    tandem(app, make_user, frozen, since=since)
    assert quiet(overview(staff)) == (listed, listed)


@pytest.mark.parametrize(
    ("took_place", "when", "with_former_mentor", "listed"),
    [
        pytest.param(True, -1, False, False, id="held yesterday"),
        pytest.param(False, -1, False, True, id="missed yesterday"),
        pytest.param(None, -1, False, True, id="planned yesterday, not recorded"),
        pytest.param(None, +1, False, True, id="planned for tomorrow"),
        pytest.param(True, -1, True, True, id="held yesterday with the former mentor"),
    ],
)
def test_only_a_held_session_of_this_tandem_counts(
    app, frozen, staff, make_user, took_place, when, with_former_mentor, listed
):
    mentor, learner = tandem(app, make_user, frozen)
    if with_former_mentor:
        mentor = make_user(role=MENTOR, display_name="Frida Frueher")
    hold(app, mentor, learner, frozen.local + timedelta(days=when), took_place)
    assert ("Max Mentor" in section(overview(staff), "pairs-heading")) is listed


def test_a_quiet_tandem_and_mentor_are_quiet_since_their_last_held_session(app, frozen, make_user):
    """A newer session that did not take place does not move "since" (the list's order)."""
    mentor, learner = tandem(app, make_user, frozen)
    held = frozen.utc - timedelta(days=SESSION_DAYS + 10)
    hold(app, mentor, learner, held)
    hold(app, mentor, learner, frozen.utc - timedelta(days=2), took_place=False)
    with app.app_context():
        found = warnings.warning_page(get_session(), None, INACTIVE_DAYS, SESSION_DAYS)
        since = {e.kind: e.since for e in found.entries if e.kind in ("pairs", "mentors")}
    assert since == {"pairs": held, "mentors": held}


def test_an_ended_tandem_is_not_a_quiet_tandem(app, frozen, staff, make_user):
    tandem(app, make_user, frozen)
    with app.app_context():
        db = get_session()
        db.scalars(select(Pairing)).one().ended_at = frozen.utc - timedelta(days=1)
        db.commit()
    assert "Max Mentor" not in section(overview(staff), "pairs-heading")


# --- The two windows must not be mixed up ----------------------------------------------------


@pytest.mark.parametrize("source", ["query string", "configuration"])
def test_learner_window_and_session_window_are_not_mixed_up(app, frozen, staff, make_user, source):
    """Between the two windows (10 < 20 < 30 days) a learner is listed, a tandem is not."""
    between = timedelta(days=20)
    learner_at(make_user, frozen, "Lea Lange", last_active=between)
    learner_at(make_user, frozen, "Lotte Kurz", last_active=timedelta(days=5))
    mentor, learner = tandem(app, make_user, frozen)
    hold(app, mentor, learner, frozen.local - between)
    quiet_mentor = make_user(
        role=MENTOR, display_name="Mona Still", created_at=frozen.utc - LONG_AGO
    )
    quiet_learner = learner_at(make_user, frozen, "Pia Still", last_active=timedelta(hours=1))
    with app.app_context():
        db = get_session()
        db.add(
            Pairing(
                mentor_id=quiet_mentor.id,
                learner_id=quiet_learner.id,
                started_at=frozen.utc - LONG_AGO,
            )
        )
        db.commit()
    hold(app, quiet_mentor, quiet_learner, frozen.local - timedelta(days=35))

    if source == "configuration":
        app.config["EARLY_WARNING_INACTIVE_DAYS"] = INACTIVE_DAYS
        app.config["EARLY_WARNING_SESSION_DAYS"] = SESSION_DAYS
        page = staff.get("/coordinate?lang=en").get_data(as_text=True)
    else:
        page = overview(staff)
    inactive, pairs = section(page, "inactive-heading"), section(page, "pairs-heading")
    mentors = section(page, "mentors-heading")
    assert f"for {INACTIVE_DAYS} days" in page.split('id="inactive-heading"')[1][:200]
    assert f"for {SESSION_DAYS} days" in page.split('id="pairs-heading"')[1][:200]
    assert "Lea Lange" in inactive and "Lotte Kurz" not in inactive
    assert "Max Mentor" not in pairs and "Max Mentor" not in mentors
    assert "Mona Still" in pairs and "Mona Still" in mentors


def test_the_function_itself_keeps_the_windows_apart(app, frozen, make_user, centre):
    """Called directly with (inactive_days, session_days) in the documented order."""
    learner = learner_at(make_user, frozen, "Lea Lange", last_active=timedelta(days=20))
    mentor, paired = tandem(app, make_user, frozen)
    hold(app, mentor, paired, frozen.local - timedelta(days=20))
    with app.app_context():
        warnings = reports.early_warnings(get_session(), [centre.id], INACTIVE_DAYS, SESSION_DAYS)
        assert [u.id for u in warnings.inactive] == [learner.id]
        assert warnings.quiet_pairs == [] and warnings.quiet_mentors == []
        swapped = reports.early_warnings(get_session(), [centre.id], SESSION_DAYS, INACTIVE_DAYS)
        assert swapped.inactive == [] and len(swapped.quiet_pairs) == 1


# --- Stuck on a self-check: wrong twice or more ----------------------------------------------


def answer(app, user, lesson_id: str, *marks: bool) -> None:  # type: ignore[no-untyped-def]
    """One press of "Check": one row per question, sharing a submission id."""
    submission = uuid.uuid4().hex
    with app.app_context():
        db = get_session()
        for number, correct in enumerate(marks, start=1):
            db.add(
                QuizAttempt(
                    user_id=user.id,
                    lesson_id=lesson_id,
                    question_id=f"q{number}",
                    submission_id=submission,
                    answer="0",
                    correct=correct,
                )
            )
        db.commit()


WRONG = (False, False, False)
PARTLY = (True, True, False)
RIGHT = (True, True, True)


@pytest.mark.parametrize(
    ("checks", "stuck"),
    [
        pytest.param([WRONG], False, id="1 failed check"),
        pytest.param([WRONG, WRONG], True, id="2 failed checks"),
        pytest.param([WRONG, WRONG, WRONG], True, id="3 failed checks"),
        pytest.param([PARTLY, PARTLY], True, id="2 partly right checks are 2 failures"),
        pytest.param([RIGHT, WRONG], False, id="right, then 1 failed check"),
        # A right answer does not clear the warning; only "Done" does (see below).
        pytest.param([WRONG, WRONG, RIGHT], True, id="2 failed, then right but not done"),
    ],
)
def test_stuck_after_two_failed_checks(app, frozen, staff, make_user, checks, stuck):
    learner = learner_at(make_user, frozen, "Sina Stuck", last_active=timedelta(hours=1))
    for marks in checks:
        answer(app, learner, "alpha-quiz", *marks)
    listed = section(overview(staff), "stuck-heading")
    assert ("Sina Stuck" in listed) is stuck
    if stuck:
        assert "Alpha Selbsttest" in listed  # the lesson's title, not its id
    with app.app_context():
        found = stuck_lessons(get_session(), [learner.id])
    assert (list(found.get(learner.id, {})) == ["alpha-quiz"]) is stuck  # the mentor's agrees
    if stuck:  # and counts the presses of "Check" that went wrong, for "2× wrong: …"
        assert found[learner.id]["alpha-quiz"] == sum(not all(marks) for marks in checks)


def test_many_wrong_answers_in_one_check_are_one_failure(app, frozen, staff, make_user):
    """Failures are counted per press of "Check", not per wrong question."""
    learner = learner_at(make_user, frozen, "Sina Stuck", last_active=timedelta(hours=1))
    answer(app, learner, "alpha-quiz", False, False, False)
    assert "Sina Stuck" not in section(overview(staff), "stuck-heading")
    with app.app_context():
        assert stuck_lessons(get_session(), [learner.id]) == {}


def test_one_failure_in_each_of_two_lessons_is_not_stuck(app, frozen, staff, make_user):
    learner = learner_at(make_user, frozen, "Sina Stuck", last_active=timedelta(hours=1))
    answer(app, learner, "alpha-quiz", *WRONG)
    answer(app, learner, "beta-1", False)
    assert "Sina Stuck" not in section(overview(staff), "stuck-heading")


def test_a_finished_lesson_is_no_longer_stuck(app, frozen, staff, make_user):
    learner = learner_at(make_user, frozen, "Sina Stuck", last_active=timedelta(hours=1))
    answer(app, learner, "alpha-quiz", *WRONG)
    answer(app, learner, "alpha-quiz", *WRONG)
    with app.app_context():
        db = get_session()
        db.add(
            Progress(
                user_id=learner.id,
                course_id="alpha",
                lesson_id="alpha-quiz",
                completed_at=frozen.utc,
            )
        )
        db.commit()
    assert "Sina Stuck" not in section(overview(staff), "stuck-heading")


@pytest.mark.parametrize(("failures", "shown"), [(1, False), (2, True), (3, True)])
def test_mentor_sees_the_same_threshold(app, make_user, failures, shown):
    mentor = make_user(role=MENTOR, username="mentor", display_name="Max Mentor")
    learner = make_user(role=LEARNER, display_name="Sina Stuck")
    with app.app_context():
        db = get_session()
        db.add(Pairing(mentor_id=mentor.id, learner_id=learner.id))
        db.commit()
    for _ in range(failures):
        answer(app, learner, "alpha-quiz", *PARTLY)
    client = app.test_client()
    Auth(client).login("mentor")
    page = client.get("/mentor?lang=en").get_data(as_text=True)
    assert (f"{failures}× wrong: Alpha" in page) is shown  # the reason counts the failures
    assert ("Alpha Selbsttest" in page) is shown


def test_mentor_and_coordinator_agree_a_completed_lesson_is_not_stuck(app, staff, make_user):
    """Where the two lists differed: the mentor's also counted a lesson already done."""
    mentor = make_user(role=MENTOR, username="mentor", display_name="Max Mentor")
    learner = make_user(role=LEARNER, display_name="Sina Stuck")
    with app.app_context():
        db = get_session()
        db.add(Pairing(mentor_id=mentor.id, learner_id=learner.id))
        db.add(Progress(user_id=learner.id, course_id="alpha", lesson_id="alpha-quiz"))
        db.commit()
    answer(app, learner, "alpha-quiz", *WRONG)
    answer(app, learner, "alpha-quiz", *WRONG)
    client = app.test_client()
    Auth(client).login("mentor")

    def mentor_sees_it() -> bool:
        return "Alpha Selbsttest" in client.get("/mentor?lang=en").get_data(as_text=True)

    assert mentor_sees_it() and "Sina Stuck" in section(overview(staff), "stuck-heading")
    with app.app_context():
        db = get_session()
        row = db.scalars(select(Progress).where(Progress.user_id == learner.id)).one()
        row.completed_at = row.started_at
        db.commit()
    assert not mentor_sees_it()
    assert "Sina Stuck" not in section(overview(staff), "stuck-heading")


# --- The windows a coordinator types in: whole days from 1 to 365 ----------------------------


@pytest.mark.parametrize(
    ("typed", "used"),
    [
        pytest.param("0", INACTIVE_DAYS, id="0: the configured value"),
        pytest.param("1", 1, id="1: the smallest"),
        pytest.param("365", 365, id="365: the largest"),
        pytest.param("366", INACTIVE_DAYS, id="366: the configured value"),
        pytest.param("-1", INACTIVE_DAYS, id="-1: the configured value"),
        pytest.param("", INACTIVE_DAYS, id="empty: the configured value"),
        pytest.param("7.5", INACTIVE_DAYS, id="7.5: the configured value"),
        # "²".isdigit() is true and int("²") raises: this was a 500.
        pytest.param("²", INACTIVE_DAYS, id="a superscript two: the configured value"),
        pytest.param("9" * 5000, INACTIVE_DAYS, id="5000 digits: the configured value"),
    ],
)
def test_the_typed_window_is_kept_within_1_to_365_days(app, frozen, staff, typed, used):
    app.config["EARLY_WARNING_INACTIVE_DAYS"] = INACTIVE_DAYS
    response = staff.get(f"/coordinate?lang=en&inactive_days={typed}")
    assert response.status_code == 200
    heading = response.get_data(as_text=True).split('id="inactive-heading"')[1][:200]
    assert f"without activity for {used} days" in heading
