"""Templates do not write CSRF fields by hand: a POST button comes from the post_button macro
(templates/macros/forms.html), any other form's field from `csrf_field()` (learnapp/pages.py;
in a kept fragment, a mark filled in per page) or from WTForms (form.hidden_tag()).

One way of writing them means one place to get right: the token, the 44px button, and the
hidden words that tell a screen reader which person a button acts on.
"""

from __future__ import annotations

import re

from learnapp.paths import TEMPLATES_DIR

BY_HAND = re.compile(r"""name=["']?csrf_token""")
THE_MACRO = "macros/forms.html"


def hand_written() -> list[str]:
    return sorted(
        path.relative_to(TEMPLATES_DIR).as_posix()
        for path in TEMPLATES_DIR.rglob("*.html")
        if BY_HAND.search(path.read_text(encoding="utf-8"))
    )


def test_no_template_writes_a_csrf_field_by_hand():
    assert hand_written() == []


def test_the_macro_writes_it_with_csrf_field():
    assert "{{ csrf_field() }}" in (TEMPLATES_DIR / THE_MACRO).read_text(encoding="utf-8")
