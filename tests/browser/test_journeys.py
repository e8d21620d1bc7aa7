"""The learner's whole path — sign in, continue, lesson, self-check, done, settings, sign out —
with the keyboard alone (focus always visible, in reading order) and without JavaScript;
and new display settings apply on the very next page, rendered by the server.
"""

from __future__ import annotations

import re

from learnapp.content import get_library
from tests.browser.accounts import PASSWORD
from tests.browser.checks import measure


def first_lesson(live_server):  # type: ignore[no-untyped-def]
    """The lesson a learner with no progress is offered first, with its self-check."""
    with live_server.app.app_context():
        library = get_library()
        course = library.ordered_courses[0]
        return course, course.lesson(course.lesson_ids[0], "de", library.default_lang)


def focus(page):  # type: ignore[no-untyped-def]
    return measure(page, "focusState")


def tab_to(page, selector: str, trail: list, limit: int = 80) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until `selector` has the focus; every stop shows its focus and is in view."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focus(page)
        if state is None:  # past the last control: the browser's own controls, then around
            trail.append(None)
            continue
        assert state["visible"], f"focus is not visible on {state['name']}"
        assert state["inView"], f"the focused {state['name']} is scrolled out of view"
        trail.append(state)
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    names = [s["name"] if s else "(outside the page)" for s in trail[-limit:]]
    raise AssertionError(f"Tab never reached {selector}; it went: {names}")


def assert_reading_order(trail: list) -> None:
    """Each Tab moves on down the page (or along the same line), never back up."""
    previous = None
    for state in trail:
        if state is None:
            previous = None
            continue
        if previous is not None:
            middle = state["top"] + state["height"] / 2
            assert middle >= previous["top"] - 1, (
                f"focus jumped up from {previous['name']} to {state['name']}"
            )
        previous = state


def press_and_wait(page, key: str = "Enter"):  # type: ignore[no-untyped-def]
    with page.expect_navigation() as navigation:
        page.keyboard.press(key)
    return navigation.value


def test_the_learners_path_with_the_keyboard_alone(browsing, live_server):
    course, lesson = first_lesson(live_server)
    visit = browsing.open(None, fresh=True)
    page = visit.page
    page.goto("/login")

    # The first Tab reaches the skip link, which shows itself big enough to touch.
    page.keyboard.press("Tab")
    skip = focus(page)
    assert skip is not None and "skip-link" in skip["name"] and skip["visible"] and skip["inView"]
    assert skip["height"] >= 48 and skip["width"] >= 48
    trail: list = [skip]
    tab_to(page, "#username", trail)
    page.keyboard.type("walker-keys")
    tab_to(page, "#password", trail)
    page.keyboard.type(PASSWORD)
    press_and_wait(page)
    assert page.url.endswith("/")
    assert_reading_order(trail)

    trail = []
    tab_to(page, ".continue-card a", trail)
    press_and_wait(page)
    assert page.url.endswith(f"/courses/{course.id}/{lesson.id}")
    trail = []
    for question in lesson.quiz:
        keys = (
            ["true", "false"]
            if question.type == "truefalse"
            else [str(i) for i in range(len(question.answers))]
        )
        right = sorted(question.correct_keys(), key=keys.index)
        if question.type == "multiple":
            for key in right:
                tab_to(page, f"#q-{question.id}-{key}", trail)
                page.keyboard.press("Space")
        else:  # a radio group: Tab enters it, the arrow keys choose
            tab_to(page, f"#q-{question.id}-{keys[0]}", trail)
            steps = keys.index(right[0])
            page.keyboard.press("Space" if steps == 0 else "ArrowDown")
            for _ in range(steps - 1):
                page.keyboard.press("ArrowDown")
    tab_to(page, "#quiz button[type=submit]", trail)
    assert_reading_order(trail)
    press_and_wait(page)
    total = len(lesson.quiz)
    assert f"{total} von {total}" in page.inner_text(".quiz-score")

    trail = []
    tab_to(page, "#done button[type=submit]", trail)
    press_and_wait(page)
    assert page.is_visible(".done-state")

    trail = []
    tab_to(page, ".main-nav a[href='/settings']", trail)
    press_and_wait(page)
    trail = []
    tab_to(page, "input[name=text_size]", trail)  # the chosen size: 100 %
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    tab_to(page, ".settings-form button[type=submit]", trail)
    assert_reading_order(trail)
    press_and_wait(page)
    assert "text-150" in page.evaluate("document.documentElement.className")

    trail = []
    tab_to(page, ".signout button", trail)
    press_and_wait(page)
    assert "/login" in page.url
    assert not visit.errors and not visit.offsite


