"""Security headers, cookies, caching, request ids and the request log."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask, request

from learnapp import config
from learnapp.security import CONTENT_SECURITY_POLICY
from tests.security.hostile import assert_no_active_content

REQUEST_ID = re.compile(r"^\d{4}-\d{4}$")


@pytest.mark.parametrize("path", ["/login", "/healthz", "/no-such-page", "/static/css/app.css"])
def test_every_response_has_the_security_headers(client, path):
    with client.get(path) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert "form-action 'self'" in csp
    assert "http" not in csp  # no foreign hosts
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in headers  # plain HTTP here
    assert REQUEST_ID.match(headers["X-Request-ID"])


def test_hsts_only_over_https(client):
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_behind_a_trusted_proxy_https_and_client_address_come_from_its_headers(app, tmp_path):
    from learnapp import create_app

    proxied = create_app(dict(app.config, TRUSTED_PROXIES=1))

    @proxied.get("/seen-from")
    def seen_from():  # type: ignore[no-untyped-def]
        return f"{request.scheme} {request.remote_addr}"

    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    client = proxied.test_client()
    response = client.get("/login", headers=forwarded)
    assert "Strict-Transport-Security" in response.headers
    assert client.get("/seen-from", headers=forwarded).get_data(as_text=True) == (
        "https 203.0.113.9"
    )
    proxied.extensions["learnapp_db"].engine.dispose()


def test_the_image_route_keeps_its_own_stricter_policy(client, auth, learner):
    auth.login("erika")
    with client.get("/courses/sample/images/tablet.svg") as response:
        pass
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/", "/courses", "/courses/sample/sample-first", "/settings"])
def test_personal_pages_are_never_stored(client, auth, learner, path):
    auth.login("erika")
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_are_not_marked_no_store(client):
    with client.get("/static/css/app.css") as response:
        pass
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_pages_have_no_inline_script_or_style(client, auth, learner):
    auth.login("erika")
    for path in ("/login", "/", "/courses/sample/sample-first", "/settings", "/password"):
        html = client.get(path).get_data(as_text=True)
        assert "<style" not in html and " style=" not in html, path
        assert_no_active_content(html, path)


def test_session_cookie_flags(client, auth, learner):
    response = auth.login("erika")
    cookie = next(
        value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")
    )
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def _bare_app(instance: Path) -> Flask:
    return Flask("learnapp", instance_path=str(instance), instance_relative_config=True)


@pytest.mark.parametrize(
    ("settings", "secure"),
    [
        ({"ENVIRONMENT": "production"}, True),
        ({"ENVIRONMENT": "development"}, False),
        ({"ENVIRONMENT": "production", "TESTING": True}, False),
        ({"ENVIRONMENT": "production", "SESSION_COOKIE_SECURE": False}, False),
    ],
)
def test_session_cookie_is_secure_in_production(tmp_path, settings, secure):
    app = _bare_app(tmp_path)
    config.load_config(app, {"SECRET_KEY": "x" * 40, **settings})
    assert app.config["SESSION_COOKIE_SECURE"] is secure


def test_sign_out_sends_clear_site_data(client, auth, learner):
    auth.login("erika")
    response = auth.logout()
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert response.headers["Cache-Control"] == "no-store"


def test_csp_constant_is_what_is_sent(client):
    assert client.get("/login").headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_one_log_line_per_request_with_status_time_and_id(client, capsys):
    response = client.get("/login")
    client.get("/no-such-page")
    lines = [line for line in capsys.readouterr().err.splitlines() if "learnapp.requests" in line]
    assert len(lines) == 2
    rid = response.headers["X-Request-ID"]
    assert f"request={rid} GET /login 200 " in lines[0] and " user=- pid=" in lines[0]
    assert re.search(r" 404 \d+\.\dms ", lines[1])


def test_error_page_shows_the_request_id_that_the_log_has(app, client, capsys, caplog):
    @app.get("/boom")
    def boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("kaputt")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the friendly page
    response = client.get("/boom?lang=en")
    assert response.status_code == 500
    rid = response.headers["X-Request-ID"]
    page = response.get_data(as_text=True)
    assert "tell your mentor this number" in page and rid in page
    assert f"request={rid} GET /boom 500" in capsys.readouterr().err
    logged = [r for r in caplog.records if r.name == app.logger.name]
    assert logged[0].getMessage().startswith("Exception on /boom")
    assert logged[0].request_id == rid
    assert "kaputt" in str(logged[0].exc_info[1])


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["status"] == "ok"
