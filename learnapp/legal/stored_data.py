"""Everything DigiTandem stores about people: what, why, for how long and who sees it.

The shipped privacy notice is drawn from this list. tests/test_legal_pages.py fails when a
table of the models is not named here, so a new kind of stored data needs a line in the notice.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class StoredData:
    tables: tuple[str, ...]
    what: LazyString
    purpose: LazyString
    kept: LazyString
    seen_by: LazyString


UNTIL_DELETED = _l(
    "Until the account is deleted, or anonymised after %(months)s months without sign-in."
)

STORED_DATA: tuple[StoredData, ...] = (
    StoredData(
        ("user_account",),
        _l(
            "Account: name as shown, username, password (only as a hash), role, centre, "
            "optional second factor (encrypted), time of the last activity; for mentors who "
            "give one, an e-mail address for news of help requests"
        ),
        _l("To sign in and to show who is who in a tandem"),
        UNTIL_DELETED,
        _l("The person; the mentor (name); coordinators of the centre; administrators"),
    ),
    StoredData(
        ("user_account",),
        _l("Preferences: text size, contrast, language, reading speed"),
        _l("So that every tablet shows the pages the way the person set them"),
        UNTIL_DELETED,
        _l("The person"),
    ),
    StoredData(
        # active_month: the months in which the person was active, and the lessons finished
        # in each, counted from this progress (and the answers and sessions) for the report.
        ("progress", "active_month"),
        _l("Learning progress: which lessons were opened and finished, and when"),
        _l("To continue where the person left off; certificates; the mentor's overview"),
        _l("Until the account is deleted; afterwards only as an anonymous count per month."),
        _l("The person; the current mentor; coordinators of the centre"),
    ),
    StoredData(
        # lesson_trouble: per lesson, how often the answers were wrong and when last, counted
        # from these answers for the early warning and the mentor's list.
        ("quiz_attempt", "lesson_trouble"),
        _l("Self-check answers: the answer chosen, right or not, and when"),
        _l("To show the result; so the mentor sees where practice is needed"),
        _l("Until the account is deleted; afterwards only the result, without the answer."),
        _l("The person; the current mentor"),
    ),
    StoredData(
        ("scenario_run", "scenario_choice"),
        _l("Practice paths: the choices made in a practice exercise and how it ended"),
        _l("To continue an exercise; so the mentor can talk about it"),
        UNTIL_DELETED,
        _l("The person; the current mentor"),
    ),
    StoredData(
        ("help_request",),
        _l("Help messages: the question, the page it came from, the mentor's answer"),
        _l("So the mentor can help"),
        UNTIL_DELETED,
        _l("The person; the current mentor"),
    ),
    StoredData(
        ("pairing", "coordinator_centre", "centre"),
        _l("Tandems and centres: who learns with whom since when; which centre"),
        _l("To organise the tandems"),
        _l("Until the account is deleted; afterwards only as an anonymous count per month."),
        _l("The mentor and the learner of the tandem; coordinators of the centre"),
    ),
    StoredData(
        ("tandem_session",),
        _l("Session notes: date, place, agenda, attendance, notes and next steps"),
        _l("To plan and record tandem sessions; volunteer hours in the report"),
        _l("Until the learner's account is deleted; afterwards only the month and the duration."),
        _l("The mentor who held the session; the learner (what is shared with her)"),
    ),
    StoredData(
        ("warning_dismissal",),
        _l("Early warnings put aside: about whom, why, by whom and when"),
        _l("So that a coordinator's list shows what still needs doing"),
        UNTIL_DELETED,
        _l("Coordinators of the centre"),
    ),
    StoredData(
        ("audit_entry",),
        _l("Audit log: which staff member looked at or changed whose data, and when"),
        _l("To be able to check that nobody looks at data without reason"),
        _l("Kept; the person's name is removed when an account is deleted."),
        _l("Administrators"),
    ),
    StoredData(
        ("login_counter",),
        _l("Failed sign-ins per username and device address, for a short time"),
        _l("To protect accounts against guessing passwords"),
        _l("A few minutes to a few hours."),
        _l("Nobody looks at it; the system uses it automatically"),
    ),
    StoredData(
        ("form_key",),
        _l("One-time numbers of forms that were sent"),
        _l("So that a form tapped twice is only stored once"),
        _l("Until the account is deleted."),
        _l("Nobody looks at it; the system uses it automatically"),
    ),
)


def tables_named() -> set[str]:
    return {table for entry in STORED_DATA for table in entry.tables}
