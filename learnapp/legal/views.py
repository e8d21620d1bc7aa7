"""Impressum, privacy notice, accessibility statement: open to all, linked in every footer."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from learnapp.legal import pages
from learnapp.legal.accessibility import CHECKED_ON_EVERY_PAGE, KNOWN_LIMITS
from learnapp.legal.stored_data import STORED_DATA

bp = Blueprint("legal", __name__)

TITLES = {
    "impressum": _l("Legal notice (Impressum)"),
    "datenschutz": _l("Privacy notice"),
    "barrierefreiheit": _l("Accessibility statement"),
}


def _show(name: str) -> ResponseReturnValue:
    lang = str(get_locale())
    text = pages.legal_text(name, lang)
    stored_data = render_template(
        "legal/_stored_data.html",
        entries=STORED_DATA,
        months=current_app.config["RETENTION_INACTIVE_MONTHS"],
    )
    tested = render_template(
        "legal/_tested.html", checks=CHECKED_ON_EVERY_PAGE, limits=KNOWN_LIMITS
    )
    body = pages.render_legal_text(text.markdown, stored_data, tested)
    return render_template(
        "legal/page.html",
        title=TITLES[name],
        body=body,
        text=text,
        lang=lang,
    )


@bp.get("/impressum")
def impressum() -> ResponseReturnValue:
    return _show("impressum")


@bp.get("/datenschutz")
def privacy() -> ResponseReturnValue:
    return _show("datenschutz")


@bp.get("/barrierefreiheit")
def accessibility() -> ResponseReturnValue:
    return _show("barrierefreiheit")
