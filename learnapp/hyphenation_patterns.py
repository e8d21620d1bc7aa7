"""The hyphenation dictionaries pyphen ships, read into a compact form in a fraction of the time.

pyphen parses a dictionary into a dict of tuples of ints: German's 66,000 patterns take about
0.5 s and 15 MB in every worker, on the first page with a long word, which made the first
lesson after a start half a second late. Here each pattern's values are one `bytes` (the
offset, then the values) and a line is parsed with two string operations: about a third of
the time and of the memory. The positions are pyphen's: same patterns, same algorithm (Liang's),
same margins (two letters each side); tests/test_hyphenation_patterns.py compares them word for
word. A dictionary with non-standard hyphenation (`ck=k/k`-style alternatives) is left to
pyphen itself.

Even so German takes 0.3-0.5 s to read, so the patterns read are kept beside the content
cache (instance/hyphenation-*.cache, marshal, about 20 ms to load), keyed by pyphen's version
and the dictionary file's name, size and change time; a file that does not match or cannot be
read is ignored and written again.
"""

from __future__ import annotations

import contextlib
import logging
import marshal
import os
import re
from functools import lru_cache
from pathlib import Path

import pyphen

log = logging.getLogger(__name__)

# Lines that are settings or comments, not patterns (as pyphen skips them).
IGNORED = (
    "%",
    "#",
    "LEFTHYPHENMIN",
    "RIGHTHYPHENMIN",
    "COMPOUNDLEFTHYPHENMIN",
    "COMPOUNDRIGHTHYPHENMIN",
)
HEX = re.compile(r"\^{2}([0-9a-f]{2})")
DIGIT_RUN = re.compile(r"\d{2,}")
EMPTY_LETTER = "\x00"
MARK = "\x01"  # where a letter without a value of its own gets a 0
DIGIT_VALUES = bytes.maketrans(b"0123456789", bytes(range(10)))
MARGIN = 2  # letters kept together at each end of a word (pyphen's default)
CACHE_MAGIC = b"digitandem hyphenation patterns 1\n"
_cache_folder: list[Path] = []  # where read patterns are kept; empty: not kept


class Patterns:
    """Liang's patterns: letters → bytes(offset, *values), with the longest pattern's length."""

    def __init__(self, patterns: dict[str, bytes]) -> None:
        self.patterns = patterns
        self.longest = max(map(len, patterns))

    def positions(self, word: str) -> list[int]:
        """Where `word` may be hyphenated, as pyphen's Pyphen.positions gives them."""
        pointed = f".{word.lower()}."
        size = len(pointed)
        weights = [0] * (size + 1)
        patterns = self.patterns
        for start in range(size - 1):
            for end in range(start + 1, min(start + self.longest, size) + 1):
                found = patterns.get(pointed[start:end])
                if found is None:
                    continue
                at = start + found[0]
                for step, value in enumerate(found[1:]):
                    if value > weights[at + step]:
                        weights[at + step] = value
        last = len(word) - MARGIN
        return [i - 1 for i, weight in enumerate(weights) if weight % 2 and MARGIN <= i - 1 <= last]

    def inserted(self, word: str, hyphen: str) -> str:
        letters = list(word)
        for position in reversed(self.positions(word)):
            letters.insert(position, hyphen)
        return "".join(letters)


def read(path: Path) -> Patterns | None:
    """The patterns of one `hyph_*.dic`; None if it uses non-standard hyphenation."""
    raw = path.read_bytes()
    encoding = raw.split(b"\n", 1)[0].decode().strip()
    if encoding.lower() == "microsoft-cp1251":
        encoding = "cp1251"
    lines = [line.strip() for line in raw.decode(encoding).split("\n")[1:]]
    lines = [
        HEX.sub(lambda match: chr(int(match.group(1), 16)), line) if "^^" in line else line
        for line in lines
        if line and not line.startswith(IGNORED)
    ]
    if any("/" in line and "=" in line for line in lines):
        return None
    # "1ab2c" becomes "1a0b2c0": a digit before every letter and at the end, so that the
    # values are the even characters and the letters the odd ones. Two digits in a row
    # ("blut11harn") hold two places, as pyphen reads them: an empty letter goes between.
    # Done with translate and replace over the whole text: a regular expression per line, or
    # one with look-arounds over the text, took most of the time.
    text = "\n".join(lines) + "\n"
    text = DIGIT_RUN.sub(lambda run: EMPTY_LETTER.join(run.group()), text)
    text = text.translate({ord(c): MARK + c for c in set(text) if not c.isdigit()})
    for digit in "0123456789":
        text = text.replace(digit + MARK, digit)  # the letter has a value of its own
    text = text.replace(MARK, "0")
    patterns: dict[str, bytes] = {}
    for aligned in text.split("\n")[:-1]:
        values = aligned[0::2].rstrip("0")
        if not values.strip("0"):
            continue  # nothing to hyphenate
        first = len(values) - len(values.lstrip("0"))
        letters = aligned[1::2].replace(EMPTY_LETTER, "")
        patterns[letters] = bytes([first]) + values[first:].encode().translate(DIGIT_VALUES)
    return Patterns(patterns) if patterns else None


def keep_in(folder: Path | None) -> None:
    """Keep the patterns read from now on in this folder (None: do not keep them). Patterns
    already read stay in memory: they are the same whichever app asks."""
    _cache_folder[:] = [folder] if folder is not None else []


@lru_cache(maxsize=16)
def for_language(lang: str) -> Patterns | pyphen.Pyphen | None:
    """The dictionary for a language code ("de", "en", "pt-BR"), None if pyphen has none."""
    found = pyphen.language_fallback(lang)
    if found is None:
        return None
    return _kept_or_read(Path(pyphen.LANGUAGES[found])) or pyphen.Pyphen(lang=found)


def has_dictionary(lang: str) -> bool:
    """Whether there is a dictionary for the language, without reading it (that waits until a
    page has a word long enough to need it)."""
    return pyphen.language_fallback(lang) is not None


def _kept_or_read(path: Path) -> Patterns | None:
    if not _cache_folder:
        return read(path)
    stat = path.stat()
    key = f"{pyphen.__version__}|{path.name}|{stat.st_size}|{stat.st_mtime_ns}\n".encode()
    kept = _cache_folder[0] / f"hyphenation-{path.stem}.cache"
    try:
        with kept.open("rb") as stored:
            if stored.readline() == CACHE_MAGIC and stored.readline() == key:
                patterns = marshal.load(stored)
                if isinstance(patterns, dict) and patterns:
                    return Patterns(patterns)
    except FileNotFoundError:
        pass
    except (OSError, EOFError, ValueError, TypeError) as error:
        log.warning("hyphenation cache %s unreadable (%s): read anew", kept, error)
    found = read(path)
    if found is not None:
        _keep(kept, key, found.patterns)
    return found


def _keep(kept: Path, key: bytes, patterns: dict[str, bytes]) -> None:
    """Written beside and renamed into place: a reader sees the old file or the whole new one."""
    partial = kept.with_name(f".{kept.name}.{os.getpid()}")
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as out:
            out.write(CACHE_MAGIC + key)
            marshal.dump(patterns, out)
        os.replace(partial, kept)
    except OSError as error:
        log.warning("hyphenation cache %s not written: %s", kept, error)
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
