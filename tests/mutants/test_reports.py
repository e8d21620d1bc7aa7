"""Monthly reports and early warnings: the rules the boundary tests leave open.

Built on the boundary tests' courses, stopped clock and helpers (tests/boundaries/).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from learnapp.access import LEARNER, MENTOR
from learnapp.coordinate import reports
from learnapp.coordinate.reports import Month, Warnings
from learnapp.db import get_session
from learnapp.models import Centre, Pairing, Progress, TandemSession, User
from tests.boundaries import conftest as boundaries
from tests.boundaries.test_early_warning import (
    INACTIVE_DAYS,
    LONG_AGO,
    SESSION_DAYS,
    WRONG,
    answer,
    hold,
    learner_at,
    overview,
    tandem,
)
from tests.boundaries.test_report_months import IN_MARCH, learner_rows, report
from tests.helpers import PASSWORD, count_queries

# The boundary tests' fixtures: their courses, their stopped clock, a signed-in coordinator.
content_dir, frozen, staff = boundaries.content_dir, boundaries.frozen, boundaries.staff

MARCH = Month(2026, 3)
YEARS_AGO = datetime(2020, 1, 1)
HOUR = timedelta(hours=1)


def add(app, *rows) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        db = get_session()
        db.add_all(rows)
        db.commit()


def elsewhere(app, role: str, name: str, **fields) -> User:  # type: ignore[no-untyped-def]
    """A user of a second centre, which the coordinator does not look after."""
    with app.app_context():
        db = get_session()
        other = db.query(Centre).filter_by(name="Anderswo").one_or_none()
        if other is None:
            other = Centre(name="Anderswo")
            db.add(other)
            db.flush()
        user = User(username=name.lower().replace(" ", "."), display_name=name, role=role)
        user.centre_id = other.id
        for key, value in fields.items():
            setattr(user, key, value)
        user.set_password(PASSWORD)
        db.add(user)
        db.commit()
        return user


def march_report(app, centre) -> reports.MonthReport:  # type: ignore[no-untyped-def]
    with app.app_context():
        db = get_session()
        found = reports.month_report(db, [db.get(Centre, centre.id)], MARCH)
        for row in found.learners:
            _ = row.learner.display_name  # loaded while the session is open
        return found


def warnings(app, centre_id: int) -> dict[str, list]:  # type: ignore[no-untyped-def]
    """The four lists by display name (pairs as "mentor & learner"), in their order."""
    with app.app_context():
        found = reports.early_warnings(get_session(), [centre_id], INACTIVE_DAYS, SESSION_DAYS)
        return {
            "inactive": [user.display_name for user in found.inactive],
            "stuck": [user.display_name for user, _lesson in found.stuck],
            "pairs": [
                f"{p.mentor.display_name} & {p.learner.display_name}" for p in found.quiet_pairs
            ],
            "mentors": [user.display_name for user in found.quiet_mentors],
        }


# --- Month bounds ------------------------------------------------------------------------------


@pytest.fixture
def server_in_new_york(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The machine's own time zone is neither UTC nor the centre's."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_month_bounds_in_utc_do_not_depend_on_the_servers_time_zone(server_in_new_york):
    assert MARCH.utc_bounds() == (datetime(2026, 2, 28, 23, 0), datetime(2026, 3, 31, 22, 0))


# --- Monthly report ----------------------------------------------------------------------------


def test_another_centres_sessions_stay_out_of_the_report(app, make_user, centre):
    """A report for one centre, while another centre's tandem met in the same month."""
    own = make_user(role=LEARNER, display_name="Olga Own", created_at=YEARS_AGO)
    mentor = elsewhere(app, MENTOR, "Fritz Fremd", created_at=YEARS_AGO)
    stranger = elsewhere(app, LEARNER, "Lisa Fremd", created_at=YEARS_AGO)
    add(
        app,
        TandemSession(
            mentor_id=mentor.id,
            learner_id=stranger.id,
            starts_at=IN_MARCH,
            took_place=True,
            length_minutes=60,
        ),
    )
    found = march_report(app, centre)
    (row,) = found.centres
    assert (row.sessions_held, row.volunteer_minutes, row.active_learners) == (0, 0, 0)
    assert [(r.learner.id, r.sessions_held) for r in found.learners] == [(own.id, 0)]


@pytest.mark.parametrize("length", [None, 0], ids=["length not recorded", "length 0"])
def test_a_held_session_without_minutes_adds_no_minutes(app, make_user, centre, length):
    mentor = make_user(role=MENTOR, created_at=YEARS_AGO)
    learner = make_user(role=LEARNER, created_at=YEARS_AGO)
    add(
        app,
        TandemSession(
            mentor_id=mentor.id,
            learner_id=learner.id,
            starts_at=IN_MARCH,
            took_place=True,
            length_minutes=length,
        ),
    )
    found = march_report(app, centre)
    (row,) = found.centres
    assert (row.sessions_held, row.volunteer_minutes) == (1, 0)
    (person,) = found.learners
    assert (person.sessions_held, person.session_minutes) == (1, 0)


