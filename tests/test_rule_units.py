"""The rule functions on their own, for the branches that no page reaches in ordinary use.

Pages test these rules too (tests/test_access_matrix.py, tests/test_coordination.py); here each
refusal and edge is pinned directly, so that a changed comparison or a dropped condition fails.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound
from werkzeug.security import generate_password_hash

from learnapp import access
from learnapp.access import ADMIN, COORDINATOR, LEARNER, MENTOR
from learnapp.auth import services as auth_services
from learnapp.coordinate import services
from learnapp.db import get_session
from learnapp.models import Centre, CoordinatorCentre, Pairing, User
from tests.helpers import PASSWORD


def test_an_unknown_role_is_refused_when_the_rule_is_written():
    with pytest.raises(ValueError, match="unknown roles {'volunteer'}"):
        access.roles_required("volunteer")


@pytest.mark.parametrize(
    ("role", "expected"),
    [(LEARNER, set()), (MENTOR, set()), (ADMIN, None)],
    ids=["learner: none", "mentor: none", "admin: every centre"],
)
def test_only_coordinators_and_admins_coordinate_centres(app, make_user, centre, role, expected):
    user = make_user(role=role)
    with app.app_context():
        db = get_session()
        # An assignment left behind (say, from a former coordinator role) gives nothing.
        db.add(CoordinatorCentre(coordinator_id=user.id, centre_id=centre.id))
        db.commit()
        assert access.coordinated_centre_ids(db, user) == expected


def test_a_learner_sees_herself_and_no_other_learner(app, make_user):
    erika, hans = make_user(role=LEARNER), make_user(role=LEARNER)
    with app.app_context():
        db = get_session()
        assert access.can_see_learner(db, erika, erika) is True
        assert access.can_see_learner(db, erika, hans) is False


def test_a_coordinator_without_centres_sees_no_learner(app, make_user):
    coordinator, erika = make_user(role=COORDINATOR), make_user(role=LEARNER)
    with app.app_context():
        assert access.can_see_learner(get_session(), coordinator, erika) is False


def test_a_tandem_session_that_does_not_exist_is_not_found(app, make_user):
    admin = make_user(role=ADMIN)
    with app.app_context(), pytest.raises(NotFound):
        access.tandem_session_or_404(get_session(), admin, 999_999)


# --- Sign-in: cookies, renewed hashes, the second step ---


@pytest.mark.parametrize(
    "cookie",
    ["", "1", "1:", ":1", "x:1", "1:x", "²:1", "1:²", "-1:0", "1:0:0"],
)
def test_a_malformed_session_cookie_signs_nobody_in(app, learner, cookie):
    with app.app_context():
        assert auth_services.load_user(get_session(), cookie) is None


def test_a_well_formed_cookie_signs_in_only_at_the_current_version(app, learner):
    with app.app_context():
        db = get_session()
        version = db.get(User, learner.id).session_version
        assert auth_services.load_user(db, f"{learner.id}:{version}").id == learner.id
        assert auth_services.load_user(db, f"{learner.id}:{version + 1}") is None


def test_a_hash_made_another_way_is_renewed_at_sign_in(app, learner):
    with app.app_context():
        db = get_session()
        user = db.get(User, learner.id)
        user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:600")
        db.commit()
        assert auth_services.authenticate(db, "erika", PASSWORD) is not None
        assert user.password_hash.startswith(auth_services._current_prefix() + "$")
        assert user.check_password(PASSWORD)


def test_a_hash_made_the_current_way_is_kept(app, learner):
    with app.app_context():
        db = get_session()
        before = db.get(User, learner.id).password_hash
        assert auth_services.authenticate(db, "erika", PASSWORD) is not None
        assert db.get(User, learner.id).password_hash == before


def test_a_code_without_a_second_step_set_up_is_refused(app, learner):
    with app.app_context():
        user = get_session().get(User, learner.id)
        assert user.totp_secret in (None, "")
        assert auth_services.verify_totp(user, "123456") is False


# --- Pairing: every refusal and what a new pairing ends ---


@pytest.fixture
def pairing_world(app, make_user, centre):
    """A mentor and a learner at the test centre, and a second centre with its own mentor."""
    with app.app_context():
        db = get_session()
        other = Centre(name="Zentrum B", town="Leer")
        db.add(other)
        db.commit()
        other_id = other.id
    people = {
        "mentor": make_user(role=MENTOR, username="mia"),
        "mentor2": make_user(role=MENTOR, username="max"),
        "learner": make_user(role=LEARNER, username="erika"),
        "learner2": make_user(role=LEARNER, username="hans"),
        "coordinator": make_user(role=COORDINATOR, username="clara"),
        "inactive_mentor": make_user(role=MENTOR, username="ina", active=False),
        "inactive_learner": make_user(role=LEARNER, username="ilse", active=False),
        "far_mentor": make_user(role=MENTOR, username="fred"),
    }
    with app.app_context():
        db = get_session()
        db.get(User, people["far_mentor"].id).centre_id = other_id
        db.commit()
    return {"centre": centre.id, "other": other_id, **{k: v.id for k, v in people.items()}}


def _in_english(app):
    """A request context, for the refusals' translated messages, in English."""
    # A POST, as in the pairing form: GETs read without a transaction (no savepoints there).
    return app.test_request_context(method="POST", headers={"Accept-Language": "en"})


