"""Tandem sessions across the two clock changes of 2027 (Europe/Berlin).

28 March 2027: at 02:00 the clocks go forward to 03:00 (02:30 does not exist).
31 October 2027: at 03:00 they go back to 02:00 (02:30 happens twice).
Sessions are stored as UTC instants: planned minutes are real minutes on both nights.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import select
from werkzeug.test import TestResponse

from learnapp.db import get_session
from learnapp.models import TandemSession
from tests.helpers import Auth
from tests.world import World

# Before both changes, so neither date is "more than a year ago" whenever the tests run.
PLANNED_ON = datetime(2027, 2, 1, 9, 0)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The planning rules' clock stopped on 1 February 2027."""
    monkeypatch.setattr("learnapp.tandems.planning.utcnow", lambda: PLANNED_ON)


@pytest.fixture
def mentor(client: FlaskClient, world: World) -> Auth:
    auth = Auth(client)
    assert auth.login("mentora").status_code == 302
    return auth


def plan(auth: Auth, world: World, local: str, minutes: int = 120, **extra: str) -> TestResponse:
    when = datetime.fromisoformat(local)
    data = {
        "learner": str(world.learner_a),
        "date": when.strftime("%Y-%m-%d"),
        "time": when.strftime("%H:%M"),
        "planned_minutes": str(minutes),
        "place": "centre",
        **extra,
    }
    return auth.post("/mentor/sessions/new?lang=en", data, token_from="/mentor/sessions/new")


def stored(app: Flask) -> list[datetime]:
    with app.app_context():
        return list(get_session().scalars(select(TandemSession.starts_at).order_by("id")))


def ics_times(client: FlaskClient, url: str) -> tuple[datetime, datetime]:
    body = client.get(f"{url}.ics").data
    event = next(c for c in Calendar.from_ical(body).walk() if c.name == "VEVENT")
    assert b"DTSTART:" in body and b"Z\r\n" in body  # UTC, which every calendar converts
    return event.decoded("dtstart"), event.decoded("dtend")


def facts(page: str) -> str:
    """The session page's When/Until, without markup."""
    part = page.split('class="facts card">', 1)[1].split("</dl>", 1)[0]
    return " ".join(part.replace("<", " <").split())


@pytest.mark.parametrize(
    ("local", "utc_start", "ends_on_the_clock"),
    [
        pytest.param("2027-03-28 01:30", datetime(2027, 3, 28, 0, 30), "04:30", id="spring"),
        pytest.param("2027-10-31 01:30", datetime(2027, 10, 30, 23, 30), "02:30", id="autumn"),
    ],
)
def test_a_planned_length_is_real_minutes_across_the_change(
    app: Flask,
    client: FlaskClient,
    world: World,
    mentor: Auth,
    local: str,
    utc_start: datetime,
    ends_on_the_clock: str,
) -> None:
    response = plan(mentor, world, local, minutes=120)
    assert response.status_code == 302
    assert stored(app) == [utc_start]
    url = response.headers["Location"]
    shown = facts(client.get(f"{url}?lang=en").get_data(as_text=True))
    assert "01:30 (120 min)" in shown
    assert shown.split("Until")[1].split("</dd>")[0].strip().endswith(ends_on_the_clock)
    start, end = ics_times(client, url)
    # Instants, not wall clocks: the start is on the centre's clock (TZID), the end in UTC.
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(minutes=120)
    assert start.astimezone(UTC).replace(tzinfo=None) == utc_start


def test_a_time_that_does_not_exist_is_refused_kindly(
    app: Flask, world: World, mentor: Auth
) -> None:
    response = plan(mentor, world, "2027-03-28 02:30")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "the clocks go forward from 2:00 to 3:00, so 02:30 does not exist" in page
    assert "for example 03:30" in page
    assert stored(app) == []


def test_a_time_that_happens_twice_is_asked_about_then_planned_as_chosen(
    app: Flask, world: World, mentor: Auth
) -> None:
    question = "Which of the two times do you mean?"
    assert question not in mentor.client.get("/mentor/sessions/new?lang=en").get_data(as_text=True)
    response = plan(mentor, world, "2027-10-31 02:30", minutes=60)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert question in page and "02:30 happens twice" in page
    assert "still summer time" in page and "already winter time" in page
    assert stored(app) == []

    assert plan(mentor, world, "2027-10-31 02:30", minutes=60, fold="0").status_code == 302
    assert plan(mentor, world, "2027-10-31 02:30", minutes=60, fold="1").status_code == 302
    # An hour apart: the first 02:30 is 00:30 UTC, the second 01:30 UTC; they do not clash.
    assert stored(app) == [datetime(2027, 10, 31, 0, 30), datetime(2027, 10, 31, 1, 30)]


def test_clashes_are_found_in_real_time_across_the_change(
    app: Flask, world: World, mentor: Auth
) -> None:
    # 01:30 for 120 minutes ends at 02:30 winter time (01:30 UTC) ...
    assert plan(mentor, world, "2027-10-31 01:30", minutes=120).status_code == 302
    # ... so the second 02:30 is free, the first one (summer time) is not.
    assert plan(mentor, world, "2027-10-31 02:30", minutes=30, fold="1").status_code == 302
    clash = plan(mentor, world, "2027-10-31 02:30", minutes=30, fold="0")
    assert clash.status_code == 400
    # the other one, on the clock, in the reader's language (English here)
    assert "Sun, Oct 31, 2027, 01:30" in clash.get_data(as_text=True)
    assert len(stored(app)) == 2


def test_the_explanations_are_in_german_too(world: World, mentor: Auth) -> None:
    mentor.client.get("/mentor/sessions/new?lang=de")
    data = {"learner": str(world.learner_a), "planned_minutes": "60", "place": "centre"}
    spring = {**data, "date": "2027-03-28", "time": "02:30"}
    page = mentor.post("/mentor/sessions/new", spring, token_from="/mentor/sessions/new")
    assert "Die Uhrzeit 02:30 gibt es darum nicht" in page.get_data(as_text=True)
    autumn = {**data, "date": "2027-10-31", "time": "02:30"}
    page = mentor.post("/mentor/sessions/new", autumn, token_from="/mentor/sessions/new")
    assert "Das zweite Mal (schon Winterzeit)" in page.get_data(as_text=True)
