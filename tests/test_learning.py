"""Reading lessons, Done, Continue, and bad addresses."""

import pytest
from sqlalchemy import select

from learnapp.db import get_session
from learnapp.models import Progress


def test_home_offers_the_first_lesson_to_a_new_learner(client, auth, learner):
    auth.login("erika")
    page = client.get("/?lang=de").get_data(as_text=True)
    assert "/courses/sample/sample-first" in page


def test_done_ticks_the_lesson_and_offers_the_next(client, auth, learner, app):
    auth.login("erika")
    client.get("/courses/sample/sample-first")
    response = auth.post("/courses/sample/sample-first/done")
    assert response.status_code == 302
    with app.app_context():
        row = get_session().scalars(select(Progress)).one()
        assert row.completed_at is not None and row.lesson_id == "sample-first"
    course = client.get("/courses/sample").get_data(as_text=True)
    assert "is-done" in course
    home = client.get("/").get_data(as_text=True)
    assert 'href="/courses/sample/sample-second"' in home


def test_progress_survives_sign_out_and_another_device(client, auth, learner, app):
    auth.login("erika")
    auth.post("/courses/sample/sample-first/done")
    auth.logout()
    tablet = app.test_client()
    from tests.helpers import Auth

    Auth(tablet).login("erika")
    assert 'href="/courses/sample/sample-second"' in tablet.get("/").get_data(as_text=True)


def test_continue_offers_a_started_but_unfinished_lesson(client, auth, learner):
    auth.login("erika")
    auth.post("/courses/sample/sample-first/done")
    client.get("/courses/sample/sample-practice")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/courses/sample/sample-practice"' in home


def test_lesson_page_has_previous_next_and_done(client, auth, learner):
    auth.login("erika")
    page = client.get("/courses/sample/sample-second").get_data(as_text=True)
    assert 'rel="prev" href="/courses/sample/sample-first"' in page
    assert 'rel="next" href="/courses/sample/sample-practice"' in page
    assert "/courses/sample/sample-second/done" in page


def test_lesson_links_resolve_and_images_are_served(client, auth, learner):
    auth.login("erika")
    page = client.get("/courses/sample/sample-first").get_data(as_text=True)
    assert 'href="/courses/sample/sample-second"' in page
    assert 'src="images/tablet.svg"' in page
    image = client.get("/courses/sample/images/tablet.svg")
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    assert "default-src 'none'" in image.headers["Content-Security-Policy"]
    image.close()


def test_image_route_cannot_leave_its_folder(client, auth, learner):
    auth.login("erika")
    for path in (
        "/courses/sample/images/../course.yaml",
        "/courses/sample/images/..%2fcourse.yaml",
        "/courses/sample/images/%2e%2e/%2e%2e/sample/course.yaml",
        "/courses/sample/images//etc/passwd",
        "/courses/sample/images/missing.svg",
    ):
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 404, path
        response.close()


ODD_IMAGE_NAMES = {
    "300-characters": "a" * 296 + ".svg",
    "5000-characters": "a" * 4996 + ".svg",
    "long-folders": "abc/" * 1250 + "tablet.svg",
    "nul": "tablet%00.svg",
    "nul-before-suffix": "tablet.svg%00.png",
    "dot-dot": "../images/tablet.svg/..",
    "encoded-slashes": "%2e%2e%2f%2e%2e%2fsample%2fcourse.yaml",
    "backslashes": "..%5c..%5ccourse.yaml",
    "unicode": "%C3%BCber-%E2%80%AEgvs.svg",
    "bidi-override": "tablet%E2%80%AE.svg",
    "zero-width": "tab%E2%80%8Blet.svg",
    "invalid-utf8": "%ff%fe.svg",
    "only-dots": "." * 300,
    "no-suffix": "tablet",
    "newline": "tablet%0a.svg",
}


@pytest.mark.parametrize("name", ODD_IMAGE_NAMES.values(), ids=ODD_IMAGE_NAMES.keys())
def test_an_odd_image_name_is_not_found_never_an_error(client, auth, learner, name):
    auth.login("erika")
    response = client.get("/courses/sample/images/" + name)
    assert response.status_code == 404
    response.close()


def test_unknown_course_and_lesson_give_the_friendly_404(client, auth, learner):
    auth.login("erika")
    client.get("/?lang=en")
    for path in (
        "/courses/nope",
        "/courses/nope/sample-first",
        "/courses/sample/nope",
        "/courses/sample/%00",
        "/courses/sample/" + "x" * 5000,
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        page = response.get_data(as_text=True)
        assert "<h1>Page not found</h1>" in page and "We could not find this page." in page, path


def test_missing_translation_falls_back_with_a_notice(tmp_path, app, client, auth, learner):
    library = app.extensions["learnapp_content"]
    del library.courses["sample"].lessons["en"]["sample-first"]
    auth.login("erika")
    page = client.get("/courses/sample/sample-first?lang=en")
    # the account has no language yet, so the browser / ?lang decides; set it on the account
    auth.post("/settings", {"text_size": "100", "contrast": "normal", "language": "en"})
    page = client.get("/courses/sample/sample-first").get_data(as_text=True)
    assert '<article class="lesson" lang="de"' in page
    assert "not yet translated" in page


def test_healthz(client):
    assert client.get("/healthz").json == {
        "status": "ok",
        "database": "ok",
        "read": "ok",
        "write": "ok",
    }


def test_healthz_reports_an_unreachable_database(tmp_path):
    from learnapp import create_app

    broken = create_app(
        {
            "SECRET_KEY": "x" * 40,
            "DATABASE_URL": f"sqlite:///{tmp_path}/missing-dir/sub/db.sqlite",
            "TESTING": True,
        }
    )
    assert broken.test_client().get("/healthz").status_code == 503
    broken.extensions["learnapp_db"].engine.dispose()


def test_reloading_a_lesson_writes_nothing_but_going_back_does(client, auth, learner, app):
    from tests.helpers import count_queries

    auth.login("erika")
    client.get("/courses/sample/sample-first")
    with count_queries(app) as statements:
        client.get("/courses/sample/sample-first")
    assert statements, "the page read nothing: the statements were not counted"
    writes = [s for s in statements if s.split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert not writes, writes
    client.get("/courses/sample/sample-practice")
    client.get("/courses/sample/sample-first")  # back to the first lesson: it is "where I was"
    home = client.get("/").get_data(as_text=True)
    assert (
        'href="/courses/sample/sample-first"'
        in home.split("continue-card")[1].split("</section>")[0]
    )
