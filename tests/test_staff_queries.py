"""Mentor dashboard, coordinator report and early warning: the same number of SQL queries at
10 and at 500 learners (data from the large demo generator)."""

from datetime import datetime

import pytest
from sqlalchemy import delete, select, update

from learnapp.content import get_library
from learnapp.db import get_session
from learnapp.demo_large import generate
from learnapp.models import Base, Pairing, TandemSession, User
from tests.helpers import Auth, count_queries

PAGES = {
    "m1": ["/mentor", "/mentor/learners/{learner}"],
    "c1": [
        "/coordinate",
        "/coordinate/reports",
        "/coordinate/reports.csv",
        "/coordinate/accounts",
        "/coordinate/pairings",
    ],
}


def _make_every_warning_list_non_empty(db) -> None:  # type: ignore[no-untyped-def]
    """Quiet tandems, silent learners: lists with rows are where a query per row would hide."""
    quiet = select(User.id).where(User.username.in_(["l1", "l2", "l3", "l4", "l5"]))
    db.execute(delete(TandemSession).where(TandemSession.learner_id.in_(quiet)))
    db.execute(
        update(Pairing).where(Pairing.learner_id.in_(quiet)).values(started_at=datetime(2025, 1, 1))
    )
    db.execute(update(User).where(User.id.in_(quiet)).values(last_active_at=datetime(2025, 1, 1)))
    db.commit()


def _measure(app, learners: int) -> dict[str, int]:
    with app.app_context():
        data = generate(
            get_session(),
            get_library(),
            centres=1,
            mentors=max(1, learners // 20),
            learners=learners,
        )
        _make_every_warning_list_non_empty(get_session())
        mentor = get_session().scalars(select(User).where(User.username == "m1")).one()
        learner = (
            get_session()
            .scalars(select(Pairing.learner_id).where(Pairing.mentor_id == mentor.id))
            .first()
        )
    counts = {}
    for username, paths in PAGES.items():
        client = app.test_client()
        auth = Auth(client)
        assert auth.login(username, data.password).status_code == 302
        for path in paths:
            url = path.format(learner=learner)
            client.get(url)  # warm-up (last-active write)
            with count_queries(app) as statements:
                response = client.get(url)
            assert response.status_code == 200, url
            counts[path] = len(statements)
    return counts


@pytest.fixture
def content_dir():
    from learnapp.paths import CONTENT_DIR

    return CONTENT_DIR


def test_staff_pages_run_a_constant_number_of_queries(app):
    small = _measure(app, 10)
    engine = app.extensions["learnapp_db"].engine
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    large = _measure(app, 500)
    print("queries per page (10 / 500 learners):", {p: (small[p], large[p]) for p in small})
    assert small == large
    for path, count in large.items():
        assert count <= 12, f"{path}: {count} queries"
