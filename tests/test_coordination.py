"""Coordinators: accounts, pairings, login cards, reports, early warnings, export and deletion."""

import csv
import io
import itertools
import json
import re
from datetime import datetime, timedelta

from flask.testing import FlaskClient
from sqlalchemy import func, select

from learnapp import accounts
from learnapp.clock import local_now
from learnapp.coordinate import services
from learnapp.coordinate.csv_export import safe_cell
from learnapp.db import get_session
from learnapp.models import (
    AuditEntry,
    Centre,
    Pairing,
    Progress,
    QuizAttempt,
    TandemSession,
    User,
)
from learnapp.models.base import utcnow
from tests.helpers import Auth


def test_coordinator_lands_on_the_early_warning(client, auth, world):
    auth.login("coorda")
    assert client.get("/").headers["Location"] == "/coordinate"


def test_accounts_list_shows_only_own_centre(client, auth, world):
    auth.login("coorda")
    page = client.get("/coordinate/accounts").get_data(as_text=True)
    assert "Erika Lernend" in page and "Mia Mentorin" in page
    assert "Grete Lernend" not in page and "Ben Mentor" not in page


def test_create_account_without_email_and_with_a_temporary_password(client, auth, world, app):
    auth.login("coorda")
    response = auth.post(
        "/coordinate/accounts/new",
        {
            "role": "learner",
            "display_name": "Käthe Müller",
            "username": "",
            "centre": str(world.centre_a),
        },
        token_from="/coordinate/accounts/new",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    password = page.split('class="password-display">')[1].split("<")[0]
    with app.app_context():
        user = get_session().scalars(select(User).where(User.display_name == "Käthe Müller")).one()
        assert re.fullmatch(r"kaethe[2-9]{2}", user.username), user.username
        assert user.must_change_password and user.check_password(password)
        assert user.centre_id == world.centre_a
        username = user.username
    duplicate = auth.post(
        "/coordinate/accounts/new",
        {
            "role": "learner",
            "display_name": "X",
            "username": username,
            "centre": str(world.centre_a),
        },
        token_from="/coordinate/accounts/new",
    )
    assert duplicate.status_code == 400
    assert 'id="username-error"' in duplicate.get_data(as_text=True)


def test_cannot_create_an_account_in_another_centre(client, auth, world, app):
    auth.login("coorda")
    response = auth.post(
        "/coordinate/accounts/new",
        {"role": "learner", "display_name": "Z", "centre": str(world.centre_b)},
        token_from="/coordinate/accounts/new",
    )
    assert response.status_code == 400
    for role in ("admin", "coordinator"):
        response = auth.post(
            "/coordinate/accounts/new",
            {"role": role, "display_name": "Z", "centre": str(world.centre_a)},
            token_from="/coordinate/accounts/new",
        )
        assert response.status_code == 400
    with app.app_context():
        assert get_session().scalar(select(func.count(User.id))) == 8


def test_deactivation_ends_the_session_and_blocks_sign_in(client, auth, world, app):
    learner = app.test_client()
    Auth(learner).login("learnera")
    auth.login("coorda")
    auth.post(
        f"/coordinate/accounts/{world.learner_a}/active",
        {"active": "0", "confirm": "yes"},
        token_from="/coordinate/accounts",
    )
    ended = learner.get("/courses")
    assert ended.status_code == 302 and ended.headers["Location"].startswith("/login?")
    assert Auth(app.test_client()).login("learnera").status_code == 401
    auth.post(
        f"/coordinate/accounts/{world.learner_a}/active",
        {"active": "1"},
        token_from="/coordinate/accounts",
    )
    assert Auth(app.test_client()).login("learnera").status_code == 302


def test_coordinator_cannot_touch_other_centres(client, auth, world):
    auth.login("coorda")
    for path in (
        f"/coordinate/accounts/{world.learner_b}/active",
        f"/coordinate/accounts/{world.learner_b}/password",
        f"/coordinate/accounts/{world.admin}/password",
        f"/coordinate/accounts/{world.coord_b}/password",
    ):
        assert (
            auth.post(path, {"active": "0"}, token_from="/coordinate/accounts").status_code == 404
        )
    for path in (
        f"/coordinate/learners/{world.learner_b}/card",
        f"/coordinate/learners/{world.learner_b}/export.json",
        f"/mentor/learners/{world.learner_b}",
    ):
        assert client.get(path).status_code == 404


def pair(auth, mentor: int, learner: int, confirm: bool = False):
    data = {"mentor": str(mentor), "learner": str(learner)}
    if confirm:
        data["confirm"] = "yes"
    return auth.post("/coordinate/pairings", data, token_from="/coordinate/pairings")


def test_pairing_replaces_the_old_one_and_keeps_history(client, auth, world, app, make_user):
    with app.app_context():
        db = get_session()
        second = User(
            username="mentor2",
            display_name="Max Zweiter",
            role="mentor",
            centre_id=world.centre_a,
            password_hash="x",
        )
        db.add(second)
        db.commit()
        second_id = second.id
    auth.login("coorda")
    # learner_a has mentor_a: the coordinator is asked first, told whose tandem ends
    asked = pair(auth, second_id, world.learner_a)
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert 'name="confirm" value="yes"' in page
    with app.app_context():
        old_mentor = get_session().get(User, world.mentor_a)
        assert old_mentor is not None and old_mentor.display_name in page
        assert get_session().scalar(select(func.count(Pairing.id))) == 2  # nothing changed
    assert pair(auth, second_id, world.learner_a, confirm=True).status_code == 302
    with app.app_context():
        rows = (
            get_session()
            .scalars(
                select(Pairing).where(Pairing.learner_id == world.learner_a).order_by(Pairing.id)
            )
            .all()
        )
        assert [(p.mentor_id, p.ended_at is None) for p in rows] == [
            (world.mentor_a, False),
            (second_id, True),
        ]


def test_pairing_with_wrong_role_or_centre_is_refused(client, auth, world, app):
    auth.login("coorda")
    for mentor, learner in (
        (world.learner_a2, world.learner_a),
        (world.mentor_a, world.mentor_a),
        (world.mentor_b, world.learner_a2),
        (world.mentor_a, world.learner_b),
        (world.mentor_a, world.learner_a),
        (999, 998),
    ):
        response = pair(auth, mentor, learner)
        assert response.status_code == 400, (mentor, learner)
    with app.app_context():
        assert get_session().scalar(select(func.count(Pairing.id))) == 2


def test_login_card_has_no_password_and_offers_no_reset(client, auth, world):
    auth.login("coorda")
    card = client.get(f"/coordinate/learners/{world.learner_a}/card").get_data(as_text=True)
    assert "learnera" in card and "password-display" not in card
    assert 'class="password-blank"' in card  # a line to write it on by hand
    assert 'method="post"' not in card.split("<main")[1]  # no "new password" from here
    qr = client.get(f"/coordinate/learners/{world.learner_a}/qr.svg")
    assert qr.mimetype == "image/svg+xml"
    # A complete SVG document: without xmlns an <img> draws nothing.
    assert b'<svg xmlns="http://www.w3.org/2000/svg"' in qr.data


def test_the_card_after_creating_carries_the_password(client, auth, world, app):
    auth.login("coorda")
    created = auth.post(
        "/coordinate/accounts/new",
        {"role": "learner", "display_name": "Ölaf Łukasz", "centre": str(world.centre_a)},
        token_from="/coordinate/accounts/new",
    ).get_data(as_text=True)
    card = created.split('<article class="login-card"')[1].split("</article>")[0]
    password = card.split('class="password-display">')[1].split("<")[0]
    with app.app_context():
        user = get_session().scalars(select(User).where(User.display_name == "Ölaf Łukasz")).one()
        assert user.check_password(password)
        assert re.fullmatch(r"oelaf[2-9]{2}", user.username), user.username
    assert user.username in card
    assert f"/coordinate/learners/{user.id}/qr.svg" in card


def test_new_usernames_are_first_name_and_two_clear_digits(app, world):
    with app.app_context():
        db = get_session()
        for name, base in (
            ("Käthe Müller", "kaethe"),
            ("  Jürgen-Öttö Weiß", "juergenoettoe"[:12]),
            ("Zoë Brontë", "zoe"),
            ("Ali", "ali"),
            ("李", "user"),
        ):
            assert re.fullmatch(base + r"[2-9]{2}", accounts.suggest_username(db, name)), name


def test_new_usernames_never_repeat_and_grow_when_a_name_is_used_up(app, world):
    with app.app_context():
        db = get_session()
        centre = db.get(Centre, world.centre_a)
        made = {accounts.suggest_username(db, "Anna") for _ in range(3)}
        for digits in itertools.product("23456789", repeat=2):  # all 64 pairs taken
            db.add(User(username="anna" + "".join(digits), display_name="A", role="learner",
                        password_hash="x", centre=centre))  # fmt: skip
        db.flush()
        third = accounts.suggest_username(db, "Anna Bell")
        assert re.fullmatch(r"anna[2-9]{3}", third), third
        assert all(re.fullmatch(r"anna[2-9]{2}", name) for name in made)


def test_a_taken_username_is_tried_again_by_the_unique_key(app, world, monkeypatch):
    """Two coordinators creating "Erika" at the same moment: the second insert fails on the
    unique key and another name is made; nobody sees an error."""
    with app.app_context():
        db = get_session()
        coordinator = db.get(User, world.coord_a)
        centre = db.get(Centre, world.centre_a)
        db.add(User(username="erika22", display_name="E", role="learner", password_hash="x",
                    centre=centre))  # fmt: skip
        db.flush()
        suggestions = iter(["erika22", "erika33"])  # the first was taken after the look-up
        monkeypatch.setattr(accounts, "suggest_username", lambda *_args: next(suggestions))
        user, _password = services.new_account(
            db, coordinator, role="learner", display_name="Erika Neu", username=None,
            centre_id=centre.id, centres=[centre],
        )  # fmt: skip
        assert user.username == "erika33"


def test_card_sheet_holds_todays_learners_of_the_centre(client, auth, world, app):
    auth.login("coorda")
    for name in ("Hanna Heute", "Paul Heute"):
        auth.post(
            "/coordinate/accounts/new",
            {"role": "learner", "display_name": name, "centre": str(world.centre_a)},
            token_from="/coordinate/accounts/new",
        )
    auth.post(
        "/coordinate/accounts/new",
        {"role": "mentor", "display_name": "Mara Heute", "centre": str(world.centre_a)},
        token_from="/coordinate/accounts/new",
    )
    with app.app_context():
        db = get_session()
        yesterday = utcnow() - timedelta(days=1, hours=1)
        for earlier in (world.learner_a, world.learner_a2):
            db.get(User, earlier).created_at = yesterday
        db.add(User(username="gestern", display_name="Gestern Gemacht", role="learner",
                    password_hash="x", centre_id=world.centre_a, created_at=yesterday))  # fmt: skip
        db.add(User(username="morgen", display_name="Morgen Gemacht", role="learner",
                    password_hash="x", centre_id=world.centre_a,
                    created_at=utcnow() + timedelta(days=1, hours=1)))  # fmt: skip
        db.commit()
    sheet = client.get("/coordinate/cards/today").get_data(as_text=True)
    cards = sheet.count('<article class="login-card"')
    assert cards == 2, cards
    assert "Hanna Heute" in sheet and "Paul Heute" in sheet
    assert "Mara Heute" not in sheet and "Gestern Gemacht" not in sheet
    assert "Morgen Gemacht" not in sheet
    assert "password-display" not in sheet and sheet.count('class="password-blank"') == 2
    auth.logout()
    auth.login("coordb")  # centre B's coordinator: only her own learner made today
    other = client.get("/coordinate/cards/today").get_data(as_text=True)
    assert other.count('<article class="login-card"') == 1 and "Grete Lernend" in other


def _seed_month(app, world):
    """Activity in November 2026 (and some outside it) for centre A."""
    with app.app_context():
        db = get_session()
        nov = datetime(2026, 11, 10, 9, 0)
        db.add_all(
            [
                Progress(
                    user_id=world.learner_a,
                    course_id="c",
                    lesson_id="l1",
                    started_at=nov,
                    completed_at=nov,
                    updated_at=nov,
                ),
                Progress(
                    user_id=world.learner_a,
                    course_id="c",
                    lesson_id="l2",
                    started_at=nov,
                    completed_at=nov + timedelta(days=1),
                    updated_at=nov,
                ),
                Progress(
                    user_id=world.learner_a2,
                    course_id="c",
                    lesson_id="l1",
                    started_at=datetime(2026, 10, 1),
                    completed_at=datetime(2026, 10, 2),
                    updated_at=datetime(2026, 10, 2),
                ),
                Progress(
                    user_id=world.learner_b,
                    course_id="c",
                    lesson_id="l1",
                    started_at=nov,
                    completed_at=nov,
                    updated_at=nov,
                ),
                TandemSession(
                    mentor_id=world.mentor_a,
                    learner_id=world.learner_a,
                    starts_at=nov,
                    took_place=True,
                    length_minutes=90,
                ),
                TandemSession(
                    mentor_id=world.mentor_a,
                    learner_id=world.learner_a,
                    starts_at=nov + timedelta(days=7),
                    took_place=True,
                    length_minutes=45,
                ),
                TandemSession(
                    mentor_id=world.mentor_a,
                    learner_id=world.learner_a,
                    starts_at=nov + timedelta(days=8),
                    took_place=False,
                ),
                TandemSession(
                    mentor_id=world.mentor_a,
                    learner_id=world.learner_a,
                    starts_at=datetime(2026, 12, 1, 0, 30),
                    took_place=True,
                    length_minutes=30,
                ),
            ]
        )
        # the "new learner" count: learner_a2 joined in October
        db.get(User, world.learner_a2).created_at = datetime(2026, 10, 5)
        db.get(User, world.learner_a).created_at = datetime(2026, 11, 2)
        db.commit()


def test_report_numbers_match_the_stored_data(client, auth, world, app):
    _seed_month(app, world)
    auth.login("coorda")
    page = client.get("/coordinate/reports?month=2026-11&lang=en").get_data(as_text=True)
    a = world.centre_a
    cells = [
        page.split(f'id="{name}-{a}">')[1].split("<")[0]
        for name in ("sessions", "hours", "active", "completed", "new")
    ]
    # sessions held, volunteer hours, active learners, lessons completed, new learners
    assert cells == ["2", "2.2", "1", "2", "1"]
    assert "Zentrum B" not in page


def test_csv_export_is_safe_against_formula_injection(client, auth, world, app):
    with app.app_context():
        db = get_session()
        db.get(User, world.learner_a).display_name = "=cmd|' /C calc'!A0"
        db.commit()
    auth.login("coorda")
    response = client.get("/coordinate/reports.csv?month=2026-11")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert "'=cmd|' /C calc'!A0" in text
    assert "\n=cmd" not in text and ";=cmd" not in text
    assert safe_cell("-12") == "-12" and safe_cell("+49 151") == "'+49 151"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"


def _report_numbers(client: FlaskClient, month: str) -> tuple[str, list[list[str]]]:
    """The page's centre table, and the CSV's rows without the learners' names, sorted."""
    page = client.get(f"/coordinate/reports?month={month}").get_data(as_text=True)
    centres = page.split("<tbody>")[1].split("</tbody>")[0]
    text = client.get(f"/coordinate/reports.csv?month={month}").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))
    learners_from = rows.index([]) + 2  # a blank line, the learners' header, their rows
    numbers = rows[1 : learners_from - 2] + [row[2:] for row in rows[learners_from:]]
    return centres, sorted(numbers)


