"""Lesson Markdown and learner deletion: the rules the other tests leave open.

render_markdown: `lesson:ID` links go through the resolver (unknown lessons become `#`), and
headings carry no permalink anchor. delete_learner: the erased name's shape, the session
version bumped by exactly one, earlier pairings keep their end, the audit entry names who and
whom. _column_default refuses columns without a plain default; centres_of sorts by name.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from learnapp import audit
from learnapp.access import ADMIN, COORDINATOR, LEARNER, MENTOR
from learnapp.coarse_time import utc_month_start
from learnapp.content.render import render_markdown
from learnapp.coordinate import services
from learnapp.db import get_session
from learnapp.models import AuditEntry, Centre, Pairing, ScenarioRun, User
from learnapp.models.base import utcnow

EARLY = datetime(2025, 1, 6, 10, 0)

# --- render_markdown ----------------------------------------------------------------------


def test_lesson_link_goes_through_the_resolver() -> None:
    seen: list[str | None] = []

    def resolve(lesson_id: str | None) -> str | None:
        seen.append(lesson_id)
        return {"first-steps": "/learn/sample/first-steps"}.get(lesson_id or "")

    html = render_markdown("See [the start](lesson:first-steps).", resolve)
    assert str(html) == '<p>See <a href="/learn/sample/first-steps">the start</a>.</p>'
    assert seen == ["first-steps"]


def test_unknown_lesson_link_points_nowhere() -> None:
    html = render_markdown("See [gone](lesson:no-such-lesson).", lambda _id: None)
    assert str(html) == '<p>See <a href="#">gone</a>.</p>'


def test_without_resolver_lesson_link_is_left_to_the_sanitiser() -> None:
    # No resolver: the `lesson:` scheme is not allowed, so bleach drops the href.
    html = render_markdown("See [x](lesson:first-steps).")
    assert str(html) == "<p>See <a>x</a>.</p>"


def test_headings_have_an_id_but_no_permalink() -> None:
    html = render_markdown("## Erste Schritte\n\nText")
    assert str(html) == '<h2 id="erste-schritte">Erste Schritte</h2>\n<p>Text</p>'
    assert "Permanent link" not in html
    assert "&para;" not in html


# --- delete_learner -----------------------------------------------------------------------


@pytest.fixture
def people(app, make_user):  # type: ignore[no-untyped-def]
    return {
        "learner": make_user(role=LEARNER, username="dora").id,
        "mentor": make_user(role=MENTOR, username="nils").id,
        "coordinator": make_user(role=COORDINATOR, username="clara").id,
    }


def _delete(app, people) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context(method="POST"):
        db = get_session()
        services.delete_learner(
            db, db.get(User, people["coordinator"]), db.get(User, people["learner"])
        )
        db.commit()


def test_deleted_name_has_eight_hex_digits(app, people) -> None:  # type: ignore[no-untyped-def]
    _delete(app, people)
    with app.app_context():
        name = get_session().get(User, people["learner"]).username
    assert re.fullmatch(rf"deleted-{people['learner']}-[0-9a-f]{{8}}", name), name


def test_session_version_goes_up_by_one(app, people) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        before = get_session().get(User, people["learner"]).session_version
    _delete(app, people)
    with app.app_context():
        assert get_session().get(User, people["learner"]).session_version == before + 1


def test_deletion_ends_only_the_open_pairing(app, people) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        db = get_session()
        old = Pairing(
            mentor_id=people["mentor"],
            learner_id=people["learner"],
            started_at=EARLY,
            ended_at=EARLY,
        )
        current = Pairing(
            mentor_id=people["mentor"], learner_id=people["learner"], started_at=EARLY
        )
        db.add_all([old, current])
        db.commit()
        old_id, current_id = old.id, current.id
    _delete(app, people)
    with app.app_context():
        db = get_session()
        # kept for the mentor's history, its times only to the month
        assert db.get(Pairing, old_id).ended_at == utc_month_start(EARLY)
        assert db.get(Pairing, current_id).ended_at == utc_month_start(utcnow())


def test_deletion_audit_names_the_actor_not_the_account(app, people) -> None:  # type: ignore[no-untyped-def]
    _delete(app, people)
    with app.app_context():
        entries = (
            get_session()
            .scalars(select(AuditEntry).where(AuditEntry.action == audit.DELETED))
            .all()
        )
        assert [(e.actor_id, e.subject_id, e.detail) for e in entries] == [
            (people["coordinator"], None, LEARNER)
        ]


# --- _column_default, centres_of ----------------------------------------------------------


def test_column_default_refuses_missing_and_computed_defaults(app) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(
        RuntimeError, match=r"^User\.display_name has no plain default to reset to$"
    ):
        services._column_default(User, "display_name")
    with pytest.raises(RuntimeError, match=r"^Pairing\.started_at has no plain default"):
        services._column_default(Pairing, "started_at")
    assert services._column_default(User, "session_version") == 1


def test_admin_sees_every_centre_by_name(app, make_user) -> None:  # type: ignore[no-untyped-def]
    admin_id = make_user(role=ADMIN, username="root").id
    with app.app_context():
        db = get_session()
        db.add_all([Centre(name="Zeven"), Centre(name="Aurich"), Centre(name="Meppen")])
        db.commit()
        names = [c.name for c in services.centres_of(db, db.get(User, admin_id))]
    assert names == sorted(names)
    assert names == ["Aurich", "Meppen", "Testzentrum", "Zeven"]


# --- the few others: throttle log, practice run, visits, proxy host -----------------------


class _BrokenStore:
    """A counter store whose every call fails, like an unreachable Redis."""

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        def fail(*_args, **_kwargs):  # type: ignore[no-untyped-def]
            raise ConnectionError("store down")

        return fail


def test_unreachable_throttle_store_is_logged_in_plain_words(app, caplog) -> None:  # type: ignore[no-untyped-def]
    from learnapp.auth.throttle import Throttle, get_throttle

    with app.app_context():
        broken = Throttle(_BrokenStore(), get_throttle().limits, "t")  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR, logger="learnapp.auth.throttle"):
        verdict = broken.record_failure("erika", "192.0.2.7")
    assert not verdict.locked
    messages = [r.getMessage() for r in caplog.records if r.name == "learnapp.auth.throttle"]
    assert messages == ["sign-in throttle store unreachable; failure not counted"]


def test_a_run_of_another_lesson_is_not_found(app, learner) -> None:  # type: ignore[no-untyped-def]
    from learnapp.learn import practice

    with app.app_context():
        db = get_session()
        run = ScenarioRun(user_id=learner.id, lesson_id="lesson-a", current_step="start")
        db.add(run)
        db.commit()
        user = db.get(User, learner.id)
        assert practice.get_run(db, user, SimpleNamespace(id="lesson-a"), run.id) is run  # type: ignore[arg-type]
        assert practice.get_run(db, user, SimpleNamespace(id="lesson-b"), run.id) is None  # type: ignore[arg-type]


def test_visit_is_written_unless_told_it_is_a_reload(app, learner, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from learnapp.learn import services as learn

    now = datetime(2026, 3, 2, 10, 0)
    monkeypatch.setattr(learn, "utcnow", lambda: now)
    with app.test_request_context():
        db = get_session()
        user = db.get(User, learner.id)
        row = learn.record_visit(db, user, "sample", "sample-first")
        row.updated_at = now - timedelta(seconds=30)
        learn.record_visit(db, user, "sample", "sample-first")  # default: not a reload
        assert row.updated_at == now
        # A reload exactly one minute later is not yet written again.
        row.updated_at = now - learn.REVISIT_WRITE_AFTER
        learn.record_visit(db, user, "sample", "sample-first", same_as_last=True)
        assert row.updated_at == now - learn.REVISIT_WRITE_AFTER
        db.commit()


def test_behind_a_trusted_proxy_the_host_comes_from_its_header(app) -> None:  # type: ignore[no-untyped-def]
    from flask import request

    from learnapp import create_app

    proxied = create_app(dict(app.config, TRUSTED_PROXIES=1))

    @proxied.get("/seen-host")
    def seen_host():  # type: ignore[no-untyped-def]
        return request.host

    client = proxied.test_client()
    response = client.get("/seen-host", headers={"X-Forwarded-Host": "lernen.example.org"})
    assert response.get_data(as_text=True) == "lernen.example.org"
    proxied.extensions["learnapp_db"].engine.dispose()
