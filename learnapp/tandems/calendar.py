"""A tandem session as a calendar file."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from learnapp.clock import CENTRE_TZ
from learnapp.models import TandemSession
from learnapp.models.base import utcnow


def to_ics(
    tandem: TandemSession, summary: str, location: str, description: str, host: str
) -> bytes:
    """An iCalendar file with the one session, in the centre's time zone."""
    calendar = Calendar()
    calendar.add("prodid", "-//DigiTandem//Tandem session//DE")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"tandem-{tandem.id}@{host}")
    event.add("dtstamp", utcnow().replace(tzinfo=ZoneInfo("UTC")))
    event.add("dtstart", tandem.starts_at.replace(tzinfo=CENTRE_TZ))
    event.add("dtend", tandem.ends_at.replace(tzinfo=CENTRE_TZ))
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    calendar.add_component(event)
    return calendar.to_ical()
