"""Impressum, privacy notice, accessibility statement; the home-screen manifest; unused accounts.

The legal pages are the operator's Markdown in instance/pages/ (sanitised like lessons) or a
default that says what is missing. The privacy notice's list of stored data must name every
table; the accessibility statement may only promise checks the browser suite still runs.
"""

from __future__ import annotations

import json
import logging
import struct
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from learnapp import create_app
from learnapp.access import COORDINATOR, LEARNER, MENTOR
from learnapp.coordinate import reports, retention
from learnapp.db import get_session
from learnapp.hyphenation import SOFT_HYPHEN
from learnapp.legal.accessibility import CHECKED_ON_EVERY_PAGE
from learnapp.legal.pages import missing_pages
from learnapp.legal.stored_data import tables_named
from learnapp.models import Base, Centre, CoordinatorCentre, Pairing, Progress, TandemSession, User
from learnapp.models.base import utcnow
from learnapp.paths import STATIC_DIR
from tests.helpers import Auth, count_queries

LEGAL_PATHS = ("/impressum", "/datenschutz", "/barrierefreiheit")
BROWSER_SUITE = Path(__file__).parent / "browser" / "test_pages.py"


def write_page(app: Flask, name: str, text: str) -> None:
    folder = Path(app.instance_path) / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture(autouse=True)
