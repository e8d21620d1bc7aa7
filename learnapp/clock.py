"""Time on the centres' wall clock: tandem sessions are planned in local time."""

from datetime import datetime
from zoneinfo import ZoneInfo

CENTRE_TZ = ZoneInfo("Europe/Berlin")


def local_now() -> datetime:
    """Now in Europe/Berlin, without tzinfo (how session times are stored)."""
    return datetime.now(CENTRE_TZ).replace(tzinfo=None)
