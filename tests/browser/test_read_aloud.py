"""Read aloud: the browser's speech synthesis reads the lesson in its language, at the learner's
speed, marking each paragraph; pause, continue and stop work; no speech, no button.

Headless Chromium has no voices, so the page gets a stand-in for speechSynthesis that records
what it is asked to say and lets the test finish each utterance.
"""

from __future__ import annotations

from pathlib import Path

from tests.browser.accounts import READER, READER_RATE
from tests.browser.pages import TEXT_LESSON

FAKE_SPEECH = (Path(__file__).parent / "fake_speech.js").read_text(encoding="utf-8")
NO_SPEECH = """
Object.defineProperty(window, "speechSynthesis", { value: undefined, configurable: true });
Object.defineProperty(window, "SpeechSynthesisUtterance", { value: undefined, configurable: true });
"""
PLAY = "[data-read-aloud-play]"
STOP = "[data-read-aloud-stop]"


def reader_page(browsing, script: str, username: str = READER):  # type: ignore[no-untyped-def]
    context = browsing.context(username, fresh=True)
    context.add_init_script(script=script)
    visit = browsing.watch(context.new_page())
    visit.page.goto(TEXT_LESSON)
    return visit


def said(page) -> list[dict]:  # type: ignore[no-untyped-def]
    return page.evaluate("window.speechSynthesis.said")


def reading(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(".is-reading", "els => els.map(e => e.textContent.trim())")


def test_reads_the_lesson_paragraph_by_paragraph_and_marks_it(browsing):
    visit = reader_page(browsing, FAKE_SPEECH)
    page = visit.page
    assert page.is_visible(PLAY) and not page.is_visible(STOP)
    assert page.inner_text(PLAY).strip() == "Vorlesen"
    box = page.locator(PLAY).bounding_box()
    assert box["width"] >= 48 and box["height"] >= 48

    page.click(PLAY)
    title = page.inner_text("article.lesson h1").strip()
    assert said(page) == [{"text": title, "lang": "de", "rate": READER_RATE / 100}]
    assert reading(page) == [title]
    assert page.is_visible(STOP)

    page.evaluate("window.speechSynthesis.finish()")  # the voice reached the end of the title
    first = page.locator(".lesson-body p").first.inner_text().strip()
    assert said(page)[-1]["text"] == " ".join(first.split())
    assert reading(page) == [first]

    page.click(PLAY)  # now "Pause"
    assert page.evaluate("window.speechSynthesis.paused") is True
    assert page.inner_text(PLAY).strip() == "Weiter vorlesen"
    page.click(PLAY)  # "Continue reading"
    assert page.evaluate("window.speechSynthesis.paused") is False
    assert page.inner_text(PLAY).strip() == "Pause"

    page.click(STOP)
    assert reading(page) == []
    assert not page.is_visible(STOP)
    assert page.inner_text(PLAY).strip() == "Vorlesen"
    assert page.evaluate("document.activeElement.matches('[data-read-aloud-play]')")
    assert not visit.errors


def test_reading_speed_follows_the_setting(browsing):
    page = reader_page(browsing, FAKE_SPEECH, username="learner-default").page
    page.click(PLAY)
    assert said(page)[0]["rate"] == 1


def test_no_button_where_the_browser_cannot_speak(browsing):
    visit = reader_page(browsing, NO_SPEECH)
    assert not visit.page.is_visible("[data-read-aloud]")
    assert visit.page.locator(PLAY).count() == 1  # in the page, but hidden
    assert not visit.errors


def test_speed_is_a_setting_of_the_account(browsing):
    page = browsing.open("walker-print").page
    page.goto("/settings")
    assert page.is_checked("input[name=speech_rate][value='100']")
    page.check("input[name=speech_rate][value='125']")
    with page.expect_navigation():
        page.click(".settings-form button[type=submit]")
    assert page.is_checked("input[name=speech_rate][value='125']")
    page.goto(TEXT_LESSON)
    assert page.get_attribute("[data-rate]", "data-rate") == "1.25"
