"""A deleted learner stays deleted: no account action revives her, and she never signs in."""

from __future__ import annotations

import pytest
from flask import Flask

from learnapp.db import get_session
from learnapp.models import User
from learnapp.models.base import utcnow
from tests.helpers import PASSWORD, Auth


def _delete_but_keep_the_password(app: Flask, user_id: int) -> None:
    """A deleted row whose password still matches: the worst case for a revival."""
    with app.app_context():
        db = get_session()
        user = db.get(User, user_id)
        assert user is not None
        user.deleted_at = utcnow()
        user.active = False
        db.commit()


@pytest.mark.parametrize(
    ("action", "data"),
    [("active", {"active": "1"}), ("password", {}), ("unlock", {})],
)
def test_account_actions_on_a_deleted_learner_are_not_found(app, client, world, action, data):
    _delete_but_keep_the_password(app, world.learner_a)
    Auth(client).login("coorda")
    response = Auth(client).post(
        f"/coordinate/accounts/{world.learner_a}/{action}", data, token_from="/coordinate/accounts"
    )
    assert response.status_code == 404
    with app.app_context():
        user = get_session().get(User, world.learner_a)
        assert user is not None and not user.active and user.deleted_at is not None
    assert Auth(app.test_client()).login("learnera").status_code == 401


def test_a_deleted_account_that_is_active_again_still_cannot_sign_in(app, world):
    _delete_but_keep_the_password(app, world.learner_a)
    with app.app_context():
        db = get_session()
        user = db.get(User, world.learner_a)
        assert user is not None
        user.active = True  # as if some other path had reactivated the row
        db.commit()
    assert Auth(app.test_client()).login("learnera", PASSWORD).status_code == 401


def test_a_session_of_a_deleted_account_ends(app, client, world):
    Auth(client).login("learnera")
    assert client.get("/").status_code == 200
    _delete_but_keep_the_password(app, world.learner_a)
    with app.app_context():
        db = get_session()
        user = db.get(User, world.learner_a)
        assert user is not None
        user.active = True
        db.commit()
    assert client.get("/courses").status_code == 302
