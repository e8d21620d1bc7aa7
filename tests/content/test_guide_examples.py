"""Every file, folder and picture the authors' guide (courses/README.md) shows as an example
exists in the project."""

from __future__ import annotations

import re
from pathlib import Path

from learnapp.paths import PROJECT_ROOT

GUIDE = PROJECT_ROOT / "courses" / "README.md"
CONTENT = PROJECT_ROOT / "courses" / "content"
PICTURE = re.compile(r"\]\((images/[^)\s]+)\)")
PROJECT_PATH = re.compile(r"`((?:courses|learnapp|static|templates)/[\w./-]+)`")
TREE_ENTRY = re.compile(r"^( *)([\w./-]+)(?:\s|$)")


def guide() -> str:
    return GUIDE.read_text("utf-8")


def tree_paths(text: str) -> list[Path]:
    """The paths of the folder tree drawn under "Where things live"."""
    block = text.split("## Where things live", 1)[1].split("```", 2)[1]
    paths: list[Path] = []
    stack: list[tuple[int, str]] = []
    for line in block.split("\n"):
        entry = TREE_ENTRY.match(line)
        if not entry:
            continue
        depth, name = len(entry.group(1)), entry.group(2)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        path = Path(*[part for _, part in stack], name)
        paths.append(PROJECT_ROOT / path)
        stack.append((depth, name.rstrip("/")))
    return paths


def test_the_folder_tree_shows_files_that_exist():
    paths = tree_paths(guide())
    assert len(paths) >= 8, paths
    assert [str(p.relative_to(PROJECT_ROOT)) for p in paths if not p.exists()] == []


def test_every_example_picture_exists_in_a_course():
    pictures = set(PICTURE.findall(guide()))
    assert pictures, "the guide shows no picture"
    existing = {f"images/{p.name}" for p in CONTENT.glob("*/images/*")}
    assert pictures - existing == set()


def test_every_project_path_the_guide_names_exists():
    paths = set(PROJECT_PATH.findall(guide()))
    assert paths, "the guide names no project file"
    assert sorted(p for p in paths if not (PROJECT_ROOT / p).exists()) == []


def test_a_missing_example_is_found(tmp_path):
    text = "## Where things live\n\n```\ncourses/content/\n  nowhere/\n    course.yaml\n```\n"
    missing = [p for p in tree_paths(text) if not p.exists()]
    assert [str(p.relative_to(PROJECT_ROOT)) for p in missing] == [
        "courses/content/nowhere",
        "courses/content/nowhere/course.yaml",
    ]