def test_lessons_completed_by_mentors_are_not_counted(app, staff, make_user, centre):
    mentor = make_user(role=MENTOR, created_at=YEARS_AGO)
    add(
        app,
        Progress(
            user_id=mentor.id,
            course_id="alpha",
            lesson_id="alpha-read",
            started_at=IN_MARCH,
            updated_at=IN_MARCH,
            completed_at=IN_MARCH,
        ),
    )
    assert report(staff, centre, "2026-03")["completed"] == "0"


def test_opening_a_lesson_in_the_month_is_activity_even_if_touched_again_later(
    app,
    staff,
    make_user,
    centre,
):
    """Started in March, last touched in April, not finished: active in March (and April)."""
    learner = make_user(role=LEARNER, created_at=YEARS_AGO)
    idle = make_user(role=LEARNER, created_at=YEARS_AGO)
    add(
        app,
        Progress(
            user_id=learner.id,
            course_id="alpha",
            lesson_id="alpha-read",
            started_at=IN_MARCH,
            updated_at=datetime(2026, 4, 10, 10, 0),
        ),
        Progress(
            user_id=idle.id,
            course_id="alpha",
            lesson_id="alpha-read",
            started_at=YEARS_AGO,
            updated_at=YEARS_AGO,
        ),
    )
    assert report(staff, centre, "2026-03")["active"] == "1"
    assert report(staff, centre, "2026-04")["active"] == "1"
    assert report(staff, centre, "2026-02")["active"] == "0"


def test_learner_rows_are_in_alphabetical_order(app, staff, make_user, centre):
    for name in ("zora", "anna", "mia"):
        make_user(role=LEARNER, username=name, display_name=name.title(), created_at=YEARS_AGO)
    assert list(learner_rows(staff, "2026-03")) == ["anna", "mia", "zora"]


def test_a_missed_or_unrecorded_session_is_not_held_for_the_learner(
    app,
    staff,
    make_user,
    centre,
):
    mentor = make_user(role=MENTOR, created_at=YEARS_AGO)
    learner = make_user(role=LEARNER, username="paula", created_at=YEARS_AGO)
    add(
        app,
        *(
            TandemSession(
                mentor_id=mentor.id,
                learner_id=learner.id,
                starts_at=IN_MARCH.replace(day=day),
                took_place=took_place,
                length_minutes=45,
            )
            for day, took_place in ((11, False), (12, None))
        ),
    )
    assert learner_rows(staff, "2026-03")["paula"][1:] == ["0", "0"]


# --- Early warnings ----------------------------------------------------------------------------


def test_no_centres_means_four_empty_lists(app):
    with app.app_context():
        found = reports.early_warnings(get_session(), [], INACTIVE_DAYS, SESSION_DAYS)
    assert found == Warnings([], [], [], [])
    assert found.count == 0


def test_the_longest_silent_learner_comes_first(app, frozen, make_user, centre):
    """Silent since: last activity, or the account's creation for one who never signed in."""
    days = timedelta(days=1)
    learner_at(make_user, frozen, "Berta Bald", last_active=12 * days, created=200 * days)
    learner_at(make_user, frozen, "Carla Nie", last_active=None, created=25 * days)
    learner_at(make_user, frozen, "Anna Lang", last_active=40 * days, created=100 * days)
    assert warnings(app, centre.id)["inactive"] == ["Anna Lang", "Carla Nie", "Berta Bald"]


def test_an_opened_but_unfinished_lesson_still_counts_as_stuck(app, frozen, make_user, centre):
    learner = learner_at(make_user, frozen, "Sina Stuck", last_active=HOUR)
    add(
        app,
        Progress(
            user_id=learner.id,
            course_id="alpha",
            lesson_id="alpha-quiz",
            started_at=frozen.utc - timedelta(days=2),
            updated_at=frozen.utc - HOUR,
        ),
    )
    answer(app, learner, "alpha-quiz", *WRONG)
    answer(app, learner, "alpha-quiz", *WRONG)
    assert warnings(app, centre.id)["stuck"] == ["Sina Stuck"]


def test_stuck_learners_are_in_alphabetical_order(app, frozen, make_user, centre):
    for name in ("Zora Z", "Anna A", "Mia M"):
        learner = learner_at(make_user, frozen, name, last_active=HOUR)
        answer(app, learner, "alpha-quiz", *WRONG)
        answer(app, learner, "alpha-quiz", *WRONG)
    assert warnings(app, centre.id)["stuck"] == ["Anna A", "Mia M", "Zora Z"]


def test_only_active_learners_of_own_centres_are_stuck(app, frozen, make_user, centre):
    gone = learner_at(make_user, frozen, "Xaver Weg", last_active=HOUR, active=False)
    stranger = elsewhere(app, LEARNER, "Lisa Fremd", last_active_at=frozen.utc - HOUR)
    for learner in (gone, stranger):
        answer(app, learner, "alpha-quiz", *WRONG)
        answer(app, learner, "alpha-quiz", *WRONG)
    assert warnings(app, centre.id)["stuck"] == []


