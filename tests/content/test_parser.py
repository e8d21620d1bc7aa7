"""Content parsing: every broken file is reported with its path and line; others still load."""

from html.parser import HTMLParser
from pathlib import Path

import pytest

from learnapp.content.library import load_library
from learnapp.content.render import render_markdown

COURSE = "id: demo\norder: 1\ntitle:\n  de: Demo\n  en: Demo\n"
GOOD = "---\nid: {id}\ntitle: T\nsummary: S\norder: {order}\nminutes: 3\n---\n\nText.\n"


def tree(tmp_path: Path, files: dict[str, str], course: str = COURSE) -> Path:
    root = tmp_path / "content"
    (root / "demo").mkdir(parents=True)
    (root / "demo" / "course.yaml").write_text(course, encoding="utf-8")
    for name, text in files.items():
        path = root / "demo" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def messages(library) -> list[str]:
    return [str(p) for p in library.problems if p.severity == "error"]


def test_good_tree_loads_in_order(tmp_path):
    root = tree(
        tmp_path, {"de/b.md": GOOD.format(id="b", order=2), "de/a.md": GOOD.format(id="a", order=1)}
    )
    library = load_library(root, "de")
    assert messages(library) == []
    assert library.courses["demo"].lesson_ids == ["a", "b"]


def test_bad_yaml_reports_path_and_line_and_keeps_the_rest(tmp_path):
    bad = "---\nid: broken\ntitle: [unclosed\norder: 1\n---\nText\n"
    root = tree(tmp_path, {"de/01.md": GOOD.format(id="fine", order=1), "de/02.md": bad})
    library = load_library(root, "de")
    [problem] = messages(library)
    assert "demo/de/02.md:" in problem
    line = int(problem.split(".md:")[1].split(":")[0])
    assert line in (3, 4)
    assert library.courses["demo"].lesson_ids == ["fine"]


def test_missing_id(tmp_path):
    root = tree(tmp_path, {"de/01.md": "---\ntitle: T\norder: 1\n---\nText\n"})
    [problem] = messages(load_library(root, "de"))
    assert "demo/de/01.md:2:" in problem and "no 'id'" in problem


def test_duplicate_id(tmp_path):
    root = tree(
        tmp_path,
        {"de/01.md": GOOD.format(id="same", order=1), "de/02.md": GOOD.format(id="same", order=2)},
    )
    [problem] = messages(load_library(root, "de"))
    assert "demo/de/02.md:2:" in problem and "already used" in problem


def test_unknown_course(tmp_path):
    root = tree(tmp_path, {})
    (root / "orphan" / "de").mkdir(parents=True)
    (root / "orphan" / "de" / "x.md").write_text(GOOD.format(id="x", order=1))
    [problem] = messages(load_library(root, "de"))
    assert "orphan/de/x.md:1:" in problem and "unknown course" in problem


def test_front_matter_errors_point_at_their_line(tmp_path):
    text = "---\nid: ok\ntitle: T\nsummary: S\norder: many\nminutes: 3\n---\nText\n"
    [problem] = messages(load_library(tree(tmp_path, {"de/01.md": text}), "de"))
    assert "de/01.md:5:" in problem and "'order'" in problem


@pytest.mark.parametrize(
    "text",
    ["", "no front matter", "---\nid: x\n", "---\n- a list\n---\n", "\xff\xfe"],
)
def test_odd_files_never_raise(tmp_path, text):
    root = tree(tmp_path, {"de/01.md": text})
    library = load_library(root, "de")
    assert messages(library)


def test_broken_quiz_names_the_line_and_keeps_the_text(tmp_path):
    text = (
        GOOD.format(id="q", order=1)
        + "\n```quiz\n- id: q1\n  type: single\n  question: Q?\n  answers:\n"
        + "    - text: A\n      why: W\n    - text: B\n      why: W\n```\n"
    )
    library = load_library(tree(tmp_path, {"de/01.md": text}), "de")
    [problem] = messages(library)
    assert "de/01.md:12:" in problem and "exactly one correct" in problem
    lesson = library.courses["demo"].lessons["de"]["q"]
    assert lesson.quiz == [] and "Text." in lesson.body


def test_scenario_with_unreachable_and_dead_end_steps(tmp_path):
    text = (
        "---\nid: s\ntype: scenario\ntitle: T\nsummary: S\norder: 1\nminutes: 3\n---\n\n"
        "```scenario\nstart: a\nsteps:\n  a:\n    screen: {kind: call, caller: X, text: Hi}\n"
        "    prompt: P\n    choices:\n      - {label: L1, next: a, feedback: F}\n"
        "      - {label: L2, next: a, feedback: F}\n"
        "  lonely:\n    end: safe\n    title: T\n    text: X\n```\n"
    )
    errors = messages(load_library(tree(tmp_path, {"de/01.md": text}), "de"))
    assert any("'lonely' cannot be reached" in e for e in errors)
    assert any("step 'a': no path from here reaches an end" in e for e in errors)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.found.append((tag, dict(attrs)))


def parsed(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


def test_sanitiser_removes_active_content():
    html = str(
        render_markdown(
            "<script>alert(1)</script>\n\n"
            '<img src="x" onerror="alert(2)">\n\n'
            "[click](javascript:alert(3))\n\n"
            "[data](data:text/html;base64,PHNjcmlwdD4=)\n\n"
            '<a href="#" onclick="alert(4)">x</a>\n\n'
            '<div class="admonition evil" style="background:url(javascript:alert(5))">y</div>\n\n'
            "## Heading {: onmouseover=alert(6) }\n\n"
            '<svg><script>alert(7)</script></svg><iframe src="https://evil.example"></iframe>\n'
        )
    )
    elements = parsed(html)
    # what is harmless stays: the links (without their targets), the block, the heading
    assert {"a", "div", "h2"} <= {tag for tag, _ in elements}, html
    assert ">click</a>" in html and ">y</div>" in html and "Heading" in html
    for tag, attrs in elements:
        assert tag not in ("script", "svg", "iframe", "style"), tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in ("style",), (tag, name)
            if name in ("href", "src"):
                assert not (value or "").lower().startswith(("javascript:", "data:")), value
    assert "evil" not in html


def test_markdown_features_survive_sanitising():
    html = str(
        render_markdown(
            '## Heading\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n!!! tip "Tipp"\n    Text\n\n'
            "![Alt text](images/x.svg)\n"
        )
    )
    assert '<h2 id="heading">' in html
    assert "<table>" in html
    assert 'class="admonition tip"' in html
    assert 'alt="Alt text"' in html and 'src="images/x.svg"' in html
