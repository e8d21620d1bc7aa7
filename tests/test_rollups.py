"""The figures kept on write (learnapp/rollups.py) against a plain Python count over every row,
after a random run of the writes the app makes: self-checks (double taps and rolled back
savepoints too), "Done" and "not done", sessions planned, held, moved and deleted, pairings made
and ended, bulk statements as deleting a learner runs them, and a learner's deletion itself.
Runs on SQLite and on PostgreSQL (LEARNAPP_TEST_DATABASE_URL)."""

from __future__ import annotations

import contextlib
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from learnapp import rollups
from learnapp.access import LEARNER, MENTOR
from learnapp.coordinate import services
from learnapp.db import get_session
from learnapp.learn import services as learning
from learnapp.models import (
    ActiveMonth,
    Centre,
    LessonTrouble,
    Pairing,
    Progress,
    QuizAttempt,
    TandemSession,
    User,
)
from learnapp.models.base import utcnow

LESSONS = ("lesson-a", "lesson-b", "lesson-c")
START = datetime(2026, 9, 1, 9, 0)


def expected(db: Session) -> tuple[dict, dict, dict]:
    """The figures counted in Python from every answer, progress row, session and pairing."""
    submissions: dict[tuple[int, str], set[str]] = defaultdict(set)
    newest: dict[tuple[int, str], datetime] = {}
    for answer in db.scalars(select(QuizAttempt).where(QuizAttempt.correct.is_(False))):
        key = (answer.user_id, answer.lesson_id)
        submissions[key].add(answer.submission_id)
        newest[key] = max(newest.get(key, answer.created_at), answer.created_at)
    done = {
        (row.user_id, row.lesson_id)
        for row in db.scalars(select(Progress).where(Progress.completed_at.is_not(None)))
    }
    lessons = {key: (len(ids), newest[key], key in done) for key, ids in submissions.items()}
    held: dict[tuple[int, int], datetime] = {}
    for tandem in db.scalars(select(TandemSession).where(TandemSession.took_place.is_(True))):
        key = (tandem.mentor_id, tandem.learner_id)
        held[key] = max(held.get(key, tandem.starts_at), tandem.starts_at)
    pairs = {
        pairing.id: held.get((pairing.mentor_id, pairing.learner_id))
        for pairing in db.scalars(select(Pairing))
    }
    moments = [
        (row.user_id, moment)
        for row in db.scalars(select(Progress))
        for moment in (row.started_at, row.completed_at, row.updated_at)
    ]
    moments += [(row.user_id, row.created_at) for row in db.scalars(select(QuizAttempt))]
    moments += [
        (row.learner_id, row.starts_at)
        for row in db.scalars(select(TandemSession).where(TandemSession.took_place.is_(True)))
    ]
    months = dict.fromkeys(
        {(person, local_month(moment)) for person, moment in moments if moment is not None}, 0
    )
    for row in db.scalars(select(Progress).where(Progress.completed_at.is_not(None))):
        months[row.user_id, local_month(row.completed_at)] += 1
    return lessons, pairs, months


def local_month(utc: datetime) -> str:
    local = utc.replace(tzinfo=UTC).astimezone(ZoneInfo("Europe/Berlin"))
    return local.strftime("%Y-%m")


def kept(db: Session) -> tuple[dict, dict, dict]:
    db.expire_all()
    lessons = {
        (row.user_id, row.lesson_id): (row.failed_checks, row.last_failed_at, row.completed)
        for row in db.scalars(select(LessonTrouble))
    }
    pairs = {row.id: row.last_held_at for row in db.scalars(select(Pairing))}
    months = {
        (row.user_id, row.month): row.lessons_completed for row in db.scalars(select(ActiveMonth))
    }
    return lessons, pairs, months


