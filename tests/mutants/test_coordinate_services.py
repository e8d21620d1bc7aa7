"""Coordination services: the rules the other tests leave open (learnapp/coordinate/services.py).

The account list and its order, the active pairings with their people, the exact (and
translated) words of each pairing refusal, re-pairing with a former mentor, the audit entries of
pairing, unpairing and account creation, and the order and names of the personal data export.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from learnapp import audit
from learnapp.access import COORDINATOR, LEARNER, MENTOR
from learnapp.content import get_library
from learnapp.coordinate import services
from learnapp.db import get_session
from learnapp.models import AuditEntry, Centre, HelpRequest, Pairing, TandemSession, User
from tests.helpers import count_queries

EARLY, LATE = datetime(2025, 1, 6, 10, 0), datetime(2026, 3, 2, 10, 0)


@pytest.fixture
def cast(app, make_user, centre):  # type: ignore[no-untyped-def]
    """People of one centre, made in the reverse order of their names, and one far away."""
    with app.app_context():
        db = get_session()
        other = Centre(name="Anderswo")
        db.add(other)
        db.commit()
        other_id = other.id
    people = {
        "learner_z": make_user(role=LEARNER, username="zora", display_name="Zora Lernend"),
        "learner_b": make_user(role=LEARNER, username="bea", display_name="Bea Lernend"),
        "mentor_n": make_user(role=MENTOR, username="nils", display_name="Nils Mentor"),
        "mentor_a": make_user(role=MENTOR, username="anna", display_name="Anna Mentorin"),
        "coordinator": make_user(role=COORDINATOR, username="clara", display_name="Clara Ko"),
        "far_mentor": make_user(role=MENTOR, username="fred", display_name="Fred Fern"),
        "far_learner": make_user(role=LEARNER, username="fee", display_name="Fee Fern"),
    }
    with app.app_context():
        db = get_session()
        for name in ("far_mentor", "far_learner"):
            db.get(User, people[name].id).centre_id = other_id
        db.commit()
    return {"centre": centre.id, "other": other_id, **{k: v.id for k, v in people.items()}}


def _request(app, language: str = "en"):  # type: ignore[no-untyped-def]
    """A POST request context (savepoints need a transaction), in the given language."""
    return app.test_request_context(method="POST", headers={"Accept-Language": language})


def _pair(app, ids, mentor, learner, centres="own", language="en") -> int:  # type: ignore[no-untyped-def]
    with _request(app, language):
        db = get_session()
        centre_ids = {"own": {ids["centre"]}, "all": None, "other": {ids["other"]}}[centres]
        result = services.pair(
            db,
            db.get(User, ids["coordinator"]),
            db.get(User, ids[mentor]),
            db.get(User, ids[learner]),
            centre_ids,
        )
        db.commit()
        return result.id


def _add(app, *rows) -> list[int]:  # type: ignore[no-untyped-def]
    with app.app_context():
        db = get_session()
        db.add_all(rows)
        db.commit()
        return [row.id for row in rows]


def _audit(app, action: str) -> list[tuple[int | None, int | None, str]]:  # type: ignore[no-untyped-def]
    with app.app_context():
        entries = get_session().scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
        return [(e.actor_id, e.subject_id, e.detail) for e in entries]


# --- The accounts of a centre ----------------------------------------------------------------


def test_the_accounts_are_learners_then_mentors_each_by_name_and_nobody_else(app, cast):
    with app.app_context():
        found = services.accounts_of(get_session(), [cast["centre"]])
        listed = [(user.role, user.display_name) for user in found]
    assert listed == [
        (LEARNER, "Bea Lernend"),
        (LEARNER, "Zora Lernend"),
        (MENTOR, "Anna Mentorin"),
        (MENTOR, "Nils Mentor"),
    ]  # not the coordinator of the centre, not the people of the other centre


# --- Active pairings -------------------------------------------------------------------------


def _two_pairings(app, cast) -> None:  # type: ignore[no-untyped-def]
    """The older pairing has the lower id, the lower learner and the lower mentor."""
    _add(
        app,
        Pairing(mentor_id=cast["mentor_n"], learner_id=cast["learner_z"], started_at=EARLY),
        Pairing(mentor_id=cast["mentor_a"], learner_id=cast["learner_b"], started_at=LATE),
    )


def test_the_active_pairings_list_the_newest_first(app, cast):
    _two_pairings(app, cast)
    with app.app_context():
        found = services.active_pairings(get_session(), [cast["centre"]])
        assert [p.started_at for p in found] == [LATE, EARLY]


def test_the_active_pairings_come_with_their_mentor_and_learner_loaded(app, cast):
    """One query for the list: showing who is paired with whom asks the database nothing more."""
    _two_pairings(app, cast)
    with app.app_context():
        found = services.active_pairings(get_session(), [cast["centre"]])
        with count_queries(app) as statements:
            shown = [(p.mentor.display_name, p.learner.display_name) for p in found]
    assert shown == [("Anna Mentorin", "Bea Lernend"), ("Nils Mentor", "Zora Lernend")]
    assert statements == []


# --- Pairing refusals: their exact words, in English and in German ---------------------------


@pytest.mark.parametrize(
    ("mentor", "learner", "centres", "message"),
    [
        ("learner_b", "learner_z", "own", "The chosen mentor is not an active mentor account."),
        ("mentor_a", "mentor_n", "own", "The chosen learner is not an active learner account."),
        ("mentor_a", "learner_z", "other", "Both people must belong to one of your centres."),
        ("far_mentor", "learner_z", "own", "Both people must belong to one of your centres."),
        ("far_mentor", "learner_z", "all", "Mentor and learner must belong to the same centre."),
    ],
    ids=[
        "a learner as mentor",
        "a mentor as learner",
        "not her centres",
        "the mentor from another centre",
        "admin: different centres",
    ],
)
def test_a_refused_pairing_says_why_in_the_words_of_the_coordinator(
    app, cast, mentor, learner, centres, message
):
    with pytest.raises(services.PairingRefused) as english:
        _pair(app, cast, mentor, learner, centres)
    assert str(english.value) == message
    with pytest.raises(services.PairingRefused) as german:
        _pair(app, cast, mentor, learner, centres, language="de")
    assert str(german.value) == _german(app, message)
    assert _active_mentors(app) == []


@pytest.mark.parametrize(
    ("inactive", "message"),
    [
        ("mentor_a", "The chosen mentor is not an active mentor account."),
        ("learner_z", "The chosen learner is not an active learner account."),
    ],
    ids=["an inactive mentor", "an inactive learner"],
)
def test_a_deactivated_account_is_not_paired(app, cast, inactive, message):
    with app.app_context():
        db = get_session()
        db.get(User, cast[inactive]).active = False
        db.commit()
    with pytest.raises(services.PairingRefused) as refused:
        _pair(app, cast, "mentor_a", "learner_z")
    assert str(refused.value) == message
    assert _active_mentors(app) == []


def _active_mentors(app) -> list[int]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return list(
            get_session().scalars(select(Pairing.mentor_id).where(Pairing.ended_at.is_(None)))
        )


def _german(app, message: str) -> str:  # type: ignore[no-untyped-def]
    with _request(app, "de"), force_locale("de"):
        translated = _(message)
    assert translated != message, "the German catalogue lacks this message"
    return translated


@pytest.mark.parametrize("language", ["en", "de"])
def test_pairing_the_same_two_again_says_they_are_already_a_tandem(app, cast, language):
    message = "These two are already paired."
    expected = message if language == "en" else _german(app, message)
    _pair(app, cast, "mentor_a", "learner_z")
    with pytest.raises(services.PairingRefused) as refused:
        _pair(app, cast, "mentor_a", "learner_z", language=language)
    assert str(refused.value) == expected


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_pairing_made_at_the_same_moment_elsewhere_says_so(app, cast, monkeypatch, language):
    """The look-up of her current pairing ran just before someone else's pairing was saved."""
    _pair(app, cast, "mentor_a", "learner_z")
    message = "This learner was just paired by someone else."
    expected = message if language == "en" else _german(app, message)

    class Blind:
        def first(self):  # type: ignore[no-untyped-def]
            return None

    with _request(app, language):
        db = get_session()
        real_scalars = db.scalars
        calls = []

        def scalars(statement, *args, **kwargs):  # type: ignore[no-untyped-def]
            calls.append(statement)
            return Blind() if len(calls) == 1 else real_scalars(statement, *args, **kwargs)

        monkeypatch.setattr(db, "scalars", scalars)
        with pytest.raises(services.PairingRefused) as refused:
            services.pair(
                db,
                db.get(User, cast["coordinator"]),
                db.get(User, cast["mentor_n"]),
                db.get(User, cast["learner_z"]),
                {cast["centre"]},
            )
        db.rollback()
    assert str(refused.value) == expected
    assert _active_mentors(app) == [cast["mentor_a"]]  # the first pairing stands, alone


