"""What every page needs: the learner's display preferences and language in the template."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale
from flask_login import current_user

from learnapp.content.render import render_markdown
from learnapp.i18n import LANGUAGE_NAMES
from learnapp.models import CONTRASTS, TEXT_SIZES


def page_context() -> dict[str, object]:
    """Classes for <html>, chosen by the server so no page flashes the wrong style."""
    size, contrast = TEXT_SIZES[0], CONTRASTS[0]
    if current_user.is_authenticated:
        size = current_user.text_size if current_user.text_size in TEXT_SIZES else size
        contrast = current_user.contrast if current_user.contrast in CONTRASTS else contrast
    return {
        "page_lang": str(get_locale()),
        "html_classes": f"text-{size} contrast-{contrast}",
        "language_names": LANGUAGE_NAMES,
    }


def split_paragraphs(text: str) -> list[str]:
    """Plain text with blank lines between paragraphs, as authors write e-mail bodies."""
    return [part.strip() for part in text.split("\n\n") if part.strip()]


def init_app(app: Flask) -> None:
    app.context_processor(page_context)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["split_paragraphs"] = split_paragraphs
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
