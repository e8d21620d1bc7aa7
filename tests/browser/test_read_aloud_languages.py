"""Read aloud in the lesson's language: a Turkish lesson with a Turkish voice, never with another
language's voice; where the tablet has no voice for the language (Arabic here), a message in
the reader's language instead. The German shown beside a translation is not read.

The page comes from an app of its own that serves Turkish and Arabic lessons (a test course,
tests/test_german_alongside.py), reached through the browser by routing its requests to the
app's test client; speechSynthesis is the recording stand-in with a chosen list of voices.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from flask import Flask

from tests.browser.checks import STYLE_RULES, VIEWPORTS, axe_violations, measure
from tests.browser.test_pages import apply_setting, sideways
from tests.browser.test_read_aloud import FAKE_SPEECH, PLAY, said
from tests.test_german_alongside import LESSON, reader
from tests.test_german_alongside import content_dir as content_dir  # the test course

if TYPE_CHECKING:  # Playwright may be missing: then the suite is skipped, not broken
    from playwright.sync_api import Browser, Page, Route
    from playwright.sync_api import Request as BrowserRequest

BASE = "http://lessons.test"
VOICES = """window.speechSynthesis.getVoices = () => [
  { name: "Anna", lang: "de-DE" }, { name: "Yelda", lang: "tr-TR" }];"""
MISSING = "[data-read-aloud-missing]"


@pytest.fixture
def app(app: Flask) -> Flask:
    app.config["LANGUAGES"] = ("de", "en", "tr", "ar")
    return app


@pytest.fixture
def open_lesson(browser: Browser, app, client, auth, learner) -> Iterator:  # type: ignore[no-untyped-def]
    contexts = []

    def serve(route: Route, request: BrowserRequest) -> None:
        url = urlsplit(request.url)
        reply = client.get(url.path + (f"?{url.query}" if url.query else ""))
        kind = reply.headers.get("Content-Type", "text/plain")
        body = reply.get_data()
        reply.close()  # static files are sent from open files
        route.fulfill(status=reply.status_code, content_type=kind, body=body)

    def open_as(locale: str, voices: str) -> Page:
        reader(app, auth, "erika", locale)
        context = browser.new_context(base_url=BASE)
        contexts.append(context)
        context.add_init_script(script=FAKE_SPEECH + voices)
        context.route(f"{BASE}/**", serve)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(LESSON)
        page.errors = errors  # type: ignore[attr-defined]
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_a_turkish_lesson_is_read_with_the_turkish_voice_and_without_the_german(open_lesson):
    page = open_lesson("tr", VOICES)
    assert page.get_attribute("article.lesson", "lang") == "tr"
    page.click(PLAY)
    for _ in range(40):  # to the end of the lesson
        page.evaluate("window.speechSynthesis.finish()")
    texts = [entry["text"] for entry in said(page)]
    assert {entry["lang"] for entry in said(page)} == {"tr-TR"}
    assert texts[0] == "İlk ders" and any("Düğmeye 3 saniye" in text for text in texts)
    assert not any("Drücken Sie" in text or "Das ist" in text for text in texts), texts
    assert not page.is_visible(MISSING)
    assert not page.errors  # type: ignore[attr-defined]


def test_no_voice_for_arabic_shows_the_message_instead_of_reading(open_lesson):
    page = open_lesson("ar", VOICES)
    assert page.get_attribute("article.lesson", "lang") == "ar"
    assert not page.is_visible(MISSING)
    page.click(PLAY)
    assert said(page) == []  # never read with the German (or Turkish) voice
    assert page.is_visible(MISSING)
    message = page.inner_text(MISSING).strip()
    assert message and page.get_attribute("[data-read-aloud]", "lang") == "ar"
    assert not page.errors  # type: ignore[attr-defined]


def test_a_browser_that_lists_no_voices_chooses_by_the_lessons_language(open_lesson):
    page = open_lesson("ar", "")  # the stand-in lists none, like a browser still loading them
    page.click(PLAY)
    assert said(page)[0]["lang"] == "ar" and not page.is_visible(MISSING)


def test_the_message_is_in_the_readers_language(open_lesson):
    page = open_lesson("de", "window.speechSynthesis.getVoices = () => [{lang: 'en-US'}];")
    page.click(PLAY)
    assert said(page) == []
    assert "Dieses Tablet hat keine Stimme" in page.inner_text(MISSING)


@pytest.mark.parametrize("view", ["under each section", "side by side"])
def test_the_german_alongside_passes_the_page_checks(open_lesson, view):
    """The checks of the page table (tests/browser/test_pages.py) on both German views of a
    right-to-left lesson: axe, 48 px targets, nothing sideways, at every viewport and 200 %."""
    page = open_lesson("ar", VOICES)
    if view == "side by side":
        page.goto(f"{LESSON}?german=side")
        assert page.locator(".side-row").count() == 2
    else:
        page.eval_on_selector_all(
            "details.german-section", "els => els.forEach(e => e.open = true)"
        )
    problems = [f"axe: {v}" for v in axe_violations(page)]
    for name, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        problems += sideways(page, name)
        problems += [f"{name}: target under 48×48: {t}" for t in measure(page, "targets")["small"]]
    apply_setting(page, "large")
    problems += [f"200 %: axe: {v}" for v in axe_violations(page, STYLE_RULES)]
    for name in ("phone", "320 px"):
        page.set_viewport_size(VIEWPORTS[name])
        problems += [f"200 %: {p}" for p in sideways(page, name)]
    assert not problems, "\n".join(problems)
