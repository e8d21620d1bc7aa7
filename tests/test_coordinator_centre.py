"""A coordinator's centre at size: confirmations before destructive actions, the accounts
search, the early-warning list with its dismissals, the pairing form's defaults."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learnapp.access import LEARNER
from learnapp.auth.throttle import get_throttle
from learnapp.content import get_library
from learnapp.coordinate import reports, warnings
from learnapp.db import get_session
from learnapp.demo_large import generate
from learnapp.models import AuditEntry, Pairing, QuizAttempt, User, WarningDismissal
from learnapp.models.base import utcnow
from tests.helpers import Auth


def _state(app, world) -> tuple:  # type: ignore[no-untyped-def]
    """Everything a destructive action could change about learner_a and her tandem."""
    with app.app_context():
        db = get_session()
        learner = db.get(User, world.learner_a)
        assert learner is not None
        active_pairings = db.scalar(
            select(func.count(Pairing.id)).where(Pairing.ended_at.is_(None))
        )
        return (
            learner.active,
            learner.password_hash,
            learner.session_version,
            learner.display_name,
            learner.deleted_at,
            active_pairings,
            db.scalar(select(func.count(AuditEntry.id))),
        )


def _pairing_a(app, world) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return (
            get_session()
            .scalars(select(Pairing.id).where(Pairing.learner_id == world.learner_a))
            .one()
        )


DESTRUCTIVE = [
    pytest.param(
        "coorda", "/coordinate/accounts/{learner}/active", {"active": "0"}, id="deactivate"
    ),
    pytest.param("coorda", "/coordinate/accounts/{learner}/password", {}, id="new password"),
    pytest.param("coorda", "/coordinate/pairings/{pairing}/end", {}, id="end tandem"),
    pytest.param("coorda", "/coordinate/learners/{learner}/delete", {}, id="delete"),
    pytest.param("mentora", "/mentor/learners/{learner}/password", {}, id="mentor's password"),
]


@pytest.mark.parametrize(("who", "path", "data"), DESTRUCTIVE)
def test_a_destructive_post_without_the_confirmation_step_changes_nothing(
    app, client, world, who, path, data
):
    auth = Auth(client)
    auth.login(who)
    url = path.format(learner=world.learner_a, pairing=_pairing_a(app, world))
    before = _state(app, world)
    asked = auth.post(url, data)
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert "Erika Lernend" in page  # the confirmation names the person
    assert 'name="confirm" value="yes"' in page and f'action="{url}"' in page
    assert _state(app, world) == before
    # the confirmation page's own form does act
    done = auth.post(url, {**data, "confirm": "yes"})
    assert done.status_code in (200, 302)
    assert _state(app, world) != before


def test_the_person_page_holds_the_actions_and_the_list_none(app, client, world):
    auth = Auth(client)
    auth.login("coorda")
    listing = client.get("/coordinate/accounts?lang=en").get_data(as_text=True)
    main = listing.split("<main", 1)[1].split("</main>", 1)[0]
    assert 'method="post"' not in main  # the list carries no forms: only the search (GET)
    assert f'href="/coordinate/people/{world.learner_a}"' in listing
    person = client.get(f"/coordinate/people/{world.learner_a}?lang=en").get_data(as_text=True)
    for action in ("/password", "/active", "/delete", "/card", "/end"):
        assert action in person
    # not locked: no "Allow sign-in again"
    assert "/unlock" not in person and "/unlock" not in listing


def test_allow_sign_in_again_only_on_a_locked_account(app, client, world):
    with app.app_context():
        throttle = get_throttle()
        for _attempt in range(app.config["LOGIN_LOCK_AFTER"]):
            throttle.record_failure("learnera", "192.0.2.1")
        assert throttle.is_locked("learnera")
    auth = Auth(client)
    auth.login("coorda")
    locked = client.get(f"/coordinate/people/{world.learner_a}?lang=en").get_data(as_text=True)
    other = client.get(f"/coordinate/people/{world.learner_a2}?lang=en").get_data(as_text=True)
    assert f"/coordinate/accounts/{world.learner_a}/unlock" in locked
    assert "/unlock" not in other
    listing = client.get("/coordinate/accounts?state=locked&lang=en").get_data(as_text=True)
    assert "Erika Lernend" in listing and "Hans Lernend" not in listing
    assert "sign-in paused" in listing


def _names(page: str) -> list[str]:
    return re.findall(r'class="account-name" href="[^"]+">([^<]+)<', page)


def test_accounts_search_filters_and_paging_keep_the_filters(app, client, world, make_user):
    with app.app_context():
        db = get_session()
        db.add_all(
            User(
                username=f"extra{number:02d}",
                display_name=f"Anna Extra {number:02d}",
                role=LEARNER,
                centre_id=world.centre_a,
                password_hash="x",
            )
            for number in range(60)
        )
        db.commit()
    auth = Auth(client)
    auth.login("coorda")
    first = client.get("/coordinate/accounts?q=extra&role=learner&lang=en").get_data(as_text=True)
    assert "60 people found" in first
    assert len(_names(first)) == 50
    assert "Erika Lernend" not in first
    next_link = re.search(r'href="([^"]*page=2[^"]*)"', first)
    assert next_link and {"q=extra", "role=learner"} <= set(
        next_link.group(1).split("?", 1)[1].replace("&amp;", "&").split("&")
    )
    second = client.get("/coordinate/accounts?q=extra&role=learner&page=2&lang=en").get_data(
        as_text=True
    )
    assert len(_names(second)) == 10 and set(_names(first)).isdisjoint(_names(second))
    by_username = client.get("/coordinate/accounts?q=LEARNERA2").get_data(as_text=True)
    assert _names(by_username) == ["Hans Lernend"]
    mentors = client.get("/coordinate/accounts?role=mentor").get_data(as_text=True)
    assert _names(mentors) == ["Mia Mentorin"]
    # without a mentor: every learner of A but learner_a (paired with mentor_a)
    unpaired = client.get("/coordinate/accounts?without_mentor=1&q=lernend").get_data(as_text=True)
    assert _names(unpaired) == ["Hans Lernend"]
    # a wildcard typed in the search is a character, not a pattern
    assert _names(client.get("/coordinate/accounts?q=%25").get_data(as_text=True)) == []


def test_accounts_without_a_session_for_days(app, client, world):
    from learnapp.models import TandemSession

    with app.app_context():
        db = get_session()
        db.add(
            TandemSession(
                mentor_id=world.mentor_a,
                learner_id=world.learner_a,
                starts_at=utcnow() - timedelta(days=3),
                took_place=True,
                length_minutes=60,
            )
        )
        db.commit()
    auth = Auth(client)
    auth.login("coorda")
    quiet = client.get("/coordinate/accounts?quiet_days=7").get_data(as_text=True)
    assert "Erika Lernend" not in quiet and "Mia Mentorin" not in quiet
    assert "Hans Lernend" in quiet
    assert "Erika Lernend" in client.get("/coordinate/accounts?quiet_days=2").get_data(as_text=True)


def test_pairing_form_puts_learners_without_a_mentor_first_and_never_defaults_to_a_paired_one(
    app, client, world
):
    """Only learners without a mentor are listed, the first preselected; a learner who has a
    mentor appears (named with her mentor, preselected) only when chosen in the address."""
    auth = Auth(client)
    auth.login("coorda")
    page = client.get("/coordinate/pairings?lang=en").get_data(as_text=True)
    learner_select = page.split('id="learner"', 1)[1].split("</select>", 1)[0]
    selected = re.search(
        r'<option selected value="(\d+)"|<option value="(\d+)" selected', learner_select
    )
    assert selected and int(selected.group(1) or selected.group(2)) == world.learner_a2
    assert "Hans Lernend" in learner_select
    assert "Erika Lernend" not in learner_select  # she has a mentor and was not asked for
    assert "1 learner without a mentor is listed." in page
    assert "open her page" in page  # how to give a paired learner another mentor
    mentor_select = page.split('id="mentor"', 1)[1].split("</select>", 1)[0]
    assert "Mia Mentorin (1 learner)" in mentor_select
    # from her page: the paired learner is chosen on purpose, named with her mentor
    chosen = client.get(f"/coordinate/pairings?lang=en&learner={world.learner_a}").get_data(
        as_text=True
    )
    chosen_select = chosen.split('id="learner"', 1)[1].split("</select>", 1)[0]
    option = re.search(rf'<option[^>]*value="{world.learner_a}"[^>]*>([^<]*)<', chosen_select)
    assert option and "selected" in option.group(0)
    assert option.group(1) == "Erika Lernend (mentor: Mia Mentorin)"
    assert "Hans Lernend" in chosen_select  # the waiting learners stay listed


def _stuck(app, user_id: int, lesson_id: str, when) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        db = get_session()
        db.add_all(
            QuizAttempt(
                user_id=user_id,
                lesson_id=lesson_id,
                question_id="q1",
                submission_id=f"s-{user_id}-{lesson_id}-{when.timestamp()}-{n}",
                answer="0",
                correct=False,
                created_at=when,
            )
            for n in range(2)
        )
        db.commit()


def test_a_dismissed_warning_stays_away_until_something_new_happens(app, client, world):
    now = utcnow()
    with app.app_context():
        db = get_session()
        learner = db.get(User, world.learner_a2)
        assert learner is not None
        learner.last_active_at = now - timedelta(days=60)
        db.commit()
    auth = Auth(client)
    auth.login("coorda")

    def inactive() -> str:
        page = client.get("/coordinate?lang=en").get_data(as_text=True)
        return page.split('id="inactive-heading"', 1)[1].split("</section>", 1)[0]

    assert "Hans Lernend" in inactive()
    form = f"/coordinate/warnings/{world.learner_a2}/inactive/dismiss"
    refused = auth.post(form, {}, token_from=form)  # a reason is needed
    assert refused.status_code == 400 and "Hans Lernend" in inactive()
    assert auth.post(form, {"reason": "away"}, token_from=form).status_code == 302
    assert "Hans Lernend" not in inactive()
    assert "(0)" in inactive()  # the count comes from the same SQL
    # the reason is kept, shown on her page and in the audit log
    person = client.get(f"/coordinate/people/{world.learner_a2}?lang=en").get_data(as_text=True)
    assert "Away for a while" in person and "Clara Koordination" in person
    with app.app_context():
        db = get_session()
        kept = db.scalars(select(WarningDismissal)).one()
        assert (kept.user_id, kept.kind, kept.reason) == (world.learner_a2, "inactive", "away")
        assert db.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == warnings.DISMISSED)
        ).all() == ["inactive: away"]
        # something new: she was active after the dismissal, then went quiet again
        learner = db.get(User, world.learner_a2)
        assert learner is not None
        learner.last_active_at = utcnow() - timedelta(days=20)
        kept.dismissed_at = utcnow() - timedelta(days=30)
        db.commit()
    assert "Hans Lernend" in inactive()
    # dismissing again replaces the one row (unique per person and kind)
    assert auth.post(form, {"reason": "contacted"}, token_from=form).status_code == 302
    with app.app_context():
        assert get_session().scalar(select(func.count(WarningDismissal.id))) == 1


def test_a_dismissed_stuck_warning_comes_back_with_a_new_wrong_answer(app, client, world):
    _stuck(app, world.learner_a2, "lesson-x", utcnow() - timedelta(days=2))
    auth = Auth(client)
    auth.login("coorda")

    def stuck() -> str:
        page = client.get("/coordinate?lang=en").get_data(as_text=True)
        return page.split('id="stuck-heading"', 1)[1].split("</section>", 1)[0]

    assert "Hans Lernend" in stuck()
    form = f"/coordinate/warnings/{world.learner_a2}/stuck/dismiss"
    assert auth.post(form, {"reason": "handled"}, token_from=form).status_code == 302
    assert "Hans Lernend" not in stuck()
    _stuck(app, world.learner_a2, "lesson-x", utcnow() + timedelta(seconds=1))
    assert "Hans Lernend" in stuck()


def test_the_sql_list_has_what_the_full_computation_has_most_urgent_first(app):
    """At 200 learners the paged list (all pages together) equals the full lists of
    reports.early_warnings; the order is stuck, inactive, quiet tandems, quiet mentors."""
    with app.app_context():
        db = get_session()
        generate(db, get_library(), centres=2, mentors=10, learners=200, seed=7)
        db.commit()
        centre_ids = [1]
        reference = reports.early_warnings(db, centre_ids, 14, 28)
        expected = (
            {("stuck", u.id) for u, _lesson in reference.stuck}
            | {("inactive", u.id) for u in reference.inactive}
            | {("pairs", p.learner_id) for p in reference.quiet_pairs}
            | {("mentors", u.id) for u in reference.quiet_mentors}
        )
        first = warnings.warning_page(db, centre_ids, 14, 28, page=1)
        seen: list[tuple[str, int]] = []
        for number in range(1, first.pages + 1):
            found = warnings.warning_page(db, centre_ids, 14, 28, page=number)
            assert len(found.entries) <= 50
            seen += [(e.kind, e.person.id) for e in found.entries]
        assert first.total == len(seen) == reference.count
        assert set(seen) == expected
        assert first.counts == {
            "stuck": len(reference.stuck),
            "inactive": len(reference.inactive),
            "pairs": len(reference.quiet_pairs),
            "mentors": len(reference.quiet_mentors),
        }
        ranks = [warnings.KINDS.index(kind) for kind, _id in seen]
        assert ranks == sorted(ranks)
        assert first.pages > 1  # the paging was exercised

        def people(page: warnings.WarningPage) -> list[tuple[str, int]]:
            return [(entry.kind, entry.person.id) for entry in page.entries]

        # an old link past the end shows the last page, a page 0 the first
        last = warnings.warning_page(db, centre_ids, 14, 28, page=first.pages)
        beyond = warnings.warning_page(db, centre_ids, 14, 28, page=first.pages + 7)
        assert (beyond.page, people(beyond), beyond.counts) == (
            last.page,
            people(last),
            last.counts,
        )
        assert people(warnings.warning_page(db, centre_ids, 14, 28, page=0)) == people(first)
        furthest = warnings.warning_page(db, centre_ids, 14, 28, page=999_999_999)  # 9 digits
        assert people(furthest) == people(last)
        # every centre (the admin's view) is the same as naming each centre
        everywhere = warnings.warning_page(db, None, 14, 28)
        both = warnings.warning_page(db, [1, 2], 14, 28)
        assert everywhere.counts == both.counts and people(everywhere) == people(both)
        assert everywhere.total > first.total