def own_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every app of these tests gets its own instance folder: pages written stay in the test.

    Autouse, so it is in place before the `app` fixture makes the app.
    """
    instance = tmp_path / "instance"
    instance.mkdir()
    monkeypatch.setenv("LEARNAPP_INSTANCE_PATH", str(instance))
    return instance


# --- The legal pages ---


@pytest.mark.parametrize("path", LEGAL_PATHS)
def test_each_legal_page_shows_its_default_until_the_operator_writes_it(client, path):
    page = client.get(path, headers={"Accept-Language": "de"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "instance" in html.lower() or "Instanz" in html  # says where the operator's file goes
    assert 'class="admonition warning"' in html


def test_every_page_links_the_legal_pages_in_its_footer(client, auth, learner):
    for response in (client.get("/login"), client.get("/not-there")):
        html = response.get_data(as_text=True)
        footer = html[html.index('<footer class="site-footer">') :]
        for path in LEGAL_PATHS:
            assert f'href="{path}"' in footer
    auth.login("erika")
    footer = client.get("/").get_data(as_text=True).split('<footer class="site-footer">')[1]
    assert all(f'href="{path}"' in footer for path in LEGAL_PATHS)


def test_the_operators_page_replaces_the_default_and_is_sanitised(app, client):
    write_page(
        app,
        "impressum.md",
        "# Verein Digital e. V.\n\nMusterweg 1, 26121 Oldenburg\n\n"
        '<script>alert(1)</script><p onclick="x()">Vorstand: Frau Beispiel</p>\n',
    )
    html = client.get("/impressum", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Musterweg 1, 26121 Oldenburg" in html
    assert "Vorstand: Frau Beispiel" in html
    assert "<script>alert" not in html and "onclick" not in html
    assert "Hier fehlt noch das Impressum" not in html


def test_an_english_reader_gets_the_english_page_or_the_german_one_marked_as_german(app, client):
    write_page(app, "datenschutz.md", "Deutscher Text des Betreibers.\n")
    english = client.get("/datenschutz?lang=en").get_data(as_text=True)
    assert "Deutscher Text des Betreibers." in english
    assert 'class="legal-page" aria-labelledby="legal-heading" lang="de"' in english
    write_page(app, "datenschutz.en.md", "The operator's English text.\n")
    english = client.get("/datenschutz?lang=en").get_data(as_text=True)
    assert "The operator's English text." in english
    assert 'lang="de"' not in english.split('class="legal-page"')[1].split(">")[0]


def test_the_stored_data_mark_in_the_operators_notice_becomes_the_generated_list(app, client):
    write_page(app, "datenschutz.md", "Unser Text.\n\n[[stored-data]]\n\nMehr Text.\n")
    html = client.get("/datenschutz", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "[[stored-data]]" not in html
    assert html.index("Unser Text.") < html.index('class="plain-list stored-data"')
    assert html.index('class="plain-list stored-data"') < html.index("Mehr Text.")


def test_the_privacy_notice_names_every_table_of_the_models():
    """A new table is new stored data: the shipped notice must say what, why, how long, who."""
    assert tables_named() == set(Base.metadata.tables)


def test_the_default_privacy_notice_lists_all_stored_data_with_the_retention_months(app, client):
    app.config["RETENTION_INACTIVE_MONTHS"] = 18
    html = client.get("/datenschutz", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert html.count('<li class="card">') == 12
    assert "18 Monaten" in html
    for words in ("Selbsttest", "Übungs", "Hilfe", "Protokoll", "Einstellungen", "Notizen"):
        assert words in html, words


def test_the_accessibility_statement_promises_only_checks_the_browser_suite_runs(client):
    suite = BROWSER_SUITE.read_text(encoding="utf-8")
    for check in CHECKED_ON_EVERY_PAGE:
        assert check.performed_by in suite, f"the suite no longer runs: {check.performed_by}"
    html = client.get("/barrierefreiheit", headers={"Accept-Language": "de"}).get_data(as_text=True)
    html = html.replace(SOFT_HYPHEN, "")  # long words carry soft hyphens
    assert "WCAG" in html and "EN 301 549" in html and "BITV 2.0" in html
    assert (
        "Schlichtungsstelle" in html
        and "Niedersächsischen Behindertengleichstellungsgesetz" in html
    )
    assert html.count("<li>") >= len(CHECKED_ON_EVERY_PAGE)


def test_missing_legal_pages_are_logged_at_start_until_written(own_instance, caplog):
    config = {"TESTING": True, "SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://"}
    with caplog.at_level(logging.WARNING):
        app = create_app(config)
    assert "impressum.md, datenschutz.md, barrierefreiheit.md" in caplog.text
    for name in ("impressum", "datenschutz", "barrierefreiheit"):
        write_page(app, f"{name}.md", "Text.\n")
    assert missing_pages(app) == []
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        create_app(config)
    assert "legal pages are missing" not in caplog.text


# --- The home screen ---


def png_size(path: Path) -> str:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return f"{width}x{height}"


@pytest.mark.parametrize("lang", ["de", "en", "tr", "ru", "uk", "pl", "ar"])
def test_the_manifest_makes_an_installable_app_in_each_language(client, lang):
    response = client.get(f"/manifest-{lang}.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    assert "Set-Cookie" not in response.headers
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["lang"] == lang
    assert manifest["dir"] == ("rtl" if lang == "ar" else "ltr")
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["name"] and manifest["short_name"] and manifest["description"]
    sizes = {}
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        image.close()  # a static file answers with an open file
        assert image.status_code == 200 and image.mimetype == "image/png"
        name = icon["src"].rsplit("/", 1)[1]
        original = next(STATIC_DIR.joinpath("icons").glob(name.split(".")[0] + "*.png"))
        assert png_size(original) == icon["sizes"]
        sizes.setdefault(icon["sizes"], set()).add(icon["purpose"])
    assert {"192x192", "512x512"} <= set(sizes)
    assert "maskable" in sizes["512x512"]


def test_an_unknown_manifest_language_is_not_found(client):
    assert client.get("/manifest-xx.webmanifest").status_code == 404


def test_the_manifests_differ_by_language(client):
    german = json.loads(client.get("/manifest-de.webmanifest").get_data(as_text=True))
    english = json.loads(client.get("/manifest-en.webmanifest").get_data(as_text=True))
    assert german["description"] != english["description"]


@pytest.mark.parametrize("lang", ["de", "en", "tr", "ru", "uk", "pl", "ar"])
def test_every_page_links_the_manifest_of_its_language_and_the_ipad_icon(client, lang):
    html = client.get(f"/login?lang={lang}").get_data(as_text=True)
    assert f'<link rel="manifest" href="/manifest-{lang}.webmanifest">' in html
    assert '<link rel="apple-touch-icon" href="/static/' in html
    assert '<meta name="apple-mobile-web-app-capable" content="yes">' in html
    assert '<meta name="theme-color" content="#0b4a2e">' in html


# --- Unused accounts ---


def _ago(days: int) -> datetime:
    return utcnow() - timedelta(days=days)


@pytest.fixture
def old_world(app: Flask, centre: Centre, make_user):  # type: ignore[no-untyped-def]
    """A centre with an old learner and mentor (3 years unused), a recent one, one almost due."""
    other = None
    with app.app_context():
        session = get_session()
        other = Centre(name="Anderes Zentrum", town="Leer")
        session.add(other)
        session.commit()
        other_id = other.id
    made = {
        "old_learner": make_user(LEARNER, "oldlearner", display_name="Alte Lernende"),
        "old_mentor": make_user(MENTOR, "oldmentor", display_name="Alter Mentor"),
        "recent": make_user(LEARNER, "recent", display_name="Frische Lernende"),
        "almost": make_user(LEARNER, "almost", display_name="Bald Fällige"),
        "elsewhere": make_user(LEARNER, "elsewhere", display_name="Woanders Alt"),
        "coordinator": make_user(COORDINATOR, "coord"),
    }
    with app.app_context():
        session = get_session()
        ids = {name: user.id for name, user in made.items()}
        three_years = _ago(3 * 365)
        for name in ("old_learner", "old_mentor", "elsewhere"):
            session.get(User, ids[name]).last_active_at = three_years
            session.get(User, ids[name]).created_at = three_years - timedelta(days=30)
        session.get(User, ids["elsewhere"]).centre_id = other_id
        session.get(User, ids["recent"]).last_active_at = _ago(3)
        almost = session.get(User, ids["almost"])
        almost.created_at = almost.last_active_at = _ago(2 * 365 - 30)  # due in about a month
        session.add(CoordinatorCentre(coordinator_id=ids["coordinator"], centre_id=centre.id))
        session.add(
            Pairing(
                mentor_id=ids["old_mentor"], learner_id=ids["old_learner"], started_at=three_years
            )
        )
        for day in (0, 3, 9):  # lessons and a held session, in the month three years ago
            session.add(
                Progress(
                    user_id=ids["old_learner"],
                    course_id="sample",
                    lesson_id=f"lesson-{day}",
                    started_at=three_years + timedelta(days=day),
                    completed_at=three_years + timedelta(days=day),
                    updated_at=three_years + timedelta(days=day),
                )
            )
        session.add(
            TandemSession(
                mentor_id=ids["old_mentor"],
                learner_id=ids["old_learner"],
                starts_at=three_years + timedelta(days=1),
                centre_id=centre.id,
                took_place=True,
                length_minutes=90,
                notes="Über Phishing gesprochen.",
            )
        )
        session.commit()
    return ids, three_years


def _figures(app: Flask, moment: datetime) -> list[tuple]:
    with app.app_context():
        session = get_session()
        centres = list(session.scalars(select(Centre).order_by(Centre.id)))
        month = reports.Month(moment.year, moment.month)
        report = reports.month_report(session, centres, month)
        return [
            (
                c.centre.id,
                c.sessions_held,
                c.volunteer_minutes,
                c.active_learners,
                c.lessons_completed,
                c.new_learners,
            )
            for c in report.centres
        ]


def test_the_coordinator_sees_unused_accounts_of_her_centres_before_they_go(client, old_world):
    ids, _three_years = old_world
    assert Auth(client).login("coord").status_code == 302
    html = client.get("/coordinate/retention").get_data(as_text=True)
    for name in ("Alte Lernende", "Alter Mentor", "Bald Fällige"):
        assert name in html
    assert "Frische Lernende" not in html  # used three days ago
    assert "Woanders Alt" not in html  # another centre's
    assert html.index("Alte Lernende") < html.index("Bald Fällige")  # longest unused first


def test_the_unused_accounts_page_runs_the_same_queries_for_more_accounts(
    app, client, old_world, make_user
):
    assert Auth(client).login("coord").status_code == 302
    client.get("/coordinate/retention")  # the first page after sign-in notes her activity
    with count_queries(app) as few:
        client.get("/coordinate/retention")
    for number in range(5):
        user = make_user(LEARNER, f"extra{number}")
        with app.app_context():
            get_session().get(User, user.id).last_active_at = _ago(1000)
            get_session().commit()
    with count_queries(app) as more:
        assert "extra4" not in client.get("/coordinate/retention").get_data(as_text=True)
    assert len(more) == len(few), (
        "\n".join(s[:90] for s in few) + "\n---\n" + "\n".join(s[:90] for s in more)
    )


def test_purge_anonymises_due_accounts_and_keeps_the_report_figures(app, runner, old_world):
    ids, three_years = old_world
    before = _figures(app, three_years)
    assert any(row[1] == 1 and row[4] == 3 for row in before)  # the session and the lessons
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "3 accounts unused for 24 months or more are anonymised." in result.output
    assert _figures(app, three_years) == before
    with app.app_context():
        session = get_session()
        for name in ("old_learner", "old_mentor", "elsewhere"):
            user = session.get(User, ids[name])
            assert user.display_name == "—" and user.username.startswith("deleted-")
            assert not user.active and user.deleted_at is not None
        for name in ("recent", "almost"):
            assert session.get(User, ids[name]).deleted_at is None
        held = session.scalars(select(TandemSession)).one()
        assert held.notes == "" and held.length_minutes == 90
        assert session.scalars(select(Pairing)).one().ended_at is not None


def test_a_dry_run_changes_nothing(app, runner, old_world):
    ids, _three_years = old_world
    result = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert "3 accounts unused for 24 months or more." in result.output
    with app.app_context():
        assert get_session().get(User, ids["old_learner"]).display_name == "Alte Lernende"


def test_the_retention_months_come_from_the_setting(app, runner, old_world):
    ids, _three_years = old_world
    app.config["RETENTION_INACTIVE_MONTHS"] = 48
    assert "0 accounts" in runner.invoke(args=["privacy", "purge"]).output
    app.config["RETENTION_INACTIVE_MONTHS"] = 23
    assert "4 accounts" in runner.invoke(args=["privacy", "purge"]).output


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 3, 31, 12), -1, datetime(2026, 2, 28, 12)),
        (datetime(2026, 1, 15), -24, datetime(2024, 1, 15)),
        (datetime(2024, 2, 29), 12, datetime(2025, 2, 28)),
        (datetime(2026, 12, 6), 1, datetime(2027, 1, 6)),
    ],
)
def test_months_are_calendar_months(moment, months, expected):
    assert retention.add_months(moment, months) == expected
