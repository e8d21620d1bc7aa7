"""The lesson image route never leaves its course's images folder; URL ids are checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A copy of the sample course with a secret beside it and a symlink pointing at it."""
    root = tmp_path / "content"
    shutil.copytree(Path(__file__).parent.parent / "fixtures" / "content", root)
    (tmp_path / "secret.svg").write_text("<svg>secret</svg>")
    (root / "sample" / "secret.svg").write_text("<svg>secret</svg>")
    images = root / "sample" / "images"
    (images / "link.svg").symlink_to(tmp_path / "secret.svg")
    (images / "dirlink").symlink_to(tmp_path)
    return root


@pytest.mark.parametrize(
    "path",
    [
        "/courses/sample/images/../secret.svg",
        "/courses/sample/images/..%2Fsecret.svg",
        "/courses/sample/images/%2e%2e/secret.svg",
        "/courses/sample/images/%2e%2e%2fsecret.svg",
        "/courses/sample/images/..%5Csecret.svg",
        "/courses/sample/images/%2Fetc%2Fpasswd",
        "/courses/sample/images//etc/passwd",
        "/courses/sample/images/link.svg",
        "/courses/sample/images/dirlink/secret.svg",
        "/courses/sample/images/tablet.svg%00.png",
        "/courses/sample/images/",
        "/courses/sample/images/de/01-erste.md",
        "/courses/sample/images/../de/01-erste.md",
        "/courses/sample/images/../course.yaml",
        "/courses/..%2F..%2F/images/secret.svg",
        "/courses/nope/images/tablet.svg",
    ],
)
def test_image_route_cannot_leave_its_folder(client, auth, learner, path):
    auth.login("erika")
    # "//" and "%2F" first get a 308 to the address with the slashes merged: follow it to
    # where it leads, which must be "not found" too
    with client.get(path, follow_redirects=True) as response:
        assert [r.status_code for r in response.history] in ([], [308]), path
        assert response.status_code == 404, path
        assert b"<svg>secret</svg>" not in response.data  # the file, not its name in a link


def test_the_real_image_is_served(client, auth, learner):
    auth.login("erika")
    with client.get("/courses/sample/images/tablet.svg") as response:
        assert response.status_code == 200


def test_images_need_sign_in(client):
    response = client.get("/courses/sample/images/tablet.svg")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?")


def test_another_learners_practice_run_is_not_found(app, client, auth, make_user):
    make_user(username="anna")
    make_user(username="bernd")
    auth.login("anna")
    started = auth.post(
        "/courses/sample/sample-practice/practice", token_from="/courses/sample/sample-practice"
    )
    run = started.headers["Location"]
    assert client.get(run).status_code == 200
    auth.logout()
    auth.login("bernd")
    assert client.get(run).status_code == 404
    token = auth.token("/courses/sample/sample-practice")
    response = client.post(run, data={"csrf_token": token, "step": "message", "choice": "0"})
    assert response.status_code == 404
    # an id that is not a number is not even routed
    assert client.get(run.rsplit("/", 1)[0] + "/1%20OR%201=1").status_code == 404
