"""Shared by the boundary tests: the test courses, a stopped clock, and page readers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from learnapp.clock import CENTRE_TZ

CONTENT = Path(__file__).parent / "content"
# Courses in content/: "empty" (order 0, no lessons), then "alpha" and the longer "beta".
ALPHA = ("alpha-quiz", "alpha-read", "alpha-practice", "alpha-last")
BETA = ("beta-1", "beta-2", "beta-3", "beta-4", "beta-5")
# A summer moment: every window in these tests (up to 60 days back) stays in summer time.
FROZEN_AT = datetime(2026, 6, 15, 10, 0, 0)


def berlin(utc_naive: datetime) -> datetime:
    """The centre's wall clock for a naive UTC moment."""
    return utc_naive.replace(tzinfo=UTC).astimezone(CENTRE_TZ).replace(tzinfo=None)


@dataclass
class Frozen:
    """A stopped clock: one moment as naive UTC and as the centre's wall clock."""

    utc: datetime

    @property
    def local(self) -> datetime:
        return berlin(self.utc)


def section(page: str, heading_id: str) -> str:
    """The HTML of one <section> of a page, found by its heading's id."""
    return page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def cell(page: str, cell_id: str) -> str:
    """The text of the table cell with this id."""
    match = re.search(rf'id="{re.escape(cell_id)}">([^<]*)<', page)
    assert match, f"no cell {cell_id}"
    return match.group(1)