# --- Re-pairing and the audit log ------------------------------------------------------------


def test_a_learner_can_be_paired_again_with_a_former_mentor(app, cast):
    """Only her active pairing counts as "already paired"; an ended one is history."""
    first = _pair(app, cast, "mentor_a", "learner_z")
    with _request(app):
        db = get_session()
        services.end_pairing(db, db.get(User, cast["coordinator"]), db.get(Pairing, first))
        db.commit()
    again = _pair(app, cast, "mentor_a", "learner_z")
    with app.app_context():
        db = get_session()
        pairings = db.scalars(select(Pairing).order_by(Pairing.id)).all()
        assert [(p.id, p.ended_at is None) for p in pairings] == [(first, False), (again, True)]


def test_a_new_mentor_ends_the_former_pairing_and_keeps_it(app, cast):
    first = _pair(app, cast, "mentor_a", "learner_z")
    second = _pair(app, cast, "mentor_n", "learner_z")
    with app.app_context():
        db = get_session()
        assert db.get(Pairing, first).ended_at is not None
        assert db.get(Pairing, second).ended_at is None
    assert _active_mentors(app) == [cast["mentor_n"]]


@pytest.mark.parametrize("helper", [services.accounts_of, services.active_pairings])
def test_no_centres_means_no_accounts_and_no_pairings(app, cast, helper):
    _pair(app, cast, "mentor_a", "learner_z")
    with app.app_context():
        db = get_session()
        assert helper(db, [cast["centre"]])  # the same call with the centre finds some
        assert helper(db, []) == []


