"""Times made coarse: what is kept of a deleted person's activity says only the month.

The monthly reports count by the centre's calendar month (learnapp/coordinate/reports.py),
so a time moved to the first moment of its month still counts in the same month, and no
longer says on which day or at which hour the person did something.
"""

from __future__ import annotations

from datetime import UTC, datetime

from learnapp.clock import CENTRE_TZ


def local_month_start(local: datetime) -> datetime:
    """A time on the centre's wall clock: midnight of the 1st."""
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def utc_month_start(utc: datetime) -> datetime:
    """For naive UTC times (all stored times, tandem sessions too): the first moment of the
    centre's month that holds it, in UTC."""
    local = utc.replace(tzinfo=UTC).astimezone(CENTRE_TZ).replace(tzinfo=None)
    first = local_month_start(local).replace(tzinfo=CENTRE_TZ)
    return first.astimezone(UTC).replace(tzinfo=None)
