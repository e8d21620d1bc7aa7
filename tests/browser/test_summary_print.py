"""The session summary a learner takes home: a print button, and at most two A4 pages in large
print for a full session: eight lessons, shared notes and next steps as long as the form lets a
mentor write them (SHARED_NOTES_LIMIT, NEXT_STEPS_LIMIT)."""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from learnapp.content import get_library
from learnapp.db import get_session
from learnapp.mentor.forms import NEXT_STEPS_LIMIT, SHARED_NOTES_LIMIT
from learnapp.models import TandemSession, User
from learnapp.models.base import utcnow
from tests.browser.test_print import PT

AGENDA_LESSONS = 8  # more than an hour's session holds
FULL_NOTES = SHARED_NOTES_LIMIT  # characters: the most a mentor can share


def _words(limit: int) -> str:
    """Plain German sentences up to the form's limit, four to a paragraph as people type."""
    sentence = "Wir haben die Einstellungen gemeinsam geprüft und alles aufgeschrieben."
    sentences = [sentence] * (limit // (len(sentence) + 1))
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    return "\n".join(paragraphs)[:limit]


def test_full_summary_prints_on_two_pages_in_large_print(browsing, screenshot_dir):
    server = browsing.server
    with server.app.app_context():
        db = get_session()
        held = db.get(TandemSession, server.ids["tandem"])
        lessons = [i for c in get_library().ordered_courses for i in c.lesson_ids]
        full = TandemSession(
            mentor_id=held.mentor_id,
            learner_id=held.learner_id,
            centre_id=held.centre_id,
            starts_at=held.starts_at - timedelta(days=1),
            agenda="\n".join(lessons[:AGENDA_LESSONS]),
            took_place=True,
            length_minutes=90,
            notes=_words(FULL_NOTES),
            notes_shared=True,
            next_steps=_words(NEXT_STEPS_LIMIT),
            recorded_at=utcnow(),
        )
        db.add(full)
        db.commit()
        tandem_id = full.id
        mentor = db.scalars(select(User.username).where(User.id == held.mentor_id)).one()
    page = browsing.open(mentor).page
    page.goto(f"/mentor/sessions/{tandem_id}/summary")
    assert page.is_visible("button[data-print]"), "a print button"
    page.screenshot(path=str(screenshot_dir / "summary.png"), full_page=True)
    page.evaluate("document.documentElement.className = 'text-200 contrast-high'")
    pdf = page.pdf(prefer_css_page_size=True)
    (screenshot_dir / "summary.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 2, len(reader.pages)
    printed = " ".join(p.extract_text() for p in reader.pages)
    assert "Wir haben die Einstellungen" in printed  # the notes are on paper, not cut off
    page.emulate_media(media="print")
    sizes = page.eval_on_selector_all(
        "main p, main li", "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert min(sizes) >= 14 * PT - 0.1, "large print: 14 pt and more"
