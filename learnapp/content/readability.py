"""Readability figures per language, computed offline.

German uses textstat (Flesch-Amstad, Wiener Sachtextformel). For English textstat would fetch
a word list at run time, so Flesch reading ease is computed here with pyphen's syllables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyphen

# Markdown syntax that is not prose: fenced code, images, link targets, markers, boxes.
_STRIP = [
    (re.compile(r"```.*?```", re.S), " "),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), " "),
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"^\s*!!!\s+\w+(\s+\"[^\"]*\")?\s*$", re.M), " "),
    (re.compile(r"^\s*(#+|[-*+]|\d+\.)\s+", re.M), ""),
    (re.compile(r"[*_`|>]"), " "),
    (re.compile(r"https?://\S+"), " "),
]
_SENTENCE_END = re.compile(r"[.!?:]+(?:\s|$)|\n\s*\n")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


@dataclass(frozen=True)
class Readability:
    score: float  # Flesch reading ease (German: Amstad); higher is easier
    label: str
    wiener: float | None = None  # Wiener Sachtextformel (German only); lower is easier

    def __str__(self) -> str:
        text = f"{self.label} {self.score:.0f}"
        return text + (
            f", Wiener Sachtextformel {self.wiener:.1f}" if self.wiener is not None else ""
        )


def plain_text(markdown_source: str) -> str:
    text = markdown_source
    for pattern, replacement in _STRIP:
        text = pattern.sub(replacement, text)
    return text


def _counts(text: str, lang: str) -> tuple[int, int, int]:
    words = _WORD.findall(text)
    sentences = max(1, len([s for s in _SENTENCE_END.split(text) if _WORD.search(s or "")]))
    dic = pyphen.Pyphen(lang=lang if lang in pyphen.LANGUAGES else "en")
    syllables = sum(len(dic.positions(word.lower())) + 1 for word in words)
    return len(words), sentences, syllables


def measure(markdown_source: str, lang: str) -> Readability | None:
    """Readability of a lesson body, or None for languages without a formula here."""
    text = plain_text(markdown_source)
    if lang == "de":
        import textstat  # imported lazily: it is slow to import and only authors need it

        textstat.set_lang("de")
        amstad = textstat.flesch_reading_ease(text)
        wiener = textstat.wiener_sachtextformel(text, 1)
        return Readability(round(amstad, 1), "Flesch-Amstad", round(wiener, 1))
    if lang == "en":
        words, sentences, syllables = _counts(text, "en_US")
        if not words:
            return None
        score = 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)
        return Readability(round(score, 1), "Flesch reading ease")
    return None
