"""The self-check's feedback reads right: one verdict per answer in words with a sign, the
explanation after it, "1 of 3 questions right", the multiple-choice hint once — in German
and English."""

import html
import re

import pytest

from learnapp.content.library import load_library
from learnapp.content.wording import says_several_are_right
from learnapp.paths import CONTENT_DIR
from tests.test_quiz_and_practice import check

SCORE = re.compile(r'<p class="quiz-score" role="status">([^<]*?)\s*(?:Sehr|Very|Lesen|Read)')
VERDICT = re.compile(r'<p class="verdict">(.*?)</p>', re.S)


def graded(client, auth, lesson: str, answers: dict, lang: str = "de") -> str:
    auth.login("erika")
    if lang != "de":
        auth.post("/settings", {"text_size": "100", "contrast": "normal", "language": lang})
    response = check(client, auth, lesson, answers)
    assert response.status_code == 302
    return html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))


def verdicts(page: str) -> list[str]:
    return [" ".join(re.sub(r"<[^>]+>", " ", v).split()) for v in VERDICT.findall(page)]


def score(page: str) -> str:
    return " ".join(SCORE.search(page).group(1).split())


def test_wrong_answers_name_the_right_one_once_in_german(client, auth, learner):
    page = graded(client, auth, "sample-first", {"q-q1": "1", "q-q2": "false"})
    assert verdicts(page) == [
        "✗ Ihre Antwort „Ein Telefon mit Schnur“ ist nicht richtig. "
        "Richtig ist: „Ein kleiner Computer mit Bildschirm“.",
        "✗ Ihre Antwort „Stimmt nicht“ ist nicht richtig. Richtig ist: „Stimmt“.",
    ]
    assert score(page) == "0 von 2 Fragen richtig."
    # The explanations follow as written; the page adds no "Richtig:" or "Nicht richtig:" label.
    assert "Der Bildschirm reagiert auf Berührung." in page
    assert "Nicht richtig:" not in page and "Richtig: " not in page
    assert "Die Aussage stimmt" not in page


def test_right_answers_in_german(client, auth, learner):
    page = graded(client, auth, "sample-first", {"q-q1": "0", "q-q2": "true"})
    assert verdicts(page) == [
        "✓ Ihre Antwort „Ein kleiner Computer mit Bildschirm“ ist richtig.",
        "✓ Ihre Antwort „Stimmt“ ist richtig.",
    ]
    assert score(page) == "2 von 2 Fragen richtig."


def test_verdicts_and_score_in_english(client, auth, learner):
    page = graded(client, auth, "sample-first", {"q-q1": "0", "q-q2": "false"}, lang="en")
    assert verdicts(page) == [
        "✓ Your answer “A small computer with a screen” is right.",
        "✗ Your answer “False” is not right. The right answer is: “True”.",
    ]
    assert score(page) == "1 of 2 questions right."


@pytest.mark.parametrize(
    ("lang", "expected", "hint"),
    [
        (
            "de",
            [
                "✓ Ihre Antwort „2“ ist richtig.",
                "✗ Ihre Antwort „3“ ist nicht richtig.",
                "✓ Auch richtig ist: „4“.",
            ],
            "(Wählen Sie alle richtigen Antworten.)",
        ),
        (
            "en",
            [
                "✓ Your answer “2” is right.",
                "✗ Your answer “3” is not right.",
                "✓ Also right: “4”.",
            ],
            "(Choose all answers that are right.)",
        ),
    ],
)
def test_multiple_choice_one_verdict_per_answer_and_the_hint_once(
    client, auth, learner, lang, expected, hint
):
    page = graded(client, auth, "sample-second", {"q-q1": ["0", "1"]}, lang=lang)
    assert verdicts(page) == expected
    assert page.count(hint) == 1
    assert score(page) == ("0 von 1 Frage richtig." if lang == "de" else "0 of 1 question right.")


BUNDLED = load_library(CONTENT_DIR, "de")
HINT = {
    "de": "(Wählen Sie alle richtigen Antworten.)",
    "en": "(Choose all answers that are right.)",
}


@pytest.mark.parametrize("content_dir", [CONTENT_DIR])
@pytest.mark.parametrize("lang", ["de", "en"])
def test_each_bundled_multiple_choice_question_shows_its_hint_once(
    client, auth, learner, content_dir, lang
):
    auth.login("erika")
    auth.post("/settings", {"text_size": "100", "contrast": "normal", "language": lang})
    for course in BUNDLED.ordered_courses:
        for lesson in course.lessons[lang].values():
            multiple = [q for q in lesson.quiz if q.type == "multiple"]
            if not multiple:
                continue
            page = html.unescape(
                client.get(f"/courses/{course.id}/{lesson.id}").get_data(as_text=True)
            )
            for question in multiple:
                legend = page.split(f'id="question-{question.id}"', 1)[1].split("</legend>")[0]
                own = says_several_are_right(question.question, lang)
                assert legend.count(HINT[lang]) + own == 1, (lesson.id, question.id)
