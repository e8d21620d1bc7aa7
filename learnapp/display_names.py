"""Display names: one rule for every place a person's name is set.

Forms use `DisplayName()` as a validator; the command line (`flask users create`) and any
other caller use `display_name_problem()`. A name is shown on cards, certificates, lists and
CSV reports, so it must be visible text: no control characters (NUL, line breaks, tabs),
no invisible formatting (bidi overrides and isolates, zero-width characters) and not blank.
"""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import Field, Form
from wtforms.validators import ValidationError

# Unicode categories of characters that are not visible text: controls (Cc: NUL, CR, LF,
# TAB), formatting (Cf: U+202A–U+202E, U+2066–U+2069, U+200B–U+200F, U+FEFF), line and
# paragraph separators, surrogates and private-use characters.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co"})

BLANK = _l("Please enter the person's name.")
INVISIBLE = _l(
    "The name may only contain letters, digits, spaces and punctuation, "
    "no line breaks or invisible characters."
)


def has_invisible_characters(name: str) -> bool:
    return any(unicodedata.category(char) in REFUSED_CATEGORIES for char in name)


def display_name_problem(name: str | None) -> str | None:
    """Why this name cannot be used, in the reader's language; None if it is fine."""
    if name is None or not name.strip():
        return str(BLANK)
    if has_invisible_characters(name):
        return str(INVISIBLE)
    return None


class DisplayName:
    """WTForms validator with the same rule (the field's `.data` is checked as typed)."""

    def __call__(self, form: Form, field: Field) -> None:
        problem = display_name_problem(field.data)
        if problem is not None:
            raise ValidationError(problem)
