"""Languages: the account's choice, else ?lang=, else the browser, else German."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel
from flask_login import current_user

from learnapp.paths import TRANSLATIONS_DIR

# Languages written right to left get dir="rtl" on the page (Arabic, Persian, Hebrew, Urdu).
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
# Each language named in itself, for language choosers.
LANGUAGE_NAMES = {
    "de": "Deutsch",
    "en": "English",
    "tr": "Türkçe",
    "ru": "Русский",
    "pl": "Polski",
    "ar": "العربية",
    "uk": "Українська",
}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # a shell command speaks the default language
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("lang") in languages:
        return session["lang"]
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def remember_requested_language() -> None:
    """`?lang=en` on any page switches the language for a visitor who is not signed in."""
    wanted = request.args.get("lang")
    if wanted in current_app.config["LANGUAGES"]:
        session["lang"] = wanted


def text_direction(lang: str) -> str:
    return "rtl" if lang.split("_")[0] in RTL_LANGUAGES else "ltr"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    Babel(app, locale_selector=select_locale)
    app.before_request(remember_requested_language)
    app.jinja_env.globals["text_direction"] = text_direction
