"""Friendly error pages in the learner's language, also while the database is down.

Ordinary pages (404, 403, …) are drawn with the site's layout. A server error, an unreachable
or busy database, or a short maintenance is drawn by `standalone_page`: a page that needs
nothing but the template files, so it cannot fail again on the same dead database (loading
the signed-in user for the layout would). It always shows the request id, and the error is
logged with its traceback under that id.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from learnapp import maintenance
from learnapp.requestlog import request_id

SHOWN_CODES = (400, 403, 404, 405, 413)
# Seconds a browser or proxy is asked to wait before trying again after a 503.
RETRY_AFTER_SECONDS = 30

# Only if the template itself cannot be drawn (a broken install): still kind, both languages.
LAST_RESORT = """<!doctype html>
<html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Entschuldigung / Sorry – DigiTandem</title></head>
<body><main>
<h1>Entschuldigung, da ist etwas schiefgegangen.</h1>
<p>Es liegt nicht an Ihnen. Bitte versuchen Sie es in einer Minute noch einmal.</p>
<p>Nennen Sie Ihrer Mentorin oder Ihrem Mentor diese Nummer: <strong>{rid}</strong></p>
<h1 lang="en">Sorry, something went wrong.</h1>
<p lang="en">It is not your fault. Please try again in a minute.</p>
<p lang="en">Tell your mentor this number: <strong>{rid}</strong></p>
</main></body></html>
"""


def language_without_database() -> str:
    """The page language from what the request carries, never from the database.

    A user the request already loaded counts (only its loaded values are read: touching an
    expired attribute would ask the database again); then the language chosen in the
    session cookie, then the browser's.
    """
    languages = current_app.config["LANGUAGES"]
    user = g.get("_login_user")
    locale = getattr(user, "__dict__", {}).get("locale")
    if locale in languages:
        return str(locale)
    if session.get("lang") in languages:
        return str(session["lang"])
    best = request.accept_languages.best_match(languages)
    return str(best or current_app.config["BABEL_DEFAULT_LOCALE"])


def standalone_page(code: int, reason: str) -> Response:
    """A complete error page that reads no database: reason is "error", "database" or
    "maintenance"."""
    rid = request_id() or ""
    lang = language_without_database()
    try:
        with force_locale(lang):
            template = current_app.jinja_env.get_template("errors/standalone.html")
            body = template.render(code=code, reason=reason, request_id=rid, page_lang=lang)
    except Exception:  # the page of last resort must not fail for any reason
        current_app.logger.exception("the error page could not be drawn")
        body = LAST_RESORT.format(rid=escape(rid))
    response = Response(body, code, mimetype="text/html")
    if code == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _page(code: int) -> ResponseReturnValue:
    return render_template(f"errors/{code}.html", code=code), code


def handle_http(error: HTTPException) -> ResponseReturnValue:
    code = error.code or 500
    if code == 503:
        return standalone_page(503, "database")
    if code not in SHOWN_CODES:
        return error
    return _page(code)


def handle_csrf(_error: CSRFError) -> ResponseReturnValue:
    return render_template("errors/400.html", code=400, csrf=True), 400


def handle_server_error(_error: InternalServerError) -> ResponseReturnValue:
    """Flask has logged the exception with its traceback (and the request id) already.

    The session is left alone: rolling back would expire the loaded user, and the request log
    line would then ask the dead database for its id. Closing it at teardown is enough.
    """
    return standalone_page(500, "error")


def handle_database_error(error: OperationalError | InterfaceError) -> ResponseReturnValue:
    """The database is unreachable, too busy (a lock or statement timeout), or full."""
    current_app.logger.error(
        "database unavailable on %s %s: %s",
        request.method,
        request.path,
        error.orig if error.orig is not None else error,
        exc_info=error,
    )
    return standalone_page(503, "database")


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(OperationalError, handle_database_error)
    app.register_error_handler(InterfaceError, handle_database_error)
    # Registered after the request log and the security headers: its after-request check
    # runs before theirs, so they see (and log) the maintenance page it may put in place.
    maintenance.init_app(app, standalone_page)
