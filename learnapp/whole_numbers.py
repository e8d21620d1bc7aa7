"""Whole numbers typed by people or sent in a URL, read without surprises.

`str.isdigit()` is true for "²" and "٣", which `int()` then rejects or reads as 3, and a
thousand-digit string makes `int()` raise: either way a 500 or a choice nobody was offered.
"""

from __future__ import annotations

import re

# Nine digits fit every integer column of the database (PostgreSQL's 4-byte integer).
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


def whole_number(raw: str | None) -> int | None:
    """The number written in ASCII digits alone (at most nine), else None."""
    if raw is None or not _WHOLE_NUMBER.fullmatch(raw):
        return None
    return int(raw)
