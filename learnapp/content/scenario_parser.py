"""The ```scenario block: steps with simulated screens and choices (see courses/README.md)."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

import yaml

from learnapp.content.letter_screen import LETTER_FIELDS, valid_letter
from learnapp.content.model import ENDINGS, Choice, Scenario, Step
from learnapp.content.yaml_lines import LINE_KEY, error_line, error_text, line_of, load_with_lines

if TYPE_CHECKING:
    from learnapp.content.parser import Collector

# Fields each simulated screen needs; the page draws them in HTML/CSS.
SCREEN_FIELDS: dict[str, tuple[str, ...]] = {
    "chat": ("contact", "messages"),
    "sms": ("sender", "messages"),
    "email": ("from_name", "from_address", "subject", "body"),
    "browser": ("address", "heading"),
    "call": ("caller", "text"),
    "letter": LETTER_FIELDS,
}
MIN_CHOICES, MAX_CHOICES = 2, 4
# `tap: N` on a screen: its control (button, link, hang-up) stands for choice N, counted from 1.
TAP_FIELD = "tap"


def parse_scenario(text: str, first_line: int, found: Collector) -> Scenario | None:
    """A scenario whose steps all exist and lead somewhere; None when unusable."""
    offset = first_line - 1
    try:
        data = load_with_lines(text)
    except yaml.YAMLError as error:
        found.error(offset + error_line(error), "scenario: " + error_text(error, offset))
        return None
    if not isinstance(data, dict) or not isinstance(data.get("steps"), dict):
        found.error(first_line, "scenario: expected 'start:' and a mapping of 'steps:'")
        return None

    steps: dict[str, Step] = {}
    ok = True
    for step_id, raw in data["steps"].items():
        if step_id == LINE_KEY:
            continue
        step = _parse_step(str(step_id), raw, offset, found)
        if step is None:
            ok = False
            continue
        steps[step.id] = step

    start = data.get("start")
    if not isinstance(start, str) or start not in data["steps"]:
        found.error(first_line, f"scenario: 'start' {start!r} is not one of the steps")
        return None
    if not ok:
        return None
    if not _check_graph(start, steps, found):
        return None
    return Scenario(start=start, steps=steps, line=first_line)


def _parse_step(step_id: str, raw: Any, offset: int, found: Collector) -> Step | None:
    line = offset + line_of(raw, 1)
    if not isinstance(raw, dict):
        found.error(line, f"scenario step '{step_id}': must be a mapping")
        return None
    step = Step(id=step_id, line=line)
    if "end" in raw:
        if raw["end"] not in ENDINGS:
            found.error(line, f"scenario step '{step_id}': 'end' must be 'safe' or 'unsafe'")
            return None
        step.end = raw["end"]
        step.title = _text(raw.get("title"))
        step.text = _text(raw.get("text"))
        if not step.title or not step.text:
            found.error(line, f"scenario ending '{step_id}': needs a 'title' and a 'text'")
            return None
        return step

    screen = raw.get("screen")
    if not _valid_screen(screen, step_id, line, found):
        return None
    step.screen = _strip_lines(screen)
    step.prompt = _text(raw.get("prompt"))
    if not step.prompt:
        found.error(line, f"scenario step '{step_id}': 'prompt' (the question) is missing")
        return None
    choices = raw.get("choices")
    if not isinstance(choices, list) or not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        found.error(
            line, f"scenario step '{step_id}': needs {MIN_CHOICES} to {MAX_CHOICES} 'choices'"
        )
        return None
    for choice in choices:
        choice_line = offset + line_of(choice, 1) if isinstance(choice, dict) else line
        label = _text(choice.get("label")) if isinstance(choice, dict) else ""
        target = _text(choice.get("next")) if isinstance(choice, dict) else ""
        feedback = _text(choice.get("feedback")) if isinstance(choice, dict) else ""
        if not label or not target or not feedback:
            found.error(
                choice_line, f"scenario step '{step_id}': a choice needs label, next and feedback"
            )
            return None
        step.choices.append(Choice(label, target, feedback))
    tap = step.screen.get(TAP_FIELD)
    if tap is not None:
        if isinstance(tap, bool) or not isinstance(tap, int) or not 1 <= tap <= len(choices):
            found.error(
                offset + line_of(screen, line - offset),
                f"scenario step '{step_id}': 'tap: {tap}' must be the number of one of its "
                f"{len(choices)} choices (1 = the first)",
            )
            return None
        step.tap = tap - 1
    return step


def _valid_screen(screen: Any, step_id: str, line: int, found: Collector) -> bool:
    if not isinstance(screen, dict) or screen.get("kind") not in SCREEN_FIELDS:
        kinds = ", ".join(SCREEN_FIELDS)
        found.error(line, f"scenario step '{step_id}': 'screen' needs a 'kind' ({kinds})")
        return False
    missing = [name for name in SCREEN_FIELDS[screen["kind"]] if name not in screen]
    if missing:
        found.error(
            line,
            f"scenario step '{step_id}': {screen['kind']} screen lacks {', '.join(missing)}",
        )
        return False
    messages = screen.get("messages")
    if messages is not None and not (
        isinstance(messages, list)
        and all(isinstance(m, dict) and m.get("from") in ("them", "me") for m in messages)
    ):
        found.error(line, f"scenario step '{step_id}': messages need 'from: them' or 'from: me'")
        return False
    fields = screen.get("fields")
    if fields is not None and not (
        isinstance(fields, list) and all(isinstance(f, dict) and "label" in f for f in fields)
    ):
        found.error(line, f"scenario step '{step_id}': each of 'fields' needs a 'label'")
        return False
    return screen["kind"] != "letter" or valid_letter(screen, step_id, line, found)


def _check_graph(start: str, steps: dict[str, Step], found: Collector) -> bool:
    ok = True
    for step in steps.values():
        for choice in step.choices:
            if choice.next not in steps:
                found.error(step.line, f"scenario step '{step.id}': next '{choice.next}' not found")
                ok = False
    if not ok:
        return False
    reachable = _reachable(start, steps)
    for step in steps.values():
        if step.id not in reachable:
            found.error(step.line, f"scenario step '{step.id}' cannot be reached from the start")
            ok = False
    # Every step must be able to reach an ending, or a learner could be caught in a loop.
    leads_to_end = {step.id for step in steps.values() if step.end}
    changed = True
    while changed:
        changed = False
        for step in steps.values():
            if step.id not in leads_to_end and any(c.next in leads_to_end for c in step.choices):
                leads_to_end.add(step.id)
                changed = True
    for step in steps.values():
        if step.id not in leads_to_end:
            found.error(step.line, f"scenario step '{step.id}': no path from here reaches an end")
            ok = False
    if not any(step.end for step in steps.values()):
        found.error(next(iter(steps.values())).line, "scenario has no ending ('end: safe')")
        ok = False
    return ok


def _reachable(start: str, steps: dict[str, Step]) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for choice in steps[queue.popleft()].choices:
            if choice.next not in seen:
                seen.add(choice.next)
                queue.append(choice.next)
    return seen


def _text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    return str(value).strip() if isinstance(value, str | int | float) else ""


def _strip_lines(value: Any) -> Any:
    """Drop the loader's line markers so templates see only the author's fields."""
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != LINE_KEY}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value
