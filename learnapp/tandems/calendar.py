"""A tandem session as a calendar file (RFC 5545), with its time zone, agenda and reminder."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from learnapp.clock import CENTRE_TZ
from learnapp.models import TandemSession
from learnapp.models.base import utcnow

REMIND_BEFORE = timedelta(days=1)


def _on_centre_clock(instant: datetime) -> datetime:
    """A stored instant (naive UTC) as an aware time on the centre's clock."""
    return instant.replace(tzinfo=UTC).astimezone(CENTRE_TZ)


def to_ics(
    tandem: TandemSession,
    summary: str,
    location: str,
    description: str,
    reminder: str,
    host: str,
) -> bytes:
    """An iCalendar file with the one session and a reminder the day before.

    Times are on the centre's clock (TZID=Europe/Berlin), as people planned them, with the
    VTIMEZONE that RFC 5545 requires for a TZID: a calendar shows them right on any clock,
    also across the change to and from summer time.
    """
    # Imported here: icalendar weighs about 3 MB in every worker, and few ask for a .ics file.
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//DigiTandem//Tandem session//DE")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"tandem-{tandem.id}@{host}")
    event.add("dtstamp", utcnow().replace(tzinfo=UTC))
    start = _on_centre_clock(tandem.starts_at)
    event.add("dtstart", start)
    # The end in UTC: on the night the clocks go back, 02:30 on the centre's clock happens twice,
    # and a TZID time means the first; UTC says which one (the real length stays right).
    event.add("dtend", tandem.ends_at.replace(tzinfo=UTC))
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", reminder)
    alarm.add("trigger", -REMIND_BEFORE)
    event.add_component(alarm)
    calendar.add_component(event)
    # Only the years around the session: the zone's rules stay short.
    calendar.add_missing_timezones(date(start.year - 1, 1, 1), date(start.year + 2, 1, 1))
    return calendar.to_ical()
