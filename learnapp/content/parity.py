"""Parity: a translated lesson keeps every fact of its German original.

The values a learner must find the same in every language (numbers, phone numbers, IBANs, web
addresses, amounts and dates) are read from the lesson file below its front matter (the
Markdown body and the quiz and scenario blocks; the front matter's title and summary are not
compared), section by section: the text between two `## ` headings, and each fenced block.
Each section of a translation must hold the same values as the same section of the German
file, however often each occurs (multisets).

How values are read (courses/README.md, "Translations"):
- Arabic-Indic digits (٠-٩, ۰-۹) count as the digits 0-9.
- A number is a run of digit groups joined by one separator: a dot, comma, space (also
  no-break and thin spaces), apostrophe, slash, hyphen or the Arabic decimal and thousands
  marks. Only its digits count: "1.000", "1,000" and "1 000" are the same number, and so are
  "1,5" and "1.5", "0800 123 456" and "0800 123456", "12.03.2026" and "12/03/2026".
- An amount is a number next to "€", "EUR" or the word euro in one of the app's languages.
- English clock times count in 24 hours: "6 pm" is the 18 of "18 Uhr".
- Web addresses (http…, e-mail addresses, names like verbraucherzentrale.de) and IBANs are
  compared as written, web addresses in lower case.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from learnapp.content.model import Lesson, Problem, Step

ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
FENCE = re.compile(r"^```")
HEADING = re.compile(r"^##\s+\S")
FRONT_MATTER_MARK = "---"
COMMENT = re.compile(r"<!--.*?-->")
IMAGE_TARGET = re.compile(r"!\[[^\]]*\]\([^)]*\)")
LESSON_TARGET = re.compile(r"\]\(lesson:[^)]*\)")
URL = re.compile(r"https?://[^\s<>()\[\]\"'«»„“”]+", re.I)
EMAIL = re.compile(r"[\w.+-]+@(?:[\w-]+\.)+[A-Za-z]{2,}")
DOMAIN = re.compile(r"(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}(?![\w@-])")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ \u00a0]?[A-Z0-9]{4}){3,7}(?:[ \u00a0]?[A-Z0-9]{1,3})?\b")
NUMBER = re.compile(r"\+?\d+(?:[.,'’/\-\u066b\u066c \u00a0\u202f\u2009]\d+)*")
DATE = re.compile(r"^(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{2}-\d{2})$")
CURRENCY = r"(?:€|EUR\b|[Ee]uros?\b|[Ee]vro\b|[Aa]vro\b|евро|євро|يورو)"
AMOUNT_BEFORE = re.compile(CURRENCY + r"[ \u00a0\u202f]?$")
AMOUNT_AFTER = re.compile(r"^[ \u00a0\u202f]?" + CURRENCY)
# Short numbers that are phone numbers in Germany: police, emergency, authorities, card block.
SHORT_PHONE_NUMBERS = frozenset({"110", "112", "115", "116116", "116117", "116000", "116111"})
TRAILING = ".,;:!?)/"
# English clock times: "6 pm" is 18 o'clock, as the German and most other languages write it.
CLOCK_12 = re.compile(r"\b(\d{1,2})(?::(\d{2}))?[ \u00a0]?([ap])\.?m\b\.?", re.I)

KIND_WORDS = {
    "web": "web address",
    "iban": "IBAN",
    "phone": "phone number",
    "amount": "amount",
    "date": "date",
    "number": "number",
}


@dataclass(frozen=True)
class Value:
    kind: str  # one of KIND_WORDS
    key: str  # what is compared
    text: str  # as written, for the message
    line: int


@dataclass
class Section:
    name: str  # "#3" for the third part of the body, "quiz", "scenario"
    line: int  # of its heading or opening fence
    values: list[Value] = field(default_factory=list)


def digits(text: str) -> str:
    return text.translate(ARABIC_DIGITS)


def line_values(line: str, number: int) -> list[Value]:
    """The values of one line of a lesson file."""
    text = digits(COMMENT.sub(" ", line))
    text = LESSON_TARGET.sub("]", IMAGE_TARGET.sub(" ", text))
    found: list[Value] = []

    def take(pattern: re.Pattern[str], kind: str, key: str = "lower") -> None:
        nonlocal text
        for match in pattern.finditer(text):
            written = match.group(0).rstrip(TRAILING)
            value = written.lower() if key == "lower" else re.sub(r"\s", "", written)
            found.append(Value(kind, value, written, number))
        text = pattern.sub(" ", text)

    take(URL, "web")
    take(EMAIL, "web")
    take(DOMAIN, "web")
    take(IBAN, "iban", key="spaces")
    text = CLOCK_12.sub(_clock_24, text)
    for match in NUMBER.finditer(text):
        written = match.group(0)
        key = ("+" if written.startswith("+") else "") + re.sub(r"\D", "", written)
        found.append(Value(_number_kind(text, match, written, key), key, written, number))
    return found


def _clock_24(match: re.Match[str]) -> str:
    hour = int(match.group(1)) % 12 + (12 if match.group(3).lower() == "p" else 0)
    return f"{hour}:{match.group(2)}" if match.group(2) else str(hour)


def _number_kind(text: str, match: re.Match[str], written: str, key: str) -> str:
    if AMOUNT_BEFORE.search(text[: match.start()]) or AMOUNT_AFTER.search(text[match.end() :]):
        return "amount"
    if DATE.match(written):
        return "date"
    bare = key.lstrip("+")
    if written.startswith("+") or key in SHORT_PHONE_NUMBERS:
        return "phone"
    if bare.startswith("0") and len(bare) >= 5:
        return "phone"
    return "number"


def sections(lesson: Lesson) -> list[Section]:
    """The lesson file below its front matter, cut at `## ` headings and fenced blocks."""
    lines = lesson.path.read_text(encoding="utf-8").removeprefix("\ufeff").split("\n")
    start = 0
    if lines and lines[0].strip() == FRONT_MATTER_MARK:
        start = next(
            (i + 1 for i in range(1, len(lines)) if lines[i].strip() == FRONT_MATTER_MARK),
            len(lines),
        )
    body_parts = 0
    current = Section("#0", start + 1)
    found = [current]
    resume: Section | None = None
    for index in range(start, len(lines)):
        line, number = lines[index], index + 1
        if FENCE.match(line):
            if resume is None:  # a block opens: it is a section of its own
                kind = line.strip("`").strip() or "code"
                resume, current = current, Section(kind, number)
                found.append(current)
            else:
                current, resume = resume, None
            continue
        if resume is None and HEADING.match(line):
            body_parts += 1
            current = Section(f"#{body_parts}", number)
            found.append(current)
        current.values.extend(line_values(line, number))
    return found


def compare(reference: Lesson, other: Lesson) -> list[Problem]:
    """Where `other` (a translation) lost, changed or added a value of `reference`."""
    problems: list[Problem] = []
    ref_name = reference.lang

    def error(line: int, message: str) -> None:
        problems.append(Problem(other.path, line, f"{message} (compared with {ref_name})"))

    ref_sections = sections(reference)
    other_sections = sections(other)
    ref_body = [s for s in ref_sections if s.name.startswith("#")]
    other_body = [s for s in other_sections if s.name.startswith("#")]
    if len(ref_body) != len(other_body):
        error(
            other_body[-1].line if len(other_body) > 1 else 1,
            f"{len(other_body) - 1} '## ' headings, the original has {len(ref_body) - 1}: "
            "keep the same sections in the same order",
        )
        ref_body = [_merged(ref_body)]
        other_body = [_merged(other_body)]
    pairs = list(zip(ref_body, other_body, strict=True))
    ref_blocks = {s.name: s for s in ref_sections if not s.name.startswith("#")}
    other_blocks = {s.name: s for s in other_sections if not s.name.startswith("#")}
    for name in ref_blocks.keys() & other_blocks.keys():
        pairs.append((ref_blocks[name], other_blocks[name]))
    for ref_section, other_section in pairs:
        _compare_section(ref_section, other_section, error)
    return problems


def _merged(parts: list[Section]) -> Section:
    return Section("#0", parts[0].line, [v for part in parts for v in part.values])


def _compare_section(ref: Section, other: Section, error: Callable[[int, str], None]) -> None:
    for kind_filter, label in ((None, ""), ("amount", "amount")):
        ref_values = [v for v in ref.values if kind_filter is None or v.kind == kind_filter]
        other_values = [v for v in other.values if kind_filter is None or v.kind == kind_filter]
        ref_count = Counter((_family(v), v.key) for v in ref_values)
        other_count = Counter((_family(v), v.key) for v in other_values)
        for family_key in sorted(ref_count - other_count):
            value = next(v for v in ref_values if (_family(v), v.key) == family_key)
            kind = KIND_WORDS[label or value.kind]
            error(
                other.line,
                f"{kind} '{value.text}' (original line {value.line}) is missing or changed here",
            )
        for family_key in sorted(other_count - ref_count):
            value = next(v for v in other_values if (_family(v), v.key) == family_key)
            kind = KIND_WORDS[label or value.kind]
            error(value.line, f"{kind} '{value.text}' is not in the original")


def _family(value: Value) -> str:
    """Numbers of every kind are one family: "50 €" and "50 euros" hold the same number."""
    return value.kind if value.kind in ("web", "iban") else "number"


def step_shape(step: Step) -> tuple[object, ...]:
    """What every language shares of a scenario step: where each choice leads, which one a tap
    takes, the ending it is, the kind of screen."""
    return ([c.next for c in step.choices], step.tap, step.end, step.screen.get("kind"))
