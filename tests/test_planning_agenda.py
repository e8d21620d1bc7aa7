"""Planning a tandem session: the lessons that come next for the learner are offered first."""

import re
from datetime import timedelta

import pytest

from learnapp.content import get_library
from learnapp.db import get_session
from learnapp.models import Progress
from learnapp.models.base import utcnow
from learnapp.paths import CONTENT_DIR


@pytest.fixture
def content_dir():
    """The bundled courses: several courses with enough lessons to suggest from."""
    return CONTENT_DIR


AGENDA_BOX = re.compile(r'<input[^>]*name="agenda"[^>]*value="([^"]+)"')


def test_planning_suggests_the_lessons_after_the_last_completed_one(client, auth, world, app):
    """Per course she worked in, the next lessons after the one she finished last (the most
    recent course first); everything else folded away, by course."""
    with app.app_context():
        library = get_library()
        first, second = [c for c in library.ordered_courses if len(c.lesson_ids) >= 5][:2]
        a, b = first.lesson_ids, second.lesson_ids
        now = utcnow()
        done = {a[0]: (first, 3), a[2]: (first, 1), b[0]: (second, 2)}  # lesson: days ago
        get_session().add_all(
            Progress(user_id=world.learner_a, course_id=course.id, lesson_id=lesson_id,
                     completed_at=now - timedelta(days=days))
            for lesson_id, (course, days) in done.items()
        )  # fmt: skip
        get_session().commit()
    auth.login("mentora")
    page = client.get(f"/mentor/sessions/new?learner={world.learner_a}").get_data(as_text=True)
    suggested, folded = page.split('<details class="agenda-more"')
    assert AGENDA_BOX.findall(suggested) == [a[3], a[4], a[5], b[1], b[2], b[3]]
    assert a[1] in AGENDA_BOX.findall(folded) and a[0] in AGENDA_BOX.findall(folded)
    assert not folded.startswith(" open")  # the rest stays folded
    # A lesson ticked among the folded ones stays visible when the form comes back.
    again = auth.post(
        "/mentor/sessions/new",
        {"learner": str(world.learner_a), "agenda": [a[1]]},
        token_from="/mentor/sessions/new",
    ).get_data(as_text=True)
    assert again.split('<details class="agenda-more"')[1].startswith(" open")
    # Nothing done yet: the first lessons of the first course.
    auth.logout()
    auth.login("mentorb")
    page = client.get("/mentor/sessions/new").get_data(as_text=True)
    with app.app_context():
        opening = get_library().ordered_courses[0].lesson_ids[:3]
    assert AGENDA_BOX.findall(page.split('<details class="agenda-more"')[0]) == opening
