"""Mentors: their learners at a glance, help requests, tandem sessions, password resets."""

from datetime import timedelta

from babel.dates import format_skeleton
from icalendar import Calendar
from sqlalchemy import select

from learnapp.clock import CENTRE_TZ, local_now
from learnapp.db import get_session
from learnapp.mentor.forms import SHARED_NOTES_LIMIT
from learnapp.models import AuditEntry, HelpRequest, TandemSession, User
from learnapp.models.base import utcnow
from learnapp.pages import wall_clock
from tests.helpers import Auth


def plan(auth, learner_id: int, when, minutes: int = 60, **extra):
    data = {
        "learner": str(learner_id),
        "date": when.strftime("%Y-%m-%d"),
        "time": when.strftime("%H:%M"),
        "planned_minutes": str(minutes),
        "place": "centre",
        **extra,
    }
    return auth.post("/mentor/sessions/new", data, token_from="/mentor/sessions/new")


def test_dashboard_shows_only_paired_learners(client, auth, world):
    auth.login("mentora")
    page = client.get("/mentor").get_data(as_text=True)
    assert "Erika Lernend" in page
    assert "Hans Lernend" not in page and "Grete Lernend" not in page


def test_mentor_lands_on_the_dashboard(client, auth, world):
    auth.login("mentora")
    assert client.get("/").headers["Location"] == "/mentor"


def test_learner_page_only_for_the_paired_mentor(client, auth, world, app):
    auth.login("mentora")
    assert client.get(f"/mentor/learners/{world.learner_a}").status_code == 200
    for other in (world.learner_a2, world.learner_b, world.mentor_b, world.admin, 99999):
        assert client.get(f"/mentor/learners/{other}").status_code == 404
    with app.app_context():
        entry = get_session().scalars(select(AuditEntry)).one()
        assert (entry.action, entry.subject_id) == ("viewed", world.learner_a)


def test_help_request_reaches_the_mentor_and_is_handled(client, auth, world, app):
    auth.login("learnera")
    response = auth.post(
        "/help",
        {"message": "  Wo  ist der Knopf? ", "origin": "/courses/sample/sample-first"},
        token_from="/help?from=/courses/sample/sample-first",
    )
    assert response.status_code == 302
    auth.logout()
    auth.login("mentora")
    # the request itself shows in the help requests' part of the page; the learner's row
    # gives it as her reason
    page = client.get("/mentor").get_data(as_text=True)
    assert "Bittet um Hilfe: Die erste Lektion" in page
    with app.app_context():
        help_id = get_session().scalars(select(HelpRequest.id)).one()
    auth.post(f"/mentor/help/{help_id}/handled", token_from="/mentor")
    assert "Bittet um Hilfe" not in client.get("/mentor").get_data(as_text=True)


def test_help_request_of_an_unpaired_learner_cannot_be_handled_by_another_mentor(
    client, auth, world, app
):
    with app.app_context():
        db = get_session()
        db.add(
            HelpRequest(learner_id=world.learner_b, course_id="sample", lesson_id="sample-first")
        )
        db.commit()
        help_id = db.scalars(select(HelpRequest.id)).one()
    auth.login("mentora")
    assert auth.post(f"/mentor/help/{help_id}/handled", token_from="/mentor").status_code == 404
    with app.app_context():
        assert get_session().get(HelpRequest, help_id).handled_at is None  # still open


def test_too_long_help_message_is_refused_kindly(client, auth, world, app):
    auth.login("learnera")
    response = auth.post("/help", {"message": "x" * 600}, token_from="/help")
    assert response.status_code == 400
    assert 'id="message-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalars(select(HelpRequest)).first() is None


