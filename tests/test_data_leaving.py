"""Data leaving the app: a learner's data export, her deletion, the monthly CSV report.

All through the real HTTP client as a coordinator. The tables that hold something about a
learner are found by introspection (every table with a foreign key to user_account, and the
tables hanging off those); for each of their columns a hand-written rule says whether the
export carries it and what deletion does to it, so a new table or column fails here until
someone decides.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Column, Table, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.types import DateTime, String, Text
from werkzeug.test import TestResponse

from learnapp.access import LEARNER, MENTOR
from learnapp.auth.throttle import EXTENSION_KEY, DatabaseCounterStore, Throttle
from learnapp.coarse_time import utc_month_start
from learnapp.db import get_session
from learnapp.models import (
    AuditEntry,
    Base,
    Centre,
    CoordinatorCentre,
    FormKey,
    HelpRequest,
    Pairing,
    Progress,
    QuizAttempt,
    ScenarioChoice,
    ScenarioRun,
    TandemSession,
    User,
    WarningDismissal,
)
from learnapp.models.base import utcnow
from tests.helpers import PASSWORD, Auth, count_queries
from tests.world import World

USERS = "user_account"

# ---------------------------------------------------------------------------------------------
# Which tables hold something about a person


def personal_tables() -> dict[str, Table]:
    """user_account, every table with a foreign key to it, and the tables hanging off those."""
    linked = {USERS: Base.metadata.tables[USERS]}
    grown = True
    while grown:
        grown = False
        for table in Base.metadata.sorted_tables:
            if table.name not in linked and any(
                fk.column.table.name in linked for fk in table.foreign_keys
            ):
                linked[table.name] = table
                grown = True
    return linked


def her_rows(session: Session, table: Table, user_id: int) -> list[dict[str, Any]]:
    """The rows of a table that belong to or mention the user (directly or through a parent)."""
    tables = personal_tables()
    conditions = [table.c.id == user_id] if table.name == USERS else []
    for fk in table.foreign_keys:
        parent = fk.column.table
        if parent.name == USERS:
            conditions.append(fk.parent == user_id)
        elif parent.name in tables and parent.name != table.name:
            parent_keys = [row[fk.column.name] for row in her_rows(session, parent, user_id)]
            conditions.append(fk.parent.in_(parent_keys))
    if not conditions:
        return []
    statement = select(table).where(or_(*conditions)).order_by(*table.primary_key.columns)
    return [dict(row) for row in session.execute(statement).mappings()]


def _primary_key(table: Table, row: dict[str, Any]) -> tuple:
    return tuple(row[column.name] for column in table.primary_key.columns)


# ---------------------------------------------------------------------------------------------
# The export: what each column of each personal table becomes in the JSON


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Key:
    """Links the row to her; the export is hers, so it needs no column for it."""


@dataclass(frozen=True)
class Exported:
    key: str  # in the section's item; dotted for nested ("preferences.language")
    convert: Callable[[Any], Any] = _same
    refers: str | None = None  # "user" or "centre": a reference, exported as the name


@dataclass(frozen=True)
class Withheld:
    reason: str


SECTIONS = {
    USERS: "person",
    "progress": "progress",
    "quiz_attempt": "self_checks",
    "scenario_run": "practice",
    "help_request": "help_requests",
    "tandem_session": "tandem_sessions",
    "pairing": "mentors",
    "audit_entry": "access_log",
    "warning_dismissal": "warnings_put_aside",
}
BOOKKEEPING = "when the row was written: bookkeeping, not about her"
EXPORT: dict[str, dict[str, Any]] = {
    USERS: {
        "id": Withheld("internal number (it names the downloaded file)"),
        "username": Exported("username"),
        "display_name": Exported("display_name"),
        "password_hash": Withheld("a secret: even a hash helps someone guessing her password"),
        "role": Exported("role"),
        "centre_id": Exported("centre", refers="centre"),
        "active": Withheld("account state the centre sets; the coordinator tells her"),
        "must_change_password": Withheld("a sign-in step, security state"),
        "password_expires_at": Withheld("when a temporary password stops working: security state"),
        "session_version": Withheld("security counter that ends old sessions"),
        "totp_secret": Withheld("a secret"),
        "totp_last_step": Withheld("security counter of the second factor"),
        "locale": Exported("preferences.language"),
        "text_size": Exported("preferences.text_size"),
        "contrast": Exported("preferences.contrast"),
        "speech_rate": Exported("preferences.speech_rate"),
        "email": Withheld("mentors only: a learner is never asked for an address"),
        "created_at": Exported("created_at", _iso),
        "updated_at": Withheld(BOOKKEEPING),
        "last_active_at": Exported("last_active_at", _iso),
        "deleted_at": Withheld("always empty here: a deleted learner cannot be exported"),
    },
    "progress": {
        "id": Withheld("internal number"),
        "user_id": Key(),
        "course_id": Exported("course"),
        "lesson_id": Exported("lesson"),
        "started_at": Exported("started_at", _iso),
        "completed_at": Exported("completed_at", _iso),
        "updated_at": Exported("last_active_at", _iso),  # when she last opened or ticked it
    },
    "quiz_attempt": {
        "id": Withheld("internal number"),
        "user_id": Key(),
        "lesson_id": Exported("lesson"),
        "question_id": Exported("question"),
        "submission_id": Withheld("random token against replayed forms"),
        "answer": Exported("answer"),
        "correct": Exported("correct"),
        "created_at": Exported("at", _iso),
    },
    "scenario_run": {
        "id": Withheld("internal number"),
        "user_id": Key(),
        "lesson_id": Exported("lesson"),
        "current_step": Exported("path"),  # the last step of the path, checked in the test
        "outcome": Exported("outcome"),
        "started_at": Exported("started_at", _iso),
        "ended_at": Exported("ended_at", _iso),
    },
    "scenario_choice": {
        "id": Withheld("internal number"),
        "run_id": Key(),
        # In the run's "choices" (and its "path": each step, then where the run stands now)
        "step_id": Exported("step"),
        "position": Withheld("the order of the run's choices in the export"),
        "choice_index": Exported("choice_index"),
        "next_step": Exported("next_step"),
        "created_at": Exported("at", _iso),
    },
    "form_key": {
        # A help request she sent, with the random key of its form: the request is exported.
        "id": Withheld("internal number"),
        "key": Withheld("random token against forms sent twice"),
        "user_id": Key(),
        "kind": Withheld("what the form made is exported in its own section"),
        "created_id": Withheld("internal number"),
        "url": Withheld("the page the form led to: bookkeeping"),
        "created_at": Withheld(BOOKKEEPING),
    },
    "help_request": {
        "id": Withheld("internal number"),
        "learner_id": Key(),
        "course_id": Withheld("follows from the lesson id"),
        "lesson_id": Exported("lesson"),
        "origin_path": Exported("page"),
        "message": Exported("message"),
        "reply": Exported("reply"),
        "created_at": Exported("at", _iso),
        "handled_at": Exported("handled_at", _iso),
        "handled_by_id": Exported("handled_by", refers="user"),
    },
    "tandem_session": {
        "id": Withheld("internal number"),
        "mentor_id": Exported("mentor", refers="user"),
        "learner_id": Key(),
        "starts_at": Exported("starts_at", _iso),
        "planned_minutes": Exported("planned_minutes"),
        "place": Exported("place"),
        "centre_id": Exported("centre", refers="centre"),
        "agenda": Exported("agenda", lambda text: [line for line in text.split("\n") if line]),
        "took_place": Exported("took_place"),
        "length_minutes": Exported("length_minutes"),
        "notes": Exported("notes"),
        "notes_shared": Exported("notes_shared"),
        "next_steps": Exported("next_steps"),
        "created_at": Withheld(BOOKKEEPING),
        "recorded_at": Withheld(BOOKKEEPING),
    },
    "pairing": {
        "id": Withheld("internal number"),
        "mentor_id": Exported("mentor", refers="user"),
        "learner_id": Key(),
        "started_at": Exported("started_at", _iso),
        "ended_at": Exported("ended_at", _iso),
        "last_held_at": Withheld("the start of their last session, which the export lists"),
    },
    "lesson_trouble": {
        # Counted from her self-check answers and progress, which the export holds in full.
        "user_id": Key(),
        "lesson_id": Withheld("a figure counted from her answers, which are exported"),
        "failed_checks": Withheld("a figure counted from her answers, which are exported"),
        "last_failed_at": Withheld("a figure counted from her answers, which are exported"),
        "completed": Withheld("a figure counted from her progress, which is exported"),
    },
    "active_month": {
        # Counted from her progress, answers and sessions, which the export holds in full.
        "user_id": Key(),
        "month": Withheld("a figure counted from the times in the export"),
        "lessons_completed": Withheld("a figure counted from her progress, which is exported"),
    },
    "audit_entry": {
        # Who looked at, exported or changed her data: she has a right to know (Art. 15).
        "id": Withheld("internal number"),
        "actor_id": Exported("by", refers="user"),  # and "by_role", checked in the test
        "subject_id": Key(),
        "action": Exported("action"),
        "detail": Exported("detail"),
        "created_at": Exported("at", _iso),
    },
    "warning_dismissal": {
        # An early warning about her put aside by a coordinator, with the reason.
        "id": Withheld("internal number"),
        "user_id": Key(),
        "kind": Exported("warning"),
        "reason": Exported("reason"),
        "dismissed_by_id": Exported("by", refers="user"),
        "dismissed_at": Exported("at", _iso),
    },
    "coordinator_centre": {
        # Only coordinators have rows here; a learner never does.
        "coordinator_id": Withheld("coordinators only"),
        "centre_id": Withheld("coordinators only"),
    },
}
NOT_FOR_LEARNERS = {"coordinator_centre"}


def test_every_column_about_a_person_has_an_export_decision():
    tables = personal_tables()
    found = {(name, column.name) for name, table in tables.items() for column in table.columns}
    decided = {(name, column) for name, columns in EXPORT.items() for column in columns}
    assert found - decided == set(), "new personal data: export it or say why not"
    assert decided - found == set(), "the model changed: update EXPORT"


# ---------------------------------------------------------------------------------------------
# A learner with a row in every personal table


@dataclass
class Gerda:
    id: int
    username: str
    display_name: str
    former_mentor: int


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day)


def build_gerda(app: Flask, world: World) -> Gerda:
    """Gerda, in centre A with a current and a former mentor, and something in every table."""
    with app.app_context():
        db = get_session()
        former = User(
            username="max.frueher",
            display_name="Max Früher",
            role=MENTOR,
            centre_id=world.centre_a,
        )
        gerda = User(
            username="gerda.vogelsang",
            display_name="Gerda Vogelsang",
            role=LEARNER,
            centre_id=world.centre_a,
            locale="en",
            text_size=150,
            contrast="high",
            speech_rate=75,
            created_at=_at("2026-01-05T08:00:00"),
            last_active_at=_at("2026-11-30T17:45:12"),
        )
        for user in (former, gerda):
            user.set_password(PASSWORD)
        db.add_all([former, gerda])
        db.flush()
        runs = [
            ScenarioRun(
                user_id=gerda.id,
                lesson_id="sample-practice",
                current_step="end-safe",
                outcome="safe",
                started_at=_at("2026-02-04T09:00:08"),
                ended_at=_at("2026-02-04T09:05:09"),
            ),
            ScenarioRun(
                user_id=gerda.id,
                lesson_id="sample-practice",
                current_step="start",
                started_at=_at("2026-02-05T09:00:12"),
            ),
        ]
        db.add_all(runs)
        db.flush()
        db.add_all(
            [
                Pairing(
                    mentor_id=former.id,
                    learner_id=gerda.id,
                    started_at=_at("2026-01-10T09:00:19"),
                    ended_at=_at("2026-01-31T18:00:20"),
                ),
                Pairing(
                    mentor_id=world.mentor_a,
                    learner_id=gerda.id,
                    started_at=_at("2026-02-01T09:00:21"),
                ),
                Progress(
                    user_id=gerda.id,
                    course_id="sample",
                    lesson_id="sample-first",
                    started_at=_at("2026-02-02T10:00:01"),
                    completed_at=_at("2026-02-02T10:20:02"),
                    updated_at=_at("2026-02-02T10:20:03"),
                ),
                Progress(
                    user_id=gerda.id,
                    course_id="sample",
                    lesson_id="sample-second",
                    started_at=_at("2026-02-03T11:00:04"),
                    updated_at=_at("2026-03-01T12:00:05"),
                ),
                QuizAttempt(
                    user_id=gerda.id,
                    lesson_id="sample-first",
                    question_id="q1",
                    submission_id="a" * 32,
                    answer="0",
                    correct=True,
                    created_at=_at("2026-02-02T10:15:06"),
                ),
                QuizAttempt(
                    user_id=gerda.id,
                    lesson_id="sample-first",
                    question_id="q2",
                    submission_id="a" * 32,
                    answer="0,2",
                    correct=False,
                    created_at=_at("2026-02-02T10:15:07"),
                ),
                ScenarioChoice(
                    run_id=runs[0].id,
                    step_id="start",
                    position=1,
                    choice_index=1,
                    next_step="message",
                    created_at=_at("2026-02-04T09:01:10"),
                ),
                ScenarioChoice(
                    run_id=runs[0].id,
                    step_id="message",
                    position=2,
                    choice_index=2,
                    next_step="end-safe",
                    created_at=_at("2026-02-04T09:02:11"),
                ),
                HelpRequest(
                    learner_id=gerda.id,
                    course_id="sample",
                    lesson_id="sample-second",
                    origin_path="/courses/sample/sample-second",
                    message='Hier ist Gerda Vogelsang; wo ist der "Knopf"?\nDanke',
                    reply="Gerda, oben rechts.",
                    created_at=_at("2026-02-06T14:00:13"),
                    handled_at=_at("2026-02-06T15:00:14"),
                    handled_by_id=world.mentor_a,
                ),
                FormKey(
                    key="b" * 32,
                    user_id=gerda.id,
                    kind="help",
                    url="/courses/sample/sample-second",
                    created_at=_at("2026-02-06T14:00:13"),
                ),
                HelpRequest(
                    learner_id=gerda.id,
                    course_id="sample",
                    lesson_id="sample-first",
                    created_at=_at("2026-02-07T14:00:15"),
                ),
                WarningDismissal(
                    user_id=gerda.id,
                    kind="inactive",
                    reason="away",
                    dismissed_by_id=world.coord_a,
                    dismissed_at=_at("2026-02-08T09:00:16"),
                ),
                TandemSession(
                    mentor_id=world.mentor_a,
                    learner_id=gerda.id,
                    starts_at=_at("2026-02-10T10:00:00"),
                    planned_minutes=70,
                    place="centre",
                    centre_id=world.centre_a,
                    agenda="sample-first\nsample-second",
                    took_place=True,
                    length_minutes=50,
                    notes="Gerda Vogelsang übte Fotos; sehr gut",
                    notes_shared=True,
                    next_steps="gerda.vogelsang: WhatsApp einrichten",
                    created_at=_at("2026-02-08T08:00:16"),
                    recorded_at=_at("2026-02-10T12:00:17"),
                ),
                TandemSession(
                    mentor_id=world.mentor_a,
                    learner_id=gerda.id,
                    starts_at=_at("2026-12-20T10:00:00"),
                    planned_minutes=30,
                    place="phone",
                    created_at=_at("2026-12-01T08:00:22"),
                ),
                AuditEntry(
                    actor_id=world.mentor_a,
                    subject_id=gerda.id,
                    action="viewed",
                    detail="learner page",
                    created_at=_at("2026-02-09T08:00:18"),
                ),
            ]
        )
        db.commit()
        return Gerda(gerda.id, gerda.username, gerda.display_name, former.id)


def test_gerda_has_a_row_in_every_personal_table(app, world):
    gerda = build_gerda(app, world)
    with app.app_context():
        db = get_session()
        empty = [
            name
            for name, table in personal_tables().items()
            if name not in NOT_FOR_LEARNERS and not her_rows(db, table, gerda.id)
        ]
    assert empty == [], "add a row for the new table to build_gerda"


# ---------------------------------------------------------------------------------------------
# The export


def _export(client: FlaskClient, gerda: Gerda) -> dict[str, Any]:
    Auth(client).login("coorda")
    response = client.get(f"/coordinate/learners/{gerda.id}/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    return json.loads(response.get_data(as_text=True))


def _dig(item: dict[str, Any], dotted: str) -> Any:
    for part in dotted.split("."):
        item = item[part]
    return item


Names = dict[str, dict[Any, Any]]


def _names(session: Session) -> Names:
    """How references show: people by display name, centres by name (and what else they go by)."""
    people = session.execute(select(User.id, User.username, User.display_name)).all()
    return {
        "user": {i: display for i, _username, display in people},
        "username": {i: username for i, username, _display in people},
        "centre": dict(session.execute(select(Centre.id, Centre.name)).all()),
    }


def _value(rule: Exported, value: Any, names: Names) -> Any:
    if rule.refers is None:
        return rule.convert(value)
    return None if value is None else names[rule.refers][value]


def _expected(table: str, row: dict[str, Any], names: Names) -> dict[str, Any]:
    return {
        rule.key: _value(rule, row[column], names)
        for column, rule in EXPORT[table].items()
        if isinstance(rule, Exported) and rule.key != "path"
    }


def _matching(items: list[dict[str, Any]], wanted: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for item in items if all(_dig(item, k) == v for k, v in wanted.items())]


def test_the_export_holds_every_exported_part_with_its_values(client, app, world):
    gerda = build_gerda(app, world)
    data = _export(client, gerda)
    with app.app_context():
        db = get_session()
        tables = personal_tables()
        rows = {name: her_rows(db, table, gerda.id) for name, table in tables.items()}
        names = _names(db)

    [person] = rows[USERS]
    assert _matching([data["person"]], _expected(USERS, person, names)), data["person"]
    assert data["person"]["centre"] == "Zentrum A"

    for table, section in SECTIONS.items():
        if table == USERS:
            continue
        assert len(data[section]) == len(rows[table]), f"{section}: one item per row"
        for row in rows[table]:
            found = _matching(data[section], _expected(table, row, names))
            assert len(found) == 1, f"{table} row {row} not in {section}: {data[section]}"
    assert {item["mentor"] for item in data["mentors"]} == {"Max Früher", "Mia Mentorin"}
    # who saw her data, with the role: the mentor's look, and this export itself
    assert sorted((i["by"], i["by_role"], i["action"]) for i in data["access_log"]) == [
        ("Clara Koordination", "coordinator", "exported"),
        ("Mia Mentorin", "mentor", "viewed"),
    ]

    # practice: the path is every step she chose at, then where the run stands now; the
    # choices are those steps with what she chose there, in order
    for run in rows["scenario_run"]:
        [item] = _matching(data["practice"], _expected("scenario_run", run, names))
        choices = [c for c in rows["scenario_choice"] if c["run_id"] == run["id"]]
        assert item["path"] == [c["step_id"] for c in choices] + [run["current_step"]]
        for index, choice in enumerate(choices):
            assert item["path"][index + 1] == choice["next_step"]
        assert len(item["choices"]) == len(choices)
        for shown, choice in zip(item["choices"], choices, strict=True):
            assert _matching([shown], _expected("scenario_choice", choice, names)), shown


def _flat(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _flat(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _flat(item)]
    return [value]


def _forms(rule: Exported, value: Any, names: Names) -> list[list[Any]]:
    """The ways a stored value may show in the export: lists of leaves that all show."""
    if value is None:
        return []
    if rule.refers is None:
        return [_flat(rule.convert(value))]  # an agenda shows as its lines
    return [[names[rule.refers][value]]]


EXPORTING_TABLES = [
    table
    for table, columns in EXPORT.items()
    if any(isinstance(rule, Exported) for rule in columns.values())
]


@pytest.mark.parametrize("table", EXPORTING_TABLES)
def test_what_is_stored_about_her_shows_in_the_export(client, app, world, table):
    """Every exported value of hers shows in the export, whatever its place in the item.

    A column is Exported, Withheld (with the reason) or the Key; a new column that is none of
    these fails test_every_column_about_a_person_has_an_export_decision until someone decides.
    """
    gerda = build_gerda(app, world)
    data = _export(client, gerda)
    with app.app_context():
        db = get_session()
        rows = her_rows(db, personal_tables()[table], gerda.id)
        names = _names(db)
    assert rows
    if table == "scenario_choice":
        scope = data["practice"]
    elif table in SECTIONS:
        scope = data[SECTIONS[table]]
    else:
        scope = data
    leaves = _flat(scope)
    rules = EXPORT[table]
    checked = [c for c, r in rules.items() if isinstance(r, Exported)]
    hidden = []
    for row in rows:
        for name in checked:
            forms = _forms(rules[name], row[name], names)
            shown = any(
                all(any(type(f) is type(leaf) and f == leaf for leaf in leaves) for f in form)
                for form in forms
            )
            if forms and not shown:
                hidden.append((name, row[name]))
    assert hidden == [], table


def test_the_export_runs_no_more_queries_for_more_data(client, app, world):
    """Mentors, helpers and centres named in her data are loaded in bulk, not one by one."""
    gerda = build_gerda(app, world)
    Auth(client).login("coorda")
    path = f"/coordinate/learners/{gerda.id}/export.json"
    client.get(path)  # warm-up: the "last active" write happens at most every few minutes

    def queries() -> int:
        with count_queries(app) as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    before = queries()
    with app.app_context():
        db = get_session()
        others = [world.mentor_b, world.coord_a, world.admin, gerda.former_mentor]
        run = ScenarioRun(user_id=gerda.id, lesson_id="sample-practice", current_step="end-safe")
        db.add(run)
        db.flush()
        for n, other in enumerate(others):
            db.add_all(
                [
                    Pairing(
                        mentor_id=other,
                        learner_id=gerda.id,
                        started_at=_at(f"2025-0{n + 1}-01T09:00:00"),
                        ended_at=_at(f"2025-0{n + 1}-20T09:00:00"),
                    ),
                    TandemSession(
                        mentor_id=other,
                        learner_id=gerda.id,
                        starts_at=_at(f"2025-0{n + 1}-10T10:00:00"),
                        centre_id=world.centre_b if n % 2 else world.centre_a,
                    ),
                    HelpRequest(
                        learner_id=gerda.id,
                        course_id="sample",
                        lesson_id="sample-first",
                        handled_at=_at(f"2025-0{n + 1}-11T10:00:00"),
                        handled_by_id=other,
                    ),
                    ScenarioChoice(
                        run_id=run.id,
                        step_id="start",
                        position=n + 1,
                        choice_index=n,
                        next_step="x",
                    ),
                ]
            )
        db.commit()
    after = queries()
    data = json.loads(client.get(path).get_data(as_text=True))
    assert {"Ben Mentor", "Ada Admin"} <= {item["handled_by"] for item in data["help_requests"]}
    assert {"Zentrum A", "Zentrum B"} <= {item["centre"] for item in data["tandem_sessions"]}
    assert after == before


# ---------------------------------------------------------------------------------------------
# Deletion


@dataclass(frozen=True)
class Erased:
    """Every row of hers in this table is gone."""

    reason: str


@dataclass(frozen=True)
class Unchanged:
    reason: str


@dataclass(frozen=True)
class Blanked:
    value: Any


@dataclass(frozen=True)
class Changed:
    reason: str


@dataclass(frozen=True)
class Free:
    """May change on deletion or not."""

    reason: str


@dataclass(frozen=True)
class Filled:
    reason: str


@dataclass(frozen=True)
class Coarsened:
    """Kept for the monthly report, but only the month: the first moment of the same month."""

    def of(self, value: datetime | None) -> datetime | None:
        return None if value is None else utc_month_start(value)


@dataclass(frozen=True)
class MonthOfDeletion:
    """Filled with the month the deletion happened in, nothing finer."""

    reason: str


@dataclass(frozen=True)
class EndsByMonth:
    """An end time: an open one ends in the month of the deletion, an old one keeps its month."""

    reason: str


COUNTS = "anonymous counts for the monthly report"
MONTH = Coarsened()
DELETE: dict[str, Erased | dict[str, Any]] = {
    USERS: {
        "id": Unchanged("the anonymous rows below still point here"),
        "username": Changed("replaced by deleted-<id>-<random>"),
        "display_name": Blanked("—"),
        "password_hash": Changed("a random password nobody knows"),
        "role": Unchanged(COUNTS),
        "centre_id": Unchanged(COUNTS),
        "active": Blanked(False),
        "must_change_password": Unchanged("no one can sign in anyway"),
        "password_expires_at": Unchanged("no one can sign in anyway"),
        "session_version": Changed("every open session ends"),
        "totp_secret": Blanked(None),
        "totp_last_step": Blanked(None),
        "locale": Blanked(None),
        "text_size": Blanked(100),  # the column defaults: as for a new account
        "contrast": Blanked("normal"),
        "speech_rate": Blanked(100),
        "email": Blanked(None),
        "created_at": MONTH,  # "new learners" of its month
        "updated_at": MonthOfDeletion(BOOKKEEPING),
        "last_active_at": Blanked(None),
        "deleted_at": MonthOfDeletion("that she was deleted, not when exactly"),
    },
    "progress": {
        "id": Unchanged(COUNTS),
        "user_id": Key(),
        "course_id": Unchanged(COUNTS),
        "lesson_id": Unchanged(COUNTS),
        "started_at": MONTH,
        "completed_at": MONTH,
        "updated_at": MONTH,
    },
    "quiz_attempt": {
        # "active learners" of a month count self-checks: the fact stays, her answers go
        "id": Unchanged(COUNTS),
        "user_id": Key(),
        "lesson_id": Unchanged(COUNTS),
        "question_id": Unchanged(COUNTS),
        "submission_id": Changed("a fresh random id per submission, tied to no page she saw"),
        "answer": Blanked(""),
        "correct": Unchanged(COUNTS),
        "created_at": MONTH,
    },
    "scenario_run": Erased("her practice"),
    "scenario_choice": Erased("her practice choices"),
    "form_key": Erased("the records of the forms she sent"),
    "help_request": Erased("her messages"),
    "tandem_session": {
        # Only sessions that took place stay (see KEPT_ROWS): hours and sessions held count.
        "id": Unchanged(COUNTS),
        "mentor_id": Unchanged("the mentor's volunteer hours"),
        "learner_id": Key(),
        "starts_at": MONTH,  # an instant (naive UTC) like every other time
        "planned_minutes": Unchanged(COUNTS),
        "place": Unchanged(COUNTS),
        "centre_id": Unchanged(COUNTS),
        "agenda": Blanked(""),
        "took_place": Unchanged(COUNTS),
        "length_minutes": Unchanged(COUNTS),
        "notes": Blanked(""),
        "notes_shared": Blanked(False),
        "next_steps": Blanked(""),
        "created_at": MONTH,
        "recorded_at": MONTH,
    },
    "pairing": {
        "id": Unchanged("the mentor's history"),
        "mentor_id": Unchanged("the mentor's history"),
        "learner_id": Key(),
        "started_at": MONTH,
        "ended_at": EndsByMonth("an active pairing ends"),
        "last_held_at": MONTH,  # counted again from her sessions, whose starts are coarsened
    },
    # The kept figures are counted again from the rows that stay (learnapp/rollups.py).
    "lesson_trouble": {
        "user_id": Key(),
        "lesson_id": Unchanged(COUNTS),
        "failed_checks": Unchanged("her presses of Check stay, each with a fresh id"),
        "last_failed_at": MONTH,
        "completed": Unchanged(COUNTS),
    },
    "active_month": {
        "user_id": Key(),
        "month": Unchanged(COUNTS),  # the times are coarsened within their month
        "lessons_completed": Unchanged(COUNTS),
    },
    "audit_entry": {
        # What staff did stays accountable; whom it was about is cut, the time coarsened.
        "id": Unchanged("the audit log is kept"),
        "actor_id": Unchanged("the audit log is kept"),
        "subject_id": Blanked(None),
        "action": Unchanged("the audit log is kept"),
        "detail": Unchanged("the audit log is kept (no names in it: see the scan)"),
        "created_at": MONTH,
    },
    "coordinator_centre": Erased("coordinators only"),
    "warning_dismissal": Erased("staff notes about her (the audit log keeps that staff acted)"),
}
# Tables where only some of her rows stay; the others must be gone.
KEPT_ROWS: dict[str, tuple[Callable[[dict[str, Any]], bool], str]] = {
    "tandem_session": (lambda row: row["took_place"] is True, "sessions that took place"),
}


def test_every_column_about_a_person_has_a_deletion_rule():
    tables = personal_tables()
    assert set(DELETE) == set(tables), "a new personal table: say what deleting does to it"
    for name, rule in DELETE.items():
        if isinstance(rule, dict):
            assert set(rule) == {c.name for c in tables[name].columns}, name


def _snapshot(app: Flask, gerda: Gerda) -> dict[str, list[dict[str, Any]]]:
    with app.app_context():
        db = get_session()
        return {name: her_rows(db, t, gerda.id) for name, t in personal_tables().items()}


def _delete(client: FlaskClient, gerda: Gerda) -> TestResponse:
    auth = Auth(client)
    auth.login("coorda")
    path = f"/coordinate/learners/{gerda.id}/delete"
    response = auth.post(path, {"confirm": "yes"}, token_from=path)
    assert response.status_code == 302
    return response


def _rows_by_key(app: Flask, table: Table, keys: list[tuple]) -> dict[tuple, dict[str, Any]]:
    with app.app_context():
        rows = get_session().execute(select(table)).mappings()
        return {k: dict(r) for r in rows if (k := _primary_key(table, r)) in keys}


def test_deleting_leaves_only_what_the_rules_keep(client, app, world):
    gerda = build_gerda(app, world)
    before = _snapshot(app, gerda)
    _delete(client, gerda)
    deleted_month = utc_month_start(utcnow())
    after = _snapshot(app, gerda)
    tables = personal_tables()
    problems = []
    for name, rule in DELETE.items():
        table = tables[name]
        keys = [_primary_key(table, row) for row in before[name]]
        still = _rows_by_key(app, table, keys)
        if isinstance(rule, Erased):
            if still or after[name]:
                problems.append(
                    f"{name}: {len(still) + len(after[name])} rows left ({rule.reason})"
                )
            continue
        kept, why = KEPT_ROWS.get(name, (lambda row: True, "all"))
        staying = [_primary_key(table, row) for row in before[name] if kept(row)]
        if sorted(still) != sorted(staying):
            problems.append(f"{name}: rows {sorted(still)} stayed, not {staying} ({why})")
        new = [r for r in after[name] if _primary_key(table, r) not in keys]
        if new:
            problems.append(f"{name}: new rows about her appeared: {new}")
        for old in before[name]:
            now = still.get(_primary_key(table, old), {})
            for column, what in rule.items():
                if not now:
                    break
                value, was = now[column], old[column]
                if isinstance(what, Blanked) and value != what.value:
                    problems.append(f"{name}.{column} is {value!r}, not blanked to {what.value!r}")
                elif isinstance(what, Unchanged) and value != was:
                    problems.append(f"{name}.{column} changed: {was!r} -> {value!r}")
                elif isinstance(what, Changed) and value == was:
                    problems.append(f"{name}.{column} unchanged ({what.reason})")
                elif isinstance(what, Filled) and value is None:
                    problems.append(f"{name}.{column} is empty ({what.reason})")
                elif isinstance(what, Coarsened) and value != what.of(was):
                    problems.append(f"{name}.{column} is {value}, not the month of {was}")
                elif isinstance(what, MonthOfDeletion) and value != deleted_month:
                    problems.append(f"{name}.{column} is {value}, not {deleted_month}")
                elif isinstance(what, EndsByMonth) and value != (
                    utc_month_start(was) if was else deleted_month
                ):
                    problems.append(f"{name}.{column} is {value} (was {was}): {what.reason}")
    assert problems == []
    with app.app_context():
        user = get_session().get(User, gerda.id)
        assert not user.check_password(PASSWORD)
        assert gerda.username not in user.username
    assert Auth(app.test_client()).login(gerda.username).status_code in (401, 429)


def _a_month_start(value: datetime) -> bool:
    return value == utc_month_start(value)


def test_after_deletion_no_row_tied_to_her_says_when_she_did_anything(client, app, world):
    """Every time in every table that still points at her id says only a month."""
    gerda = build_gerda(app, world)
    _delete(client, gerda)
    exact = []
    for name, rows in _snapshot(app, gerda).items():
        for table_column in personal_tables()[name].columns:
            if not isinstance(table_column.type, DateTime):
                continue
            for row in rows:
                value = row[table_column.name]
                if value is not None and not _a_month_start(value):
                    exact.append(f"{name}.{table_column.name} = {value}")
    assert exact == []


PREFERENCES = ("locale", "text_size", "contrast", "speech_rate")


def test_deleting_resets_her_preferences(client, app, world):
    """To what a new account gets: the model's column defaults, as the DELETE rules say."""
    columns = User.__table__.c
    defaults = {c: columns[c].default.arg if columns[c].default else None for c in PREFERENCES}
    assert defaults == {c: DELETE[USERS][c].value for c in PREFERENCES}
    gerda = build_gerda(app, world)
    with app.app_context():
        user = get_session().get(User, gerda.id)
        assert all(getattr(user, column) != defaults[column] for column in PREFERENCES)
    _delete(client, gerda)
    with app.app_context():
        user = get_session().get(User, gerda.id)
        assert {column: getattr(user, column) for column in PREFERENCES} == defaults