def test_a_tandem_is_judged_by_its_own_sessions_not_the_learners_former_tandem(
    app,
    frozen,
    make_user,
    centre,
):
    """The former mentor met the learner more recently; the current tandem met 5 days ago."""
    mentor, learner = tandem(app, make_user, frozen)
    former = make_user(role=MENTOR, display_name="Frida Frueher", created_at=YEARS_AGO)
    add(
        app,
        Pairing(
            mentor_id=former.id,
            learner_id=learner.id,
            started_at=YEARS_AGO,
            ended_at=frozen.utc - timedelta(days=10),
        ),
    )
    hold(app, mentor, learner, frozen.local - timedelta(days=5))
    hold(app, former, learner, frozen.local - timedelta(days=2))
    assert warnings(app, centre.id)["pairs"] == []


def test_each_tandem_of_a_mentor_is_judged_on_its_own(app, frozen, make_user, centre):
    """One mentor, two learners, both met within the window: neither tandem is quiet."""
    mentor, first = tandem(app, make_user, frozen)
    second = learner_at(make_user, frozen, "Rita Zwei", last_active=HOUR)
    add(app, Pairing(mentor_id=mentor.id, learner_id=second.id, started_at=YEARS_AGO))
    hold(app, mentor, first, frozen.local - timedelta(days=5))
    hold(app, mentor, second, frozen.local - timedelta(days=2))
    assert warnings(app, centre.id)["pairs"] == []


def test_quiet_tandems_bring_both_names_without_a_query_per_pair(app, frozen, make_user, centre):
    """Neither name is already loaded by another list: the mentor met another learner lately
    (not a quiet mentor), the learners were active an hour ago (not silent)."""
    mentor = make_user(role=MENTOR, display_name="Max Mentor", created_at=YEARS_AGO)
    busy = learner_at(make_user, frozen, "Bea Busy", last_active=HOUR)
    add(app, Pairing(mentor_id=mentor.id, learner_id=busy.id, started_at=YEARS_AGO))
    hold(app, mentor, busy, frozen.local - timedelta(days=2))
    for name in ("Quirin Quiet", "Qiana Quiet"):
        learner = learner_at(make_user, frozen, name, last_active=HOUR)
        add(app, Pairing(mentor_id=mentor.id, learner_id=learner.id, started_at=YEARS_AGO))
    with app.app_context():
        found = reports.early_warnings(get_session(), [centre.id], INACTIVE_DAYS, SESSION_DAYS)
        assert len(found.quiet_pairs) == 2 and found.quiet_mentors == []
        with count_queries(app) as statements:
            names = sorted(
                (p.mentor.display_name, p.learner.display_name) for p in found.quiet_pairs
            )
    assert names == [("Max Mentor", "Qiana Quiet"), ("Max Mentor", "Quirin Quiet")]
    assert statements == []


def test_a_tandem_paired_exactly_the_window_ago_is_not_yet_quiet(app, frozen, make_user, centre):
    tandem(app, make_user, frozen, since=timedelta(days=SESSION_DAYS))
    listed = warnings(app, centre.id)
    assert listed["pairs"] == [] and listed["mentors"] == []


def test_a_mentor_made_exactly_the_window_ago_is_not_yet_quiet(app, frozen, make_user, centre):
    make_user(
        role=MENTOR,
        display_name="Nina Neu",
        created_at=frozen.utc - timedelta(days=SESSION_DAYS),
    )
    make_user(
        role=MENTOR,
        display_name="Otto Alt",
        created_at=frozen.utc - timedelta(days=SESSION_DAYS) - timedelta(microseconds=1),
    )
    assert warnings(app, centre.id)["mentors"] == ["Otto Alt"]


@pytest.mark.parametrize("took_place", [False, None], ids=["missed", "not recorded"])
def test_only_a_held_session_keeps_a_mentor_off_the_quiet_list(
    app,
    frozen,
    staff,
    make_user,
    centre,
    took_place,
):
    mentor, learner = tandem(app, make_user, frozen)
    hold(app, mentor, learner, frozen.local - timedelta(days=1), took_place)
    page = overview(staff)
    assert "Max Mentor" in page.split('id="mentors-heading"', 1)[1]
    assert warnings(app, centre.id)["mentors"] == ["Max Mentor"]


def test_quiet_mentors_are_in_alphabetical_order(app, frozen, make_user, centre):
    for name in ("Zeno Z", "Arno A", "Mats M"):
        make_user(role=MENTOR, display_name=name, created_at=frozen.utc - LONG_AGO)
    assert warnings(app, centre.id)["mentors"] == ["Arno A", "Mats M", "Zeno Z"]


def test_only_active_mentors_of_own_centres_are_quiet(app, frozen, make_user, centre):
    make_user(role=MENTOR, display_name="Xaver Weg", created_at=YEARS_AGO, active=False)
    elsewhere(app, MENTOR, "Fritz Fremd", created_at=YEARS_AGO)
    make_user(role=MENTOR, display_name="Max Mentor", created_at=YEARS_AGO)
    assert warnings(app, centre.id)["mentors"] == ["Max Mentor"]
