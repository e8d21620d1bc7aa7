"""The wheel is a working app: built from the repository, installed into a fresh environment
with the locked dependencies, it upgrades a database, loads the demo and serves a lesson with
its stylesheet — run from a folder outside the checkout, so nothing comes from the checkout.

Marked `wheel` (about a minute, needs the package registry): `make test-wheel`, and CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from learnapp.content.library import load_library
from learnapp.paths import CONTENT_DIR, PROJECT_ROOT

pytestmark = pytest.mark.wheel

# What the wheel is built from; everything else in the repository stays behind.
BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.md", "LICENSE")
PACKAGE_FOLDERS = ("learnapp", "templates", "static", "courses", "migrations")
SHIPPED_FOLDERS = ("templates", "static", "courses", "migrations")
LESSON = ("messaging", "messaging-what-is-a-messenger")

# Run inside the installed environment: sign in as the demo learner through the real form,
# open a lesson and its stylesheet, and report what came back.
SERVE_A_LESSON = """
import json, re, sys
import learnapp
from learnapp import create_app

app = create_app()
client = app.test_client()
login = client.get("/login").get_data(as_text=True)
token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login).group(1)
signed_in = client.post(
    "/login", data={"username": "erika", "password": "Sonnenblume-42", "csrf_token": token}
)
page = client.get(sys.argv[1])
html = page.get_data(as_text=True)
stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
css = client.get(stylesheet)
print(json.dumps({
    "package": learnapp.__file__,
    "instance": app.instance_path,
    "signed_in": signed_in.status_code,
    "status": page.status_code,
    "title": re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip(),
    "stylesheet": stylesheet,
    "css_status": css.status_code,
    "css_type": css.content_type,
    "css_bytes": len(css.get_data()),
}))
"""


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _copy_build_inputs(target: Path) -> None:
    for name in BUILD_INPUTS:
        shutil.copy2(PROJECT_ROOT / name, target / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in PACKAGE_FOLDERS:
        shutil.copytree(PROJECT_ROOT / folder, target / folder, ignore=ignore)


def _shipped_files() -> set[str]:
    """Every file the app needs at run time, named as it must appear in the wheel."""
    expected = set()
    for folder in SHIPPED_FOLDERS:
        for path in (PROJECT_ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                expected.add(f"learnapp/{path.relative_to(PROJECT_ROOT).as_posix()}")
    for path in (PROJECT_ROOT / "learnapp").rglob("*"):
        if path.suffix in {".py", ".mo", ".txt"} and "__pycache__" not in path.parts:
            expected.add(path.relative_to(PROJECT_ROOT).as_posix())
    return expected


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    _copy_build_inputs(source)
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), "."], source)
    (built,) = dist.glob("learnapp-*.whl")
    return built


def test_the_wheel_carries_every_file_the_app_needs(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert _shipped_files() - names == set()
    assert not [n for n in names if n.startswith(("tests/", "instance/", "learnapp/instance"))]


def test_installed_wheel_serves_a_lesson_from_outside_the_checkout(
    wheel: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    lock = PROJECT_ROOT / "requirements" / "run.txt"
    _run([*pip, "install", "--require-hashes", "-r", str(lock)], tmp_path)
    _run([*pip, "install", "--no-deps", str(wheel)], tmp_path)
    _run([*pip, "check"], tmp_path)  # the lock holds everything the wheel asks for

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LEARNAPP_", "FLASK_", "PYTHON", "VIRTUAL_ENV"))
    }
    data_home = tmp_path / "data"
    env.update(
        XDG_DATA_HOME=str(data_home),
        FLASK_APP="learnapp",
        LEARNAPP_DEMO_MODE="true",
        LEARNAPP_REQUEST_LOG="false",
    )
    flask = str(venv / "bin" / "flask")
    assert "up to date" in _run([flask, "db", "upgrade"], elsewhere, env)
    assert "erika" in _run([flask, "demo", "load"], elsewhere, env)

    course_id, lesson_id = LESSON
    report = json.loads(
        _run(
            [
                str(venv / "bin" / "python"),
                "-c",
                SERVE_A_LESSON,
                f"/courses/{course_id}/{lesson_id}",
            ],
            elsewhere,
            env,
        )
    )
    site_packages = next((venv / "lib").glob("python3.*/site-packages"))
    assert Path(report["package"]).is_relative_to(site_packages)
    # The database and the secret key live in the data home, never inside site-packages.
    assert Path(report["instance"]) == data_home / "digitandem"
    assert (data_home / "digitandem" / "learnapp.db").is_file()
    assert not list(site_packages.rglob("learnapp.db"))

    lesson = load_library(CONTENT_DIR, "de").courses[course_id].lessons["de"][lesson_id]
    assert report["signed_in"] == 302
    assert report["status"] == 200
    assert report["title"] == lesson.title
    assert report["css_status"] == 200
    assert report["css_type"].startswith("text/css")
    assert report["css_bytes"] > 1000
