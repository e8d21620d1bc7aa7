"""What every page needs: the learner's display preferences and language in the template."""

from __future__ import annotations

from datetime import UTC, datetime

from babel.dates import format_skeleton
from flask import Flask, current_app, get_template_attribute, request
from flask_babel import format_decimal, get_locale
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from learnapp.clock import CENTRE_TZ
from learnapp.content import get_library
from learnapp.i18n import LANGUAGE_NAMES
from learnapp.learn.cards import course_card
from learnapp.models import CONTRASTS, TEXT_SIZES
from learnapp.page_shells import ShellCache, templates_reload

HEADERS_KEY = "learnapp_site_headers"
HEADER_MACROS = "macros/site_header.html"


def page_classes() -> str:
    """Classes for <html>, chosen by the server so no page flashes the wrong style."""
    size, contrast = TEXT_SIZES[0], CONTRASTS[0]
    if current_user.is_authenticated:
        size = current_user.text_size if current_user.text_size in TEXT_SIZES else size
        contrast = current_user.contrast if current_user.contrast in CONTRASTS else contrast
    return f"text-{size} contrast-{contrast}"


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


@pass_context
def site_header(context: Context) -> Markup:
    """The bar and main menu of a page, drawn once per language, role and page, then kept.

    The sign-out form's token comes from the page's own `csrf_token`, so a lesson page drawn
    as a shell (learn.views) gets a hole there, not a token baked in.
    """
    role = current_user.role if current_user.is_authenticated else None
    holes = {"token": context["csrf_token"]()} if role else {}
    key = (request.script_root, str(get_locale()), role, request.endpoint)

    def draw(marks):  # type: ignore[no-untyped-def]
        macro = get_template_attribute(HEADER_MACROS, "draw_site_header")
        return macro(role, request.endpoint, marks.get("token", ""))

    headers: ShellCache = current_app.extensions[HEADERS_KEY]
    # The macro's output is escaped template output, kept as it was drawn.
    return Markup(headers.fill(key, holes, draw, keep=not templates_reload()))


def init_app(app: Flask) -> None:
    app.extensions[HEADERS_KEY] = ShellCache(max_shells=1024)
    app.jinja_env.globals["site_header"] = site_header
    app.context_processor(page_context)
    app.jinja_env.filters["datetime_short"] = utc_to_local
    app.jinja_env.filters["date_short"] = lambda value: utc_to_local(value, with_time=False)
    app.jinja_env.filters["wall_clock"] = wall_clock
    app.jinja_env.filters["day"] = lambda value: format_skeleton(
        "yMMMd", value, locale=str(get_locale() or "de")
    )
    app.jinja_env.globals["lesson_title"] = lesson_title
    app.jinja_env.globals["course_card"] = course_card
    app.jinja_env.filters["decimal"] = lambda value: format_decimal(value)
    app.jinja_env.filters["split_paragraphs"] = split_paragraphs
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
