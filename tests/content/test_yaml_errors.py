"""YAML mistakes are reported in plain German with the file and the line the author must fix
(fixture files in tests/fixtures/yaml_mistakes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnapp.content.parser import parse_lesson_file

MISTAKES = Path(__file__).parent.parent / "fixtures" / "yaml_mistakes"


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        (
            "missing-colon.md",
            15,
            "quiz: Zeile 15: nach „answers“ fehlt ein Doppelpunkt oder die Einrückung "
            "stimmt nicht.",
        ),
        (
            "bad-indent.md",
            17,
            "quiz: Zeile 17: nach „text:“ fehlt ein Doppelpunkt oder die Einrückung stimmt nicht.",
        ),
        (
            "tab.md",
            6,
            "Zeile 6: hier steht ein Tabulator-Zeichen. Rücken Sie nur mit Leerzeichen ein, "
            "nicht mit der Tab-Taste.",
        ),
        (
            "unclosed-quote.md",
            3,
            "Zeile 3: ein Anführungszeichen wird hier geöffnet, aber nicht wieder geschlossen.",
        ),
        (
            "duplicate-key.md",
            7,
            "Zeile 7: „order“ steht zweimal im selben Abschnitt. Jeder Name darf dort nur einmal "
            "vorkommen.",
        ),
        (
            "second-colon.md",
            3,
            "Zeile 3: in dieser Zeile steht ein zweiter Doppelpunkt. Setzen Sie den Text nach dem "
            'ersten Doppelpunkt in Anführungszeichen: "…".',
        ),
    ],
)
def test_a_yaml_mistake_is_named_in_plain_words_with_its_line(name, line, message):
    path = MISTAKES / name
    _lesson, problems = parse_lesson_file(path, "sample", "de")
    errors = [p for p in problems if p.severity == "error"]
    assert [(p.line, p.message) for p in errors] == [(line, message)]
    shown = str(errors[0])
    assert shown.startswith(f"tests/fixtures/yaml_mistakes/{name}:{line}: error: ")
    assert "found" not in shown and "expected" not in shown  # none of the parser's English
