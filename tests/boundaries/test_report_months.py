"""Monthly reports: a month runs from 00:00 on the 1st to 24:00 on its last day in Berlin.

Activity timestamps (lessons, self-checks, new accounts) are stored in UTC, tandem sessions on
the centre's wall clock. Berlin is UTC+1 in winter and UTC+2 in summer; in 2026 summer time
starts on 29 March and ends on 25 October, so March and October begin and end with different
offsets. Every UTC moment below is written out by hand, not computed with the code's helpers.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime

import pytest

from learnapp.access import LEARNER, MENTOR
from learnapp.clock import local_now, to_utc
from learnapp.coordinate.reports import Month
from learnapp.db import get_session
from learnapp.models import Progress, QuizAttempt, TandemSession
from tests.boundaries.support import cell

LONG_AGO = datetime(2020, 1, 1)
TODAY = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("month", "local", "utc"),
    [
        pytest.param(
            (2026, 3),
            ("2026-03-01 00:00", "2026-04-01 00:00"),
            ("2026-02-28 23:00", "2026-03-31 22:00"),
            id="March: starts in winter, ends in summer time",
        ),
        pytest.param(
            (2026, 10),
            ("2026-10-01 00:00", "2026-11-01 00:00"),
            ("2026-09-30 22:00", "2026-10-31 23:00"),
            id="October: starts in summer, ends in winter time",
        ),
        pytest.param(
            (2026, 6),
            ("2026-06-01 00:00", "2026-07-01 00:00"),
            ("2026-05-31 22:00", "2026-06-30 22:00"),
            id="June: summer time",
        ),
        pytest.param(
            (2026, 12),
            ("2026-12-01 00:00", "2027-01-01 00:00"),
            ("2026-11-30 23:00", "2026-12-31 23:00"),
            id="December: into the next year",
        ),
        pytest.param(
            (2027, 1),
            ("2027-01-01 00:00", "2027-02-01 00:00"),
            ("2026-12-31 23:00", "2027-01-31 23:00"),
            id="January",
        ),
        pytest.param(
            (2028, 2),
            ("2028-02-01 00:00", "2028-03-01 00:00"),
            ("2028-01-31 23:00", "2028-02-29 23:00"),
            id="February of a leap year",
        ),
    ],
)
def test_month_bounds(month, local, utc):
    def moments(pair):  # type: ignore[no-untyped-def]
        return tuple(datetime.fromisoformat(text) for text in pair)

    assert Month(*month).local_bounds() == moments(local)
    assert Month(*month).utc_bounds() == moments(utc)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03", (2026, 3)),
        ("2026-3", (2026, 3)),
        ("2026-01", (2026, 1)),
        ("2026-12", (2026, 12)),
        ("2026-00", (2026, 6)),
        ("2026-13", (2026, 6)),
        ("2000-01", (2000, 1)),
        ("1999-12", (2026, 6)),
        ("2100-12", (2100, 12)),
        ("2101-01", (2026, 6)),
        ("2026-03-01", (2026, 6)),
        ("", (2026, 6)),
        (None, (2026, 6)),
        ("März", (2026, 6)),
    ],
)
def test_month_parse_falls_back_to_the_current_month(text, expected):
    assert Month.parse(text, TODAY) == Month(*expected)


# --- Through the report page ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        pytest.param("2026-01", "2026-01", id="January"),
        pytest.param("2026-12", "2026-12", id="December"),
        pytest.param("2026-13", None, id="month 13: the current month"),
        pytest.param("2026-00", None, id="month 0: the current month"),
        pytest.param("1999-12", None, id="before 2000: the current month"),
        pytest.param("nonsense", None, id="nonsense: the current month"),
    ],
)
def test_the_report_page_shows_a_real_month(staff, centre, asked, shown):
    response = staff.get(f"/coordinate/reports?lang=en&month={asked}")
    assert response.status_code == 200
    shown = shown or local_now().strftime("%Y-%m")
    assert f"Report for {shown}" in response.get_data(as_text=True)


def report(staff, centre, month: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    page = staff.get(f"/coordinate/reports?lang=en&month={month}").get_data(as_text=True)
    names = ("sessions", "hours", "active", "completed", "new")
    return {name: cell(page, f"{name}-{centre.id}") for name in names}


def learner_rows(staff, month: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    text = staff.get(f"/coordinate/reports.csv?lang=en&month={month}").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    start = next(i for i, row in enumerate(rows) if row and row[0] == "Learner")
    return {row[1]: row[2:] for row in rows[start + 1 :] if row}


NOTHING = {"sessions": "0", "hours": "0", "active": "0", "completed": "0", "new": "0"}

UTC_EDGES = [  # stored UTC moment, the month it belongs to in Berlin, the neighbour it must not
    pytest.param("2026-02-28 23:00", "2026-03", "2026-02", id="00:00 local on 1 March (winter)"),
    pytest.param("2026-02-28 22:59", "2026-02", "2026-03", id="23:59 local on 28 February"),
    pytest.param("2026-03-31 21:59", "2026-03", "2026-04", id="23:59 local on 31 March (summer)"),
    pytest.param("2026-03-31 22:30", "2026-04", "2026-03", id="22:30 UTC on 31 March is April"),
    pytest.param("2026-03-31 23:30", "2026-04", "2026-03", id="23:30 UTC on 31 March is April"),
    pytest.param("2026-09-30 22:00", "2026-10", "2026-09", id="00:00 local on 1 October (summer)"),
    pytest.param("2026-10-31 22:59", "2026-10", "2026-11", id="23:59 local on 31 October (winter)"),
    pytest.param(
        "2026-10-31 23:30", "2026-11", "2026-10", id="23:30 UTC on 31 October is November"
    ),
    pytest.param("2026-06-30 23:30", "2026-07", "2026-06", id="23:30 UTC on 30 June is July"),
    pytest.param("2026-12-31 23:00", "2027-01", "2026-12", id="00:00 local on New Year"),
    pytest.param("2026-12-31 22:59", "2026-12", "2027-01", id="23:59 local on New Year's Eve"),
]


@pytest.mark.parametrize(("stored", "month", "neighbour"), UTC_EDGES)
def test_activity_stored_in_utc_falls_in_the_local_month(
    app, staff, make_user, centre, stored, month, neighbour
):
    """One learner finishes a lesson, one answers a self-check, one account is made, at once."""
    moment = datetime.fromisoformat(stored)
    finisher = make_user(role=LEARNER, username="finisher", created_at=LONG_AGO)
    checker = make_user(role=LEARNER, username="checker", created_at=LONG_AGO)
    make_user(role=LEARNER, username="newcomer", created_at=moment)
    with app.app_context():
        db = get_session()
        db.add_all(
            [
                Progress(
                    user_id=finisher.id,
                    course_id="alpha",
                    lesson_id="alpha-read",
                    started_at=LONG_AGO,
                    updated_at=LONG_AGO,
                    completed_at=moment,
                ),
                QuizAttempt(
                    user_id=checker.id,
                    lesson_id="alpha-quiz",
                    question_id="q1",
                    submission_id=uuid.uuid4().hex,
                    answer="1",
                    correct=True,
                    created_at=moment,
                ),
            ]
        )
        db.commit()
    assert report(staff, centre, month) == {**NOTHING, "active": "2", "completed": "1", "new": "1"}
    assert report(staff, centre, neighbour) == NOTHING
    assert learner_rows(staff, month)["finisher"][0] == "1"
    assert learner_rows(staff, neighbour)["finisher"][0] == "0"


LOCAL_EDGES = [  # a session's start on the centre's wall clock
    pytest.param("2026-03-01 00:00", "2026-03", "2026-02", id="00:00 on 1 March"),
    pytest.param("2026-02-28 23:59", "2026-02", "2026-03", id="23:59 on 28 February"),
    pytest.param("2026-03-31 23:59", "2026-03", "2026-04", id="23:59 on 31 March (summer)"),
    pytest.param("2026-10-31 23:59", "2026-10", "2026-11", id="23:59 on 31 October (winter)"),
    pytest.param("2026-11-01 00:00", "2026-11", "2026-10", id="00:00 on 1 November"),
    pytest.param("2026-12-31 23:59", "2026-12", "2027-01", id="23:59 on New Year's Eve"),
]


@pytest.mark.parametrize(("starts", "month", "neighbour"), LOCAL_EDGES)
def test_a_tandem_session_falls_in_the_month_of_its_wall_clock(
    app, staff, make_user, centre, starts, month, neighbour
):
    mentor = make_user(role=MENTOR, created_at=LONG_AGO)
    learner = make_user(role=LEARNER, username="paula", created_at=LONG_AGO)
    with app.app_context():
        db = get_session()
        db.add(
            TandemSession(
                mentor_id=mentor.id,
                learner_id=learner.id,
                starts_at=to_utc(datetime.fromisoformat(starts)),  # stored as the instant
                took_place=True,
                length_minutes=90,
            )
        )
        db.commit()
    assert report(staff, centre, month) == {
        **NOTHING,
        "sessions": "1",
        "hours": "1.5",
        "active": "1",
    }
    assert report(staff, centre, neighbour) == NOTHING
    assert learner_rows(staff, month)["paula"][1:] == ["1", "90"]
    assert learner_rows(staff, neighbour)["paula"][1:] == ["0", "0"]


# --- Active learners: each counted once ------------------------------------------------------

IN_MARCH = datetime(2026, 3, 10, 10, 0)


def everything(learner_id: int, mentor_id: int) -> list:  # type: ignore[no-untyped-def]
    """Every kind of activity, twice where it can be twice."""
    return (
        [
            Progress(
                user_id=learner_id,
                course_id="alpha",
                lesson_id=lesson_id,
                started_at=IN_MARCH,
                updated_at=IN_MARCH,
                completed_at=IN_MARCH,
            )
            for lesson_id in ("alpha-read", "alpha-last")
        ]
        + [
            QuizAttempt(
                user_id=learner_id,
                lesson_id="alpha-quiz",
                question_id="q1",
                submission_id=uuid.uuid4().hex,
                answer="1",
                correct=True,
                created_at=IN_MARCH,
            )
            for _ in range(2)
        ]
        + [
            TandemSession(
                mentor_id=mentor_id,
                learner_id=learner_id,
                starts_at=IN_MARCH.replace(day=day),
                took_place=True,
                length_minutes=60,
            )
            for day in (11, 12)
        ]
    )


def only_started(learner_id: int, mentor_id: int) -> list:  # type: ignore[no-untyped-def]
    return [
        Progress(
            user_id=learner_id,
            course_id="alpha",
            lesson_id="alpha-read",
            started_at=IN_MARCH,
            updated_at=IN_MARCH,
        )
    ]


def only_revisited(learner_id: int, mentor_id: int) -> list:  # type: ignore[no-untyped-def]
    return [
        Progress(
            user_id=learner_id,
            course_id="alpha",
            lesson_id="alpha-read",
            started_at=LONG_AGO,
            updated_at=IN_MARCH,
        )
    ]


def missed_session(learner_id: int, mentor_id: int) -> list:  # type: ignore[no-untyped-def]
    return [
        TandemSession(
            mentor_id=mentor_id, learner_id=learner_id, starts_at=IN_MARCH, took_place=False
        )
    ]


@pytest.mark.parametrize(
    ("activity", "active", "completed"),
    [
        pytest.param(everything, "1", "2", id="everything, twice: one active learner"),
        pytest.param(only_started, "1", "0", id="only opened a lesson"),
        pytest.param(only_revisited, "1", "0", id="only came back to a lesson"),
        pytest.param(missed_session, "0", "0", id="only a missed session"),
    ],
)
def test_active_learners_are_counted_once(
    app, staff, make_user, centre, activity, active, completed
):
    mentor = make_user(role=MENTOR, created_at=LONG_AGO)
    learner = make_user(role=LEARNER, created_at=LONG_AGO)
    with app.app_context():
        db = get_session()
        db.add_all(activity(learner.id, mentor.id))
        db.commit()
    numbers = report(staff, centre, "2026-03")
    assert (numbers["active"], numbers["completed"]) == (active, completed)


def test_two_learners_are_two_and_a_mentor_is_none(app, staff, make_user, centre):
    mentor = make_user(role=MENTOR, created_at=LONG_AGO)
    first = make_user(role=LEARNER, created_at=LONG_AGO)
    second = make_user(role=LEARNER, created_at=LONG_AGO)
    with app.app_context():
        db = get_session()
        db.add_all(everything(first.id, mentor.id) + only_started(second.id, mentor.id))
        db.add_all(only_started(mentor.id, mentor.id))  # mentors read the courses too
        db.commit()
    numbers = report(staff, centre, "2026-03")
    assert (numbers["active"], numbers["completed"], numbers["sessions"]) == ("2", "2", "2")