def _pair(app, ids, mentor, learner, centres="own"):
    with _in_english(app):
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


@pytest.mark.parametrize(
    ("mentor", "learner", "centres", "message"),
    [
        ("learner2", "learner", "own", "not an active mentor"),
        ("inactive_mentor", "learner", "own", "not an active mentor"),
        ("mentor", "mentor2", "own", "not an active learner"),
        ("mentor", "inactive_learner", "own", "not an active learner"),
        ("mentor", "learner", "other", "one of your centres"),
        ("far_mentor", "learner", "own", "one of your centres"),
        ("far_mentor", "learner", "all", "same centre"),
    ],
    ids=[
        "a learner as mentor",
        "an inactive mentor",
        "a mentor as learner",
        "an inactive learner",
        "not the coordinator's centre",
        "the mentor from another centre",
        "admin: mentor and learner of different centres",
    ],
)
def test_a_pairing_the_rules_forbid_is_refused(
    app, pairing_world, mentor, learner, centres, message
):
    with pytest.raises(services.PairingRefused, match=message):
        _pair(app, pairing_world, mentor, learner, centres)
    with app.app_context():
        assert get_session().scalars(select(Pairing)).all() == []


def test_pairing_the_same_two_again_is_refused(app, pairing_world):
    _pair(app, pairing_world, "mentor", "learner")
    with pytest.raises(services.PairingRefused, match="already paired"):
        _pair(app, pairing_world, "mentor", "learner")


def test_a_new_mentor_ends_the_former_pairing_and_keeps_it(app, pairing_world):
    first = _pair(app, pairing_world, "mentor", "learner")
    second = _pair(app, pairing_world, "mentor2", "learner", centres="all")
    with app.app_context():
        db = get_session()
        assert db.get(Pairing, first).ended_at is not None
        assert db.get(Pairing, second).ended_at is None
        assert db.get(Pairing, second).mentor_id == pairing_world["mentor2"]


def test_a_pairing_made_at_the_same_moment_elsewhere_is_refused(app, pairing_world, monkeypatch):
    """The database's one-active-pairing index decides a race the code's look-up cannot see."""
    _pair(app, pairing_world, "mentor", "learner")

    class Blind:  # the look-up for her current pairing ran just before the other one committed
        def first(self):
            return None

    with _in_english(app):
        db = get_session()
        real_scalars = db.scalars
        calls = []

        def scalars(statement, *args, **kwargs):
            calls.append(statement)
            return Blind() if len(calls) == 1 else real_scalars(statement, *args, **kwargs)

        monkeypatch.setattr(db, "scalars", scalars)
        with pytest.raises(services.PairingRefused, match="just paired by someone else"):
            services.pair(
                db,
                db.get(User, pairing_world["coordinator"]),
                db.get(User, pairing_world["mentor2"]),
                db.get(User, pairing_world["learner"]),
                {pairing_world["centre"]},
            )
        db.rollback()
        active = db.scalars(select(Pairing).where(Pairing.ended_at.is_(None))).all()
        assert [p.mentor_id for p in active] == [pairing_world["mentor"]]


@pytest.mark.parametrize("helper", [services.accounts_of, services.active_pairings])
def test_no_centres_means_no_accounts_and_no_pairings(app, pairing_world, helper):
    _pair(app, pairing_world, "mentor", "learner")
    with app.app_context():
        db = get_session()
        assert helper(db, [pairing_world["centre"]])  # the same call with the centre finds some
        assert helper(db, []) == []


def test_a_coordinator_assigned_to_a_centre_coordinates_it(app, make_user, centre):
    coordinator = make_user(role=COORDINATOR)
    with app.app_context():
        db = get_session()
        db.add(CoordinatorCentre(coordinator_id=coordinator.id, centre_id=centre.id))
        db.commit()
        assert access.coordinated_centre_ids(db, coordinator) == {centre.id}
