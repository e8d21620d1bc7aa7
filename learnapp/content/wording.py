"""Words the app says itself, per lesson language, so authors' texts must not say them again.

The page prints the verdict ("Your answer … is right.") and the multiple-choice hint; an
explanation that opens with a verdict word, or a question that carries its own hint, would say
it twice. Practice feedback speaks to what to do next, never disappointed in the learner.
"""

from __future__ import annotations

import re

# An explanation or practice feedback must not open with one of these (a second verdict).
VERDICT_WORDS: dict[str, tuple[str, ...]] = {
    "de": ("Richtig", "Falsch", "Genau", "Stimmt", "Korrekt", "Falsche", "Nicht richtig"),
    "en": ("Right", "Wrong", "Correct", "Incorrect", "True", "False", "Exactly", "Not right"),
}
# Practice feedback must not open disappointed.
DISAPPOINTED_WORDS: dict[str, tuple[str, ...]] = {
    "de": ("Schade", "Leider", "Oh nein", "Oje", "Schlecht"),
    "en": ("Sadly", "Unfortunately", "Too bad", "What a pity", "Oh no", "Bad"),
}
# A multiple-choice question that already says "several answers are right".
MULTIPLE_HINTS: dict[str, tuple[str, ...]] = {
    "de": ("Mehrere Antworten", "alle richtigen Antworten"),
    "en": (
        "More than one answer",
        "Several answers",
        "all answers that are right",
        "all that apply",
    ),
}


def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(word) for word in words)
    return re.compile(rf"^\W*({alternatives})(?![\w-])", re.IGNORECASE)


def opening_word(text: str, lang: str, words: dict[str, tuple[str, ...]]) -> str | None:
    """The listed word `text` opens with (case and leading punctuation ignored), or None."""
    listed = words.get(lang, ())
    if not listed:
        return None
    found = _words_pattern(listed).match(text.strip())
    return found.group(1) if found else None


def says_several_are_right(question_text: str, lang: str) -> bool:
    """The question text carries its own "several answers are right" hint."""
    lowered = question_text.lower()
    return any(hint.lower() in lowered for hint in MULTIPLE_HINTS.get(lang, ()))
