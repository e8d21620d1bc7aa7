"""A small world of two centres with their people, for mentoring and coordination tests.

`hard_world` adds the hard cases of docs/access-rules.md: ended pairings, a re-pairing, two
coordinators of one centre, a coordinator of two centres and one who lost a centre, a learner
who moved, and deactivated, locked and deleted accounts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import ClassVar

import pytest
from flask import Flask
from sqlalchemy import select

from learnapp import accounts
from learnapp.access import ADMIN, COORDINATOR, LEARNER, MENTOR
from learnapp.auth.throttle import get_throttle
from learnapp.coordinate import services as coordinate
from learnapp.db import get_session
from learnapp.models import (
    Centre,
    CoordinatorCentre,
    HelpRequest,
    Pairing,
    ScenarioRun,
    TandemSession,
    User,
)
from learnapp.models.base import utcnow
from tests.helpers import PASSWORD


@dataclass
class World:
    centre_a: int
    centre_b: int
    admin: int
    coord_a: int
    coord_b: int
    mentor_a: int
    mentor_b: int
    learner_a: int  # paired with mentor_a
    learner_a2: int  # centre A, not paired
    learner_b: int  # paired with mentor_b

    def username(self, name: str) -> str:
        return name.replace("_", "")


def build_world(app: Flask) -> World:
    with app.app_context():
        db = get_session()
        a, b = Centre(name="Zentrum A", town="Oldenburg"), Centre(name="Zentrum B", town="Leer")
        db.add_all([a, b])
        db.flush()

        def person(name: str, role: str, centre: Centre | None, display: str) -> User:
            user = User(
                username=name.replace("_", ""),
                display_name=display,
                role=role,
                centre_id=centre.id if centre else None,
            )
            user.set_password(PASSWORD)
            db.add(user)
            db.flush()
            return user

        admin = person("admin", ADMIN, None, "Ada Admin")
        coord_a = person("coord_a", COORDINATOR, a, "Clara Koordination")
        coord_b = person("coord_b", COORDINATOR, b, "Bernd Koordination")
        mentor_a = person("mentor_a", MENTOR, a, "Mia Mentorin")
        mentor_b = person("mentor_b", MENTOR, b, "Ben Mentor")
        learner_a = person("learner_a", LEARNER, a, "Erika Lernend")
        learner_a2 = person("learner_a2", LEARNER, a, "Hans Lernend")
        learner_b = person("learner_b", LEARNER, b, "Grete Lernend")
        db.add_all(
            [
                CoordinatorCentre(coordinator_id=coord_a.id, centre_id=a.id),
                CoordinatorCentre(coordinator_id=coord_b.id, centre_id=b.id),
                Pairing(mentor_id=mentor_a.id, learner_id=learner_a.id),
                Pairing(mentor_id=mentor_b.id, learner_id=learner_b.id),
            ]
        )
        db.commit()
        return World(
            a.id,
            b.id,
            admin.id,
            coord_a.id,
            coord_b.id,
            mentor_a.id,
            mentor_b.id,
            learner_a.id,
            learner_a2.id,
            learner_b.id,
        )


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


# --- The hard cases: a bigger world for the access matrix (docs/access-rules.md). ---
#
# Kept apart from `world`, whose exact counts (8 people, 2 pairings, no audit entries) other
# tests rely on. Everything here is made through the app's own services where one exists (pair,
# end_pairing, set_active, delete_learner, the sign-in throttle), so the data looks exactly
# like data made by hand in the app.

WRONG_ADDRESS = "192.0.2.1"  # documentation address: the failed sign-ins of the locked learner


@dataclass
class HardWorld(World):
    centre_c: int
    coord_a2: int  # a second coordinator of centre A: both manage it
    coord_ab: int  # assigned centres A and B (own centre_id is A)
    coord_unassigned: int  # own centre_id C, was assigned B and C; C was taken away again
    mentor_former: int  # centre A; both her pairings have ended, she mentors nobody now
    mentor_new: int  # centre A; learner_repaired's mentor since the re-pairing
    learner_ended: int  # centre A; her pairing with mentor_former was ended, no mentor now
    learner_repaired: int  # centre A; was paired with mentor_former, now with mentor_new
    learner_moved: int  # paired with mentor_a in centre A, then moved to centre B (still paired)
    learner_c: int  # centre C, whose coordinator was unassigned: only the admin manages it
    learner_inactive: int  # centre A, paired with mentor_a, deactivated by coord_a
    learner_locked: int  # centre B, paired with mentor_b, sign-in paused after wrong passwords
    learner_deleted: int  # centre A, was paired with mentor_a, deleted by coord_a
    # Objects, each named after whose it is.
    pairing_a: int  # mentor_a & learner_a, active
    tandem_a: int  # mentor_a & learner_a
    help_a: int  # learner_a's open help request
    run_a: int  # learner_a's practice run in "sample-practice"
    pairing_ended: int  # mentor_former & learner_ended, ended by coord_a
    tandem_ended: int  # mentor_former & learner_ended, held, with notes
    pairing_former: int  # mentor_former & learner_repaired, ended by the re-pairing
    pairing_new: int  # mentor_new & learner_repaired, active
    tandem_former: int  # mentor_former & learner_repaired, held, with private notes
    tandem_new: int  # mentor_new & learner_repaired, planned
    help_repaired: int  # learner_repaired's help request from mentor_former's time, open
    pairing_moved: int  # mentor_a & learner_moved, active across the move
    tandem_moved: int  # mentor_a & learner_moved, held at centre A before the move
    pairing_deleted: int  # mentor_a & learner_deleted, ended by the deletion
    tandem_deleted: int  # mentor_a & learner_deleted, notes wiped by the deletion

    # Display names, for pages that list people.
    NAMES: ClassVar[dict[str, str]] = {
        "learner_a": "Erika Lernend",
        "learner_a2": "Hans Lernend",
        "learner_b": "Grete Lernend",
        "mentor_a": "Mia Mentorin",
        "mentor_b": "Ben Mentor",
        "mentor_former": "Frieda Frueher",
        "mentor_new": "Nils Neumann",
        "learner_ended": "Ella Ohnetandem",
        "learner_repaired": "Rosa Wechsel",
        "learner_moved": "Moritz Umzug",
        "learner_c": "Carla Zentrum",
        "learner_inactive": "Ida Pausiert",
        "learner_locked": "Lotte Gesperrt",
        "learner_deleted": "Dora Geloescht",
    }
    FORMER_NOTES: ClassVar[str] = "Private note by the former mentor"


def build_hard_world(app: Flask) -> HardWorld:
    base = build_world(app)
    names = HardWorld.NAMES
    with app.app_context():
        db = get_session()
        c = Centre(name="Zentrum C", town="Emden")
        db.add(c)
        db.flush()
        centre_of = {"A": base.centre_a, "B": base.centre_b, "C": c.id}

        def person(name: str, role: str, centre: str, display: str | None = None) -> User:
            user = User(
                username=name.replace("_", ""),
                display_name=display or names[name],
                role=role,
                centre_id=centre_of[centre],
            )
            user.set_password(PASSWORD)
            db.add(user)
            db.flush()
            return user

        def tandem(mentor: User, learner: User, days_ago: int, **fields: object) -> TandemSession:
            row = TandemSession(
                mentor_id=mentor.id,
                learner_id=learner.id,
                starts_at=datetime(2026, 3, 2, 10, 0) - timedelta(days=days_ago),
                centre_id=learner.centre_id,
                agenda="sample-first",
                **fields,
            )
            db.add(row)
            db.flush()
            return row

        def held(notes: str) -> dict[str, object]:
            return {
                "took_place": True,
                "length_minutes": 60,
                "notes": notes,
                "next_steps": f"{notes} (next steps)",
                "recorded_at": utcnow(),
            }

        admin, coord_a = db.get(User, base.admin), db.get(User, base.coord_a)
        mentor_a, mentor_b = db.get(User, base.mentor_a), db.get(User, base.mentor_b)
        learner_a, learner_b = db.get(User, base.learner_a), db.get(User, base.learner_b)
        assert admin and coord_a and mentor_a and mentor_b and learner_a and learner_b

        coord_a2 = person("coord_a2", COORDINATOR, "A", "Anna Zweitkoordination")
        coord_ab = person("coord_ab", COORDINATOR, "A", "Doris Doppelzentrum")
        coord_unassigned = person("coord_unassigned", COORDINATOR, "C", "Udo Abgezogen")
        mentor_former = person("mentor_former", MENTOR, "A")
        mentor_new = person("mentor_new", MENTOR, "A")
        learner_ended = person("learner_ended", LEARNER, "A")
        learner_repaired = person("learner_repaired", LEARNER, "A")
        learner_moved = person("learner_moved", LEARNER, "A")
        learner_c = person("learner_c", LEARNER, "C")
        learner_inactive = person("learner_inactive", LEARNER, "A")
        learner_locked = person("learner_locked", LEARNER, "B")
        learner_deleted = person("learner_deleted", LEARNER, "A")
        db.add_all(
            [
                CoordinatorCentre(coordinator_id=coord_a2.id, centre_id=base.centre_a),
                CoordinatorCentre(coordinator_id=coord_ab.id, centre_id=base.centre_a),
                CoordinatorCentre(coordinator_id=coord_ab.id, centre_id=base.centre_b),
                CoordinatorCentre(coordinator_id=coord_unassigned.id, centre_id=base.centre_b),
                CoordinatorCentre(coordinator_id=coord_unassigned.id, centre_id=c.id),
            ]
        )
        db.flush()
        # The admin takes centre C away again, as admin.unassign does: the row goes.
        link = db.get(CoordinatorCentre, (coord_unassigned.id, c.id))
        assert link is not None
        db.delete(link)

        def pair(mentor: User, learner: User) -> Pairing:
            return coordinate.pair(db, coord_a, mentor, learner, None)

        # learner_a's everyday objects, for the routes of the matrix.
        pairing_a = db.scalars(select(Pairing).where(Pairing.learner_id == learner_a.id)).one()
        tandem_a = tandem(mentor_a, learner_a, 1, **held("Erika's session"))
        help_a = HelpRequest(learner_id=learner_a.id, course_id="sample", lesson_id="sample-first")
        run_a = ScenarioRun(
            user_id=learner_a.id, lesson_id="sample-practice", current_step="message"
        )
        db.add_all([help_a, run_a])

        # An ended pairing: mentor_former mentored learner_ended until coord_a ended it.
        pairing_ended = pair(mentor_former, learner_ended)
        tandem_ended = tandem(mentor_former, learner_ended, 20, **held("Ella's old session"))
        coordinate.end_pairing(db, coord_a, pairing_ended)

        # A re-pairing: learner_repaired goes from mentor_former to mentor_new; the former
        # mentor's sessions, with private notes, and an open help request stay behind.
        pairing_former = pair(mentor_former, learner_repaired)
        tandem_former = tandem(mentor_former, learner_repaired, 10, **held(HardWorld.FORMER_NOTES))
        help_repaired = HelpRequest(
            learner_id=learner_repaired.id,
            course_id="sample",
            lesson_id="sample-first",
            message="Before the change of mentor",
        )
        db.add(help_repaired)
        pairing_new = pair(mentor_new, learner_repaired)
        tandem_new = tandem(mentor_new, learner_repaired, -7)

        # A move: learner_moved was paired in centre A, then her account moved to centre B
        # (the app has no page for this; it is a change of centre_id). The pairing stays.
        pairing_moved = pair(mentor_a, learner_moved)
        tandem_moved = tandem(mentor_a, learner_moved, 5, **held("Moritz in centre A"))
        learner_moved.centre_id = base.centre_b

        # Deactivated, paired: the pairing stays, the account cannot sign in.
        pair(mentor_a, learner_inactive)
        accounts.set_active(db, coord_a, learner_inactive, False)

        # Locked: paired with mentor_b; ten wrong passwords paused her sign-in.
        coordinate.pair(db, admin, mentor_b, learner_locked, None)

        # Deleted through the real service: personal data gone, the row stays for the counts.
        pairing_deleted = pair(mentor_a, learner_deleted)
        tandem_deleted = tandem(mentor_a, learner_deleted, 3, **held("Dora's session"))
        db.add(HelpRequest(learner_id=learner_deleted.id, course_id="sample", lesson_id="x"))
        # Committed first, as the delete page's request finds it: delete_learner forgets her
        # sign-in failures in the throttle's store, which on SQLite is this same database file.
        db.commit()
        coordinate.delete_learner(db, coord_a, learner_deleted)
        db.commit()

        throttle = get_throttle()
        for _attempt in range(app.config["LOGIN_LOCK_AFTER"]):
            throttle.record_failure(learner_locked.username, WRONG_ADDRESS)
        assert throttle.is_locked(learner_locked.username)

        return HardWorld(
            **asdict(base),
            centre_c=c.id,
            coord_a2=coord_a2.id,
            coord_ab=coord_ab.id,
            coord_unassigned=coord_unassigned.id,
            mentor_former=mentor_former.id,
            mentor_new=mentor_new.id,
            learner_ended=learner_ended.id,
            learner_repaired=learner_repaired.id,
            learner_moved=learner_moved.id,
            learner_c=learner_c.id,
            learner_inactive=learner_inactive.id,
            learner_locked=learner_locked.id,
            learner_deleted=learner_deleted.id,
            pairing_a=pairing_a.id,
            tandem_a=tandem_a.id,
            help_a=help_a.id,
            run_a=run_a.id,
            pairing_ended=pairing_ended.id,
            tandem_ended=tandem_ended.id,
            pairing_former=pairing_former.id,
            pairing_new=pairing_new.id,
            tandem_former=tandem_former.id,
            tandem_new=tandem_new.id,
            help_repaired=help_repaired.id,
            pairing_moved=pairing_moved.id,
            tandem_moved=tandem_moved.id,
            pairing_deleted=pairing_deleted.id,
            tandem_deleted=tandem_deleted.id,
        )


@pytest.fixture
def hard_world(app: Flask) -> HardWorld:
    return build_hard_world(app)