def _text_columns() -> Iterator[tuple[Table, Column[Any]]]:
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text):
                yield table, column


def _places_naming(app: Flask, needles: list[str]) -> list[str]:
    """Every text column of every table, searched for each needle (case-insensitive)."""
    found = []
    with app.app_context():
        db = get_session()
        for table, column in _text_columns():
            for needle in needles:
                hit = func.lower(column).contains(needle.lower(), autoescape=True)
                if db.scalar(select(func.count()).select_from(table).where(hit)):
                    found.append(f"{table.name}.{column.name} holds {needle!r}")
    return found


def test_after_deletion_her_name_and_username_are_nowhere_in_the_database(client, app, world):
    gerda = build_gerda(app, world)
    needles = [gerda.display_name, gerda.username, "Vogelsang"]
    before = _places_naming(app, needles)
    # the scan itself works: before, she is named in her account, notes, next steps, messages
    assert len(before) >= 5, before
    _delete(client, gerda)
    assert _places_naming(app, needles) == []


def test_deleting_forgets_her_failed_sign_ins(client, app, world):
    gerda = build_gerda(app, world)
    current = app.extensions[EXTENSION_KEY]
    with app.app_context():
        engine = get_session().get_bind()
    app.extensions[EXTENSION_KEY] = Throttle(
        DatabaseCounterStore(engine), current.limits, current.prefix
    )
    assert Auth(app.test_client()).login(gerda.username, "wrong password").status_code == 401
    assert _places_naming(app, [gerda.username])  # the counter names her
    _delete(client, gerda)
    assert _places_naming(app, [gerda.username]) == []


