"""YAML mistakes in plain German words with the line, instead of the parser's English.

Authors write in German first (the guide's language), so the common mistakes are named the way
an author sees them: a missing colon or a wrong indentation after a key, a tab character, a quote
that is never closed, a key written twice. Anything else still gets the line and a hint.
"""

from __future__ import annotations

import re

import yaml

KEY_LINE = re.compile(r"^\s*(?:-\s+)?([^\s:#'\"][^:#]*?)\s*:(?:\s|$)")
STRUCTURE_PROBLEMS = (
    "could not find expected ':'",
    "mapping values are not allowed here",
    "expected <block end>",
    "did not find expected key",
    "did not find expected '-' indicator",
    "did not find expected <document start>",
)


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping names the same key twice (PyYAML itself keeps the last one silently)."""

    def __init__(self, key: object, mark: yaml.Mark) -> None:
        super().__init__(None, None, f"found duplicate key {key!r}", mark)
        self.key = key


def _mark(error: yaml.YAMLError) -> yaml.Mark | None:
    problem = str(getattr(error, "problem", "") or "")
    context = str(getattr(error, "context", "") or "")
    # Where the author has to look: the opening quote, the line that lacks its colon.
    prefer_context = "quoted scalar" in context or "could not find expected ':'" in problem
    first, second = (
        ("context_mark", "problem_mark") if prefer_context else ("problem_mark", "context_mark")
    )
    found: yaml.Mark | None = getattr(error, first, None) or getattr(error, second, None)
    return found


def error_line(error: yaml.YAMLError) -> int:
    """The 1-based line of the parsed text an author has to fix."""
    mark = _mark(error)
    return mark.line + 1 if mark is not None else 1


def _text_lines(error: yaml.YAMLError) -> list[str]:
    mark = _mark(error)
    buffer = getattr(mark, "buffer", None) if mark is not None else None
    return buffer.rstrip("\0").split("\n") if isinstance(buffer, str) else []


def _key_above(lines: list[str], index: int) -> str | None:
    """The key of the nearest line at or above `index` that has one."""
    for line in reversed(lines[: index + 1]):
        found = KEY_LINE.match(line)
        if found:
            return found.group(1)
    return None


def plain_message(error: yaml.YAMLError, offset: int = 0) -> str:
    """ "Zeile 12: …" in plain German; `offset` turns the parsed text's line into the file's."""
    line = error_line(error)
    where = f"Zeile {offset + line}"
    problem = str(getattr(error, "problem", "") or "")
    context = str(getattr(error, "context", "") or "")
    lines = _text_lines(error)
    text_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if isinstance(error, DuplicateKeyError):
        return (
            f"{where}: „{error.key}“ steht zweimal im selben Abschnitt. "
            "Jeder Name darf dort nur einmal vorkommen."
        )
    if "\t" in text_line or "tab" in problem or "'\\t'" in problem:
        return (
            f"{where}: hier steht ein Tabulator-Zeichen. "
            "Rücken Sie nur mit Leerzeichen ein, nicht mit der Tab-Taste."
        )
    if "quoted scalar" in context:
        return f"{where}: ein Anführungszeichen wird hier geöffnet, aber nicht wieder geschlossen."
    if "mapping values are not allowed" in problem and text_line.count(": ") > 1:
        return (
            f"{where}: in dieser Zeile steht ein zweiter Doppelpunkt. Setzen Sie den Text nach "
            'dem ersten Doppelpunkt in Anführungszeichen: "…".'
        )
    if "could not find expected ':'" in problem and text_line.strip():
        word = text_line.strip().lstrip("- ").split()[0]
        return f"{where}: nach „{word}“ fehlt ein Doppelpunkt oder die Einrückung stimmt nicht."
    if any(known in problem for known in STRUCTURE_PROBLEMS):
        key = _key_above(lines, line - 2)
        if key:
            return f"{where}: nach „{key}:“ fehlt ein Doppelpunkt oder die Einrückung stimmt nicht."
        return f"{where}: hier fehlt ein Doppelpunkt oder die Einrückung stimmt nicht."
    return (
        f"{where}: hier stimmt die Schreibweise nicht. Prüfen Sie Doppelpunkte, "
        "Einrückung und Anführungszeichen."
    )
