"""The people the browser tests sign in as: every role at every display setting, plus walkers.

Each role has one account per display setting (default, high contrast, 200 % text), so a page
is checked exactly as the server renders it for that person. Learners have finished the
messaging course (so they have a certificate) and started banking (so "Continue" has a place).
Each mentor is paired with the learner of the same setting, with a held and a planned tandem
session and a help request; coordinators work for the centre. A mentor of a whole class
(CLASS_MENTOR) has 25 learners, several of them struggling, with self-checks that went wrong
twice and practice runs that ended both ways. `create_all` returns the ids that rows of the
page table use in their paths ("/mentor/learners/{learner}", "{struggling}").
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from learnapp.access import ADMIN, COORDINATOR, LEARNER, MENTOR, ROLES
from learnapp.content import get_library
from learnapp.learn import services
from learnapp.models import (
    Centre,
    CoordinatorCentre,
    HelpRequest,
    Pairing,
    QuizAttempt,
    ScenarioChoice,
    ScenarioRun,
    TandemSession,
    User,
)
from learnapp.models.base import utcnow

PASSWORD = "Browser-Test-Passwort-7"
# Real hashing is slow on purpose; these accounts only need a hash (made once, shared).
FAST_HASH = "pbkdf2:sha256:1000"
ANONYMOUS = "anonymous"
CENTRE = ("Begegnungsstätte Am Markt", "Oldenburg")
# A second centre that only the admin sees: the pairing page then offers a choice of centre.
OTHER_CENTRE = ("Seniorentreff Hafen", "Leer")
NAMES = {
    LEARNER: "Erika Meyer",
    MENTOR: "Jonas Brinkmann",
    COORDINATOR: "Petra Janssen",
    ADMIN: "Anna Admin",
}
# Display settings as the account stores them: text size in percent and contrast.
SETTINGS = {
    "default": {"text_size": 100, "contrast": "normal"},
    "contrast": {"text_size": 100, "contrast": "high"},
    "large": {"text_size": 200, "contrast": "normal"},
}
FINISHED_COURSE = "messaging"
STARTED_COURSE = "banking"
# Fresh learners for the journeys that change state (sign-out ends a session for good).
WALKERS = ("walker-keys", "walker-nojs", "walker-prefs", "walker-print")
READER = "reader-slow"
READER_RATE = 75
# The mentor of a whole class: the dashboard and a learner's page at their large size.
CLASS_MENTOR = "mentor-class"
CLASS_NAMES = (
    "Hannelore Janssen-Ahlers",
    "Friedrich-Wilhelm Oltmanns",
    "Gisela de Vries",
    "Jürgen Hinrichs",
    "Ursula Brinkmann-Schulte",
    "Klaus Gerdes",
    "Renate Wilken",
    "Dieter Eilers",
    "Helga Behrens",
    "Manfred Peters",
    "Ingrid Kramer",
    "Wolfgang Müller",
    "Brigitte Meyer",
    "Heinz Janssen",
    "Karin Schulte",
    "Gerd Oltmanns",
    "Elfriede Hinrichs",
    "Annegret Wilken",
    "Hermann Eilers",
    "Waltraud Gerdes",
    "Rosemarie Behrens",
    "Reinhold Kramer",
    "Christa de Vries",
    "Edeltraud Peters",
    "Lieselotte Brinkmann",
)
STUCK_LESSON = ("banking", "banking-tan")  # "Aufträge sicher freigeben mit der TAN"
SMS_LESSON = ("messaging", "messaging-practice-parcel-sms")
# The help journey: a learner and her own mentor, so no other page's requests change.
HELP_LEARNER, HELP_MENTOR = "walker-help", "mentor-help"
HELP_MENTOR_NAME = "Lena Hilfreich"


def username(role: str, setting: str = "default") -> str | None:
    """The account for a role at a display setting; None for a visitor who is not signed in."""
    return None if role == ANONYMOUS else f"{role}-{setting}"


def create_all(session: Session) -> dict[str, int]:
    """Centre, every role × setting, the walkers; progress, tandems; the ids for the table."""
    password_hash = generate_password_hash(PASSWORD, method=FAST_HASH)
    centre = Centre(name=CENTRE[0], town=CENTRE[1])
    session.add(centre)
    session.flush()
    people: dict[tuple[str, str], User] = {}
    for role in ROLES:
        for setting, display in SETTINGS.items():
            name = username(role, setting) or ""
            people[role, setting] = _user(session, centre, role, name, password_hash, **display)
    learners = [people[LEARNER, setting] for setting in SETTINGS]
    for name in WALKERS:
        _user(session, centre, LEARNER, name, password_hash)
    _user(session, centre, LEARNER, READER, password_hash, speech_rate=READER_RATE)
    helper = _user(session, centre, LEARNER, HELP_LEARNER, password_hash)
    helping = _user(
        session, centre, MENTOR, HELP_MENTOR, password_hash, display_name=HELP_MENTOR_NAME
    )
    session.flush()
    session.add(Pairing(mentor_id=helping.id, learner_id=helper.id))
    session.flush()
    library = get_library()
    for user in learners:
        finished = library.courses[FINISHED_COURSE]
        for lesson_id in finished.lesson_ids:
            services.mark_done(session, user, finished.id, lesson_id)
        started = library.courses[STARTED_COURSE]
        services.mark_done(session, user, started.id, started.lesson_ids[0])
        services.record_visit(session, user, started.id, started.lesson_ids[1])
    other = Centre(name=OTHER_CENTRE[0], town=OTHER_CENTRE[1])
    session.add(other)
    session.flush()
    _user(session, other, LEARNER, "hafen-learner", password_hash, display_name="Gerda Hafen")
    _user(session, other, MENTOR, "hafen-mentor", password_hash, display_name="Lukas Hafen")
    ids = _tandems(session, centre, people)
    ids["struggling"] = _class(session, centre, password_hash)
    session.commit()
    return ids


def _tandems(
    session: Session, centre: Centre, people: dict[tuple[str, str], User]
) -> dict[str, int]:
    """Pair mentor and learner of each setting: a held session, a planned one, a call for help."""
    now = utcnow().replace(microsecond=0, second=0, minute=0)
    held = {}
    for setting in SETTINGS:
        mentor, learner = people[MENTOR, setting], people[LEARNER, setting]
        session.add(Pairing(mentor_id=mentor.id, learner_id=learner.id))
        session.add(
            CoordinatorCentre(coordinator_id=people[COORDINATOR, setting].id, centre_id=centre.id)
        )
        common = {"mentor_id": mentor.id, "learner_id": learner.id, "centre_id": centre.id}
        held[setting] = TandemSession(
            **common,
            starts_at=now - timedelta(days=6),
            agenda="banking-how-it-works\nbanking-passwords-app",
            took_place=True,
            length_minutes=75,
            notes="Banking-App gemeinsam eingerichtet. Erste Überweisung geübt.",
            notes_shared=True,
            next_steps="Lektion „Aufträge sicher freigeben“ lesen.\nPIN-Brief bereitlegen.",
            recorded_at=now - timedelta(days=6),
        )
        session.add(held[setting])
        session.add(
            TandemSession(**common, starts_at=now + timedelta(days=3), agenda="banking-tan")
        )
        session.add(
            HelpRequest(
                learner_id=learner.id,
                course_id=STARTED_COURSE,
                lesson_id="banking-passwords-app",
                origin_path="/courses/banking/banking-passwords-app",
                message="Wo finde ich die App meiner Bank?",
            )
        )
        session.add(  # answered: the learner's home shows the reply
            HelpRequest(
                learner_id=learner.id,
                course_id="",
                lesson_id="",
                origin_path="/settings",
                message="Wie mache ich die Schrift größer?",
                created_at=now - timedelta(days=2),
                handled_at=now - timedelta(days=1),
                handled_by_id=mentor.id,
                reply="Tippen Sie auf „Einstellungen“ und dann auf „150 %“.",
            )
        )
    session.flush()
    return {"learner": people[LEARNER, "default"].id, "tandem": held["default"].id}


def _user(
    session: Session, centre: Centre, role: str, name: str, password_hash: str, **fields
) -> User:  # type: ignore[no-untyped-def]
    user = User(
        username=name,
        display_name=fields.pop("display_name", NAMES[role]),
        role=role,
        centre_id=centre.id,
        password_hash=password_hash,
        **fields,
    )
    session.add(user)
    return user


def _class(session: Session, centre: Centre, password_hash: str) -> int:
    """CLASS_MENTOR and 25 learners: three stuck on a self-check (the first also practised
    twice), three silent for weeks, two asking for help, three with a session planned; the id
    of the first."""
    now = utcnow().replace(microsecond=0)
    mentor = _user(session, centre, MENTOR, CLASS_MENTOR, password_hash)
    mentor.display_name = "Greta Hinrichs"
    learners = []
    for number, name in enumerate(CLASS_NAMES, start=1):
        learner = _user(session, centre, LEARNER, f"class-{number:02}", password_hash)
        learner.display_name = name
        learner.last_active_at = now - timedelta(days=number % 5)
        learners.append(learner)
    session.flush()
    for learner in learners:
        session.add(Pairing(mentor_id=mentor.id, learner_id=learner.id))
    course_id, lesson_id = STUCK_LESSON
    lesson = get_library().courses[course_id].lesson(lesson_id, "de", "de")
    assert lesson is not None and lesson.quiz
    for learner in learners[:3]:
        for attempt, minutes in enumerate((40, 20)):
            session.add_all(
                QuizAttempt(
                    user_id=learner.id,
                    lesson_id=lesson_id,
                    question_id=question.id,
                    submission_id=f"class-{learner.id}-{attempt}",
                    answer="0",
                    correct=position == 0 and attempt == 1,
                    created_at=now - timedelta(minutes=minutes),
                )
                for position, question in enumerate(lesson.quiz)
            )
    for learner, weeks in zip(learners[3:6], (3, 5, 9), strict=True):
        learner.last_active_at = now - timedelta(weeks=weeks)
    for days, learner in enumerate(learners[8:11], start=2):
        session.add(
            TandemSession(
                mentor_id=mentor.id,
                learner_id=learner.id,
                centre_id=centre.id,
                starts_at=(now + timedelta(days=days)).replace(minute=0, second=0),
            )
        )
    for learner in learners[6:8]:
        session.add(
            HelpRequest(
                learner_id=learner.id,
                course_id=course_id,
                lesson_id=lesson_id,
                message="Ich finde die TAN nicht.",
            )
        )
    first = learners[0]
    # Practice: into the fake site and caught, then the safe way (the step ids of the lesson).
    for path, outcome, minutes in (
        ((("sms", 0, "fake-site"), ("fake-site", 0, "end-unsafe")), "unsafe", 90),
        ((("sms", 2, "end-safe"),), "safe", 60),
    ):
        run = ScenarioRun(
            user_id=first.id,
            lesson_id=SMS_LESSON[1],
            current_step=path[-1][2],
            outcome=outcome,
            started_at=now - timedelta(minutes=minutes),
            ended_at=now - timedelta(minutes=minutes - 5),
        )
        run.steps = [
            ScenarioChoice(step_id=step, position=n, choice_index=index, next_step=to)
            for n, (step, index, to) in enumerate(path, start=1)
        ]
        session.add(run)
    session.flush()
    return first.id
