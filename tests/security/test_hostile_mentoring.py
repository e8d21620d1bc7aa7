"""Help-request messages, session notes, next steps and names carrying XSS vectors are shown
as text on every page where they appear: the mentor's, the coordinator's and the learner's."""

import re
from datetime import timedelta

from learnapp.clock import local_now
from learnapp.db import get_session
from learnapp.models import HelpRequest, TandemSession, User
from tests.helpers import Auth
from tests.security.hostile import VECTORS, assert_no_active_content

# NUL bytes never get this far (requests carrying them are refused), and PostgreSQL cannot
# store them, so they are left out of what this test writes straight to the database.
STORABLE = tuple(vector for vector in VECTORS if "\x00" not in vector)
MARKER = re.compile(r"xss-\d+")


def test_hostile_help_requests_notes_and_names_stay_inert(app, world):
    text = "\n".join(STORABLE)
    with app.app_context():
        db = get_session()
        for vector in STORABLE:
            db.add(
                HelpRequest(
                    learner_id=world.learner_a,
                    course_id="sample",
                    lesson_id="sample-first",
                    message=vector[:500],
                )
            )
        tandem = TandemSession(
            mentor_id=world.mentor_a,
            learner_id=world.learner_a,
            starts_at=local_now() - timedelta(days=1),
            took_place=True,
            length_minutes=60,
            notes=text,
            notes_shared=True,
            next_steps=text,
            agenda="<script>x</script>\nsample-first",
        )
        db.add(tandem)
        db.get(User, world.learner_a).display_name = STORABLE[2]
        db.get(User, world.mentor_a).display_name = STORABLE[4]
        db.commit()
        tandem_id = tandem.id

    pages = {
        "mentora": [
            "/mentor",
            f"/mentor/learners/{world.learner_a}",
            f"/mentor/sessions/{tandem_id}",
            f"/mentor/sessions/{tandem_id}/summary",
        ],
        "coorda": [
            "/coordinate",
            "/coordinate/accounts",
            "/coordinate/pairings",
            f"/coordinate/learners/{world.learner_a}/card",
            f"/coordinate/learners/{world.learner_a}/delete",
            f"/mentor/learners/{world.learner_a}",
            f"/mentor/sessions/{tandem_id}",
        ],
        "learnera": ["/", "/settings"],
        "admin": ["/admin/accounts", "/admin/audit"],
    }
    shown: set[str] = set()
    for username, paths in pages.items():
        client = app.test_client()
        assert Auth(client).login(username).status_code == 302
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (username, path)
            html = response.get_data(as_text=True)
            assert_no_active_content(html, f"{username} {path}")
            shown |= set(MARKER.findall(html))
    # inert because shown as text, not because left out: every vector is on some page
    assert shown >= set(MARKER.findall(text)), sorted(set(MARKER.findall(text)) - shown)