# ---------------------------------------------------------------------------------------------
# The monthly report as CSV

HOSTILE_NAMES = {
    "hyperlink": ('=HYPERLINK("http://x";"y")', '\'=HYPERLINK("http://x";"y")'),
    "telefon": ("+49 170 1234567", "'+49 170 1234567"),
    "gerda": ("-Gerda", "'-Gerda"),
    "ilse": ("@Ilse", "'@Ilse"),
    "anna": ('Anna; "Nanni" Schmidt', 'Anna; "Nanni" Schmidt'),
    "kaethe": ("Käthe\r\nMüller", "Käthe\r\nMüller"),
}
HOSTILE_CENTRE = ('=1+2 Treff; "Süd"', '\'=1+2 Treff; "Süd"')


def test_the_report_csv_escapes_formulas_and_changes_nothing_else(client, app, world):
    with app.app_context():
        db = get_session()
        south = Centre(name=HOSTILE_CENTRE[0], town="Emden")
        db.add(south)
        db.flush()
        db.add(CoordinatorCentre(coordinator_id=world.coord_a, centre_id=south.id))
        ids = {}
        for username, (name, _escaped) in HOSTILE_NAMES.items():
            user = User(
                username=username,
                display_name=name,
                role=LEARNER,
                centre_id=south.id if username in ("ilse", "anna") else world.centre_a,
                password_hash="x",
                created_at=_at("2025-03-10T09:00:00" if username == "gerda" else "2024-01-01"),
            )
            db.add(user)
            db.flush()
            ids[username] = user.id
        db.add_all(
            [
                Progress(
                    user_id=ids["gerda"],
                    course_id="sample",
                    lesson_id="sample-first",
                    started_at=_at("2025-03-12T10:00:00"),
                    completed_at=_at("2025-03-12T10:30:00"),
                    updated_at=_at("2025-03-12T10:30:00"),
                ),
                TandemSession(
                    mentor_id=world.mentor_a,
                    learner_id=ids["gerda"],
                    starts_at=_at("2025-03-14T10:00:00"),
                    took_place=True,
                    length_minutes=45,
                ),
            ]
        )
        db.commit()
    Auth(client).login("coorda")
    response = client.get(
        "/coordinate/reports.csv?month=2025-03&lang=en", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff") and not body.startswith("\ufeff\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:], newline=""), delimiter=";"))

    with app.test_request_context(), force_locale("en"):
        centre_header = [
            _(text)
            for text in (
                "Month",
                "Centre",
                "Tandem sessions held",
                "Volunteer hours",
                "Active learners",
                "Lessons completed",
                "New learners",
            )
        ]
        learner_header = [
            _(text)
            for text in (
                "Learner",
                "Username",
                "Lessons completed",
                "Tandem sessions held",
                "Minutes",
            )
        ]
    centres = [
        ["2025-03", "Zentrum A", "1", "0.8", "1", "1", "1"],
        ["2025-03", HOSTILE_CENTRE[1], "0", "0.0", "0", "0", "0"],
    ]
    learners = [
        ["Erika Lernend", "learnera", "0", "0", "0"],
        ["Hans Lernend", "learnera2", "0", "0", "0"],
    ] + [
        [escaped, username, *(["1", "1", "45"] if username == "gerda" else ["0", "0", "0"])]
        for username, (_name, escaped) in HOSTILE_NAMES.items()
    ]
    assert rows[0] == centre_header
    assert sorted(rows[1:3]) == sorted(centres)
    assert rows[3] == []
    assert rows[4] == learner_header
    assert sorted(rows[5:]) == sorted(learners)
    # nothing else in the file: written back with a plain csv writer it is the same text
    again = io.StringIO(newline="")
    csv.writer(again, delimiter=";").writerows(rows)
    assert body == "\ufeff" + again.getvalue()


