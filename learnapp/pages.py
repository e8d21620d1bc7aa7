"""What every page needs: the learner's display preferences and language in the template."""

from __future__ import annotations

from datetime import UTC, datetime

from babel.dates import format_skeleton
from flask import Flask, current_app, g, request, session
from flask_babel import format_decimal, get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from learnapp import fragments
from learnapp.access import LEARNER, MENTOR
from learnapp.clock import CENTRE_TZ
from learnapp.content import get_library
from learnapp.db import get_session
from learnapp.helpdesk import queries as helpdesk
from learnapp.home_screen import THEME_COLOUR
from learnapp.i18n import LANGUAGE_NAMES
from learnapp.lru import LruCache
from learnapp.models import CONTRASTS, TEXT_SIZES

SITE_HEADER = "fragments/site_header.html"
PAGE_CSRF_TOKEN = "page_csrf_token"  # key in flask.g
HELP_ORIGIN = "help_origin"  # key in flask.g: the page "Help" names, if not this one
CSRF_SESSION_KEY = "csrf_token"  # where flask-wtf keeps the session's secret (WTF_CSRF_FIELD_NAME)


def page_classes() -> str:
    """Classes for <html>, chosen by the server so no page flashes the wrong style."""
    size, contrast = TEXT_SIZES[0], CONTRASTS[0]
    if current_user.is_authenticated:
        size = current_user.text_size if current_user.text_size in TEXT_SIZES else size
        contrast = current_user.contrast if current_user.contrast in CONTRASTS else contrast
    return f"text-{size} contrast-{contrast}"


def csrf_token() -> str:
    """The page's CSRF token for its forms, looked up once per request, not once per form.

    flask-wtf signs the session's secret anew for every page (a key derivation and an HMAC).
    With tokens that live as long as the session (WTF_CSRF_TIME_LIMIT = None) a token signed
    once stays valid, so it is kept per session secret for the next page.
    """
    token: str | None = g.get(PAGE_CSRF_TOKEN)
    if token is None:
        secret = session.get(CSRF_SESSION_KEY)
        lasting = current_app.config["WTF_CSRF_TIME_LIMIT"] is None
        token = _SIGNED_TOKENS.get(secret) if lasting and isinstance(secret, str) else None
        if token is None:
            token = generate_csrf()
            if lasting:
                _SIGNED_TOKENS.put(session[CSRF_SESSION_KEY], token)
        setattr(g, PAGE_CSRF_TOKEN, token)
    return token


_SIGNED_TOKENS = LruCache[str, str](most=10_000)  # about 1 MB: every signed-in tablet of a centre


def page_context() -> dict[str, object]:
    return {
        "page_lang": str(get_locale()),
        "html_classes": page_classes(),
        "language_names": LANGUAGE_NAMES,
    }


def lesson_title(lesson_id: str) -> str:
    """A lesson's title in the reader's language (an id from the database may be gone)."""
    library = get_library()
    course_id = library.lesson_course.get(lesson_id)
    if course_id is None:
        return lesson_id
    lesson = library.courses[course_id].lesson(lesson_id, str(get_locale()), library.default_lang)
    return lesson.title if lesson else lesson_id


def _when(local: datetime, with_time: bool = True) -> str:
    """ "Do., 3. Dez. 2026, 10:00" / "Thu, Dec 3, 2026, 10:00": each language's own order."""
    locale = str(get_locale() or "de")
    day = format_skeleton("yMMMEd" if with_time else "yMMMd", local, locale=locale)
    return f"{day}, {format_skeleton('Hm', local, locale=locale)}" if with_time else day


def wall_clock(value: datetime) -> str:
    """A tandem session's instant (naive UTC) on the centre's clock."""
    return utc_to_local(value)


def utc_to_local(value: datetime, with_time: bool = True) -> str:
    """A stored UTC time (activity, audit), shown on the centre's clock."""
    return _when(value.replace(tzinfo=UTC).astimezone(CENTRE_TZ), with_time)


def split_paragraphs(text: str) -> list[str]:
    """Plain text with blank lines between paragraphs, as authors write e-mail bodies."""
    return [part.strip() for part in text.split("\n\n") if part.strip()]


def site_header() -> Markup:
    """The brand, "Help", sign-out button and main menu: a fragment kept per language, role,
    page and (mentors) number of open help requests, with this page's token in the sign-out
    form and this page in the "Help" link."""
    role = current_user.role if current_user.is_authenticated else None
    open_help = 0
    if role == MENTOR:
        open_help = helpdesk.open_count(get_session(), current_user)
    header = fragments.draw(
        SITE_HEADER, lang=str(get_locale()), role=role, here=request.endpoint, open_help=open_help
    )
    if role is None:
        return header
    if role == LEARNER:
        origin = g.get(HELP_ORIGIN) or request.script_root + request.path
        header = fragments.with_page_origin(header, origin)
    return fragments.with_page_token(header, csrf_token())


def csrf_field() -> Markup:
    """A form's CSRF field with this page's token (in a kept fragment: a mark, see fragments)."""
    return Markup(f'<input type="hidden" name="csrf_token" value="{escape(csrf_token())}">')  # noqa: S704


def page_links() -> Markup:
    """Style sheets and icon: the same on every page (fingerprinted names, script root)."""
    return fragments.draw(
        "fragments/page_links.html", lang=str(get_locale()), theme_colour=THEME_COLOUR
    )


def skip_link() -> Markup:
    return fragments.draw("fragments/skip_link.html", lang=str(get_locale()))


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token  # in place of flask-wtf's own
    app.jinja_env.globals["csrf_field"] = csrf_field
    app.jinja_env.globals["site_header"] = site_header
    app.jinja_env.globals["page_links"] = page_links
    app.jinja_env.globals["skip_link"] = skip_link
    app.context_processor(page_context)
    app.jinja_env.filters["datetime_short"] = utc_to_local
    app.jinja_env.filters["date_short"] = lambda value: utc_to_local(value, with_time=False)
    app.jinja_env.filters["wall_clock"] = wall_clock
    app.jinja_env.filters["day"] = lambda value: format_skeleton(
        "yMMMd", value, locale=str(get_locale() or "de")
    )
    app.jinja_env.globals["lesson_title"] = lesson_title
    app.jinja_env.filters["decimal"] = lambda value: format_decimal(value)
    app.jinja_env.filters["split_paragraphs"] = split_paragraphs
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    fragments.init_app(app)  # last: its environment copies the settings above
