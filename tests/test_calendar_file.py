"""The .ics of a tandem session: read back by two independent parsers (icalendar, vobject).

Its times are on the centre's clock with the VTIMEZONE RFC 5545 requires for a TZID, so a
session in winter and one in summer keep their 10:00; it names the place, lists the agenda and
reminds the day before.
"""

from datetime import datetime, timedelta

import pytest
import vobject
from icalendar import Calendar

from learnapp.clock import CENTRE_TZ, local_now
from tests.test_mentoring import plan

AGENDA = ["sample-first", "sample-second"]
AGENDA_TITLES = ("Die erste Lektion", "Die zweite Lektion")


def _ics(client, auth, world, when: datetime) -> str:  # type: ignore[no-untyped-def]
    auth.login("mentora")
    response = plan(auth, world.learner_a, when, agenda=AGENDA)
    assert response.status_code == 302
    ics = client.get(response.headers["Location"] + ".ics")
    assert ics.mimetype == "text/calendar"
    return ics.get_data(as_text=True)


def _next(month: int) -> datetime:
    """10:00 on the 15th of the next such month, on the centre's clock."""
    today = local_now()
    year = today.year + (1 if month <= today.month else 0)
    return datetime(year, month, 15, 10, 0)


@pytest.mark.parametrize(("month", "offset_hours"), [(1, 1), (7, 2)], ids=["winter", "summer"])
def test_icalendar_reads_zone_place_agenda_and_reminder(client, auth, world, month, offset_hours):
    when = _next(month)
    text = _ics(client, auth, world, when)
    calendar = Calendar.from_ical(text)
    zones = [c for c in calendar.walk("VTIMEZONE")]
    assert [str(z["TZID"]) for z in zones] == ["Europe/Berlin"]
    assert {c.name for c in zones[0].subcomponents} == {"STANDARD", "DAYLIGHT"}
    event = calendar.walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    start = event.decoded("dtstart")
    assert start == when.replace(tzinfo=CENTRE_TZ)
    assert start.utcoffset() == timedelta(hours=offset_hours)
    assert event.decoded("dtend") - start == timedelta(minutes=60)
    assert str(event["LOCATION"]) == "Zentrum A, Oldenburg"
    description = str(event["DESCRIPTION"])
    assert all(title in description for title in AGENDA_TITLES), description
    alarm = event.walk("VALARM")[0]
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("trigger") == timedelta(days=-1)
    assert "Erika Lernend" in str(alarm["DESCRIPTION"])


@pytest.mark.parametrize("month", [1, 7], ids=["winter", "summer"])
def test_vobject_reads_the_same_file_the_same_way(client, auth, world, month):
    when = _next(month)
    component = vobject.readOne(_ics(client, auth, world, when))
    assert component.vtimezone.tzid.value == "Europe/Berlin"
    event = component.vevent
    start = event.dtstart.value
    # vobject builds its own zone from the file's VTIMEZONE: the same instant and offset.
    assert start == when.replace(tzinfo=CENTRE_TZ)
    assert start.utcoffset() == when.replace(tzinfo=CENTRE_TZ).utcoffset()
    assert event.location.value == "Zentrum A, Oldenburg"
    assert all(title in event.description.value for title in AGENDA_TITLES)
    assert event.valarm.trigger.value == timedelta(days=-1)
    assert event.valarm.action.value == "DISPLAY"
