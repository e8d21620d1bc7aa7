"""Every row of the page table, as its role sees it, at each display setting.

Default settings: axe-core finds nothing; on tablets (portrait, landscape), a phone and at
320 px nothing scrolls sideways, every touch target is at least 48 × 48, no text is under
20 px, lesson lines stay under 75 characters. High contrast: axe-core again (colours change,
the layout does not). 200 % text: axe-core again, and no sideways scrolling on a tablet, a
phone or at 320 px. On every page: no script or console error, no request off 127.0.0.1.
"""

from __future__ import annotations

import re

import pytest

from learnapp.access import LEARNER, ROLES
from tests.browser.accounts import PASSWORD, SETTINGS, username
from tests.browser.checks import (
    MAX_LINE_CHARACTERS,
    STYLE_RULES,
    VIEWPORTS,
    axe_violations,
    measure,
)
from tests.browser.pages import PAGES

ROWS = [pytest.param(spec, id=spec.id) for spec in PAGES]
LINE_SELECTOR = ".lesson-body p, .lesson-body li"


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HTML_CLASSES = re.compile(r'<html[^>]*\bclass="([^"]*)"')
CLASSES = {
    setting: f"text-{display['text_size']} contrast-{display['contrast']}"
    for setting, display in SETTINGS.items()
}


def common_problems(visit, spec) -> list[str]:  # type: ignore[no-untyped-def]
    """axe-core violations, script or console errors, requests to other hosts."""
    problems = [f"axe: {violation}" for violation in axe_violations(visit.page)]
    # The browser notes an error status in the console; the page's own status is expected.
    expected = f"status of {spec.status}"
    problems += [e for e in visit.errors if not (spec.status >= 400 and expected in e)]
    problems += [f"request left 127.0.0.1: {url}" for url in visit.offsite]
    return problems


def sideways(page, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    wide = measure(page, "overflow")
    if wide["scrollWidth"] <= wide["clientWidth"]:
        return []
    return [f"{name}: scrolls sideways ({wide['scrollWidth']} px): {wide['wide']}"]


def apply_setting(page, setting: str) -> None:  # type: ignore[no-untyped-def]
    """Switch the page to a display setting exactly as the server does: classes on <html>.

    test_settings_reach_every_page proves the server puts these classes on the pages of
    accounts with those preferences; switching here saves a page load per setting.
    """
    page.evaluate(
        "(classes) => { document.documentElement.className = classes; }", CLASSES[setting]
    )


@pytest.mark.parametrize("spec", ROWS)
def test_page(show, spec):
    """Default settings, then high contrast, then 200 % text, on one load of the page."""
    problems = page_problems(show(spec), spec, large_text_view(show, spec))
    assert not problems, f"{spec.path} ({spec.id}):\n  " + "\n  ".join(problems)


def large_text_view(show, spec, **options):  # type: ignore[no-untyped-def]
    """A learner's page as the server sends it to a learner with 200 % text, whose long words
    carry soft hyphens (learnapp/hyphenation.py). None for other rows, where the classes are
    switched instead: a row of one particular account (its progress), a staff page (another
    mentor has other learners; staff pages may break words anywhere) or a visitor's."""
    if spec.account is not None or spec.role != LEARNER:
        return None
    return show(spec, "large", **options)


def page_problems(visit, spec, large=None) -> list[str]:  # type: ignore[no-untyped-def]
    """Everything test_page checks on one loaded page (tests/browser/test_languages.py runs it
    in Arabic and Russian too); the 200 % checks on `large` (see large_text_view) if given."""
    page = visit.page
    problems = [f"default: {p}" for p in common_problems(visit, spec)]
    for name, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        problems += sideways(page, name)
        problems += [f"{name}: target under 48×48: {t}" for t in measure(page, "targets")["small"]]
        if name in ("tablet portrait", "320 px"):  # sizes follow the text, not the width
            problems += [
                f"{name}: text under 20 px: {t}" for t in measure(page, "textSizes")["small"]
            ]
        if spec.lesson and name.startswith("tablet"):
            lines = measure(page, "lineLengths", LINE_SELECTOR)
            assert lines["measured"] > 0, "no lesson text found to measure"
            if lines["longest"] > MAX_LINE_CHARACTERS:
                problems.append(
                    f"{name}: {lines['longest']} characters on a line in {lines['where']}"
                )

    page.set_viewport_size(VIEWPORTS["tablet portrait"])
    apply_setting(page, "contrast")
    problems += [f"high contrast: axe: {v}" for v in axe_violations(page, STYLE_RULES)]

    if large is not None:
        page = large.page
        page.set_viewport_size(VIEWPORTS["tablet portrait"])
    apply_setting(page, "large")  # the large account's own classes, or switched to them
    problems += [f"200 % text: axe: {v}" for v in axe_violations(page, STYLE_RULES)]
    for name in ("tablet portrait", "phone", "320 px"):
        page.set_viewport_size(VIEWPORTS[name])
        problems += [f"200 % text: {p}" for p in sideways(page, name)]
    return problems


@pytest.mark.parametrize("setting", list(SETTINGS))
@pytest.mark.parametrize("role", ROLES)
def test_settings_reach_every_page(browsing, role, setting):
    """The server puts an account's text size and contrast on its pages as <html> classes.

    Only the server's HTML matters here, so this signs in over HTTP without rendering.
    """
    http = browsing.context(None, fresh=True).request
    token = CSRF.search(http.get("/login").text()).group(1)
    signed_in = http.post(
        "/login",
        form={"csrf_token": token, "username": username(role, setting), "password": PASSWORD},
    )
    assert signed_in.ok and "/login" not in signed_in.url
    for path in ("/courses", "/settings", "/courses/banking/banking-tan"):
        page = http.get(path)
        assert page.ok, path
        classes = HTML_CLASSES.search(page.text()).group(1).split()
        assert set(CLASSES[setting].split()) <= set(classes), f"{path}: {classes}"


def test_axe_sees_what_it_should(show):
    """The checks are live: planted faults are found (a test that cannot fail proves nothing)."""
    visit = show(PAGES[0])
    visit.page.evaluate(
        """() => {
            const main = document.querySelector("main");
            const grey = document.createElement("p");
            grey.textContent = "Grey text: 5.7 to 1 passes AA, fails the enhanced 7 to 1";
            grey.style.color = "#666666";
            main.append(grey, document.createElement("input"));
            const tiny = document.createElement("a");
            tiny.className = "planted";  // classless links get 48 px from app.css
            tiny.href = "#main"; tiny.textContent = "x"; tiny.style.fontSize = "12px";
            main.append(tiny);
        }"""
    )
    rules = {violation.rule for violation in axe_violations(visit.page)}
    assert {"color-contrast-enhanced", "label"} <= rules
    assert any('"x"' in t for t in measure(visit.page, "targets")["small"])
    assert any("12px" in t for t in measure(visit.page, "textSizes")["small"])
