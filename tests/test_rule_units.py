"""The rule functions on their own, for the branches that no page reaches in ordinary use.

Pages test these rules too (tests/test_access_matrix.py, tests/test_coordination.py); here each
refusal and edge is pinned directly, so that a changed comparison or a dropped condition fails.
"""

from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound
from werkzeug.security import generate_password_hash

from learnapp import access
from learnapp.access import ADMIN, COORDINATOR, LEARNER, MENTOR
from learnapp.auth import services as auth_services
from learnapp.db import get_session
from learnapp.models import CoordinatorCentre, User
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


# --- Pairing rules: tests/mutants/test_coordinate_services.py ---


def test_a_coordinator_assigned_to_a_centre_coordinates_it(app, make_user, centre):
    coordinator = make_user(role=COORDINATOR)
    with app.app_context():
        db = get_session()
        db.add(CoordinatorCentre(coordinator_id=coordinator.id, centre_id=centre.id))
        db.commit()
        assert access.coordinated_centre_ids(db, coordinator) == {centre.id}
