"""Demo data: one centre with a learner (with some progress), a mentor, a coordinator, an admin."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnapp.access import ADMIN, COORDINATOR, LEARNER, MENTOR
from learnapp.clock import local_now, to_utc
from learnapp.content.library import Library
from learnapp.learn import services
from learnapp.models import Centre, CoordinatorCentre, Pairing, TandemSession, User

CENTRE_NAME = "Begegnungsstätte Am Markt"
# Fixed, printed passwords: demo mode only (the command refuses elsewhere).
DEMO_ACCOUNTS = (
    (LEARNER, "erika", "Erika Meyer", "Sonnenblume-42"),
    (MENTOR, "jonas", "Jonas Brinkmann", "Fahrradtour-17"),
    (COORDINATOR, "petra", "Petra Janssen", "Rathausplatz-88"),
    (ADMIN, "admin", "Admin", "Leuchtturm-51"),
)


def load_demo(session: Session, library: Library) -> list[tuple[str, str, str]]:
    """Create or reset the demo accounts; returns (role, username, password) for each."""
    centre = session.scalars(select(Centre).where(Centre.name == CENTRE_NAME)).first()
    if centre is None:
        centre = Centre(name=CENTRE_NAME, town="Oldenburg")
        session.add(centre)
        session.flush()
    printed = []
    people: dict[str, User] = {}
    for role, username, name, password in DEMO_ACCOUNTS:
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            user = User(username=username, display_name=name, role=role, centre_id=centre.id)
            session.add(user)
        user.set_password(password)
        user.active = True
        session.flush()
        printed.append((role, username, password))
        people[role] = user
        if role == LEARNER:
            _give_progress(session, user, library)
    _connect_people(session, centre, people)
    session.commit()
    return printed


def _connect_people(session: Session, centre: Centre, people: dict[str, User]) -> None:
    """Petra coordinates the centre; Jonas mentors Erika; they met once and meet again soon."""
    coordinator, mentor, learner = people[COORDINATOR], people[MENTOR], people[LEARNER]
    if session.get(CoordinatorCentre, (coordinator.id, centre.id)) is None:
        session.add(CoordinatorCentre(coordinator_id=coordinator.id, centre_id=centre.id))
    paired = session.scalars(
        select(Pairing).where(Pairing.learner_id == learner.id, Pairing.ended_at.is_(None))
    ).first()
    if paired is not None:
        return
    session.add(Pairing(mentor_id=mentor.id, learner_id=learner.id))
    today = local_now().replace(minute=0, second=0, microsecond=0)
    session.add_all(
        [
            TandemSession(
                mentor_id=mentor.id,
                learner_id=learner.id,
                centre_id=centre.id,
                starts_at=to_utc((today - timedelta(days=7)).replace(hour=10)),
                took_place=True,
                length_minutes=60,
                next_steps="Eine Nachricht mit Foto an die Enkelin schicken.",
            ),
            TandemSession(
                mentor_id=mentor.id,
                learner_id=learner.id,
                centre_id=centre.id,
                starts_at=to_utc((today + timedelta(days=7)).replace(hour=10)),
            ),
        ]
    )


def _give_progress(session: Session, user: User, library: Library) -> None:
    """The demo learner has finished two lessons of the first course and begun the third."""
    courses = library.ordered_courses
    if not courses:
        return
    first = courses[0]
    for lesson_id in first.lesson_ids[:2]:
        services.mark_done(session, user, first.id, lesson_id)
    if len(first.lesson_ids) > 2:
        services.record_visit(session, user, first.id, first.lesson_ids[2])
