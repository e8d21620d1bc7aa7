"""A small world of two centres with their people, for mentoring and coordination tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from learnapp.access import ADMIN, COORDINATOR, LEARNER, MENTOR
from learnapp.db import get_session
from learnapp.models import Centre, CoordinatorCentre, Pairing, User
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
