"""Preferences are stored on the account and applied by the server on the next page."""

import pytest
from sqlalchemy import select

from learnapp.db import get_session
from learnapp.models import User
from tests.helpers import Auth


def save(auth, **fields):
    data = {"text_size": "100", "contrast": "normal", "language": "de", **fields}
    return auth.post("/settings", data)


def test_preferences_apply_on_the_next_page_and_on_another_device(client, auth, learner, app):
    auth.login("erika")
    assert save(auth, text_size="175", contrast="high", language="en").status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en" dir="ltr" class="text-175 contrast-high">' in page
    other = app.test_client()
    Auth(other).login("erika")
    assert 'class="text-175 contrast-high"' in other.get("/courses").get_data(as_text=True)


@pytest.mark.parametrize(
    "fields",
    [
        {"text_size": "250"},
        {"text_size": "abc"},
        {"contrast": "neon"},
        {"language": "xx"},
        {"text_size": ""},
        {"language": "de' OR 1=1"},
    ],
)
def test_values_outside_the_allowed_set_are_refused(client, auth, learner, app, fields):
    auth.login("erika")
    response = save(auth, **fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for name in fields:  # the refused field says so itself
        assert f'<p class="field-error" id="{name}-error">' in page, name
    with app.app_context():
        user = get_session().scalars(select(User).where(User.username == "erika")).one()
        assert (user.text_size, user.contrast, user.locale) == (100, "normal", None)


def test_language_switch_changes_the_interface(client, auth, learner):
    auth.login("erika")
    save(auth, language="en")  # away from the default (German) first, then back
    english = client.get("/").get_data(as_text=True)
    assert "Sign out" in english and "Abmelden" not in english
    save(auth, language="de")
    german = client.get("/").get_data(as_text=True)
    assert "Abmelden" in german and "Sign out" not in german


def test_language_before_sign_in_follows_lang_then_the_browser(client):
    assert '<html lang="de"' in client.get("/login").get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="en"' in english.get_data(as_text=True)
    client.get("/login?lang=en")
    assert '<html lang="en"' in client.get("/login").get_data(as_text=True)
    client.get("/login?lang=klingon")
    assert '<html lang="en"' in client.get("/login").get_data(as_text=True)


def test_error_pages_speak_the_learners_language(client, auth, learner):
    auth.login("erika")
    save(auth, language="en")
    assert "Page not found" in client.get("/courses/none").get_data(as_text=True)
    save(auth, language="de")
    assert "<h1>Seite nicht gefunden</h1>" in client.get("/courses/none").get_data(as_text=True)


# --- Seven languages, each offered in its own name and script ---

SERVED = ("de", "en", "tr", "ru", "uk", "pl", "ar")
OWN_NAMES = {
    "de": "Deutsch",
    "en": "English",
    "tr": "Türkçe",
    "ru": "Русский",
    "uk": "Українська",
    "pl": "Polski",
    "ar": "العربية",
}


def test_the_app_serves_seven_languages(app):
    assert tuple(app.config["LANGUAGES"]) == SERVED


def test_settings_offer_each_language_in_its_own_name_marked_with_its_language_and_direction(
    client, auth, learner
):
    auth.login("erika")
    page = client.get("/settings").get_data(as_text=True)
    for code, name in OWN_NAMES.items():
        direction = "rtl" if code == "ar" else "ltr"
        assert f'value="{code}"' in page, code
        assert f'<span lang="{code}" dir="{direction}">{name}</span>' in page, code


@pytest.mark.parametrize("lang", SERVED)
def test_each_language_can_be_chosen_and_sets_lang_and_direction_on_the_page(
    client, auth, learner, lang
):
    auth.login("erika")
    assert save(auth, language=lang).status_code == 302
    page = client.get("/settings").get_data(as_text=True)
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}"' in page


@pytest.mark.parametrize("lang", SERVED)
def test_lang_and_the_browsers_language_reach_every_served_language(client, app, lang):
    direction = "rtl" if lang == "ar" else "ltr"
    by_link = client.get(f"/login?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}"' in by_link
    browser = app.test_client().get("/login", headers={"Accept-Language": f"{lang};q=0.9,fr;q=1"})
    assert f'<html lang="{lang}"' in browser.get_data(as_text=True)


def test_the_language_links_before_sign_in_name_each_language_in_its_script(client):
    page = client.get("/login?lang=de").get_data(as_text=True)
    assert 'lang="ar" dir="rtl" hreflang="ar">العربية</a>' in page
    assert 'lang="ru" dir="ltr" hreflang="ru">Русский</a>' in page


@pytest.mark.parametrize(("lang", "label"), [("de", "175\xa0%"), ("en", "175%"), ("tr", "%175")])
def test_text_sizes_are_written_as_the_reader_writes_a_percentage(
    client, auth, learner, lang, label
):
    auth.login("erika")
    save(auth, language=lang)
    page = client.get("/settings").get_data(as_text=True)
    assert f"<span>{label}</span>" in page