def test_export_and_delete_keep_anonymous_numbers(client, auth, world, app):
    _seed_month(app, world)
    with app.app_context():
        db = get_session()
        db.add_all(
            [
                QuizAttempt(
                    user_id=world.learner_a,
                    lesson_id="l1",
                    question_id="q1",
                    submission_id="a" * 32,
                    answer="0",
                    correct=True,
                ),
                # September: active only through a self-check
                QuizAttempt(
                    user_id=world.learner_a,
                    lesson_id="l1",
                    question_id="q1",
                    submission_id="b" * 32,
                    answer="1",
                    correct=False,
                    created_at=datetime(2026, 9, 17, 15, 4),
                ),
                # 23:30 UTC on 31 October is 00:30 on 1 November in the centre: November
                Progress(
                    user_id=world.learner_a,
                    course_id="c",
                    lesson_id="l3",
                    started_at=datetime(2026, 10, 31, 23, 30),
                    completed_at=datetime(2026, 10, 31, 23, 30),
                    updated_at=datetime(2026, 10, 31, 23, 30),
                ),
                # 22:59 UTC on 30 September is still September in the centre (summer time)
                Progress(
                    user_id=world.learner_a,
                    course_id="c",
                    lesson_id="l4",
                    started_at=datetime(2026, 9, 30, 21, 59),
                    completed_at=datetime(2026, 9, 30, 21, 59),
                    updated_at=datetime(2026, 9, 30, 21, 59),
                ),
            ]
        )
        db.commit()
    auth.login("coorda")
    exported = client.get(f"/coordinate/learners/{world.learner_a}/export.json")
    data = json.loads(exported.data)
    assert data["person"]["display_name"] == "Erika Lernend"
    assert len(data["progress"]) == 4 and len(data["tandem_sessions"]) == 4
    months = ("2026-09", "2026-10", "2026-11", "2026-12")
    before = {month: _report_numbers(client, month) for month in months}
    # her counts are in the tables (as in test_report_numbers_match_the_stored_data)
    assert f'id="completed-{world.centre_a}">3<' in before["2026-11"][0]
    assert f'id="sessions-{world.centre_a}">2<' in before["2026-11"][0]
    assert f'id="active-{world.centre_a}">1<' in before["2026-09"][0]
    auth.post(
        f"/coordinate/learners/{world.learner_a}/delete",
        {"confirm": "yes"},
        token_from=f"/coordinate/learners/{world.learner_a}/delete",
    )
    after = {month: _report_numbers(client, month) for month in months}
    assert after == before
    with app.app_context():
        db = get_session()
        user = db.get(User, world.learner_a)
        assert user.display_name == "—" and not user.active and user.deleted_at
        assert {a.answer for a in db.scalars(select(QuizAttempt))} == {""}  # no answers kept
        assert {e.action for e in db.scalars(select(AuditEntry))} >= {"exported", "deleted"}
    assert "Erika Lernend" not in client.get("/coordinate/accounts").get_data(as_text=True)


