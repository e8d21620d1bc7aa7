"""A tandem session as a calendar file."""

from __future__ import annotations

from datetime import UTC

from icalendar import Calendar, Event

from learnapp.models import TandemSession
from learnapp.models.base import utcnow


def to_ics(
    tandem: TandemSession, summary: str, location: str, description: str, host: str
) -> bytes:
    """An iCalendar file with the one session; times in UTC ("Z"), which every calendar
    shows on its own clock, so the length is right also across the clock change."""
    calendar = Calendar()
    calendar.add("prodid", "-//DigiTandem//Tandem session//DE")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"tandem-{tandem.id}@{host}")
    event.add("dtstamp", utcnow().replace(tzinfo=UTC))
    event.add("dtstart", tandem.starts_at.replace(tzinfo=UTC))
    event.add("dtend", tandem.ends_at.replace(tzinfo=UTC))
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    calendar.add_component(event)
    return calendar.to_ical()
