"""Pages run a constant number of SQL queries, however much a learner has done."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from learnapp.access import MENTOR
from learnapp.clock import local_now
from learnapp.db import get_session
from learnapp.learn import services
from learnapp.models import TandemSession, User
from learnapp.models.mentoring import PLACE_CENTRE
from tests.helpers import count_queries

LESSONS = 120


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    root = tmp_path / "content" / "big"
    (root / "de").mkdir(parents=True)
    (root / "course.yaml").write_text("id: big\norder: 1\ntitle:\n  de: Groß\n  en: Big\n")
    for n in range(LESSONS):
        (root / "de" / f"{n:03d}.md").write_text(
            f"---\nid: l{n}\ntitle: L{n}\nsummary: S\norder: {n}\nminutes: 3\n---\nText {n}\n"
        )
    return root.parent


def complete(app, username: str, how_many: int) -> None:
    with app.app_context():
        session = get_session()
        user = session.scalars(select(User).where(User.username == username)).one()
        for n in range(how_many):
            services.mark_done(session, user, "big", f"l{n}")
        session.commit()


def queries_for(app, client, path: str) -> int:
    client.get(path)  # warm-up: the "last active" write happens at most every few minutes
    with count_queries(app) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


@pytest.mark.parametrize("path", ["/", "/courses", "/courses/big", "/courses/big/l0"])
def test_query_count_is_the_same_for_1_and_100_completed_lessons(
    app, client, auth, make_user, path
):
    make_user(username="few")
    make_user(username="many")
    complete(app, "few", 1)
    complete(app, "many", 100)
    auth.login("few")
    few = queries_for(app, client, path)
    auth.logout()
    auth.login("many")
    many = queries_for(app, client, path)
    assert few == many
    assert 1 <= many <= 4, f"{path} ran {many} queries"  # 0: nothing was counted


def test_home_page_with_tandem_sessions_runs_as_many_queries_as_without(
    app, client, auth, make_user, centre
):
    """The next meeting's mentor and centre come with it, not one query each."""
    make_user(username="alone")
    learner = make_user(username="paired")
    mentor = make_user(role=MENTOR, username="mentor-of-paired", display_name="Jonas Mentor")
    with app.app_context():
        session = get_session()
        now = local_now()
        session.add_all(
            [
                TandemSession(
                    mentor_id=mentor.id,
                    learner_id=learner.id,
                    starts_at=now - timedelta(days=7),
                    took_place=True,
                    next_steps="Practise the video call",
                ),
                TandemSession(
                    mentor_id=mentor.id,
                    learner_id=learner.id,
                    starts_at=now + timedelta(days=2),
                    place=PLACE_CENTRE,
                    centre_id=centre.id,
                ),
            ]
        )
        session.commit()
    auth.login("alone")
    alone = queries_for(app, client, "/")
    auth.logout()
    auth.login("paired")
    page = client.get("/").get_data(as_text=True)
    assert "Jonas Mentor" in page and "Testzentrum" in page and "video call" in page
    paired = queries_for(app, client, "/")
    assert alone >= 1, "nothing was counted"
    assert paired == alone, f"{paired} queries with tandem sessions, {alone} without"
