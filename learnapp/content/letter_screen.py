"""The `letter` practice screen: a paper letter with a letterhead, a date, paragraphs and,
optionally, a printed QR code (drawn as a pattern, never a real code)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from learnapp.content.parser import Collector

LETTER_FIELDS = ("sender", "date", "body")
OPTIONAL_TEXT = ("sender_address", "subject", "signature", "qr_label")


def valid_letter(screen: dict[str, Any], step_id: str, line: int, found: Collector) -> bool:
    """Report what an author got wrong in a letter screen; True when it can be drawn."""
    where = f"scenario step '{step_id}': letter screen"
    for name in (*LETTER_FIELDS, *(n for n in OPTIONAL_TEXT if n in screen)):
        value = screen[name]
        if not isinstance(value, str) or not value.strip():
            # YAML reads 2026-12-01 as a date and 12 as a number; a letter shows text as written.
            found.error(line, f"{where}: '{name}' must be text (put it in quotes)")
            return False
    if "qr" in screen and not isinstance(screen["qr"], bool):
        found.error(line, f"{where}: 'qr' must be true or false")
        return False
    if "qr_label" in screen and screen.get("qr") is not True:
        found.error(line, f"{where}: 'qr_label' needs 'qr: true'")
        return False
    return True