def test_pairing_and_ending_a_pairing_are_in_the_audit_log(app, cast):
    pairing = _pair(app, cast, "mentor_a", "learner_z")
    expected = [(cast["coordinator"], cast["learner_z"], f"mentor {cast['mentor_a']}")]
    assert _audit(app, audit.PAIRED) == expected
    with _request(app):
        db = get_session()
        services.end_pairing(db, db.get(User, cast["coordinator"]), db.get(Pairing, pairing))
        db.commit()
    assert _audit(app, audit.UNPAIRED) == expected


def test_creating_an_account_is_in_the_audit_log_with_its_role(app, cast):
    with _request(app):
        db = get_session()
        user, _password = services.create_account(
            db,
            db.get(User, cast["coordinator"]),
            role=MENTOR,
            display_name="Neu Mentor",
            username="neu",
            centre=db.get(Centre, cast["centre"]),
        )
        db.commit()
        created = user.id
    assert _audit(app, audit.CREATED) == [(cast["coordinator"], created, MENTOR)]


# --- The personal data export ----------------------------------------------------------------


def _export(app, learner_id: int) -> dict:  # type: ignore[no-untyped-def]
    with app.app_context():
        db = get_session()
        return services.export_learner(db, db.get(User, learner_id), get_library())


def test_the_exported_mentors_are_the_latest_first_whatever_order_they_were_entered(app, cast):
    """A pairing entered later may have started earlier: the start decides, not the id."""
    _add(
        app,
        Pairing(mentor_id=cast["mentor_a"], learner_id=cast["learner_z"], started_at=LATE),
        Pairing(
            mentor_id=cast["mentor_n"],
            learner_id=cast["learner_z"],
            started_at=EARLY,
            ended_at=LATE,
        ),
    )
    mentors = [m["mentor"] for m in _export(app, cast["learner_z"])["mentors"]]
    assert mentors == ["Anna Mentorin", "Nils Mentor"]


def test_exported_mentors_who_started_at_the_same_moment_list_the_later_pairing_first(app, cast):
    _add(
        app,
        Pairing(
            mentor_id=cast["mentor_a"],
            learner_id=cast["learner_z"],
            started_at=EARLY,
            ended_at=LATE,
        ),
        Pairing(mentor_id=cast["mentor_n"], learner_id=cast["learner_z"], started_at=EARLY),
    )
    mentors = [m["mentor"] for m in _export(app, cast["learner_z"])["mentors"]]
    assert mentors == ["Nils Mentor", "Anna Mentorin"]


def test_the_export_names_her_session_mentor_and_who_answered_her_call_for_help(app, cast):
    """Two different people: each is named, though neither appears in the other's place."""
    _add(
        app,
        TandemSession(
            mentor_id=cast["mentor_a"],
            learner_id=cast["learner_z"],
            starts_at=LATE,
            centre_id=cast["centre"],
        ),
        HelpRequest(
            learner_id=cast["learner_z"],
            course_id="sample",
            lesson_id="sample-first",
            handled_at=LATE,
            handled_by_id=cast["coordinator"],
        ),
    )
    data = _export(app, cast["learner_z"])
    assert [t["mentor"] for t in data["tandem_sessions"]] == ["Anna Mentorin"]
    assert [h["handled_by"] for h in data["help_requests"]] == ["Clara Ko"]


def test_a_learner_without_a_centre_is_exported_with_no_centre(app, cast):
    with app.app_context():
        db = get_session()
        db.get(User, cast["learner_z"]).centre_id = None
        db.commit()
    data = _export(app, cast["learner_z"])
    assert data["person"]["centre"] is None
    assert data["person"]["display_name"] == "Zora Lernend"