def _people(db: Session) -> tuple[list[User], list[User]]:
    centre = Centre(name="Zentrum", town="Leer")
    db.add(centre)
    db.flush()
    mentors = [
        User(username=f"m{n}", display_name=f"Mentor {n}", role=MENTOR, centre_id=centre.id)
        for n in range(3)
    ]
    learners = [
        User(username=f"l{n}", display_name=f"Lernende {n}", role=LEARNER, centre_id=centre.id)
        for n in range(8)
    ]
    for person in mentors + learners:
        person.password_hash = "not-used"
    db.add_all(mentors + learners)
    db.commit()
    return mentors, learners


def _press_check(db: Session, rng: random.Random, learner: User, moment: datetime) -> None:
    """One press of "Check" with one to three answers; sometimes the same press twice."""
    lesson = rng.choice(LESSONS)
    submission = f"s{rng.randrange(10**9)}"
    answers = [
        QuizAttempt(
            user_id=learner.id,
            lesson_id=lesson,
            question_id=f"q{number}",
            submission_id=submission,
            answer="1",
            correct=rng.random() < 0.4,
            created_at=moment,
        )
        for number in range(rng.randint(1, 3))
    ]
    for _attempt in range(2 if rng.random() < 0.2 else 1):  # a double tap
        try:
            with db.begin_nested():
                db.add_all(
                    QuizAttempt(**{c.key: getattr(a, c.key) for c in QuizAttempt.__table__.c})
                    for a in answers
                )
        except IntegrityError:
            pass


