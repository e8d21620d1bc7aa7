"""The coordinator's pages at the large size: a centre of 500 learners and 25 mentors.

Its own live server and database (the large demo generator), signed in as the generator's
coordinator. Each page at the four viewports and at 200 % text: axe-core finds nothing, every
touch target is at least 48 × 48, nothing scrolls sideways, no text is squeezed to fewer than
8 characters a line, every image has loaded; the HTML stays under 100 KB.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from learnapp import create_app
from learnapp.content import get_library
from learnapp.db import get_session
from learnapp.demo_large import generate
from learnapp.models import Base, Pairing, User
from learnapp.paths import CONTENT_DIR
from tests.browser.checks import STYLE_RULES, VIEWPORTS, axe_violations, measure
from tests.browser.conftest import QuietHandler

if TYPE_CHECKING:  # Playwright may be missing: then the suite is skipped, not broken
    from playwright.sync_api import Browser, Page

PASSWORD = "Grosser-Datensatz-2026"
PAGES = [
    "/coordinate",
    "/coordinate?page=2",
    "/coordinate/accounts",
    "/coordinate/accounts?role=learner&without_mentor=1",
    "/coordinate/pairings",
    "/coordinate/people/{learner}",
    "/coordinate/reports",
]
MIN_CHARACTERS_PER_LINE = 8

# Boxes with their own text that wraps while narrower than 8 average characters of their font:
# a label or value squeezed to a few letters a line. Inline text is measured by its block;
# hidden text and <option>s are skipped.
NARROW_TEXT_JS = """() => {
  const squeezed = [];
  for (const el of document.querySelectorAll("main *")) {
    if (el.closest("select, .visually-hidden")) continue;
    const own = [...el.childNodes].filter((n) => n.nodeType === 3)
      .map((n) => n.textContent).join("").trim();
    if (own.length < 8) continue;
    const box = el.getBoundingClientRect();
    if (box.width < 2) continue;
    const style = getComputedStyle(el);
    if (style.display === "inline") continue;  // it flows in its block, which is measured
    const character = parseFloat(style.fontSize) * 0.5;
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
    const wraps = box.height > line * 1.5;  // one short line in a snug box is not squeezed
    if (wraps && box.width < 8 * character) {
      squeezed.push(own.slice(0, 40) + ` (${Math.round(box.width)} px)`);
    }
  }
  return squeezed;
}"""
IMAGES_JS = """() => [...document.images]
  .filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.src)"""
LARGE_TEXT = "text-200 contrast-normal"


@pytest.fixture(scope="module")
def large_centre(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A live server over a centre of 500 learners; its URL and a paired learner's id."""
    folder = tmp_path_factory.mktemp("large")
    app = create_app(
        {
            "SECRET_KEY": "large-browser-tests-secret-key-0123456789",
            "DATABASE_URL": f"sqlite:///{folder / 'large.db'}",
            "CONTENT_DIR": str(CONTENT_DIR),
            "CONTENT_AUTO_RELOAD": False,
        }
    )
    engine = app.extensions["learnapp_db"].engine
    Base.metadata.create_all(engine)
    with app.app_context():
        db = get_session()
        generate(db, get_library(), centres=1, mentors=25, learners=500, password=PASSWORD)
        db.commit()
        paired = select(User.id).join(Pairing, Pairing.learner_id == User.id)
        learner = db.scalars(paired.order_by(User.id)).first()
        assert learner is not None
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="large-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", learner
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        engine.dispose()


@pytest.fixture(scope="module")
def coordinator_page(browser: Browser, large_centre: tuple[str, int]) -> Iterator[Page]:
    url, _learner = large_centre
    context = browser.new_context(base_url=url, locale="de-DE", reduced_motion="reduce")
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", "c1")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert "/login" not in page.url
    yield page
    context.close()


def _layout_problems(page: Page, where: str) -> list[str]:
    problems = []
    wide = measure(page, "overflow")
    if wide["scrollWidth"] > wide["clientWidth"]:
        problems.append(f"{where}: scrolls sideways ({wide['scrollWidth']} px)")
    problems += [f"{where}: target under 48×48: {t}" for t in measure(page, "targets")["small"]]
    problems += [f"{where}: squeezed text: {t}" for t in page.evaluate(NARROW_TEXT_JS)]
    return problems


@pytest.mark.parametrize("path", PAGES)
def test_coordinator_page_at_500_learners(coordinator_page, large_centre, path):
    page = coordinator_page
    page.set_viewport_size(VIEWPORTS["tablet portrait"])
    response = page.goto(path.format(learner=large_centre[1]))
    assert response is not None and response.status == 200, path
    size = len(response.body())
    assert size < 100_000, f"{path}: {size} bytes"
    problems = [f"axe: {v}" for v in axe_violations(page)]
    problems += [f"image not loaded: {src}" for src in page.evaluate(IMAGES_JS)]
    for name, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        problems += _layout_problems(page, name)
    page.evaluate("(c) => { document.documentElement.className = c; }", LARGE_TEXT)
    page.set_viewport_size(VIEWPORTS["tablet portrait"])
    problems += [f"200 % text: axe: {v}" for v in axe_violations(page, STYLE_RULES)]
    for name, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        problems += [f"200 % text: {p}" for p in _layout_problems(page, name)]
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


def test_the_squeezed_text_probe_finds_a_squeezed_label(coordinator_page, large_centre):
    """The quick 8-characters probe is live: a label forced to 3 characters' width is found."""
    page = coordinator_page
    page.goto("/coordinate/accounts")
    page.evaluate(
        """() => { const p = document.createElement("p");
          p.textContent = "Wissensfragen, die zweimal falsch beantwortet wurden";
          p.style.width = "30px"; document.querySelector("main").append(p); }"""
    )
    assert any("Wissensfragen" in t for t in page.evaluate(NARROW_TEXT_JS))
