"""The benchmark's databases: created from scratch, migrated, filled with a fixed seed."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import psycopg
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.engine import make_url

from learnapp import create_app, migrate
from learnapp.content import get_library
from learnapp.db import get_session
from learnapp.demo_large import generate
from learnapp.models import Pairing, Progress, QuizAttempt, TandemSession, User

SEED = 2026
LARGE = {
    "centres": 40,
    "mentors": 500,
    "learners": 10_000,
    # A year of a county programme: most learners finish a few dozen lessons at most,
    # pairs meet every half year to every year (about 20,000 sessions in all), and one
    # big town centre has 5 % of everybody on top of its share.
    "max_done": 39,
    "session_weeks": (26, 52),
    "first_centre_share": 0.05,
}
SMALL = {"centres": 1, "mentors": 2, "learners": 10}
MENTOR_LEARNERS = 25  # the mentor whose dashboard is measured gets exactly this many


@dataclass
class DataSet:
    url: str
    learners: int
    mentors: int
    centres: int
    progress_rows: int
    quiz_rows: int
    sessions: int
    password: str
    seconds: float
    mentor_learners: int
    largest_centre_learners: int


def recreate_postgres_database(url: str) -> None:
    """Drop and create the database the URL names (never `test` or `postgres`)."""
    parsed = make_url(url)
    name = parsed.database
    if name in (None, "test", "postgres", "template0", "template1"):
        raise SystemExit(f"refusing to recreate database {name!r}")
    admin = parsed.set(drivername="postgresql", database="postgres")
    with psycopg.connect(
        admin.render_as_string(hide_password=False), autocommit=True
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _give_mentor_learners(app: Flask, username: str, wanted: int) -> int:
    """Move active pairings of the mentor's centre to this mentor until they have `wanted`."""
    session = get_session()
    mentor = session.scalars(select(User).where(User.username == username)).one()
    have = list(
        session.scalars(
            select(Pairing.id).where(Pairing.mentor_id == mentor.id, Pairing.ended_at.is_(None))
        )
    )
    if len(have) < wanted:
        others = list(
            session.scalars(
                select(Pairing.id)
                .join(User, User.id == Pairing.learner_id)
                .where(
                    User.centre_id == mentor.centre_id,
                    Pairing.mentor_id != mentor.id,
                    Pairing.ended_at.is_(None),
                )
                .order_by(Pairing.id)
                .limit(wanted - len(have))
            )
        )
        session.execute(update(Pairing).where(Pairing.id.in_(others)).values(mentor_id=mentor.id))
        session.commit()
    return session.scalar(
        select(func.count())
        .select_from(Pairing)
        .where(Pairing.mentor_id == mentor.id, Pairing.ended_at.is_(None))
    )


def _last_active_from_progress(session) -> None:  # type: ignore[no-untyped-def]
    """A learner was last active when they last opened or finished a lesson."""
    last = (
        select(Progress.user_id, func.max(Progress.updated_at).label("last"))
        .group_by(Progress.user_id)
        .subquery()
    )
    session.execute(
        update(User)
        .where(User.id == last.c.user_id)
        .values(last_active_at=last.c.last)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def fill(app_config: dict[str, Any], size: dict[str, Any], postgres: bool) -> DataSet:
    """Recreate the database of app_config, migrate it to head and load a data set into it."""
    url = app_config["DATABASE_URL"]
    started = time.perf_counter()
    if postgres:
        recreate_postgres_database(url)
    migrate.upgrade(url)
    app = create_app(app_config)
    with app.app_context():
        session = get_session()
        data = generate(session, get_library(), seed=SEED, **size)
        mentor_learners = _give_mentor_learners(app, "m1", min(MENTOR_LEARNERS, size["learners"]))
        _last_active_from_progress(session)
        largest = session.execute(
            select(func.count())
            .select_from(User)
            .where(User.role == "learner")
            .group_by(User.centre_id)
            .order_by(func.count().desc())
            .limit(1)
        ).scalar_one()
        c1_centre = session.scalars(select(User.centre_id).where(User.username == "c1")).one()
        c1_learners = session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == "learner", User.centre_id == c1_centre)
        )
        if c1_learners != largest:
            raise RuntimeError("c1 should coordinate the largest centre")
        counts = {
            model: session.scalar(select(func.count()).select_from(model))
            for model in (Progress, QuizAttempt, TandemSession)
        }
    if postgres:  # fresh statistics and visibility map, as autovacuum would give soon after
        with psycopg.connect(
            make_url(url).set(drivername="postgresql").render_as_string(hide_password=False),
            autocommit=True,
        ) as connection:
            connection.execute("VACUUM ANALYZE")
    app.extensions["learnapp_db"].engine.dispose()
    return DataSet(
        url=url,
        learners=data.learners,
        mentors=data.mentors,
        centres=data.centres,
        progress_rows=counts[Progress],
        quiz_rows=counts[QuizAttempt],
        sessions=counts[TandemSession],
        password=data.password,
        seconds=time.perf_counter() - started,
        mentor_learners=mentor_learners,
        largest_centre_learners=largest,
    )