def _step(db: Session, rng: random.Random, mentors: list, learners: list, day: int) -> None:
    moment = START + timedelta(
        days=day, minutes=rng.randrange(24 * 60)
    )  # some after 22:00 UTC: the next day in Berlin
    learner = rng.choice([p for p in learners if p.deleted_at is None])
    mentor = rng.choice(mentors)
    choice = rng.random()
    if choice < 0.35:
        _press_check(db, rng, learner, moment)
    elif choice < 0.45:
        learning.mark_done(db, learner, "course", rng.choice(LESSONS), at=moment)
    elif choice < 0.5:
        learning.mark_not_done(db, learner, rng.choice(LESSONS))
    elif choice < 0.6:  # mostly with her mentor, as sessions are
        current = services.current_pairing(db, learner)
        db.add(
            TandemSession(
                mentor_id=current.mentor_id if current and rng.random() < 0.8 else mentor.id,
                learner_id=learner.id,
                starts_at=moment,
                took_place=rng.choice([True, True, None, False]),
            )
        )
    elif choice < 0.68:
        tandem = db.scalars(select(TandemSession).order_by(TandemSession.id.desc())).first()
        if tandem is not None:
            tandem.took_place = not tandem.took_place
            tandem.starts_at = tandem.starts_at - timedelta(days=rng.randint(0, 20))
    elif choice < 0.72:
        tandem = db.scalars(select(TandemSession).order_by(TandemSession.id)).first()
        if tandem is not None:
            db.delete(tandem)
    elif choice < 0.74:  # a held session handed to another mentor: both pairs change
        tandem = db.scalars(
            select(TandemSession).where(TandemSession.took_place.is_(True)).limit(1)
        ).first()
        if tandem is not None:
            tandem.mentor_id = mentor.id
    elif choice < 0.76:  # a pairing's mentor changed by a statement (the bench's generator)
        db.execute(
            update(Pairing).where(Pairing.learner_id == learner.id).values(mentor_id=mentor.id)
        )
    elif choice < 0.8:
        met = db.scalars(  # mostly a mentor she has met already
            select(User)
            .join(TandemSession, TandemSession.mentor_id == User.id)
            .where(TandemSession.learner_id == learner.id, TandemSession.took_place.is_(True))
        ).first()
        chosen = met if met is not None and rng.random() < 0.7 else mentor
        with contextlib.suppress(services.PairingRefused):
            services.pair(db, chosen, chosen, learner, None)
    elif choice < 0.84:
        pairing = services.current_pairing(db, learner)
        if pairing is not None:
            services.end_pairing(db, mentor, pairing)
    elif choice < 0.88:  # statements, as deleting a learner runs them
        db.execute(
            delete(TandemSession).where(
                TandemSession.learner_id == learner.id, TandemSession.took_place.is_not(True)
            )
        )
        db.execute(
            update(QuizAttempt)
            .where(QuizAttempt.user_id == learner.id, QuizAttempt.lesson_id == LESSONS[0])
            .values(correct=True)
        )
    elif choice < 0.92:  # an update by primary key, as coarsening times does
        rows = db.execute(
            select(QuizAttempt.id, QuizAttempt.created_at).where(QuizAttempt.user_id == learner.id)
        ).all()
        if rows:
            db.execute(
                update(QuizAttempt),
                [{"id": row.id, "created_at": row.created_at - timedelta(days=3)} for row in rows],
            )
    elif choice < 0.95:  # a savepoint rolled back: nothing of it may count
        with pytest.raises(RuntimeError), db.begin_nested():
            _press_check(db, rng, learner, moment)
            db.flush()
            raise RuntimeError("rolled back")
    elif choice < 0.97 and sum(p.deleted_at is None for p in learners) > 2:
        services.delete_learner(db, None, learner)
    else:
        db.execute(delete(Progress).where(Progress.user_id == learner.id))
    if rng.random() < 0.7:
        db.commit()
    else:
        db.rollback()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_kept_figures_equal_a_count_over_every_row_after_random_writes(
    app: Flask, seed: int
) -> None:
    rng = random.Random(seed)
    with app.app_context():
        db = get_session()
        mentors, learners = _people(db)
        seen: set[str] = set()
        for day in range(150):
            _step(db, rng, mentors, learners, day)
            if day % 5 == 4:
                lessons, pairs, months = expected(db)
                assert kept(db) == (lessons, pairs, months), f"after step {day}"
                # which cases the figures met so far
                seen |= {"stuck" for f in lessons.values() if f[0] >= 2 and not f[2]}
                seen |= {"once" for f in lessons.values() if f[0] == 1}
                seen |= {"done" for f in lessons.values() if f[2]}
                seen |= {"held" for last in pairs.values() if last is not None}
                seen |= {"never held" for last in pairs.values() if last is None}
                seen |= {"several months" for _ in [1] if len({m for _, m in months}) > 2}
                seen |= {"completions" for count in months.values() if count > 1}
        assert seen == {
            "stuck",
            "once",
            "done",
            "held",
            "never held",
            "several months",
            "completions",
        }


def test_rebuild_gives_the_same_figures_as_the_count(app: Flask) -> None:
    rng = random.Random(7)
    with app.app_context():
        db = get_session()
        mentors, learners = _people(db)
        for day in range(60):
            _step(db, rng, mentors, learners, day)
        # Past the session's listeners, as a bulk load writes.
        db.connection().execute(delete(LessonTrouble.__table__))
        db.connection().execute(update(Pairing.__table__).values(last_held_at=None))
        db.connection().execute(delete(ActiveMonth.__table__))
        db.commit()
        assert kept(db) != expected(db)
        rollups.rebuild(db.connection())
        db.commit()
        assert kept(db) == expected(db)


def test_a_deleted_learners_figures_go_with_her(app: Flask) -> None:
    with app.app_context():
        db = get_session()
        _mentors, learners = _people(db)
        learner = learners[0]
        for press in range(3):
            db.add(
                QuizAttempt(
                    user_id=learner.id,
                    lesson_id="lesson-a",
                    question_id="q1",
                    submission_id=f"press-{press}",
                    answer="0",
                    correct=False,
                    created_at=utcnow(),
                )
            )
        db.commit()
        assert db.get(LessonTrouble, (learner.id, "lesson-a")).failed_checks == 3
        db.delete(learner)
        db.commit()
        assert db.scalars(select(LessonTrouble)).all() == []


