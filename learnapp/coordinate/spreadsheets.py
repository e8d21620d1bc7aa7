"""The monthly report as a spreadsheet: the rows, and an .xlsx that every program reads alike.

An .xlsx stores numbers as numbers, whatever the language of the program that opens it; the
CSV (csv_export) depends on the reader's settings, so it writes decimals as the page's language.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from flask_babel import gettext as _

from learnapp.coordinate.reports import MonthReport

HOURS_FORMAT = "0.0"  # volunteer hours: one decimal, shown with the reader's decimal sign


def report_rows(report: MonthReport) -> list[list[object]]:
    """Centres' figures, a blank line, then the learners' figures; headers in the page language."""
    rows: list[list[object]] = [
        [
            _("Month"),
            _("Centre"),
            _("Tandem sessions held"),
            _("Volunteer hours"),
            _("Active learners"),
            _("Lessons completed"),
            _("New learners"),
        ]
    ]
    rows += [
        [
            report.month.label,
            item.centre.name,
            item.sessions_held,
            item.volunteer_hours,
            item.active_learners,
            item.lessons_completed,
            item.new_learners,
        ]
        for item in report.centres
    ]
    rows.append([])
    rows.append(
        [
            _("Learner"),
            _("Username"),
            _("Lessons completed"),
            _("Tandem sessions held"),
            _("Minutes"),
        ]
    )
    rows += [
        [
            person.learner.display_name,
            person.learner.username,
            person.lessons_completed,
            person.sessions_held,
            person.session_minutes,
        ]
        for person in report.learners
    ]
    return rows


def to_xlsx(rows: Iterable[Iterable[object]], title: str) -> bytes:
    """One sheet; numbers stay numbers, and text is stored as text, never as a formula
    (a name like "=cmd|..." is shown as typed and never runs)."""
    # Imported here, not at start: openpyxl costs every worker about 5 MB and 40-80 ms of
    # start-up, and only the coordinator's download uses it.
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = title[:31]  # the longest sheet name Excel accepts
    widths: dict[int, int] = {}
    for row_number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column)
            if isinstance(value, bool) or not isinstance(value, int | float):
                cell.value = "" if value is None else str(value)
                cell.data_type = TYPE_STRING
            else:
                cell.value = value
                if isinstance(value, float):
                    cell.number_format = HOURS_FORMAT
            widths[column] = max(widths.get(column, 8), len(str(cell.value)) + 2)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(width, 40)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