def test_skip_link_moves_the_focus_to_the_content(browsing):
    page = browsing.open("learner-default").page
    page.goto("/courses/banking/banking-passwords-app")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    state = focus(page)
    assert state is not None and state["visible"]
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_the_learners_path_without_javascript(browsing, live_server):
    course, lesson = first_lesson(live_server)
    visit = browsing.open(None, fresh=True, javascript=False)
    page = visit.page
    page.goto("/login")
    page.fill("#username", "walker-nojs")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    with page.expect_navigation():
        page.click(".continue-card a")
    assert page.url.endswith(f"/courses/{course.id}/{lesson.id}")
    # Without JavaScript there is no read-aloud button (it needs the browser's speech).
    assert not page.is_visible("[data-read-aloud]")
    for question in lesson.quiz:
        for key in question.correct_keys():
            page.check(f"#q-{question.id}-{key}")
    with page.expect_navigation():
        page.click("#quiz button[type=submit]")
    total = len(lesson.quiz)
    assert f"{total} von {total}" in page.inner_text(".quiz-score")
    with page.expect_navigation():
        page.click("#done button[type=submit]")
    assert page.is_visible(".done-state")
    with page.expect_navigation():
        page.click(".main-nav a[href='/settings']")
    page.check("input[name=contrast][value=high]")
    with page.expect_navigation():
        page.click(".settings-form button[type=submit]")
    assert "contrast-high" in page.get_attribute("html", "class")
    with page.expect_navigation():
        page.click(".signout button")
    assert "/login" in page.url
    assert not visit.errors and not visit.offsite


HTML_TAG = re.compile(r"<html[^>]*\bclass=\"([^\"]*)\"")


def test_new_settings_apply_on_the_next_page_without_a_flash(browsing):
    """The server writes the classes into the page; the CSS in <head> blocks the first paint;
    no script touches them. So the first frame already has the new size and contrast."""
    page = browsing.open("walker-prefs").page
    page.goto("/settings")
    page.check("input[name=text_size][value='200']")
    page.check("input[name=contrast][value=high]")
    with page.expect_response(
        lambda r: r.url.endswith("/settings") and r.request.method == "GET"
    ) as shown:
        page.click(".settings-form button[type=submit]")
    page.wait_for_load_state()
    assert HTML_TAG.search(shown.value.text()).group(1).split() == ["text-200", "contrast-high"]

    for path in ("/", "/courses/banking/banking-tan"):
        response = page.goto(path)
        html = response.text()
        assert HTML_TAG.search(html).group(1).split() == ["text-200", "contrast-high"]
        head = html.split("</head>", 1)[0]
        # The stylesheet blocks rendering (no media switch); no script runs before first paint.
        assert re.search(r'<link rel="stylesheet" href="/static/css/app[.\w]*\.css">', head)
        assert "<script>" not in html and not re.search(r"<script(?![^>]*\bdefer\b)", html)
        styles = page.evaluate(
            "() => [getComputedStyle(document.body).fontSize,"
            " getComputedStyle(document.body).backgroundColor]"
        )
        assert styles == ["40px", "rgb(0, 0, 0)"], f"{path}: {styles}"

    # The same with JavaScript off: nothing on the client is needed for the settings.
    plain = browsing.open("walker-prefs", javascript=False).page
    plain.goto("/courses")
    assert plain.evaluate("getComputedStyle(document.body).fontSize") == "40px"
