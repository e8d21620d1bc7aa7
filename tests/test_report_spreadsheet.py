"""The monthly report leaves the app as a spreadsheet that opens right: an .xlsx read back with
openpyxl has every figure as a number equal to the report's, and the CSV writes decimals as
the page's language does (German Excel reads "2.2" as a date or as text)."""

import csv
import io

from openpyxl import load_workbook

from learnapp.coordinate.reports import Month, month_report
from learnapp.db import get_session
from learnapp.models import Centre, User
from tests.test_coordination import _seed_month

MONTH = "2026-11"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet_rows(data: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]


def test_xlsx_holds_every_figure_of_the_report_as_a_number(client, auth, world, app):
    _seed_month(app, world)
    with app.app_context():
        db = get_session()
        db.get(User, world.learner_a2).display_name = "=cmd|' /C calc'!A0"  # stays text
        db.commit()
    auth.login("coorda")
    response = client.get(f"/coordinate/reports.xlsx?month={MONTH}")
    assert response.status_code == 200 and response.mimetype == XLSX
    rows = _sheet_rows(response.data)
    blank = rows.index([None] * len(rows[0]))
    centres, learners = rows[1:blank], [r for r in rows[blank + 2 :] if any(r)]
    with app.app_context():
        db = get_session()
        report = month_report(db, [db.get(Centre, world.centre_a)], Month(2026, 11))
        expected_centres = [
            [MONTH, c.centre.name, c.sessions_held, c.volunteer_hours, c.active_learners,
             c.lessons_completed, c.new_learners]
            for c in report.centres
        ]  # fmt: skip
        expected_learners = sorted(
            [p.learner.display_name, p.learner.username, p.lessons_completed, p.sessions_held,
             p.session_minutes, None, None]
            for p in report.learners
        )  # fmt: skip
    assert [r[: len(expected_centres[0])] for r in centres] == expected_centres
    # the seeded month (tests/test_coordination.py): 2 sessions, 2.2 hours, 1, 2, 1
    assert centres[0][2:7] == [2, 2.2, 1, 2, 1]
    assert sorted(learners) == expected_learners
    for row in centres:
        assert all(isinstance(v, int | float) for v in row[2:7]), row
    for row in learners:
        assert all(isinstance(v, int) for v in row[2:5]), row
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook.worksheets[0]
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == [], "a name that starts with = is text, not a formula"
    assert "=cmd|' /C calc'!A0" in [r[0] for r in learners]
    assert sheet["D2"].number_format == "0.0"  # hours shown with one decimal


def test_csv_decimals_follow_the_page_language(client, auth, world, app):
    _seed_month(app, world)
    auth.login("coorda")

    def hours(lang: str) -> str:
        body = client.get(f"/coordinate/reports.csv?month={MONTH}&lang={lang}").get_data(
            as_text=True
        )
        rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"), newline=""), delimiter=";"))
        return rows[1][3]

    assert hours("de") == "2,2"
    assert hours("en") == "2.2"
