"""The pairing page lists one centre at a time: its mentors, and at most 50 of its learners
without a mentor (longest waiting first, found by name beyond the 50). A posted learner of
any of the coordinator's centres is a valid choice; nobody of a centre not hers ever is.
The page costs the same number of queries whatever the size of the centre."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from learnapp.access import COORDINATOR, LEARNER, MENTOR
from learnapp.coordinate.people import PAGE_SIZE
from learnapp.db import get_session
from learnapp.models import Centre, CoordinatorCentre, Pairing, User
from tests.helpers import PASSWORD, Auth, count_queries
from tests.world import World

LONG_AGO = datetime(2025, 1, 1)


@dataclass
class Picker:
    world: World
    centre_c: int  # another coordinator's centre
    learner_b2: int  # centre B, waiting for a mentor
    learner_c: int  # centre C, waiting for a mentor
    mentor_c: int


def _person(db, username: str, role: str, centre: int, name: str, **fields) -> User:  # type: ignore[no-untyped-def]
    user = User(username=username, display_name=name, role=role, centre_id=centre, **fields)
    user.set_password(PASSWORD)
    db.add(user)
    db.flush()
    return user


@pytest.fixture
def picker(app: Flask, world: World) -> Picker:
    """`world`, and: coordab coordinates A and B; centre B has a learner waiting; centre C,
    coordinated by coordc alone, has a mentor and a learner waiting."""
    with app.app_context():
        db = get_session()
        c = Centre(name="Zentrum C", town="Emden")
        db.add(c)
        db.flush()
        both = _person(db, "coordab", COORDINATOR, world.centre_a, "Doris Doppelzentrum")
        other = _person(db, "coordc", COORDINATOR, c.id, "Carl Koordination")
        waiting_b = _person(db, "learnerb2", LEARNER, world.centre_b, "Greta Wartend")
        mentor_c = _person(db, "mentorc", MENTOR, c.id, "Cem Fremdmentor")
        learner_c = _person(db, "learnerc", LEARNER, c.id, "Carla Fremdlernend")
        db.add_all(
            [
                CoordinatorCentre(coordinator_id=both.id, centre_id=world.centre_a),
                CoordinatorCentre(coordinator_id=both.id, centre_id=world.centre_b),
                CoordinatorCentre(coordinator_id=other.id, centre_id=c.id),
            ]
        )
        db.commit()
        return Picker(world, c.id, waiting_b.id, learner_c.id, mentor_c.id)


def _select(page: str, name: str) -> str:
    return page.split(f'id="{name}"', 1)[1].split("</select>", 1)[0]


def _selected(select_html: str) -> int | None:
    chosen = re.search(r'<option[^>]*\bselected\b[^>]*value="(\d+)"', select_html) or re.search(
        r'<option[^>]*value="(\d+)"[^>]*\bselected\b', select_html
    )
    return int(chosen.group(1)) if chosen else None


def _values(select_html: str) -> list[int]:
    return [int(v) for v in re.findall(r'value="(\d+)"', select_html) if v != "0"]


def _pairings(app: Flask) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count(Pairing.id))) or 0


def _pair(auth: Auth, mentor: int, learner: int, path: str = "/coordinate/pairings", **extra):  # type: ignore[no-untyped-def]
    data = {"mentor": str(mentor), "learner": str(learner), **extra}
    return auth.post(path, data, token_from="/coordinate/pairings")


# --- one centre at a time ---


def test_a_coordinator_of_two_centres_chooses_the_centre_and_sees_its_people_only(
    client: FlaskClient, picker: Picker
) -> None:
    w = picker.world
    Auth(client).login("coordab")
    first = client.get("/coordinate/pairings?lang=en").get_data(as_text=True)
    centres = _select(first, "centre")
    assert "Zentrum A" in centres and "Zentrum B" in centres and "Zentrum C" not in centres
    assert _selected(centres) == w.centre_a  # the first of hers by name
    assert '<label class="field-label" for="centre">' in first
    assert _values(_select(first, "learner")) == [w.learner_a2]
    assert _values(_select(first, "mentor")) == [w.mentor_a]
    assert "Greta Wartend" not in first and "Ben Mentor (" not in first

    second = client.get(f"/coordinate/pairings?lang=en&centre={w.centre_b}").get_data(as_text=True)
    assert _selected(_select(second, "centre")) == w.centre_b
    assert _values(_select(second, "learner")) == [picker.learner_b2]
    assert _values(_select(second, "mentor")) == [w.mentor_b]
    assert "Hans Lernend" not in second and "Mia Mentorin (" not in second
    assert "The mentors and learners of Zentrum B." in second


def test_a_coordinator_of_one_centre_sees_no_centre_choice(
    client: FlaskClient, picker: Picker
) -> None:
    Auth(client).login("coorda")
    page = client.get("/coordinate/pairings?lang=en").get_data(as_text=True)
    assert 'id="centre"' not in page
    assert 'id="q"' in page  # the name search is there all the same


@pytest.mark.parametrize(
    "query",
    ["centre={centre_c}", "learner={learner_c}", "centre={centre_c}&learner={learner_c}",
     "centre=abc&learner=-1", "centre=99999999999999999999"],
)  # fmt: skip
def test_a_centre_not_hers_is_ignored(client: FlaskClient, picker: Picker, query: str) -> None:
    w = picker.world
    Auth(client).login("coordab")
    url = "/coordinate/pairings?lang=en&" + query.format(
        centre_c=picker.centre_c, learner_c=picker.learner_c
    )
    response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _selected(_select(page, "centre")) == w.centre_a  # her first centre
    assert _values(_select(page, "learner")) == [w.learner_a2]
    for foreign in ("Zentrum C", "Cem Fremdmentor", "Carla Fremdlernend"):
        assert foreign not in page


def test_the_learner_in_the_address_chooses_her_centre(client: FlaskClient, picker: Picker) -> None:
    w = picker.world
    Auth(client).login("coordab")
    page = client.get(f"/coordinate/pairings?lang=en&learner={w.learner_b}").get_data(as_text=True)
    assert _selected(_select(page, "centre")) == w.centre_b
    learners = _select(page, "learner")
    assert _selected(learners) == w.learner_b  # she has a mentor: listed because asked for
    assert "Grete Lernend (mentor: Ben Mentor)" in learners
    assert picker.learner_b2 in _values(learners) and w.learner_a2 not in _values(learners)
    assert _values(_select(page, "mentor")) == [w.mentor_b]
    # ?centre= comes first: another of her centres is asked for, its people only
    other = client.get(
        f"/coordinate/pairings?lang=en&centre={w.centre_a}&learner={w.learner_b}"
    ).get_data(as_text=True)
    assert _values(_select(other, "learner")) == [w.learner_a2]
    assert "Grete Lernend" not in _select(other, "learner")


# --- at most 50 learners, found by name, posted from anywhere in her centres ---


@pytest.fixture
def crowded(app: Flask, world: World) -> list[int]:
    """Sixty more learners without a mentor in centre A, all waiting longer than Hans
    (learner_a2): he is the 61st, beyond the first 50. Two waiting learners are deactivated
    or deleted (never listed, never counted)."""
    with app.app_context():
        db = get_session()
        made = [
            _person(
                db,
                f"wait{n:02d}",
                LEARNER,
                world.centre_a,
                f"Wartende {n:02d}",
                created_at=LONG_AGO + timedelta(hours=n),
            )
            for n in range(60)
        ]
        _person(db, "gone1", LEARNER, world.centre_a, "Inaktive", active=False, created_at=LONG_AGO)
        _person(
            db,
            "gone2",
            LEARNER,
            world.centre_a,
            "Gelöschte",
            deleted_at=LONG_AGO,
            created_at=LONG_AGO,
        )
        db.commit()
        return [user.id for user in made]


def test_fifty_longest_waiting_learners_are_listed_with_the_total(
    client: FlaskClient, world: World, crowded: list[int]
) -> None:
    Auth(client).login("coorda")
    page = client.get("/coordinate/pairings?lang=en").get_data(as_text=True)
    learners = _select(page, "learner")
    assert _values(learners) == crowded[:PAGE_SIZE]  # longest waiting first, 50 at most
    assert _selected(learners) == crowded[0]
    assert "Hans Lernend" not in learners and "Inaktive" not in page and "Gelöschte" not in page
    sentence = "50 of 61 learners without a mentor are listed, longest waiting first"
    assert sentence in page
    # the sentence is the select's description
    hint = re.search(r'<p class="field-hint" id="learner-hint">([^<]*)</p>', page)
    assert hint and sentence in hint.group(1)
    assert re.search(r'<select[^>]*aria-describedby="learner-hint"[^>]*id="learner"', page) or (
        re.search(r'<select[^>]*id="learner"[^>]*aria-describedby="learner-hint"', page)
    )


def test_the_search_finds_a_learner_beyond_the_first_fifty_and_she_can_be_paired(
    app: Flask, client: FlaskClient, world: World, crowded: list[int]
) -> None:
    auth = Auth(client)
    auth.login("coorda")
    found = client.get("/coordinate/pairings?lang=en&q=HANS").get_data(as_text=True)
    assert _values(_select(found, "learner")) == [world.learner_a2]
    assert "1 learner without a mentor is listed." in found
    assert 'value="HANS"' in found  # the search stays in its field
    late = client.get("/coordinate/pairings?lang=en&q=wartende+55").get_data(as_text=True)
    assert _values(_select(late, "learner")) == [crowded[55]]
    nobody = client.get("/coordinate/pairings?lang=en&q=zzz").get_data(as_text=True)
    assert _values(_select(nobody, "learner")) == []
    assert "No learner without a mentor matches your search." in nobody
    # posted without the search: she is not among the 50 a GET lists, and still valid
    before = _pairings(app)
    response = _pair(auth, world.mentor_a, crowded[55])
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/coordinate/pairings")
    with app.app_context():
        pairing = (
            get_session()
            .scalars(
                select(Pairing).where(Pairing.learner_id == crowded[55], Pairing.ended_at.is_(None))
            )
            .one()
        )
        assert pairing.mentor_id == world.mentor_a
    assert _pairings(app) == before + 1


def test_a_posted_learner_of_another_of_her_centres_is_paired_and_that_centre_shown_again(
    app: Flask, client: FlaskClient, picker: Picker
) -> None:
    w = picker.world
    auth = Auth(client)
    auth.login("coordab")
    path = f"/coordinate/pairings?centre={w.centre_a}"  # the form was drawn for A
    response = _pair(auth, w.mentor_b, picker.learner_b2, path)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/coordinate/pairings?centre={w.centre_b}")
    # the same again: services.pair refuses it, with the reason
    again = _pair(auth, w.mentor_b, picker.learner_b2, "/coordinate/pairings?lang=en")
    assert again.status_code == 400
    assert "already paired" in again.get_data(as_text=True)


def test_a_learner_of_a_centre_not_hers_is_refused_and_nothing_stored(
    app: Flask, client: FlaskClient, picker: Picker
) -> None:
    w = picker.world
    auth = Auth(client)
    auth.login("coorda")
    before = _pairings(app)
    for mentor, learner in (
        (w.mentor_a, picker.learner_b2),  # her learner is of centre B
        (picker.mentor_c, picker.learner_c),  # both of centre C
        (w.mentor_b, picker.learner_b2),
        (w.mentor_a, w.learner_b),
    ):
        response = _pair(auth, mentor, learner, path="/coordinate/pairings?lang=en")
        assert response.status_code == 400, (mentor, learner)
        page = response.get_data(as_text=True)
        assert 'id="learner-error"' in page or 'id="mentor-error"' in page
        assert "Greta Wartend" not in page and "Carla Fremdlernend" not in page
    # of two centres: a mentor of A for a learner of B is not a choice
    Auth(client).logout()
    auth.login("coordab")
    response = _pair(auth, w.mentor_a, picker.learner_b2, path="/coordinate/pairings?lang=en")
    assert response.status_code == 400
    assert 'id="mentor-error"' in response.get_data(as_text=True)
    assert _pairings(app) == before


def test_the_confirmation_for_a_learner_with_a_mentor_keeps_her_centre(
    app: Flask, client: FlaskClient, picker: Picker
) -> None:
    w = picker.world
    with app.app_context():
        db = get_session()
        second = _person(db, "mentorb2", MENTOR, w.centre_b, "Bea Zweite")
        db.commit()
        second_id = second.id
    auth = Auth(client)
    auth.login("coordab")
    asked = _pair(auth, second_id, w.learner_b, path="/coordinate/pairings?lang=en")
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert 'name="confirm" value="yes"' in page and "Ben Mentor" in page
    assert f"/coordinate/pairings?centre={w.centre_b}" in page
    done = _pair(auth, second_id, w.learner_b, confirm="yes")
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/coordinate/pairings?centre={w.centre_b}")
    with app.app_context():
        mentors = (
            get_session()
            .scalars(
                select(Pairing.mentor_id).where(
                    Pairing.learner_id == w.learner_b, Pairing.ended_at.is_(None)
                )
            )
            .all()
        )
    assert mentors == [second_id]


# --- the cost follows the page, not the centre ---


def _add_learners(app: Flask, centre: int, count: int, start: int) -> None:
    with app.app_context():
        db = get_session()
        mentors = [
            _person(db, f"qm{start}-{n}", MENTOR, centre, f"Mentor {start}-{n}")
            for n in range(max(1, count // 10))
        ]
        for n in range(count):
            learner = _person(db, f"ql{start}-{n}", LEARNER, centre, f"Lernende {start}-{n}")
            if n % 3 == 0:  # a third have a mentor
                db.add(Pairing(mentor_id=mentors[n % len(mentors)].id, learner_id=learner.id))
        db.commit()


def test_the_same_number_of_queries_with_3_and_with_80_learners(
    app: Flask, client: FlaskClient, picker: Picker
) -> None:
    w = picker.world
    _add_learners(app, w.centre_a, 1, 0)  # centre A: Erika, Hans and this one
    paths = [
        "/coordinate/pairings",
        f"/coordinate/pairings?centre={w.centre_a}",
        f"/coordinate/pairings?learner={w.learner_a}",
        "/coordinate/pairings?q=lern",
        "/coordinate/pairings?page=2",
    ]

    def measure() -> dict[str, int]:
        counts = {}
        for path in paths:
            client.get(path)  # warm-up (last-active write)
            with count_queries(app) as statements:
                response = client.get(path)
            assert response.status_code == 200
            counts[path] = len(statements)
        return counts

    Auth(client).login("coordab")
    small = measure()
    _add_learners(app, w.centre_a, 77, 1)  # 80 learners in centre A
    with app.app_context():
        assert (
            get_session().scalar(
                select(func.count(User.id)).where(
                    User.centre_id == w.centre_a, User.role == LEARNER
                )
            )
            == 80
        )
    large = measure()
    page = client.get("/coordinate/pairings?lang=en").get_data(as_text=True)
    assert "50 of 52 learners without a mentor are listed" in page  # the rows were drawn
    assert small == large, (small, large)
