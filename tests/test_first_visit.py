"""A first visit that reassures: the welcome page, the welcome card, "show password", and a
sign-out by mistake that costs nothing."""

from __future__ import annotations

import re

import pytest

from learnapp.access import MENTOR
from learnapp.db import get_session
from learnapp.hyphenation import SOFT_HYPHEN
from learnapp.models import Pairing
from tests.helpers import PASSWORD, count_queries, csrf_from

LESSON = "/courses/sample/sample-first"


def test_a_visitor_at_the_start_is_welcomed_not_warned(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Willkommen bei DigiTandem</h1>" in page
    assert "Sie können nichts kaputt machen" in page
    assert "So melden Sie sich an" in page and "Anmeldekarte" in page
    # the default operator; long words carry soft hyphens (learnapp/hyphenation.py)
    assert "ein Angebot Ihres Begegnungszentrums" in page.replace(SOFT_HYPHEN, "")
    assert re.search(r'<a class="button button-primary[^"]*" href="/login">Anmelden</a>', page)
    assert "message-info" not in page and "Bitte melden Sie sich" not in page


def test_the_operator_is_named_from_the_setting(app, client):
    app.config["OPERATOR_NAME"] = "dem Seniorenbüro Oldenburg"
    page = client.get("/").get_data(as_text=True)
    assert "DigiTandem ist ein Angebot von dem Seniorenbüro Oldenburg." in page


def test_the_welcome_page_in_english(client):
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "You cannot break anything" in page and "How to sign in" in page


def pair(app, learner_id: int, mentor_id: int) -> None:
    with app.app_context():
        db = get_session()
        db.add(Pairing(mentor_id=mentor_id, learner_id=learner_id))
        db.commit()


def test_a_new_learner_sees_her_mentor_and_the_one_next_step(app, client, auth, make_user):
    learner = make_user(username="erika")
    mentor = make_user(role=MENTOR, username="jonas", display_name="Jonas Brinkmann")
    pair(app, learner.id, mentor.id)
    auth.login("erika")
    page = client.get("/").get_data(as_text=True)
    card = page[page.index('class="card continue-card welcome-card"') :]
    card = card[: card.index("</section>")]
    assert "Jonas Brinkmann begleitet Sie und hilft Ihnen gern." in card
    assert "Ihr nächster Schritt:" in card and "Die erste Lektion" in card
    assert f'href="{LESSON}"' in card
    assert page.count("button-primary") == 1  # the one next step

    # Once a first lesson is done, home is the usual "Continue" card.
    assert auth.post(f"{LESSON}/done", token_from=LESSON).status_code == 302
    after = client.get("/").get_data(as_text=True)
    assert "welcome-card" not in after and "Jonas Brinkmann begleitet" not in after
    assert "Weiter, wo Sie aufgehört haben" in after or "continue-heading" in after


def test_without_a_mentor_the_card_says_one_is_being_found(client, auth, learner):
    auth.login("erika")
    page = client.get("/").get_data(as_text=True)
    assert "Ihr Zentrum sucht eine Begleitung für Sie." in page


def test_the_welcome_card_costs_the_same_queries_with_and_without_a_mentor(
    app, client, auth, make_user
):
    make_user(username="alone")
    paired = make_user(username="paired")
    mentor = make_user(role=MENTOR, username="jonas", display_name="Jonas Brinkmann")
    pair(app, paired.id, mentor.id)
    counts = []
    for name in ("alone", "paired"):
        auth.login(name)
        client.get("/")
        with count_queries(app) as statements:
            client.get("/")
        counts.append(len(statements))
        auth.logout()
    assert counts[0] == counts[1] and counts[0] <= 5, counts


@pytest.mark.parametrize("path", ["/login", "/password"])
def test_password_fields_offer_show_password_only_with_the_script(client, auth, learner, path):
    if path != "/login":
        auth.login("erika")
    page = client.get(path).get_data(as_text=True)
    box = re.search(r'<label class="choice show-password" hidden>\s*<input ([^>]*)>', page)
    assert box, "no 'show password' box"
    assert "data-show-password" in box.group(1) and "name=" not in box.group(1)
    assert "Passwort anzeigen" in page
    assert re.search(r'<script src="[^"]*show-password[^"]*\.js" defer>', page)
    assert 'type="password"' in page  # without the script: ordinary password fields


def test_a_sign_out_by_mistake_returns_to_the_same_page(client, auth, learner):
    auth.login("erika")
    lesson = client.get(LESSON).get_data(as_text=True)
    client.post(f"{LESSON}/done", data={"csrf_token": csrf_from(lesson)})
    page = client.get(LESSON).get_data(as_text=True)
    out = client.post(
        "/logout",
        data={"csrf_token": csrf_from(page)},
        headers={"Referer": f"http://localhost{LESSON}"},
    )
    assert out.status_code == 302
    assert out.headers["Location"] == f"/login?next={LESSON}"
    login_page = client.get(out.headers["Location"]).get_data(as_text=True)
    assert "Alles, was Sie gemacht haben, ist gespeichert." in login_page
    back = client.post(
        out.headers["Location"],
        data={"username": "erika", "password": PASSWORD, "csrf_token": csrf_from(login_page)},
    )
    assert back.headers["Location"] == LESSON
    again = client.get(LESSON).get_data(as_text=True)
    assert "Sie haben diese Lektion geschafft" in again  # the work was saved


@pytest.mark.parametrize("referrer", [None, "http://elsewhere.example/courses", "/login?x=1"])
def test_sign_out_goes_back_only_to_this_sites_own_pages(client, auth, learner, referrer):
    auth.login("erika")
    page = client.get("/settings").get_data(as_text=True)
    headers = {"Referer": referrer if "://" in (referrer or "") else f"http://localhost{referrer}"}
    out = client.post(
        "/logout", data={"csrf_token": csrf_from(page)}, headers=headers if referrer else {}
    )
    assert out.headers["Location"] == "/login"
