"""DigiTandem: older people learn to use their tablets safely, alone and with a mentor."""

from __future__ import annotations

from flask import Flask

from learnapp import (
    assets,
    cli,
    compression,
    config,
    content,
    db,
    errors,
    hyphenation,
    i18n,
    login,
    pages,
    requestlog,
    security,
)
from learnapp.admin.views import bp as admin_bp
from learnapp.auth import sessions as auth_sessions
from learnapp.auth import throttle
from learnapp.auth.views import bp as auth_bp
from learnapp.coordinate.views import bp as coordinate_bp
from learnapp.health import bp as health_bp
from learnapp.home_screen import bp as home_screen_bp
from learnapp.learn.help_views import bp as help_bp
from learnapp.learn.views import bp as learn_bp
from learnapp.legal.pages import warn_about_missing_pages
from learnapp.legal.views import bp as legal_bp
from learnapp.mentor.views import bp as mentor_bp
from learnapp.offline.views import bp as offline_bp
from learnapp.paths import STATIC_DIR, TEMPLATES_DIR, instance_dir
from learnapp.settings.views import bp as settings_bp


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, commands."""
    app = Flask(
        __name__,
        instance_path=str(instance_dir()),
        instance_relative_config=True,
        template_folder=str(TEMPLATES_DIR),
        static_folder=str(STATIC_DIR),
    )
    config.load_config(app, test_config)
    compression.init_app(app)  # its after-request runs last: it sends the finished page
    requestlog.init_app(app)  # first, so every request has its id before anything can fail
    security.init_app(app)
    db.init_app(app)
    throttle.init_app(app)
    i18n.init_app(app)
    auth_sessions.init_app(app)  # before login: an idle session ends before it counts as activity
    login.init_app(app)
    content.init_app(app)
    assets.init_app(app)
    pages.init_app(app)
    hyphenation.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    db.commit_requests(app)  # last: runs first of the after-request hooks (see there)

    for blueprint in (
        auth_bp,
        learn_bp,
        help_bp,
        settings_bp,
        mentor_bp,
        coordinate_bp,
        admin_bp,
        health_bp,
        legal_bp,
        home_screen_bp,
        offline_bp,
    ):
        app.register_blueprint(blueprint)
    warn_about_missing_pages(app)
    return app
