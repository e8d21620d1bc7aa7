"""The staff pages' SQL, which starts from the centre's people (issue 21), against a plain Python
computation over every row of a random world: the monthly report's figures and the early
warnings' times. Run on SQLite and on PostgreSQL (LEARNAPP_TEST_DATABASE_URL)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import select

from learnapp.access import LEARNER, MENTOR
from learnapp.clock import local_now
from learnapp.content import get_library
from learnapp.coordinate import reports, warnings
from learnapp.db import get_session
from learnapp.demo_large import generate
from learnapp.models import Centre, Pairing, Progress, QuizAttempt, TandemSession, User
from learnapp.models.base import utcnow
from learnapp.progress_rules import STUCK_AFTER_FAILED_CHECKS


def _world(app: Flask) -> None:
    generate(
        get_session(),
        get_library(),
        centres=3,
        mentors=12,
        learners=150,
        seed=21,
        session_weeks=(1, 2, 3),
        first_centre_share=0.2,
    )
    # The generator gives a lesson's rows one moment; real ones differ: a lesson opened again
    # later, answers on different days, sessions that did not take place.
    db = get_session()
    rng = random.Random(21)
    now = utcnow()
    for row in db.scalars(select(Progress)):
        if rng.random() < 0.3:
            row.updated_at = now - timedelta(days=rng.randint(0, 120))
    for answer in db.scalars(select(QuizAttempt).where(QuizAttempt.correct.is_(False))):
        answer.created_at = answer.created_at + timedelta(hours=rng.randint(0, 2000))
    for tandem in db.scalars(select(TandemSession)):
        if rng.random() < 0.3:
            tandem.took_place = False
    db.commit()


def _within(moment: datetime | None, bounds: tuple[datetime, datetime]) -> bool:
    return moment is not None and bounds[0] <= moment < bounds[1]


def test_the_monthly_report_equals_a_count_over_every_row(app: Flask) -> None:
    with app.app_context():
        _world(app)
        db = get_session()
        users = list(db.scalars(select(User)))
        progress = list(db.scalars(select(Progress)))
        answers = list(db.scalars(select(QuizAttempt)))
        sessions = list(db.scalars(select(TandemSession)))
        centres = list(db.scalars(select(Centre).order_by(Centre.id)))
        today = local_now().date()
        months = [reports.Month(today.year, today.month)]
        for _ in range(3):
            last = months[-1]
            months.append(reports.Month(last.year - (last.month == 1), (last.month - 2) % 12 + 1))
        centre_of = {u.id: u.centre_id for u in users}
        learner_ids = {u.id for u in users if u.role == LEARNER}
        checked = 0
        for month in months:
            utc = month.utc_bounds()
            report = reports.month_report(db, centres[:2], month)
            for row in report.centres:
                here = {i for i in learner_ids if centre_of[i] == row.centre.id}
                held = [
                    s
                    for s in sessions
                    if s.took_place
                    and _within(s.starts_at, utc)
                    and centre_of[s.learner_id] == row.centre.id
                ]
                active = (
                    {
                        p.user_id
                        for p in progress
                        if any(
                            _within(t, utc) for t in (p.started_at, p.completed_at, p.updated_at)
                        )
                    }
                    | {a.user_id for a in answers if _within(a.created_at, utc)}
                    | {s.learner_id for s in held}
                )
                assert row.sessions_held == len(held)
                assert row.volunteer_minutes == sum(s.length_minutes or 0 for s in held)
                assert row.active_learners == len(active & here)
                assert row.lessons_completed == sum(
                    1 for p in progress if p.user_id in here and _within(p.completed_at, utc)
                )
                assert row.new_learners == sum(
                    1 for u in users if u.id in here and _within(u.created_at, utc)
                )
                checked += row.active_learners
            by_learner = {r.learner.id: r for r in report.learners}
            shown = {c.id for c in centres[:2]}
            assert set(by_learner) == {i for i in learner_ids if centre_of[i] in shown}
            for learner_id, row in by_learner.items():
                mine = [s for s in sessions if s.learner_id == learner_id and s.took_place]
                mine = [s for s in mine if _within(s.starts_at, utc)]
                assert row.sessions_held == len(mine)
                assert row.session_minutes == sum(s.length_minutes or 0 for s in mine)
                assert row.lessons_completed == sum(
                    1 for p in progress if p.user_id == learner_id and _within(p.completed_at, utc)
                )
            page = reports.month_report(db, centres[:2], month, with_learners=False)
            assert page.learners == []
            assert [r.active_learners for r in page.centres] == [
                r.active_learners for r in report.centres
            ]
        assert checked > 0  # the world has activity in the months checked


def test_every_warning_has_the_time_of_the_newest_event_and_the_oldest_come_first(
    app: Flask,
) -> None:
    with app.app_context():
        _world(app)
        db = get_session()
        users = {u.id: u for u in db.scalars(select(User))}
        answers = list(db.scalars(select(QuizAttempt)))
        sessions = [s for s in db.scalars(select(TandemSession)) if s.took_place]
        done = {(p.user_id, p.lesson_id) for p in db.scalars(select(Progress)) if p.completed_at}
        pairings = list(db.scalars(select(Pairing).where(Pairing.ended_at.is_(None))))
        centre_ids = [1, 2]

        wrong: dict[tuple[int, str], list[QuizAttempt]] = defaultdict(list)
        for answer in answers:
            if not answer.correct:
                wrong[answer.user_id, answer.lesson_id].append(answer)
        stuck = {
            (user_id, lesson_id): max(a.created_at for a in found)
            for (user_id, lesson_id), found in wrong.items()
            if len({a.submission_id for a in found}) >= STUCK_AFTER_FAILED_CHECKS
            and (user_id, lesson_id) not in done
            and users[user_id].centre_id in centre_ids
            and users[user_id].role == LEARNER
            and users[user_id].active
        }
        pair_held: dict[tuple[int, int], datetime] = {}
        mentor_held: dict[int, datetime] = {}
        for s in sessions:
            key = (s.mentor_id, s.learner_id)
            pair_held[key] = max(pair_held.get(key, s.starts_at), s.starts_at)
            mentor_held[s.mentor_id] = max(mentor_held.get(s.mentor_id, s.starts_at), s.starts_at)

        first = warnings.warning_page(db, centre_ids, 14, 7, page=1)
        entries = [
            entry
            for number in range(1, first.pages + 1)
            for entry in warnings.warning_page(db, centre_ids, 14, 7, page=number).entries
        ]
        assert first.pages > 1
        quiet_since = utcnow() - timedelta(days=7)
        quiet_pairs = {
            (p.mentor_id, p.learner_id)
            for p in pairings
            if users[p.learner_id].centre_id in centre_ids
            and p.started_at < quiet_since
            and pair_held.get((p.mentor_id, p.learner_id), p.started_at) < quiet_since
        }
        found_pairs = {
            (e.mentor.id, e.person.id) for e in entries if e.kind == "pairs" and e.mentor
        }
        assert found_pairs == quiet_pairs
        found_stuck = {(e.person.id, e.lesson_id): e.since for e in entries if e.kind == "stuck"}
        assert found_stuck == stuck
        for entry in entries:
            if entry.kind == "pairs":
                assert entry.mentor is not None
                pairing = next(
                    p
                    for p in pairings
                    if p.learner_id == entry.person.id and p.mentor_id == entry.mentor.id
                )
                last = pair_held.get((entry.mentor.id, entry.person.id))
                assert entry.since == max(pairing.started_at, last or pairing.started_at)
            elif entry.kind == "mentors":
                assert entry.person.role == MENTOR
                last = mentor_held.get(entry.person.id)
                created = entry.person.created_at
                assert entry.since == max(created, last or created)
        for kind in warnings.KINDS:
            times = [e.since for e in entries if e.kind == kind]
            assert times == sorted(times), kind  # longest waiting first within a reason
            assert first.counts[kind] == len(times)
