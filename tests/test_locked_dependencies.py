"""Every dependency named in pyproject.toml is pinned in the lock files that installs use.

`make run`, `make test` and CI install from requirements/*.txt with hashes only: a dependency
added to pyproject.toml without `make lock` would be missing on a fresh machine.
"""

from __future__ import annotations

import re
import tomllib

from learnapp.paths import PROJECT_ROOT

PINNED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", re.MULTILINE)


def _name(requirement: str) -> str:
    """ "bleach[css]>=6.1" -> "bleach", normalised as pip does."""
    bare = re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", bare).lower()


def _pinned(lock: str) -> set[str]:
    text = (PROJECT_ROOT / "requirements" / lock).read_text(encoding="utf-8")
    return {_name(name) for name in PINNED.findall(text)}


def test_the_apps_dependencies_are_locked() -> None:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = {_name(r) for r in project["project"]["dependencies"]}
    assert wanted - _pinned("run.txt") == set(), "run `make lock`"


def test_the_test_tools_are_locked() -> None:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = {_name(r) for r in project["project"]["optional-dependencies"]["test"]}
    wanted |= {_name(r) for r in project["project"]["dependencies"]}
    assert wanted - _pinned("test.txt") == set(), "run `make lock`"
