"""Real-browser fixtures: Debian's Chromium, a live server on 127.0.0.1, signed-in contexts.

The server runs the real app (threaded werkzeug) on a free port with a fresh SQLite database
and the bundled courses, once per test session. Without a Chromium the tests are skipped with
the reason shown, except under CI=true, where a missing browser fails the run.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from learnapp import create_app
from learnapp.db import get_session
from learnapp.models import Base
from learnapp.paths import CONTENT_DIR
from tests.browser import accounts
from tests.browser.chromium import CHROMIUM_ARGS, CHROMIUM_ENV, find_chromium

try:  # Playwright is a test dependency; without it the suite says so instead of failing.
    from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
except ImportError:  # pragma: no cover - exercised only where the package is missing
    sync_playwright = None  # type: ignore[assignment]

TABLET = {"width": 810, "height": 1080}
SCREENSHOT_DIR = Path(__file__).parent / "screenshots"


def why_not_run() -> str | None:
    """The reason the browser suite cannot run here, or None when it can."""
    if os.environ.get("LEARNAPP_TEST_DATABASE_URL"):
        return "browser tests run in the SQLite pass only (LEARNAPP_TEST_DATABASE_URL is set)"
    if sync_playwright is None:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    if find_chromium() is None:
        return (
            f"no Chromium found: set {CHROMIUM_ENV} or install Debian's package "
            "(apt-get install chromium)"
        )
    return None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: runs in a real Chromium against a live server")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    reason = why_not_run()
    in_ci = os.environ.get("CI", "").lower() == "true"
    on_postgres = bool(os.environ.get("LEARNAPP_TEST_DATABASE_URL"))
    for item in items:
        if here not in Path(str(item.path)).parents:
            continue
        item.add_marker(pytest.mark.browser)
        if reason is None:
            continue
        # CI must prove the pages in a browser: there the `browser` fixture fails instead.
        if not (in_ci and not on_postgres):
            item.add_marker(pytest.mark.skip(reason=reason))


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        """The access log would bury pytest's output."""


@dataclass
class LiveServer:
    url: str
    app: Flask
    ids: dict[str, int] = field(default_factory=dict)  # filled into table paths: {learner}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real app on 127.0.0.1 and a free port: fresh SQLite, bundled courses, test users."""
    folder = tmp_path_factory.mktemp("browser")
    app = create_app(
        {
            "SECRET_KEY": "browser-tests-secret-key-0123456789abcdef",
            "DATABASE_URL": f"sqlite:///{folder / 'browser.db'}",
            "CONTENT_DIR": str(CONTENT_DIR),
            "CONTENT_AUTO_RELOAD": False,
        }
    )
    engine = app.extensions["learnapp_db"].engine
    Base.metadata.create_all(engine)
    with app.app_context():
        ids = accounts.create_all(get_session())
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app, ids=ids)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    reason = why_not_run()
    if reason is not None:
        pytest.fail(f"CI=true, so the browser tests must run, but {reason}", pytrace=False)
    executable = find_chromium()
    assert executable is not None and sync_playwright is not None
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """A page with everything it asked for recorded: requests, console errors, script errors."""

    page: Page
    base_url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def offsite(self) -> list[str]:
        host = urlsplit(self.base_url).netloc
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob", "about")
            and urlsplit(url).netloc != host
        ]


class Browsing:
    """Opens pages for an account (signed in once per session), with or without JavaScript.

    Contexts (cookies, cache) are kept per account for the whole session, as a tablet keeps
    them; a test that needs a clean one asks for `fresh=True`. Pages close after each test.
    """

    def __init__(self, browser: Browser, server: LiveServer) -> None:
        self.browser = browser
        self.server = server
        self._states: dict[str, dict] = {}
        self._shared: dict[tuple, BrowserContext] = {}
        self._fresh: list[BrowserContext] = []
        self._pages: list[Page] = []

    def state(self, username: str | None) -> dict | None:
        """Cookies of a sign-in through the real form, made once per account."""
        if username is None:
            return None
        if username not in self._states:
            context = self.browser.new_context(base_url=self.server.url, locale="de-DE")
            page = context.new_page()
            page.goto("/login")
            page.fill("#username", username)
            page.fill("#password", accounts.PASSWORD)
            with page.expect_navigation():
                page.click("form.form button[type=submit]")
            assert "/login" not in page.url, f"{username} could not sign in"
            self._states[username] = context.storage_state()
            context.close()
        return self._states[username]

    def context(
        self, username: str | None, *, javascript: bool = True, fresh: bool = False, **options
    ) -> BrowserContext:
        """The account's context; `fresh`: a new one, signed out unless `username` is given."""
        key = (username, javascript, tuple(sorted(options.items())))
        if not fresh and key in self._shared:
            return self._shared[key]
        # German unless the test asks for another browser language (locale="ar").
        context = self.browser.new_context(
            base_url=self.server.url,
            **{"locale": "de-DE", "viewport": TABLET, **options},
            java_script_enabled=javascript,
            storage_state=self.state(username),
            reduced_motion="reduce",
        )
        if fresh:
            self._fresh.append(context)
        else:
            self._shared[key] = context
        return context

    def open(self, username: str | None, **options) -> Visit:  # type: ignore[no-untyped-def]
        """A new page for the account, recording every request and every error it reports."""
        page = self.context(username, **options).new_page()
        self._pages.append(page)
        return self.watch(page)

    def watch(self, page: Page) -> Visit:
        visit = Visit(page=page, base_url=self.server.url)
        page.on("request", lambda request: visit.requests.append(request.url))
        page.on("pageerror", lambda error: visit.errors.append(f"script error: {error}"))
        page.on(
            "console",
            lambda message: (
                visit.errors.append(f"console {message.type}: {message.text}")
                if message.type == "error"
                else None
            ),
        )
        return visit

    def end_test(self) -> None:
        for page in self._pages:
            if not page.is_closed():
                page.close()
        self._pages.clear()
        for context in self._fresh:
            context.close()
        self._fresh.clear()

    def close(self) -> None:
        self.end_test()
        for context in self._shared.values():
            context.close()
        self._shared.clear()


@pytest.fixture(scope="session")
def _session_browsing(browser: Browser, live_server: LiveServer) -> Iterator[Browsing]:
    browsing = Browsing(browser, live_server)
    yield browsing
    browsing.close()


@pytest.fixture
def browsing(_session_browsing: Browsing) -> Iterator[Browsing]:
    """Per test: the pages and fresh contexts a test opened are closed after it."""
    yield _session_browsing
    _session_browsing.end_test()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Screenshots of this run (git-ignored); `make screenshots` copies them to docs/."""
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    return SCREENSHOT_DIR


@pytest.fixture
def show(browsing: Browsing):  # type: ignore[no-untyped-def]
    """show(spec, setting): the page of a table row as the row's role sees it at a setting."""

    def open_spec(spec, setting: str = "default", **options) -> Visit:  # type: ignore[no-untyped-def]
        visit = browsing.open(spec.account or accounts.username(spec.role, setting), **options)
        response = visit.page.goto(spec.path.format(**browsing.server.ids))
        if spec.then is not None:
            response = spec.then(visit.page)
        assert response is not None
        assert response.status == spec.status, f"{spec.path} answered {response.status}"
        return visit

    return open_spec
