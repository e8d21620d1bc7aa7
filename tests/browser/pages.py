"""THE TABLE of pages the browser proves: (role, path, name), one row per page type and role.

tests/browser/test_pages.py checks every row, signed in as the row's role, at default
settings, in high contrast and at 200 % text, on tablets, a phone and at 320 px.
Add a page by appending a row. Paths may use {learner} and {tandem}: ids of the records that
accounts.py makes. A row may say what the person does on the page first (`then`, e.g. answer
the self-check) and which status it answers with; any other status fails the row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from learnapp.access import ADMIN, COORDINATOR, LEARNER, MENTOR
from tests.browser.accounts import ANONYMOUS, CLASS_MENTOR

if TYPE_CHECKING:  # Playwright may be missing: then the suite is skipped, not broken
    from playwright.sync_api import Page, Response

Action = Callable[["Page"], "Response | None"]


@dataclass(frozen=True)
class PageSpec:
    role: str
    path: str
    name: str
    then: Action | None = None  # what the person does on `path` to reach the state checked
    status: int = 200
    lesson: bool = False  # a lesson page: line length is measured on its text
    account: str | None = None  # signed in as this account instead of the role's own

    @property
    def id(self) -> str:
        return f"{self.role}:{self.name}"


def submit(page: Page, selector: str) -> Response | None:
    """Press a submit button and wait for the page it leads to."""
    with page.expect_navigation() as navigation:
        page.click(selector)
    return navigation.value


def failed_sign_in(page: Page) -> Response | None:
    page.fill("#username", "nobody")
    page.fill("#password", "wrong password")
    return submit(page, "form.form button[type=submit]")


def answer_quiz_with_mistakes(page: Page) -> Response | None:
    """Pick the first answer of every question: some right, some wrong, explanations shown."""
    for fieldset in page.locator("#quiz fieldset.question").all():
        fieldset.locator("input").first.check()
    return submit(page, "#quiz button[type=submit]")


def send_empty_quiz(page: Page) -> Response | None:
    """Press "Check" without answering: every question shows its error next to it."""
    return submit(page, "#quiz button[type=submit]")


def practice(*choices: int) -> Action:
    """Start the practice and take the given choices (by position) one after another."""

    def walk(page: Page) -> Response | None:
        response = submit(page, ".practice-start button[type=submit]")
        for index in choices:
            response = submit(page, f".choices button[value='{index}']")
        return response

    walk.__name__ = f"practice{choices}"
    return walk


def send_help(page: Page) -> Response | None:
    """Write a short question on the help page and send it: the confirmation."""
    page.fill("#message", "Ich finde den Knopf nicht.")
    return submit(page, ".help-form button[type=submit]")


LESSON = "/courses/{}/{}"
TEXT_LESSON = LESSON.format("banking", "banking-passwords-app")
OFFLINE_COPY = "/offline/lessons/banking/banking-passwords-app"  # what the service worker keeps
PICTURE_LESSON = LESSON.format("banking", "banking-how-it-works")
DONE_LESSON = LESSON.format("messaging", "messaging-groups")
CHAT_PRACTICE = LESSON.format("messaging", "messaging-practice-new-number")
SMS_PRACTICE = LESSON.format("messaging", "messaging-practice-parcel-sms")
MAIL_PRACTICE = LESSON.format("banking", "banking-practice-locked-account")
LETTER_PRACTICE = LESSON.format("banking", "banking-practice-qr-letter")
HEALTH_LESSON = LESSON.format("health", "health-epa")
CALL_PRACTICE = LESSON.format("banking", "banking-practice-bank-call")
CERTIFICATE = "/courses/messaging/certificate"

PAGES: list[PageSpec] = [
    # Visitors who are not signed in.
    PageSpec(ANONYMOUS, "/", "welcome"),
    PageSpec(ANONYMOUS, "/login", "sign-in"),
    PageSpec(ANONYMOUS, "/login", "sign-in error", then=failed_sign_in, status=401),
    PageSpec(ANONYMOUS, "/login?lang=en", "sign-in in English"),
    PageSpec(ANONYMOUS, "/impressum", "legal notice"),
    PageSpec(ANONYMOUS, "/datenschutz", "privacy notice"),
    PageSpec(ANONYMOUS, "/barrierefreiheit", "accessibility statement"),
    PageSpec(ANONYMOUS, "/offline", "offline page"),
    # Learners: the whole learning path.
    PageSpec(LEARNER, "/", "home"),
    PageSpec(LEARNER, "/courses", "courses"),
    PageSpec(LEARNER, "/courses/banking", "course"),
    PageSpec(LEARNER, TEXT_LESSON, "text lesson", lesson=True),
    PageSpec(LEARNER, PICTURE_LESSON, "lesson with pictures", lesson=True),
    PageSpec(LEARNER, DONE_LESSON, "finished lesson", lesson=True),
    PageSpec(LEARNER, TEXT_LESSON, "quiz feedback", then=answer_quiz_with_mistakes),
    PageSpec(LEARNER, TEXT_LESSON, "quiz not answered", then=send_empty_quiz),
    PageSpec(LEARNER, CHAT_PRACTICE, "practice lesson", lesson=True),
    PageSpec(LEARNER, CHAT_PRACTICE, "practice chat", then=practice()),
    PageSpec(LEARNER, CHAT_PRACTICE, "practice feedback", then=practice(0)),
    PageSpec(LEARNER, CHAT_PRACTICE, "practice call", then=practice(2)),
    PageSpec(LEARNER, CHAT_PRACTICE, "practice safe ending", then=practice(2, 0)),
    PageSpec(LEARNER, CHAT_PRACTICE, "practice bank check", then=practice(0, 0)),
    PageSpec(LEARNER, CHAT_PRACTICE, "practice unsafe ending", then=practice(0, 0, 0)),
    PageSpec(LEARNER, SMS_PRACTICE, "practice sms", then=practice()),
    PageSpec(LEARNER, SMS_PRACTICE, "practice web page", then=practice(0)),
    PageSpec(LEARNER, MAIL_PRACTICE, "practice e-mail", then=practice()),
    PageSpec(LEARNER, LETTER_PRACTICE, "practice letter", then=practice()),
    PageSpec(LEARNER, "/courses/health", "health course"),
    PageSpec(LEARNER, TEXT_LESSON + "/merkblatt", "merkblatt"),
    PageSpec(LEARNER, HEALTH_LESSON, "health lesson", lesson=True),
    PageSpec(LEARNER, MAIL_PRACTICE, "practice bank login", then=practice(0)),
    PageSpec(LEARNER, CALL_PRACTICE, "practice call with hang-up", then=practice()),
    PageSpec(LEARNER, CALL_PRACTICE, "practice call after a choice", then=practice(1)),
    PageSpec(LEARNER, "/settings", "settings"),
    PageSpec(LEARNER, f"/help?from={TEXT_LESSON}", "help page"),
    PageSpec(LEARNER, "/help?from=/settings", "help sent", then=send_help),
    PageSpec(LEARNER, OFFLINE_COPY, "offline copy", lesson=True),
    PageSpec(LEARNER, CERTIFICATE, "certificate"),
    PageSpec(LEARNER, "/courses/government/certificate", "certificate not yet"),
    PageSpec(LEARNER, "/courses/no-such-course", "not found", status=404),
    # Mentors, coordinators and admins read the courses (the same templates, their own header)
    # and have their own settings page.
    *(PageSpec(role, "/settings", "settings") for role in (MENTOR, COORDINATOR, ADMIN)),
    PageSpec(LEARNER, "/password", "change password"),
    # Mentors (phone first), coordinators and admins. {learner} and {tandem} come from accounts.
    PageSpec(MENTOR, "/mentor", "mentor dashboard"),
    PageSpec(MENTOR, "/courses/banking/mentor-guide", "mentor guide"),
    PageSpec(MENTOR, "/mentor/learners/{learner}", "learner detail"),
    # The mentor of a class of 25, several struggling (accounts.CLASS_MENTOR).
    PageSpec(MENTOR, "/mentor", "dashboard, 25 learners", account=CLASS_MENTOR),
    PageSpec(MENTOR, "/mentor/learners/{struggling}", "struggling learner", account=CLASS_MENTOR),
    PageSpec(MENTOR, "/mentor/sessions/new", "plan a session"),
    PageSpec(MENTOR, "/mentor/sessions/{tandem}", "tandem session"),
    PageSpec(MENTOR, "/mentor/sessions/{tandem}/summary", "session summary"),
    PageSpec(COORDINATOR, "/coordinate", "coordinator start"),
    PageSpec(COORDINATOR, "/coordinate/accounts", "accounts"),
    PageSpec(COORDINATOR, "/coordinate/accounts/new", "new account"),
    PageSpec(COORDINATOR, "/coordinate/pairings", "pairings"),
    PageSpec(COORDINATOR, "/coordinate/content-due?months=1", "lessons to re-check"),
    PageSpec(COORDINATOR, "/coordinate/learners/{learner}/card", "login card"),
    PageSpec(COORDINATOR, "/coordinate/cards/today", "card sheet"),
    PageSpec(COORDINATOR, "/coordinate/learners/{learner}/delete", "delete data"),
    PageSpec(COORDINATOR, "/coordinate/people/{learner}", "person"),
    PageSpec(COORDINATOR, "/coordinate/warnings/{learner}/inactive/dismiss", "put a warning aside"),
    PageSpec(COORDINATOR, "/coordinate/accounts?q=e&role=learner", "accounts searched"),
    PageSpec(COORDINATOR, "/coordinate/reports", "report"),
    PageSpec(COORDINATOR, "/coordinate/retention", "unused accounts"),
    PageSpec(COORDINATOR, "/two-factor", "second step"),
    PageSpec(ADMIN, "/admin", "admin start"),
    PageSpec(ADMIN, "/admin/accounts", "all accounts"),
    PageSpec(ADMIN, "/admin/audit", "audit log"),
    PageSpec(ADMIN, "/coordinate/pairings", "pairings, two centres"),
    PageSpec(LEARNER, "/mentor", "mentor area refused", status=403),
]

# Key pages photographed at tablet size on every run (and copied to docs/screenshots/).
SCREENSHOTS: list[tuple[str, str, dict[str, int] | None]] = [
    # (page id, file name, viewport; None: the tablet)
    ("learner:home", "learner-home", None),
    ("learner:lesson with pictures", "lesson", None),
    ("learner:quiz feedback", "quiz-feedback", None),
    ("learner:practice feedback", "practice-step", None),
    ("learner:settings", "settings", None),
    ("learner:certificate", "certificate", None),
    ("mentor:mentor dashboard", "mentor-dashboard-phone", {"width": 360, "height": 740}),
    ("mentor:dashboard, 25 learners", "mentor-dashboard-large", None),
    ("mentor:mentor dashboard", "mentor-dashboard", None),
    ("learner:help page", "help-page", None),
    ("learner:help page", "help-page-phone", {"width": 360, "height": 740}),
    ("learner:help sent", "help-sent", None),
    ("learner:home", "learner-home-phone", {"width": 360, "height": 740}),
    ("coordinator:report", "coordinator-report", None),
    ("coordinator:pairings", "coordinator-pairings", None),
    ("admin:pairings, two centres", "admin-pairings", None),
    ("admin:pairings, two centres", "admin-pairings-phone", {"width": 360, "height": 740}),
]

# Every other page a learner (or a visitor about to sign in) sees, in German, for
# docs/screenshots/ (`make screenshots`): learner-<row name>.png.
SCREENSHOTS += [
    (spec.id, "learner-" + spec.name.replace(" ", "-"), None)
    for spec in PAGES
    if spec.role in (LEARNER, ANONYMOUS)
    and "English" not in spec.name
    and spec.id not in {page_id for page_id, _, _ in SCREENSHOTS}
]

BY_ID = {spec.id: spec for spec in PAGES}
assert len(BY_ID) == len(PAGES), "two rows share a role and a name"