def test_early_warning_lists_who_is_slipping_away(client, auth, world, app):
    long_ago = utcnow() - timedelta(days=60)
    with app.app_context():
        db = get_session()
        for user_id in (world.learner_a, world.learner_a2, world.mentor_a):
            db.get(User, user_id).created_at = long_ago
        db.get(User, world.learner_a).last_active_at = utcnow()
        db.get(User, world.learner_a2).last_active_at = long_ago
        for pairing in db.scalars(select(Pairing)):
            pairing.started_at = long_ago
        for submission in ("a" * 32, "b" * 32):
            db.add(
                QuizAttempt(
                    user_id=world.learner_a,
                    lesson_id="sample-first",
                    question_id="q1",
                    submission_id=submission,
                    answer="1",
                    correct=False,
                )
            )
        db.commit()
    auth.login("coorda")
    page = client.get("/coordinate?lang=en").get_data(as_text=True)
    inactive = page.split('id="inactive-heading"')[1].split("</section>")[0]
    assert "Hans Lernend" in inactive and "Erika Lernend" not in inactive
    stuck = page.split('id="stuck-heading"')[1].split("</section>")[0]
    assert "Erika Lernend" in stuck and "The first lesson" in stuck
    pairs = page.split('id="pairs-heading"')[1].split("</section>")[0]
    assert "Mia Mentorin" in pairs
    mentors = page.split('id="mentors-heading"')[1].split("</section>")[0]
    assert "Mia Mentorin" in mentors
    # a held session clears the tandem and the mentor from the list
    with app.app_context():
        db = get_session()
        db.add(
            TandemSession(
                mentor_id=world.mentor_a,
                learner_id=world.learner_a,
                starts_at=local_now() - timedelta(days=1),
                took_place=True,
                length_minutes=60,
            )
        )
        db.commit()
    page = client.get("/coordinate?lang=en").get_data(as_text=True)
    assert "Mia Mentorin" not in page.split('id="pairs-heading"')[1]
    assert "Grete" not in page


def test_admin_manages_centres_and_coordinators(client, auth, world, app):
    auth.login("admin")
    auth.post(
        "/admin",
        {"action": "centre", "c-name": "Zentrum C", "c-town": "Emden"},
        token_from="/admin",
    )
    page = client.get("/admin").get_data(as_text=True)
    assert "Zentrum C" in page
    created = auth.post(
        "/admin",
        {"action": "coordinator", "p-display_name": "Nina Neu", "p-centre": str(world.centre_b)},
        token_from="/admin",
    )
    assert 'class="password-display"' in created.get_data(as_text=True)
    assert "Nina Neu" in client.get("/admin/accounts").get_data(as_text=True)
    assert client.get("/admin/audit").status_code == 200
