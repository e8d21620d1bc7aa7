"""Readability figures per language, computed offline with pyphen's syllables.

German: Flesch reading ease after Amstad and the first Wiener Sachtextformel, with words and
sentences counted the way the textstat package counted them, so the figures authors saw
before stay the same (tests/fixtures/readability_textstat.json). English: Flesch reading ease,
counted as this module always did (letters-only words; a colon or blank line ends a sentence).
Turkish: Ateşman's (1997) adaptation of Flesch's formula; a Turkish syllable has exactly one
vowel, so syllables are vowels counted. Languages without a formula here get the average
sentence length in words and word length in letters (`lengths`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

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
# German: a sentence runs up to its end marks; pieces of one or two words (headings, list
# fragments) do not count as sentences.
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")
_PUNCTUATION = re.compile(r"[^\w\s]")
_MIN_SENTENCE_WORDS = 3
# English: words are runs of letters, sentences end at . ! ? : or a blank line.
_EN_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_EN_SENTENCE_END = re.compile(r"[.!?:]+(?:\s|$)|\n\s*\n")
# Amstad's German version of Flesch's formula, and Flesch's English original.
_FLESCH = {"de": (180.0, 1.0, 58.5), "en": (206.835, 1.015, 84.6)}
_PYPHEN_LANG = {"de": "de", "en": "en_US"}


_TR_VOWELS = re.compile(r"[aeıioöuüâîû]", re.I)
_ANY_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# Sentence ends in the app's languages, the Arabic question mark and semicolon included.
_ANY_SENTENCE_END = re.compile(r"[.!?:…؟؛]+(?:\s|$)|\n\s*\n")


@dataclass(frozen=True)
class TextLengths:
    """For languages without a readability formula: how long sentences and words are."""

    words_per_sentence: float
    letters_per_word: float

    def __str__(self) -> str:
        return (
            f"{self.words_per_sentence:.1f} words per sentence, "
            f"{self.letters_per_word:.1f} letters per word"
        )


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


def words(text: str, lang: str) -> list[str]:
    """The words of a text; "E-Mail" is one word."""
    if lang == "en":
        return _EN_WORD.findall(text)
    return _PUNCTUATION.sub("", text).split()


def sentence_count(text: str, lang: str) -> int:
    if lang == "en":
        pieces = [s for s in _EN_SENTENCE_END.split(text) if s and _EN_WORD.search(s)]
        return max(1, len(pieces))
    pieces = _SENTENCE.findall(text)
    return max(1, sum(1 for piece in pieces if len(words(piece, lang)) >= _MIN_SENTENCE_WORDS))


@cache
def _hyphenator(lang: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=_PYPHEN_LANG[lang])


def syllables(word: str, lang: str) -> int:
    """Syllables of one word: its hyphenation points plus one."""
    return len(_hyphenator(lang).positions(word.lower())) + 1


def flesch_reading_ease(text: str, lang: str) -> float:
    base, per_sentence_word, per_word_syllable = _FLESCH[lang]
    found = words(text, lang)
    words_per_sentence = len(found) / sentence_count(text, lang)
    syllables_per_word = sum(syllables(w, lang) for w in found) / len(found)
    return base - per_sentence_word * words_per_sentence - per_word_syllable * syllables_per_word


def wiener_sachtextformel(text: str) -> float:
    """The first Wiener Sachtextformel (Bamberger and Vanecek) for German prose."""
    found = words(text, "de")
    counts = [syllables(w, "de") for w in found]
    many_syllables = 100 * sum(1 for n in counts if n >= 3) / len(found)
    one_syllable = 100 * sum(1 for n in counts if n == 1) / len(found)
    long_words = 100 * sum(1 for w in found if len(w) > 6) / len(found)
    words_per_sentence = len(found) / sentence_count(text, "de")
    return (
        0.1935 * many_syllables
        + 0.1672 * words_per_sentence
        + 0.1297 * long_words
        - 0.0327 * one_syllable
        - 0.875
    )


def atesman(text: str) -> float:
    """Ateşman's Turkish reading ease: 198.825 - 40.175 x syllables per word - 2.610 x words
    per sentence (higher is easier; 70 and above is easy)."""
    found = _ANY_WORD.findall(text)
    syllable_count = sum(max(1, len(_TR_VOWELS.findall(word))) for word in found)
    sentences = max(1, sum(1 for s in _ANY_SENTENCE_END.split(text) if s and _ANY_WORD.search(s)))
    return 198.825 - 40.175 * syllable_count / len(found) - 2.610 * len(found) / sentences


def lengths(markdown_source: str) -> TextLengths | None:
    """Average sentence length in words and word length in letters, for any language."""
    text = plain_text(markdown_source)
    found = _ANY_WORD.findall(text)
    if not found:
        return None
    pieces = [s for s in _ANY_SENTENCE_END.split(text) if s and _ANY_WORD.search(s)]
    return TextLengths(
        round(len(found) / max(1, len(pieces)), 1),
        round(sum(len(word) for word in found) / len(found), 1),
    )


def measure(markdown_source: str, lang: str) -> Readability | None:
    """Readability of a lesson body, or None for languages without a formula here."""
    text = plain_text(markdown_source)
    if lang == "tr":
        return Readability(round(atesman(text), 1), "Ateşman") if _ANY_WORD.search(text) else None
    if lang not in _FLESCH or not words(text, lang):
        return None
    score = round(flesch_reading_ease(text, lang), 1)
    if lang == "de":
        return Readability(score, "Flesch-Amstad", round(wiener_sachtextformel(text), 1))
    return Readability(score, "Flesch reading ease")
