"""A realistic big data set (fixed seed) for query-count tests and benchmarks.

Learners of several centres with a year of activity: progress, self-check answers, practice,
help requests, pairings and tandem sessions. Rows are inserted in bulk: 10,000 learners take
seconds, not minutes.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from learnapp import rollups
from learnapp.access import COORDINATOR, LEARNER, MENTOR
from learnapp.clock import first_occurrence_utc, local_now
from learnapp.content.library import Library
from learnapp.models import (
    Centre,
    CoordinatorCentre,
    HelpRequest,
    Pairing,
    Progress,
    QuizAttempt,
    TandemSession,
    User,
)
from learnapp.models.base import utcnow

FIRST_NAMES = (
    "Erika",
    "Hans",
    "Gisela",
    "Jürgen",
    "Ursula",
    "Klaus",
    "Renate",
    "Dieter",
    "Helga",
    "Manfred",
    "Ingrid",
    "Wolfgang",
    "Brigitte",
    "Heinz",
    "Karin",
    "Gerd",
)
LAST_NAMES = (
    "Meyer",
    "Janssen",
    "Brinkmann",
    "de Vries",
    "Schulte",
    "Hinrichs",
    "Gerdes",
    "Oltmanns",
    "Müller",
    "Kramer",
    "Wilken",
    "Eilers",
    "Behrens",
    "Peters",
)
BATCH = 5000


@dataclass
class LargeDataSet:
    centres: int
    mentors: int
    learners: int
    progress_rows: int
    quiz_rows: int
    sessions: int
    password: str


def generate(
    session: Session,
    library: Library,
    *,
    centres: int = 1,
    mentors: int = 25,
    learners: int = 500,
    seed: int = 2026,
    password: str = "Grosser-Datensatz-2026",
    max_done: int | None = None,
    session_weeks: tuple[int, ...] = (2, 3, 4, 8),
    first_centre_share: float = 0.0,
) -> LargeDataSet:
    """Add the data set to the database; usernames are `l<n>`, `m<n>`, `c<n>`.

    max_done caps the lessons a learner has finished; session_weeks are the possible gaps in
    weeks between a pair's sessions; first_centre_share of mentors and learners belong to the
    first centre (a big town centre), the rest are spread over all centres.
    """
    rng = random.Random(seed)
    now, local = utcnow(), local_now()
    user = User()
    user.set_password(password)
    password_hash = user.password_hash

    centre_ids = []
    for number in range(centres):
        centre = Centre(name=f"Treffpunkt {number + 1}", town="Weser-Ems")
        session.add(centre)
        session.flush()
        centre_ids.append(centre.id)
    start = _next_id(session)

    def account(username: str, role: str, centre_id: int, created: datetime) -> dict:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        return {
            "username": username,
            "display_name": name,
            "role": role,
            "centre_id": centre_id,
            "password_hash": password_hash,
            "active": True,
            "must_change_password": False,
            "session_version": 1,
            "text_size": 100,
            "contrast": "normal",
            "created_at": created,
            "updated_at": created,
            "last_active_at": created,
        }

    people = []
    for number, centre_id in enumerate(centre_ids):
        people.append(account(f"c{number + 1}", COORDINATOR, centre_id, now - timedelta(days=400)))
    for number in range(mentors):
        people.append(
            account(
                f"m{number + 1}",
                MENTOR,
                _home(number, mentors, centre_ids, first_centre_share),
                now - timedelta(days=rng.randint(30, 400)),
            )
        )
    for number in range(learners):
        people.append(
            account(
                f"l{number + 1}",
                LEARNER,
                _home(number, learners, centre_ids, first_centre_share),
                now - timedelta(days=rng.randint(1, 365)),
            )
        )
    _bulk(session, User, people)
    ids = {
        row.username: row.id
        for row in session.execute(select(User.username, User.id).where(User.id >= start))
    }
    session.execute(
        insert(CoordinatorCentre),
        [
            {"coordinator_id": ids[f"c{n + 1}"], "centre_id": cid}
            for n, cid in enumerate(centre_ids)
        ],
    )

    mentor_ids_by_centre: dict[int, list[int]] = {cid: [] for cid in centre_ids}
    for number in range(mentors):
        mentor_ids_by_centre[_home(number, mentors, centre_ids, first_centre_share)].append(
            ids[f"m{number + 1}"]
        )

    lessons = [
        (course.id, lesson_id)
        for course in library.ordered_courses
        for lesson_id in course.lesson_ids
    ]
    quiz_ids = {
        lesson.id: [q.id for q in lesson.quiz]
        for course in library.courses.values()
        for lesson in course.lessons.get(library.default_lang, {}).values()
    }
    progress, attempts, pairings, tandems, help_requests = [], [], [], [], []
    for number in range(learners):
        learner_id = ids[f"l{number + 1}"]
        centre_id = _home(number, learners, centre_ids, first_centre_share)
        joined = people[centres + mentors + number]["created_at"]
        # The first `done` lessons are finished; the one after them is begun.
        done = rng.randint(0, min(len(lessons), max_done or len(lessons))) if lessons else 0
        moment = joined
        for position, (course_id, lesson_id) in enumerate(lessons[: done + 1]):
            moment = min(now, moment + timedelta(hours=rng.randint(2, 240)))
            finished = moment if position < done else None
            progress.append(
                {
                    "user_id": learner_id,
                    "course_id": course_id,
                    "lesson_id": lesson_id,
                    "started_at": moment,
                    "completed_at": finished,
                    "updated_at": moment,
                }
            )
            for _try in range(rng.choice((1, 1, 1, 2, 3))):
                submission = uuid.UUID(int=rng.getrandbits(128)).hex
                for question_id in quiz_ids.get(lesson_id, []):
                    attempts.append(
                        {
                            "user_id": learner_id,
                            "lesson_id": lesson_id,
                            "question_id": question_id,
                            "submission_id": submission,
                            "answer": "0",
                            "correct": rng.random() > 0.25,
                            "created_at": moment,
                        }
                    )
        mentors_here = mentor_ids_by_centre[centre_id]
        if mentors_here and rng.random() < 0.9:
            mentor_id = mentors_here[number % len(mentors_here)]
            pairings.append(
                {
                    "mentor_id": mentor_id,
                    "learner_id": learner_id,
                    "started_at": joined,
                    "ended_at": None,
                }
            )

            for week in range(0, 52, rng.choice(session_weeks)):
                held = local - timedelta(weeks=week, hours=rng.randint(0, 48))
                minutes = rng.choice((45, 60, 75, 90))
                tandems.append(
                    _tandem_row(
                        mentor_id,
                        learner_id,
                        centre_id,
                        held,
                        now,
                        took_place=True,
                        length_minutes=minutes,
                    )
                )
            planned = local + timedelta(days=rng.randint(1, 14))
            tandems.append(_tandem_row(mentor_id, learner_id, None, planned, now, place="phone"))
        if lessons and rng.random() < 0.1:
            course_id, lesson_id = rng.choice(lessons)
            help_requests.append(
                {
                    "learner_id": learner_id,
                    "course_id": course_id,
                    "lesson_id": lesson_id,
                    "message": "Bitte helfen Sie mir.",
                    "created_at": now,
                }
            )
    for model, rows in (
        (Progress, progress),
        (QuizAttempt, attempts),
        (Pairing, pairings),
        (TandemSession, tandems),
        (HelpRequest, help_requests),
    ):
        _bulk(session, model, rows)
    rollups.rebuild(session.connection())  # the bulk inserts bypass the ORM's listeners
    session.commit()
    return LargeDataSet(
        centres, mentors, learners, len(progress), len(attempts), len(tandems), password
    )


def _home(number: int, count: int, centre_ids: list[int], first_share: float) -> int:
    """The centre of person `number` of `count`: the first share in the first centre."""
    big = int(count * first_share)
    if number < big:
        return centre_ids[0]
    return centre_ids[(number - big) % len(centre_ids)]


def _tandem_row(
    mentor_id: int,
    learner_id: int,
    centre_id: int | None,
    starts: datetime,
    created: datetime,
    **outcome: object,
) -> dict:
    """A tandem session row on the hour of the centre's clock (stored as its UTC instant);
    planned unless `outcome` says it took place."""
    return {
        "mentor_id": mentor_id,
        "learner_id": learner_id,
        "centre_id": centre_id,
        "starts_at": first_occurrence_utc(starts.replace(minute=0, second=0, microsecond=0)),
        "planned_minutes": 60,
        "place": "centre",
        "agenda": "",
        "took_place": None,
        "length_minutes": None,
        "notes": "",
        "notes_shared": False,
        "next_steps": "",
        "created_at": created,
        **outcome,
    }


def _next_id(session: Session) -> int:
    return (session.scalar(select(User.id).order_by(User.id.desc()).limit(1)) or 0) + 1


def _bulk(session: Session, model: type, rows: list[dict]) -> None:
    for index in range(0, len(rows), BATCH):
        session.execute(insert(model), rows[index : index + BATCH])
