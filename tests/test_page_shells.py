"""Pages drawn once with holes: the holes get each request's values, escaped; nothing else."""

from __future__ import annotations

import re

import pytest

from learnapp.page_shells import ShellCache, mark


def draw_greeting(marks):  # type: ignore[no-untyped-def]
    return f"<p class='{marks['classes']}'>Hello</p><input value='{marks['token']}'>"


def test_holes_are_filled_and_escaped():
    shells = ShellCache()
    page = shells.fill("k", {"classes": "text-150", "token": "a<b>&'"}, draw_greeting)
    assert page == "<p class='text-150'>Hello</p><input value='a&lt;b&gt;&amp;&#39;'>"


def test_a_shell_is_drawn_once_and_then_reused_with_other_values():
    shells, drawn = ShellCache(), []

    def draw(marks):  # type: ignore[no-untyped-def]
        drawn.append(1)
        return draw_greeting(marks)

    first = shells.fill("k", {"classes": "text-100", "token": "one"}, draw)
    second = shells.fill("k", {"classes": "text-200", "token": "two"}, draw)
    assert len(drawn) == 1
    assert "text-100" in first and "one" in first
    assert "text-200" in second and "two" in second and "one" not in second


def test_the_least_recently_used_shell_goes_first():
    shells, drawn = ShellCache(max_shells=2), []

    def draw(marks):  # type: ignore[no-untyped-def]
        drawn.append(1)
        return "page"

    shells.fill("a", {}, draw)
    shells.fill("b", {}, draw)
    shells.fill("a", {}, draw)  # a is used again, so b is the oldest
    shells.fill("c", {}, draw)
    assert len(shells) == 2
    shells.fill("a", {}, draw)
    assert len(drawn) == 3  # a was kept
    shells.fill("b", {}, draw)
    assert len(drawn) == 4  # b had to be drawn again


def test_a_template_asking_for_a_hole_it_was_not_given_fails_loudly():
    with pytest.raises(KeyError):
        ShellCache().fill("k", {"token": "x"}, lambda marks: f"{marks['token']}{mark('other')}")


def test_text_that_looks_like_a_mark_stays_text():
    """Lesson text cannot forge a hole: the mark carries a secret of the process."""
    forged = "\x00" + "0" * 16 + ":token\x00"
    page = ShellCache().fill("k", {"token": "secret-token"}, lambda marks: forged + marks["token"])
    assert page == forged + "secret-token"
    assert re.escape(str(mark("token"))) not in page