def test_a_held_session_moved_to_another_mentor_leaves_the_old_pair_quiet(app: Flask) -> None:
    with app.app_context():
        db = get_session()
        mentors, learners = _people(db)
        pairing = services.pair(db, mentors[0], mentors[0], learners[0], None)
        db.add(
            TandemSession(
                mentor_id=mentors[0].id,
                learner_id=learners[0].id,
                starts_at=START,
                took_place=True,
            )
        )
        db.commit()
        assert db.get(Pairing, pairing.id).last_held_at == START
        tandem = db.scalars(select(TandemSession)).one()
        tandem.mentor_id = mentors[1].id  # recorded under the wrong mentor, now corrected
        db.commit()
        assert db.get(Pairing, pairing.id).last_held_at is None


def test_the_migrations_fill_the_figures_as_the_writes_kept_them(tmp_path, content_dir) -> None:  # type: ignore[no-untyped-def]
    """0012 and 0013 compute the figures of a programme that existed before them."""
    from learnapp import create_app, migrate
    from tests.test_migrations import _empty_database

    url = _empty_database(tmp_path)
    migrate.upgrade(url)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "DATABASE_URL": url,
            "CONTENT_DIR": str(content_dir),
            "MAINTENANCE_FLAG": str(tmp_path / "maintenance"),
            "CONTENT_CACHE_FILE": "off",
        }
    )
    rng = random.Random(11)
    try:
        with app.app_context():
            db = get_session()
            mentors, learners = _people(db)
            for learner, mentor in zip(learners, mentors, strict=False):
                services.pair(db, mentor, mentor, learner, None)
                db.add(
                    TandemSession(
                        mentor_id=mentor.id, learner_id=learner.id, starts_at=START, took_place=True
                    )
                )
            for day in range(80):
                _step(db, rng, mentors, learners, day)
            # the edges: late on the last day of March in UTC is April in Berlin, and
            # a newer session that did not take place does not count
            learner = next(p for p in learners if p.deleted_at is None)
            pairing = services.current_pairing(db, learner) or services.pair(
                db, mentors[0], mentors[0], learner, None
            )
            db.add_all(
                [
                    QuizAttempt(
                        user_id=learner.id,
                        lesson_id="lesson-edge",
                        question_id="q1",
                        submission_id="edge",
                        answer="0",
                        correct=False,
                        created_at=datetime(2027, 3, 31, 22, 30),
                    ),
                    TandemSession(
                        mentor_id=pairing.mentor_id,
                        learner_id=learner.id,
                        starts_at=datetime(2026, 10, 2, 9, 0),
                        took_place=True,
                    ),
                    TandemSession(
                        mentor_id=pairing.mentor_id,
                        learner_id=learner.id,
                        starts_at=datetime(2027, 1, 2, 9, 0),
                        took_place=False,
                    ),
                ]
            )
            db.commit()
            figures = kept(db)
            assert (learner.id, "2027-04") in figures[2]
            assert (learner.id, "2027-03") not in figures[2]
            assert figures == expected(db)
            assert all(figures) and any(figures[1].values())
            db.close()
            migrate.downgrade(url, "0011")
            migrate.upgrade(url)
            db = get_session()
            assert kept(db) == figures
    finally:
        app.extensions["learnapp_db"].engine.dispose()


def test_the_rebuild_command_mends_figures_written_past_the_app(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(5)
    with app.app_context():
        db = get_session()
        mentors, learners = _people(db)
        for day in range(40):
            _step(db, rng, mentors, learners, day)
        right = expected(db)
        db.connection().execute(delete(ActiveMonth.__table__))  # as a script with SQL would
        db.connection().execute(delete(LessonTrouble.__table__))
        db.commit()
        assert kept(db) != right
    result = runner.invoke(args=["db", "rebuild-figures"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert kept(get_session()) == right