def test_plan_record_and_export_a_session(client, auth, world, app):
    auth.login("mentora")
    when = (local_now() + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    response = plan(auth, world.learner_a, when, agenda=["sample-first", "sample-second"])
    assert response.status_code == 302
    url = response.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "Die erste Lektion" in page

    ics = client.get(url + ".ics")
    assert ics.mimetype == "text/calendar"
    event = next(c for c in Calendar.from_ical(ics.data).walk() if c.name == "VEVENT")
    # 10:00 on the centre's clock (its VTIMEZONE: tests/test_calendar_file.py).
    assert event.decoded("dtstart") == when.replace(tzinfo=CENTRE_TZ)
    assert "Erika Lernend" in str(event.get("summary"))

    held = {
        "took_place": "yes",
        "length_minutes": "75",
        "notes": "Private Notiz",
        "next_steps": "WhatsApp üben",
    }
    # In two days it cannot have been held yet: refused next to the question, nothing stored.
    early = auth.post(url, held, token_from=url)
    assert early.status_code == 400
    error = early.get_data(as_text=True).split('id="took_place-error">')[1].split("</p>")[0]
    assert "als stattgefunden eintragen" in error
    tandem_id = int(url.rsplit("/", 1)[1])
    with app.app_context():
        tandem = get_session().get(TandemSession, tandem_id)
        assert tandem.took_place is None
        tandem.starts_at = utcnow() - timedelta(hours=2)  # the day has come
        get_session().commit()
    recorded = auth.post(url, held, token_from=url)
    assert recorded.status_code == 302
    summary = client.get(url + "/summary").get_data(as_text=True)
    assert "WhatsApp üben" in summary and "Private Notiz" not in summary
    auth.logout()
    auth.login("learnera")
    home = client.get("/").get_data(as_text=True)
    assert "WhatsApp üben" in home and "Private Notiz" not in home


def test_recording_needs_a_length_when_it_took_place(client, auth, world, app):
    auth.login("mentora")
    url = plan(auth, world.learner_a, local_now() - timedelta(days=1)).headers["Location"]
    response = auth.post(url, {"took_place": "yes"}, token_from=url)
    assert response.status_code == 400
    assert 'id="length_minutes-error"' in response.get_data(as_text=True)


def test_shared_notes_fit_the_printed_summary(client, auth, world, app):
    """Notes for the learner's summary stay within what two large-print pages hold; notes kept
    to the mentor may be twice as long."""
    auth.login("mentora")
    url = plan(auth, world.learner_a, local_now() - timedelta(days=1)).headers["Location"]
    held = {"took_place": "yes", "length_minutes": "60", "notes": "x" * (SHARED_NOTES_LIMIT + 1)}
    shared = auth.post(url, {**held, "notes_shared": "y"}, token_from=url)
    assert shared.status_code == 400
    error = shared.get_data(as_text=True).split('id="notes-error">')[1].split("</p>")[0]
    assert "2.000 Zeichen" in error
    assert auth.post(url, held, token_from=url).status_code == 302  # kept to the mentor
    at_limit = {**held, "notes": "x" * SHARED_NOTES_LIMIT, "notes_shared": "y"}
    assert auth.post(url, at_limit, token_from=url).status_code == 302


def test_overlapping_sessions_are_refused_with_a_reason(client, auth, world, app):
    with app.app_context():
        db = get_session()
        db.add(
            __import__("learnapp.models", fromlist=["Pairing"]).Pairing(
                mentor_id=world.mentor_a, learner_id=world.learner_a2
            )
        )
        db.commit()
    auth.login("mentora")
    when = (local_now() + timedelta(days=3)).replace(hour=14, minute=0, second=0, microsecond=0)
    assert plan(auth, world.learner_a, when, 60).status_code == 302
    clash = plan(auth, world.learner_a2, when + timedelta(minutes=30), 60)
    assert clash.status_code == 400
    # the reason names the other session (her name alone is also in the learner list)
    assert (
        "Sie haben zu dieser Zeit schon ein Tandem-Treffen mit Erika Lernend "
        f"({format_skeleton('yMMMEd', when, locale='de')}, {when:%H:%M})"  # "Do., 10. Dez. 2026"
    ) in clash.get_data(as_text=True)
    assert plan(auth, world.learner_a2, when + timedelta(minutes=60), 60).status_code == 302


def test_sessions_long_ago_are_refused_but_recent_past_is_accepted(client, auth, world):
    auth.login("mentora")
    too_old = plan(auth, world.learner_a, local_now() - timedelta(days=400))
    assert too_old.status_code == 400
    assert "Dieses Datum liegt mehr als ein Jahr zurück." in too_old.get_data(as_text=True)
    assert plan(auth, world.learner_a, local_now() - timedelta(days=2)).status_code == 302


def test_cannot_plan_with_someone_elses_learner(client, auth, world, app):
    auth.login("mentora")
    response = plan(auth, world.learner_b, local_now() + timedelta(days=1))
    assert response.status_code == 400
    with app.app_context():
        assert get_session().scalars(select(TandemSession)).first() is None


def test_bad_session_form_input_never_500s(client, auth, world):
    auth.login("mentora")
    for data in (
        {"learner": "x", "date": "2026-13-45", "time": "25:99", "planned_minutes": "-5"},
        {"learner": str(world.learner_a), "date": "", "time": "", "planned_minutes": "1e9"},
        {},
    ):
        response = auth.post("/mentor/sessions/new", data, token_from="/mentor/sessions/new")
        assert response.status_code == 400


def test_other_mentor_cannot_open_the_session(client, auth, world, app):
    auth.login("mentora")
    url = plan(auth, world.learner_a, local_now() + timedelta(days=1)).headers["Location"]
    auth.logout()
    auth.login("mentorb")
    for suffix in ("", ".ics", "/summary"):
        assert client.get(url + suffix).status_code == 404


def test_mentor_resets_a_password_the_learner_must_change(client, auth, world, app):
    learner_client = app.test_client()
    Auth(learner_client).login("learnera")
    auth.login("mentora")
    page = auth.post(
        f"/mentor/learners/{world.learner_a}/password",
        {"confirm": "yes"},
        token_from=f"/mentor/learners/{world.learner_a}",
    ).get_data(as_text=True)
    password = page.split('class="password-display">')[1].split("<")[0]
    assert len(password) >= 8
    ended = learner_client.get("/courses")  # the old session has ended: to the sign-in page,
    assert ended.status_code == 302  # not to /password, where a live session would be sent
    assert ended.headers["Location"].startswith("/login?")
    with app.app_context():
        user = get_session().get(User, world.learner_a)
        assert user.must_change_password and user.check_password(password)
        actions = [e.action for e in get_session().scalars(select(AuditEntry))]
        assert "password-reset" in actions


def test_settings_tell_the_learner_who_their_mentor_is(client, auth, world):
    auth.login("learnera")
    page = client.get("/settings").get_data(as_text=True)
    assert "Mia Mentorin" in page


def test_home_shows_the_next_meeting_and_the_latest_advice(client, auth, world, app):
    """The earliest meeting still to come, and the newest next steps of a meeting held."""
    now = utcnow().replace(second=0, microsecond=0)  # sessions are stored as UTC instants
    learner, mentor = world.learner_a, world.mentor_a

    def tandem(days: float, **fields) -> TandemSession:  # type: ignore[no-untyped-def]
        return TandemSession(
            mentor_id=mentor,
            learner_id=learner,
            starts_at=now + timedelta(days=days),
            **fields,
        )

    with app.app_context():
        session = get_session()
        session.add_all(
            [
                tandem(-30, took_place=True, next_steps="Old advice"),
                tandem(-10, took_place=True, next_steps="Newest advice"),
                tandem(-5, took_place=True, next_steps=""),  # held, left no advice
                tandem(-3, took_place=False, next_steps="Did not happen"),
                tandem(-1),  # planned yesterday, never recorded: not "upcoming"
                tandem(9, place="phone"),
                tandem(4, place="phone", agenda="earliest"),
            ]
        )
        session.commit()
    with app.test_request_context("/"):
        earliest, later = (wall_clock(now + timedelta(days=d)) for d in (4, 9))
        yesterday = wall_clock(now + timedelta(days=-1))
    auth.login("learnera")
    home = client.get("/").get_data(as_text=True)
    assert "Newest advice" in home
    assert "Old advice" not in home and "Did not happen" not in home
    assert earliest in home and later not in home and yesterday not in home


def test_the_new_mentor_sees_the_former_mentors_sessions_as_dates_without_links(client, hard_world):
    """She may know a session took place; the link would lead to notes that are not hers."""
    Auth(client).login(hard_world.username("mentor_new"))
    page = client.get(f"/mentor/learners/{hard_world.learner_repaired}").get_data(as_text=True)
    assert f'href="/mentor/sessions/{hard_world.tandem_new}"' in page
    assert f'href="/mentor/sessions/{hard_world.tandem_former}"' not in page
    assert "mit einer anderen Mentorin oder einem anderen Mentor" in page
    assert hard_world.FORMER_NOTES not in page