# ---------------------------------------------------------------------------------------------
# Data coming in: a NUL character is refused in any form encoding (security.refuse_nul_characters)

NEW_ACCOUNT = "/coordinate/accounts/new"
NUL_NAME = "Gerda\x00Vogelsang"


def _new_account_post(client: FlaskClient, world: World, **change: Any) -> TestResponse:
    """Create a learner through the real form, sent as multipart/form-data."""
    auth = Auth(client)
    auth.login("coorda")
    fields: dict[str, Any] = {
        "display_name": "Gerda Vogelsang",
        "username": "",
        "role": LEARNER,
        "centre": str(world.centre_a),
        **change,
    }
    return auth.post(
        NEW_ACCOUNT, fields, token_from=NEW_ACCOUNT, content_type="multipart/form-data"
    )


def _accounts_named(app: Flask) -> int:
    with app.app_context():
        hit = User.display_name.contains("Vogelsang", autoescape=True)
        return get_session().scalar(select(func.count()).select_from(User).where(hit))


def test_a_multipart_form_without_nul_creates_the_account(client, app, world):
    """The control: the same post, clean, is accepted (so a refusal below is the NUL's doing)."""
    response = _new_account_post(client, world)
    assert response.status_code == 200 and "multipart" in response.request.content_type
    assert _accounts_named(app) == 1


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"display_name": NUL_NAME}, id="in-a-field"),
        pytest.param({"display_name": "Gerda Vogelsang", "x\x00y": "1"}, id="in-a-field-name"),
        pytest.param(
            # The file is made per run (a file object is read once): see the test.
            {"display_name": "Gerda Vogelsang", "photo": (b"GIF89a", "a\x00.gif")},
            id="in-a-file-name",
        ),
    ],
)
def test_a_nul_character_in_a_multipart_form_is_refused(client, app, world, change):
    if "photo" in change:
        content, name = change["photo"]
        change = {**change, "photo": (io.BytesIO(content), name)}
    response = _new_account_post(client, world, **change)
    assert response.status_code == 400
    assert "multipart" in response.request.content_type
    with app.test_request_context(), force_locale("de"):
        said = _("The request could not be understood. Please go back and try again.")
    assert said in response.get_data(as_text=True)
    assert _accounts_named(app) == 0
