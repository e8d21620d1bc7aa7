"""Our compact reading of pyphen's dictionaries hyphenates every word exactly as pyphen does."""

import re
from pathlib import Path

import pyphen
import pytest

from learnapp import hyphenation_patterns
from learnapp.paths import CONTENT_DIR

WORD = re.compile(r"[^\W\d_]{5,}")
SERVED_WITH_DICTIONARY = ("de", "en", "ru", "uk", "pl")


def lesson_words(lang: str) -> set[str]:
    words: set[str] = set()
    for lesson in CONTENT_DIR.glob(f"*/{lang}/*.md"):
        words |= set(WORD.findall(lesson.read_text(encoding="utf-8")))
    return words


@pytest.mark.parametrize("lang", SERVED_WITH_DICTIONARY)
def test_every_word_of_the_lessons_gets_pyphens_hyphenation_points(lang: str) -> None:
    ours = hyphenation_patterns.for_language(lang)
    assert isinstance(ours, hyphenation_patterns.Patterns)  # not pyphen's own reading
    theirs = pyphen.Pyphen(lang=pyphen.language_fallback(lang))
    words = lesson_words(lang)
    words |= {word.upper() for word in sorted(words)[:200]}
    assert len(words) > 300
    different = [w for w in words if ours.inserted(w, "-") != theirs.inserted(w, "-")]
    assert different == []


@pytest.mark.parametrize("lang", SERVED_WITH_DICTIONARY)
def test_every_pattern_is_read_as_pyphen_reads_it(lang: str) -> None:
    ours = hyphenation_patterns.for_language(lang)
    assert isinstance(ours, hyphenation_patterns.Patterns)
    theirs = pyphen.Pyphen(lang=pyphen.language_fallback(lang)).hd
    assert {key: (offset, tuple(map(int, values))) for key, offset, values in ours.items()} == {
        key: (start, tuple(int(value) for value in values))
        for key, (start, values) in theirs.patterns.items()
    }
    assert ours.longest == theirs.maxlen


def write_dictionary(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "hyph_xx.dic"
    path.write_text("UTF-8\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_two_digits_in_a_row_hex_letters_and_empty_patterns_read_as_pyphen_reads_them(
    tmp_path: Path,
) -> None:
    path = write_dictionary(
        tmp_path,
        ["% a comment", "LEFTHYPHENMIN 2", "1ba", "blut11harn", "a0b", "^^e4b1c", "ab1", ".ex3"],
    )
    ours = hyphenation_patterns.read(path)
    theirs = pyphen.Pyphen(filename=path)
    assert ours is not None
    assert {key: (offset, tuple(map(int, values))) for key, offset, values in ours.items()} == {
        key: (start, tuple(values)) for key, (start, values) in theirs.hd.patterns.items()
    }
    for word in ("blutharnstoff", "abbabba", "äbcäbc", "example"):
        assert ours.inserted(word, "-") == theirs.inserted(word, "-")


def test_a_dictionary_with_non_standard_hyphenation_is_left_to_pyphen(tmp_path: Path) -> None:
    path = write_dictionary(tmp_path, ["1ba", "c1k/k=k,1,1"])
    assert hyphenation_patterns.read(path) is None


def test_a_language_without_a_dictionary_has_none() -> None:
    assert hyphenation_patterns.for_language("ar") is None
    assert not hyphenation_patterns.has_dictionary("ar")
    assert hyphenation_patterns.has_dictionary("de")


@pytest.fixture
def kept_in(tmp_path: Path):  # type: ignore[no-untyped-def]
    hyphenation_patterns.keep_in(tmp_path)
    hyphenation_patterns.for_language.cache_clear()
    yield tmp_path
    hyphenation_patterns.keep_in(None)
    hyphenation_patterns.for_language.cache_clear()


def test_patterns_read_once_are_kept_and_loaded_from_the_cache_next_time(
    kept_in: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = hyphenation_patterns.for_language("de")
    assert isinstance(first, hyphenation_patterns.Patterns)
    assert [p.name for p in kept_in.iterdir()] == ["hyphenation-hyph_de_AT.cache"]
    hyphenation_patterns.for_language.cache_clear()

    def not_again(path: Path) -> None:
        raise AssertionError(f"{path} read again")

    monkeypatch.setattr(hyphenation_patterns, "read", not_again)
    again = hyphenation_patterns.for_language("de")
    assert isinstance(again, hyphenation_patterns.Patterns)
    assert again.items() == first.items() and again.longest == first.longest


@pytest.mark.parametrize("damage", ["truncated", "other key", "garbage"])
def test_a_damaged_or_stale_cache_is_read_anew_and_written_again(
    kept_in: Path, damage: str
) -> None:
    right = hyphenation_patterns.for_language("en")
    assert isinstance(right, hyphenation_patterns.Patterns)
    (kept,) = kept_in.iterdir()
    data = kept.read_bytes()
    kept.write_bytes(
        {
            "truncated": data[: len(data) // 2],
            "other key": data.replace(b"hyph_en", b"hyph_xx", 1),
            "garbage": b"\x00" * 100,
        }[damage]
    )
    hyphenation_patterns.for_language.cache_clear()
    again = hyphenation_patterns.for_language("en")
    assert isinstance(again, hyphenation_patterns.Patterns)
    assert again.items() == right.items()
    assert kept.read_bytes() == data  # written again whole
