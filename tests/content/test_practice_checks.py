"""The scenario's `tap:` field and the wording warnings of `flask courses check`, on the fixtures
in tests/fixtures/practice (good: loads, with warnings; broken: a wrong `tap` is an error)."""

from pathlib import Path

import pytest

from learnapp.content.check import check_library
from learnapp.content.library import load_library
from learnapp.content.wording import (
    DISAPPOINTED_WORDS,
    VERDICT_WORDS,
    opening_word,
    says_several_are_right,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "practice"
GOOD, BROKEN = FIXTURES / "good", FIXTURES / "broken"


def problems(root: Path, severity: str) -> list[str]:
    report = check_library(load_library(root, "de"), ("de", "en"))
    return [str(p) for p in report.problems if p.severity == severity]


def test_tap_counts_choices_from_one_and_is_kept_on_the_step():
    library = load_library(GOOD, "de")
    for lang in ("de", "en"):
        scenario = library.courses["checks"].lessons[lang]["checks-practice"].scenario
        assert scenario is not None
        assert (scenario.steps["sms"].tap, scenario.steps["mail"].tap) == (1, 0)
    assert problems(GOOD, "error") == []


def test_a_tap_that_is_no_choice_is_an_error_at_its_screen():
    errors = problems(BROKEN, "error")
    path = "tests/fixtures/practice/broken/checks/de/01-uebung.md"
    assert (
        f"{path}:17: error: scenario step 'sms': 'tap: 3' must be the number of one of its "
        "2 choices (1 = the first)"
    ) in errors
    assert f"{path}:33: error: scenario step 'mail': 'tap: 0' must be" in " ".join(errors)


@pytest.mark.parametrize("value", ["ja", "1.5", "true", "[1]", "-1"])
def test_tap_must_be_a_whole_number(tmp_path, value):
    text = (GOOD / "checks" / "de" / "01-uebung.md").read_text(encoding="utf-8")
    course = tmp_path / "checks"
    (course / "de").mkdir(parents=True)
    (course / "course.yaml").write_bytes((GOOD / "checks" / "course.yaml").read_bytes())
    (course / "de" / "01.md").write_text(text.replace("tap: 2", f"tap: {value}"), "utf-8")
    library = load_library(tmp_path, "de")
    assert any("'tap:" in str(p) for p in library.problems), value


def test_languages_must_tap_the_same_choice(tmp_path):
    for source in (GOOD / "checks").rglob("*"):
        target = tmp_path / "checks" / source.relative_to(GOOD / "checks")
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8")
        if source.name == "01-practice.md":
            text = text.replace("tap: 2", "tap: 1")
        target.write_text(text, encoding="utf-8")
    assert any("'tap' differ" in e for e in problems(tmp_path, "error"))


def test_check_warns_on_verdicts_disappointment_and_a_second_hint():
    # The wording rules only; a fixture without a "checked" date is warned about elsewhere.
    warnings = [w for w in problems(GOOD, "warning") if "checked" not in w]
    de, en = "checks/de/", "checks/en/"
    expected = [
        (de + "01-uebung.md:16", "choice 1: feedback starts with 'Richtig'"),
        (de + "01-uebung.md:16", "choice 2: feedback starts with 'Schade' — never sound"),
        (de + "02-quiz.md:12", "quiz q1: an explanation starts with 'Richtig'"),
        (de + "02-quiz.md:12", "quiz q1: the question says itself that several answers"),
        (de + "02-quiz.md:24", "quiz q2: an explanation starts with 'Falsch'"),
        (en + "01-practice.md:16", "choice 1: feedback starts with 'Correct'"),
        (en + "01-practice.md:16", "choice 2: feedback starts with 'Sadly'"),
        (en + "02-quiz.md:12", "quiz q1: an explanation starts with 'Exactly'"),
        (en + "02-quiz.md:12", "quiz q1: the question says itself that several answers"),
    ]
    for where, what in expected:
        assert any(where in w and what in w for w in warnings), (where, what)
    # "Genauer Blick …", "Rightly so, …", "Vorsicht." and plain reasons are not verdicts.
    assert len(warnings) == len(expected), warnings


@pytest.mark.parametrize(
    ("text", "lang", "word"),
    [
        ("Richtig. Das ist so.", "de", "Richtig"),
        ("„Falsch!“ Das stimmt nicht.", "de", "Falsch"),
        ("stimmt: so ist es.", "de", "stimmt"),
        ("Genauer gesagt: …", "de", None),
        ("Richtige Antworten sind …", "de", None),
        ("Right! That is it.", "en", "Right"),
        ("Rightly so.", "en", None),
        ("Richtig.", "tr", None),  # no list for the language: nothing to warn about
    ],
)
def test_verdict_words_are_whole_words_per_language(text, lang, word):
    assert opening_word(text, lang, VERDICT_WORDS) == word


def test_disappointed_openings_and_own_hints():
    assert opening_word("Leider war das Betrug.", "de", DISAPPOINTED_WORDS) == "Leider"
    assert opening_word("Unfortunately, no.", "en", DISAPPOINTED_WORDS) == "Unfortunately"
    assert opening_word("Vorsicht.", "de", DISAPPOINTED_WORDS) is None
    assert says_several_are_right("Was stimmt? (Mehrere Antworten sind richtig.)", "de")
    assert not says_several_are_right("Was stimmt?", "de")


def test_the_page_adds_the_multiple_choice_hint_only_where_the_question_lacks_it():
    own_hint = load_library(GOOD, "de").courses["checks"].lessons["de"]["checks-quiz"]
    assert not own_hint.adds_multiple_hint(own_hint.quiz[0])  # "(Mehrere Antworten …)"
    assert not own_hint.adds_multiple_hint(own_hint.quiz[1])  # true/false: no hint
    sample = Path(__file__).parent.parent / "fixtures" / "content"
    plain = load_library(sample, "de").courses["sample"].lessons["de"]["sample-second"]
    assert plain.adds_multiple_hint(plain.quiz[0])
