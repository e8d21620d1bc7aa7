"""Large text without broken words or squeezed text, pictures that load, a compact header.

For every row of the page table (tests/browser/pages.py), at 100 % and 200 % text, on a tablet
upright and across, a phone and at 320 px: no text block is squeezed under 8 characters a line,
and every picture loads (SVG too). From 175 % text the header is compact: at most 20 % of an
upright tablet and 35 % of a phone at 200 %. Long words break only at hyphenation points.
"""

from __future__ import annotations

import pytest

from tests.browser.accounts import username
from tests.browser.checks import VIEWPORTS, broken_images, measure, narrow_text
from tests.browser.pages import BY_ID, PAGES
from tests.browser.test_pages import apply_setting

ROWS = [pytest.param(spec, id=spec.id) for spec in PAGES]
LEARNER_PAGES = ["learner:home", "learner:text lesson", "learner:settings", "learner:practice chat"]
SIZES = {"175 %": "text-175 contrast-normal", "200 %": "text-200 contrast-normal"}
# Header height as a share of the screen, at most, from 175 % text.
HEADER_SHARE = {"tablet portrait": 0.20, "phone": 0.35}  # the phone: Help, sign-out, menu


@pytest.mark.parametrize("spec", ROWS)
def test_no_text_block_is_squeezed(show, spec):
    visit = show(spec)
    problems = []
    for setting in ("default", "large"):
        apply_setting(visit.page, setting)
        for name, viewport in VIEWPORTS.items():
            visit.page.set_viewport_size(viewport)
            problems += [f"{setting}, {name}: {found}" for found in narrow_text(visit.page)]
    assert not problems, f"{spec.path} ({spec.id}):\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("spec", [pytest.param(spec, id=spec.id) for spec in PAGES])
def test_every_image_loads(show, spec):
    visit = show(spec)
    assert broken_images(visit.page) == []


def test_the_probes_find_planted_faults(show):
    """A label taking the whole width squeezes its value to a letter a line; a missing picture."""
    visit = show(BY_ID["learner:settings"])
    page = visit.page
    assert narrow_text(page) == []
    page.evaluate(
        """() => {
            const row = document.createElement("div");
            row.style.display = "flex";
            const label = document.createElement("label");
            label.textContent = "Ihre Mentorin oder Ihr Mentor, die Sie begleitet:";
            label.style.flex = "1 0 auto";
            label.style.whiteSpace = "nowrap";
            const value = document.createElement("dd");
            value.textContent = "Jonas Brinkmann";
            value.style.overflowWrap = "anywhere";
            value.style.margin = "0";
            row.append(label, value);
            document.querySelector("main").append(row);
            const picture = document.createElement("img");
            picture.alt = "missing";
            picture.src = "/static/no-such-picture.svg";
            document.querySelector("main").append(picture);
        }"""
    )
    page.set_viewport_size(VIEWPORTS["phone"])
    assert any('dd "Jonas Brinkmann"' in found for found in narrow_text(page))
    assert any("no-such-picture.svg" in src for src in broken_images(page))


@pytest.mark.parametrize("page_id", LEARNER_PAGES)
def test_from_175_percent_the_header_leaves_the_content_most_of_the_screen(show, page_id):
    visit = show(BY_ID[page_id])
    problems = []
    for size, classes in SIZES.items():
        visit.page.evaluate("(c) => { document.documentElement.className = c; }", classes)
        for name, share in HEADER_SHARE.items():
            viewport = VIEWPORTS[name]
            visit.page.set_viewport_size(viewport)
            height = visit.page.evaluate(
                "() => document.querySelector('.site-header').getBoundingClientRect().height"
            )
            if height > share * viewport["height"]:
                problems.append(f"{size}, {name}: header {height:.0f} px, over {share:.0%}")
    assert not problems, "\n".join(problems)


NO_MIDWORD_BREAKS = """() => {
    const found = [];
    for (const el of document.querySelectorAll("main *, header *")) {
        const style = getComputedStyle(el);
        if (style.wordBreak === "break-all" || style.overflowWrap === "anywhere") {
            if (!el.matches(ALLOWED)) found.push(el.tagName + "." + [...el.classList].join("."));
        }
    }
    const lang = document.documentElement.lang;
    return { hyphens: getComputedStyle(document.body).hyphens, lang, found };
}"""
# Addresses and codes only: they are not words, and a hyphen in them would change them.
ALLOWED = "code, kbd, .password-display, .sim-url, .sim-address, .sim-addressbar, .sim-mailhead dd"


@pytest.mark.parametrize("page_id", [*LEARNER_PAGES, "learner:practice e-mail"])
def test_words_break_only_at_hyphenation_points(browsing, page_id):
    """At 175 % and 200 % text, on a tablet, a phone and at 320 px: a word split over two lines
    is split at a hyphenation point (a soft hyphen from the server, or a hyphen), never between
    any two letters, and nothing pushes the page sideways."""
    spec = BY_ID[page_id]
    visit = browsing.open(username(spec.role, "large"))
    visit.page.goto(spec.path)
    if spec.then is not None:
        spec.then(visit.page)
    found = visit.page.evaluate(NO_MIDWORD_BREAKS.replace("ALLOWED", repr(ALLOWED)))
    assert found["hyphens"] == "auto" and found["lang"] in ("de", "en")
    assert found["found"] == [], found["found"]
    problems = []
    for size, classes in SIZES.items():
        visit.page.evaluate("(c) => { document.documentElement.className = c; }", classes)
        for name in ("tablet portrait", "phone", "320 px"):
            visit.page.set_viewport_size(VIEWPORTS[name])
            broken = measure(visit.page, "midWordBreaks", ALLOWED)
            wide = measure(visit.page, "overflow")["wide"]
            problems += [f"{size}, {name}: broken {word}" for word in broken]
            problems += [f"{size}, {name}: {box}" for box in wide]
    assert not problems, f"{spec.path}:\n  " + "\n  ".join(problems)


def test_the_break_probe_finds_a_word_split_between_letters(browsing):
    """The probe above bites: a long word without soft hyphens in a narrow box is reported."""
    visit = browsing.open(username("learner", "large"))
    visit.page.goto(BY_ID["learner:settings"].path)
    visit.page.set_viewport_size(VIEWPORTS["phone"])
    assert measure(visit.page, "midWordBreaks", ALLOWED) == []
    visit.page.evaluate(
        """() => {
            const p = document.createElement("p");
            p.textContent = "Rechtsschutzversicherungsgesellschaften";
            p.style.overflowWrap = "anywhere";
            document.querySelector("main").prepend(p);
        }"""
    )
    assert any("Rechtsschutz" in word for word in measure(visit.page, "midWordBreaks", ALLOWED))
