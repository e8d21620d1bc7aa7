"""Readability figures: the formulas written out here give what the textstat package gave.

tests/fixtures/readability_textstat.json holds textstat 0.7.13's figures for every bundled
lesson (German: Flesch-Amstad and the first Wiener Sachtextformel; English: this module's
Flesch reading ease as it was), recorded before textstat was removed.
"""

import json
from pathlib import Path

import pytest

from learnapp.content.library import load_library
from learnapp.content.readability import (
    flesch_reading_ease,
    measure,
    plain_text,
    sentence_count,
    syllables,
    wiener_sachtextformel,
    words,
)
from learnapp.paths import CONTENT_DIR

TOLERANCE = 0.5
RECORDED = json.loads(
    (Path(__file__).parent.parent / "fixtures" / "readability_textstat.json").read_text("utf-8")
)
LESSONS = {
    f"{lang}/{lesson.id}": lesson
    for course in load_library(CONTENT_DIR, "de").ordered_courses
    for lang, lessons in course.lessons.items()
    for lesson in lessons.values()
}


def test_every_bundled_lesson_has_a_recorded_figure():
    # Lessons written after textstat was removed have no recorded figure.
    assert set(RECORDED) <= set(LESSONS)
    assert {key.split("/")[0] for key in RECORDED} == {"de", "en"}


@pytest.mark.parametrize("key", sorted(RECORDED))
def test_figures_match_what_textstat_gave(key):
    text = plain_text(LESSONS[key].body)
    lang = key.split("/")[0]
    recorded = RECORDED[key]
    if lang == "de":
        assert flesch_reading_ease(text, "de") == pytest.approx(
            recorded["flesch_amstad"], abs=TOLERANCE
        )
        assert wiener_sachtextformel(text) == pytest.approx(
            recorded["wiener_sachtextformel_1"], abs=TOLERANCE
        )
    else:
        assert flesch_reading_ease(text, "en") == pytest.approx(
            recorded["flesch_reading_ease"], abs=TOLERANCE
        )


def test_counting_by_hand():
    # Worked out by hand: ten words; the two-word piece "Kurz so." is no sentence.
    text = "Kurz so. Die Bank ruft nie wegen der TAN an."
    assert words(text, "de") == [
        "Kurz",
        "so",
        "Die",
        "Bank",
        "ruft",
        "nie",
        "wegen",
        "der",
        "TAN",
        "an",
    ]
    assert sentence_count(text, "de") == 1
    assert syllables("Sonnenblume", "de") == 4
    assert syllables("water", "en") == 2


def test_measure_rounds_and_labels():
    figure = measure("Die Bank ruft nie an. Sie fragt nie nach der TAN.", "de")
    assert figure is not None and figure.label == "Flesch-Amstad" and figure.wiener is not None
    english = measure("The bank never calls. It never asks for a code.", "en")
    assert english is not None and english.wiener is None and english.score > 80
    assert measure("", "de") is None
    assert measure("Bonjour tout le monde.", "fr") is None
