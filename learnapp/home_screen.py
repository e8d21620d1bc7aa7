"""What puts DigiTandem on a tablet's home screen: the web app manifest, one per language.

The manifest is the same for everybody (no cookie is read or set), so it may be cached. The
page head links the manifest of its own language, with the icons and the Safari meta tags
(templates/fragments/page_links.html).
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from learnapp.assets import asset_url
from learnapp.i18n import text_direction

bp = Blueprint("home_screen", __name__)

THEME_COLOUR = "#0b4a2e"  # the icon's green; the bar above the app on a phone
BACKGROUND_COLOUR = "#ffffff"
ICONS = (
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/icon-512.png", "512x512", "maskable"),
)


def manifest_for(lang: str) -> dict[str, object]:
    with force_locale(lang):
        description = _("Learn to use your tablet safely, on your own and with a mentor.")
        short_name = _("DigiTandem")
    return {
        "id": "/",
        "name": "DigiTandem",
        "short_name": short_name,
        "description": description,
        "lang": lang,
        "dir": text_direction(lang),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": asset_url(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }


@bp.get("/manifest-<lang>.webmanifest")
def manifest(lang: str) -> Response:
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    response = Response(
        json.dumps(manifest_for(lang), ensure_ascii=False, indent=1),
        mimetype="application/manifest+json",
    )
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response
