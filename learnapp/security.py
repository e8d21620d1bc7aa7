"""Security headers on every response: a strict CSP, no framing, no caching of personal pages.

Everything the app serves comes from its own host and no page has inline scripts or styles,
so the policy can forbid both. A response that brings its own policy keeps it (the lesson
image route sends a stricter one for SVG files).
"""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self'",
        "style-src 'self'",
        "script-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
# What sign-out asks the browser to forget on a shared tablet. Not "cookies": the response
# itself sets the fresh, empty session cookie that carries the "signed out" message.
CLEAR_SITE_DATA = '"cache", "storage"'


def add_security_headers(response: Response) -> Response:
    """Set the headers a response does not set itself; personal pages are never stored."""
    # One pass over the response's header names: Headers.setdefault scans the whole list
    # for each header, which cost more than anything else this hook does.
    present = {name.lower() for name, _value in response.headers.items()}
    for name, value in HEADERS.items():
        if name.lower() not in present:
            response.headers.add(name, value)
    seconds = current_app.config["HSTS_SECONDS"]
    if request.is_secure and seconds:
        response.headers.setdefault(
            "Strict-Transport-Security", f"max-age={int(seconds)}; includeSubDomains"
        )
    # Static files and lesson pictures choose their own caching; every other page may
    # show someone's name or progress, and a shared tablet's back button must not reveal it.
    if request.endpoint != "static" and not response.cache_control.public:
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    return response


def refuse_nul_characters() -> None:
    """A NUL character has no business in an address or a form; refuse it at the door.

    File paths and PostgreSQL both reject it with an exception, which would be a 500. Forms
    are checked in any encoding (url-encoded and multipart: request.form holds both), field
    names too, and the names of uploaded files.
    """
    if "\x00" in request.path:
        abort(404)  # no page has such an address
    values = [*request.args.keys(), *request.args.values()]
    if request.method not in ("GET", "HEAD"):  # a form has a body only here; reading it parses
        values.extend(request.form.keys())
        values.extend(value for _key, value in request.form.items(multi=True))
        values.extend(request.files.keys())
        values.extend(file.filename or "" for _key, file in request.files.items(multi=True))
    if any("\x00" in value for value in values):
        abort(400)


def clear_site_data(response: Response) -> Response:
    """Mark a response (sign-out) so the browser drops the site's cache and storage."""
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


def init_app(app: Flask) -> None:
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        # Behind a reverse proxy: the client's address and https come from its headers.
        # Flask's documented way to wrap its WSGI callable; setattr, as mypy takes the
        # attribute for a method that must not be replaced.
        setattr(  # noqa: B010
            app,
            "wsgi_app",
            ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies),
        )
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)
