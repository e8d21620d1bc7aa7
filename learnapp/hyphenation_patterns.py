"""The hyphenation dictionaries pyphen ships, read into a compact form in a fraction of the time.

pyphen parses a dictionary into a dict of tuples of ints: German's 66,000 patterns take about
0.5 s and 15-17 MB in every worker, on the first page with a long word, which made the first
lesson after a start half a second late. Here the whole file is parsed with a few string
operations and the patterns are kept compactly (`Patterns`): about 3 MB. The
positions are pyphen's: same patterns, same algorithm (Liang's),
same margins (two letters each side); tests/test_hyphenation_patterns.py compares them word for
word. A dictionary with non-standard hyphenation (`ck=k/k`-style alternatives) is left to
pyphen itself.

Even so German takes 0.3-0.5 s to read, so the patterns read are kept beside the content
cache (instance/hyphenation-*.cache, marshal, a few ms to load), keyed by pyphen's version
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
MARGIN = 2  # letters kept together at each end of a word (pyphen's default)
CACHE_MAGIC = b"digitandem hyphenation patterns 3\n"
_cache_folder: list[Path] = []  # where read patterns are kept; empty: not kept


class Patterns:
    """Liang's patterns, kept small. A dict of 66,000 German patterns with tuples costs a
    worker about 10 MB, and most of them are whole words (up to 35 letters) that are rarely
    looked up. So patterns of up to SHORT letters stay in a dict (letters → offset and values
    as characters), and the longer ones are joined, by their first two letters and their length,
    into a few thousand strings of "\n<letters>\t<offset><values>" lines searched with
    str.find: about 3 MB in all, and a word's points in about twice pyphen's time."""

    SHORT = 7

    def __init__(self, short: dict[str, str], groups: dict[str, str], longest: int) -> None:
        self.short = short
        self.groups = groups
        self.longest = longest

    @classmethod
    def of(cls, patterns: dict[str, str]) -> Patterns:
        """From letters → the offset (as chr(48 + offset)) and the values as digits."""
        short: dict[str, str] = {}
        lines: dict[str, list[str]] = {}
        for letters, encoded in patterns.items():
            if len(letters) <= cls.SHORT:
                short[letters] = encoded
            else:
                lines.setdefault(cls._group(letters), []).append(f"{letters}\t{encoded}")
        groups = {name: "\n" + "\n".join(found) + "\n" for name, found in lines.items()}
        return cls(short, groups, max(map(len, patterns)))

    @staticmethod
    def _group(letters: str) -> str:
        return f"{letters[:2]}{len(letters)}"  # always two letters, then the length

    def find(self, letters: str) -> tuple[int, str] | None:
        """(offset, values as digits) of the pattern of exactly these letters, if there is one."""
        if len(letters) <= self.SHORT:
            encoded = self.short.get(letters)
        else:
            group = self.groups.get(self._group(letters))
            at = -1 if group is None else group.find(f"\n{letters}\t")
            if group is None or at < 0:
                return None
            start = at + len(letters) + 2
            encoded = group[start : group.index("\n", start)]
        return None if encoded is None else (ord(encoded[0]) - 48, encoded[1:])

    def items(self) -> list[tuple[str, int, str]]:
        """Every pattern: (letters, offset, values as digits)."""
        lines = [f"{letters}\t{encoded}" for letters, encoded in self.short.items()]
        for group in self.groups.values():
            lines += group.strip("\n").split("\n")
        return [
            (letters, ord(encoded[0]) - 48, encoded[1:])
            for letters, encoded in (line.split("\t") for line in lines)
        ]

    def positions(self, word: str) -> list[int]:
        """Where `word` may be hyphenated, as pyphen's Pyphen.positions gives them."""
        pointed = f".{word.lower()}."
        size = len(pointed)
        weights = [0] * (size + 1)
        for start in range(size - 1):
            for end in range(start + 1, min(start + self.longest, size) + 1):
                found = self.find(pointed[start:end])
                if found is None:
                    continue
                offset, values = found
                at = start + offset
                for step, digit in enumerate(values):
                    value = ord(digit) - 48
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
    patterns: dict[str, str] = {}  # letters → offset (as a character) and values
    for aligned in text.split("\n")[:-1]:
        values = aligned[0::2].rstrip("0")
        if not values.strip("0"):
            continue  # nothing to hyphenate
        first = len(values) - len(values.lstrip("0"))
        patterns[aligned[1::2].replace(EMPTY_LETTER, "")] = chr(48 + first) + values[first:]
    del text
    return Patterns.of(patterns) if patterns else None


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
                short, groups, longest = marshal.load(stored)
                if isinstance(short, dict) and isinstance(groups, dict) and short:
                    return Patterns(short, groups, int(longest))
    except FileNotFoundError:
        pass
    except (OSError, EOFError, ValueError, TypeError) as error:
        log.warning("hyphenation cache %s unreadable (%s): read anew", kept, error)
    found = read(path)
    if found is not None:
        _keep(kept, key, found)
    return found


def _keep(kept: Path, key: bytes, patterns: Patterns) -> None:
    """Written beside and renamed into place: a reader sees the old file or the whole new one."""
    partial = kept.with_name(f".{kept.name}.{os.getpid()}")
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as out:
            out.write(CACHE_MAGIC + key)
            marshal.dump((patterns.short, patterns.groups, patterns.longest), out)
        os.replace(partial, kept)
    except OSError as error:
        log.warning("hyphenation cache %s not written: %s", kept, error)
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
