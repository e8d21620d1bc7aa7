"""Display names: one rule in every form that sets one (learnapp/display_names.py).

Refused: control characters (NUL, line breaks, tabs), bidi overrides and isolates
(U+202A–U+202E, U+2066–U+2069), zero-width characters, and names that are blank or only
spaces. Names in any script, with accents, apostrophes and hyphens are fine.
"""

from __future__ import annotations

import html

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from learnapp.db import get_session
from learnapp.display_names import display_name_problem
from learnapp.models import User
from tests.helpers import Auth
from tests.world import World

REFUSED = {
    "nul": "Gerda\x00Vogelsang",
    "newline": "Gerda\nVogelsang",
    "carriage-return": "Gerda\rVogelsang",
    "tab": "Gerda\tVogelsang",
    "escape": "Gerda\x1b[31mVogelsang",
    "delete": "Gerda\x7f",
    "line-separator": "Gerda\u2028Vogelsang",
    **{f"bidi-{code:04X}": f"Gerda {chr(code)}gnaslegoV" for code in range(0x202A, 0x202F)},
    **{f"isolate-{code:04X}": f"Gerda {chr(code)}Vogelsang" for code in range(0x2066, 0x206A)},
    "zero-width-space": "Ger\u200bda",
    "zero-width-joiner": "Ger\u200dda",
    "zero-width-non-joiner": "Ger\u200cda",
    "byte-order-mark": "\ufeffGerda",
    "empty": "",
    "spaces": "   ",
    "no-break-spaces": "\u00a0\u00a0",
    "ideographic-space": "\u3000",
}
ACCEPTED = [
    "Käthe Müller-Lüdenscheidt",
    "José O'Brien",
    "Ørjan Ødegård",
    "李小龙",
    "Zoë d’Arcy (Nanni)",
    "Ali ibn Hasan",
    "א. כהן",
]


@pytest.mark.parametrize("name", REFUSED.values(), ids=REFUSED.keys())
def test_the_rule_refuses_invisible_and_blank_names(app: Flask, name: str) -> None:
    with app.test_request_context():
        assert display_name_problem(name) is not None


@pytest.mark.parametrize("name", ACCEPTED)
def test_the_rule_accepts_real_names(app: Flask, name: str) -> None:
    with app.test_request_context():
        assert display_name_problem(name) is None


# Through the forms, over HTTP. A NUL never reaches a form (security.py refuses the request
# with a 400), so it is left out here; the others reach the form and must be refused there.
FORM_REFUSED = {key: name for key, name in REFUSED.items() if "\x00" not in name}


def _accounts(app: Flask) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(User)) or 0


@pytest.mark.parametrize("name", FORM_REFUSED.values(), ids=FORM_REFUSED.keys())
def test_the_coordinator_form_refuses_the_name(
    client: FlaskClient, app: Flask, world: World, name: str
) -> None:
    auth = Auth(client)
    auth.login("coorda")
    before = _accounts(app)
    response = auth.post(
        "/coordinate/accounts/new?lang=en",
        {"role": "learner", "display_name": name, "username": "", "centre": str(world.centre_a)},
        token_from="/coordinate/accounts/new",
    )
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert 'id="display_name-error"' in page
    assert "Please enter the person's name." in page or "invisible characters" in page
    assert _accounts(app) == before


@pytest.mark.parametrize("name", FORM_REFUSED.values(), ids=FORM_REFUSED.keys())
def test_the_admin_form_refuses_the_name(
    client: FlaskClient, app: Flask, world: World, name: str
) -> None:
    auth = Auth(client)
    auth.login("admin")
    before = _accounts(app)
    response = auth.post(
        "/admin?lang=en",
        {"action": "coordinator", "p-display_name": name, "p-centre": str(world.centre_b)},
        token_from="/admin",
    )
    page = html.unescape(response.get_data(as_text=True))
    assert 'class="password-display"' not in page
    assert "Please enter the person's name." in page or "invisible characters" in page
    assert _accounts(app) == before


@pytest.mark.parametrize("name", ACCEPTED[:3])
def test_both_forms_accept_a_real_name(
    client: FlaskClient, app: Flask, world: World, name: str
) -> None:
    auth = Auth(client)
    auth.login("coorda")
    created = auth.post(
        "/coordinate/accounts/new",
        {"role": "mentor", "display_name": name, "username": "", "centre": str(world.centre_a)},
        token_from="/coordinate/accounts/new",
    )
    assert 'class="password-display"' in created.get_data(as_text=True)
    auth.logout()
    auth.login("admin")
    created = auth.post(
        "/admin",
        {"action": "coordinator", "p-display_name": name, "p-centre": str(world.centre_b)},
        token_from="/admin",
    )
    assert 'class="password-display"' in created.get_data(as_text=True)
    with app.app_context():
        named = select(func.count()).select_from(User).where(User.display_name == name)
        assert get_session().scalar(named) == 2


def test_the_refusal_is_explained_in_german(client: FlaskClient, world: World) -> None:
    auth = Auth(client)
    auth.login("coorda")
    response = auth.post(
        "/coordinate/accounts/new?lang=de",
        {"role": "learner", "display_name": "Ger\u202eda", "centre": str(world.centre_a)},
        token_from="/coordinate/accounts/new",
    )
    assert "keine unsichtbaren Zeichen" in response.get_data(as_text=True)
