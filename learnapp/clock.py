"""Time on the centres' wall clock, and the instants the database stores.

Tandem sessions are stored as instants (naive UTC, like every other timestamp, see
models.base.utcnow): planned minutes are then real minutes, also across the change to and
from summer time. People plan and read them on the centre's clock (Europe/Berlin). Two
nights a year that clock is not a plain count: in spring 02:00-02:59 does not exist, in
autumn 02:00-02:59 happens twice (first in summer time, then in winter time).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

CENTRE_TZ = ZoneInfo("Europe/Berlin")
FIRST, SECOND = 0, 1  # which of the two 02:30s of the autumn night: datetime's `fold`


class NonExistentLocalTime(ValueError):
    """A wall-clock time skipped when the clocks go forward (e.g. 28 March 2027, 02:30)."""


class AmbiguousLocalTime(ValueError):
    """A wall-clock time that happens twice when the clocks go back (31 October 2027, 02:30)."""


def local_now() -> datetime:
    """Now on the centre's clock, without tzinfo (for calendar questions: which month?)."""
    return datetime.now(CENTRE_TZ).replace(tzinfo=None)


def to_utc(local: datetime, fold: int | None = None) -> datetime:
    """A time on the centre's clock as the naive UTC instant the database stores.

    Raises NonExistentLocalTime for a skipped time, and AmbiguousLocalTime for a doubled one
    unless `fold` says which (FIRST: still summer time, SECOND: already winter time).
    """
    local = local.replace(tzinfo=None)
    first = local.replace(tzinfo=CENTRE_TZ, fold=FIRST)
    second = local.replace(tzinfo=CENTRE_TZ, fold=SECOND)
    if first.utcoffset() != second.utcoffset():
        # Back on the clock: a skipped time comes back as another one, a doubled one as itself.
        if first.astimezone(UTC).astimezone(CENTRE_TZ).replace(tzinfo=None) != local:
            raise NonExistentLocalTime(local.isoformat())
        if fold is None:
            raise AmbiguousLocalTime(local.isoformat())
    chosen = second if fold == SECOND else first
    return chosen.astimezone(UTC).replace(tzinfo=None)


def first_occurrence_utc(local: datetime) -> datetime:
    """Like to_utc, never refusing: a doubled time is taken the first time it happens, and a
    skipped one as the hour before the change (02:30 becomes 03:30 summer time). For times
    stored before instants were (see migration 0007)."""
    return local.replace(tzinfo=CENTRE_TZ, fold=FIRST).astimezone(UTC).replace(tzinfo=None)


def to_local(utc: datetime) -> datetime:
    """A stored naive UTC instant on the centre's clock (with its tzinfo: summer or winter)."""
    return utc.replace(tzinfo=UTC).astimezone(CENTRE_TZ)
