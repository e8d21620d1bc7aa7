"""The courses we ship: checked clean, aligned across languages, every quiz passable and every
practice ending reachable — all through HTTP, as a learner would."""

import html
import re
from collections import deque

import pytest
from sqlalchemy import select

from learnapp.content.check import check_library
from learnapp.content.library import load_library
from learnapp.db import get_session
from learnapp.models import QuizAttempt, ScenarioRun
from learnapp.paths import CONTENT_DIR
from tests.test_quiz_and_practice import submission_of

LANGUAGES = ("de", "en")  # complete: every lesson in both
FULL_COURSES = ("messaging", "banking", "government")
LIBRARY = load_library(CONTENT_DIR, "de")
# Every language the bundled lessons are written in: German, English and the translations.
WRITTEN = tuple(
    sorted({lang for course in LIBRARY.courses.values() for lang in course.lessons if lang})
)
# Each course in each language it has lessons in: the HTTP walk goes through all of them.
COURSES_WRITTEN = [
    (lang, course.id)
    for lang in WRITTEN
    for course in LIBRARY.ordered_courses
    if set(course.lesson_ids) & set(course.lessons.get(lang, {}))
]


@pytest.fixture
def content_dir():
    return CONTENT_DIR


def test_every_bundled_lesson_passes_the_check():
    """Structure, and parity: every translation keeps the German original's numbers,
    addresses, amounts, dates, sections, quiz answers and scenario steps."""
    report = check_library(LIBRARY, WRITTEN)
    assert [str(p) for p in report.errors] == []
    assert len(LIBRARY.courses) >= 4
    assert set(LANGUAGES) <= set(WRITTEN)


@pytest.mark.parametrize("course", LIBRARY.ordered_courses, ids=lambda c: c.id)
def test_courses_are_complete_and_aligned_in_both_languages(course):
    lessons = [course.lessons[lang] for lang in LANGUAGES]
    assert set(lessons[0]) == set(lessons[1])
    plain = [i for i in course.lesson_ids if not lessons[0][i].is_scenario]
    practice = [i for i in course.lesson_ids if lessons[0][i].is_scenario]
    # The three first courses are full courses; a newer, smaller one needs at least two lessons.
    if course.id in FULL_COURSES:
        assert len(plain) >= 6 and len(practice) >= 2
    else:
        assert len(plain) >= 2
    for lesson_id in plain:
        for lang in LANGUAGES:
            lesson = course.lessons[lang][lesson_id]
            assert 2 <= len(lesson.quiz) <= 4, (lang, lesson_id)
            assert lesson.checked is not None
            assert "!!! mentor" in lesson.body, (lang, lesson_id)
            assert ("## Quellen" if lang == "de" else "## Sources") in lesson.body
        ids = [[q.id for q in course.lessons[lang][lesson_id].quiz] for lang in LANGUAGES]
        assert ids[0] == ids[1]


def _pass_quiz(auth, client, course_id, lesson):
    path = f"/courses/{course_id}/{lesson.id}"
    data = {"submission": submission_of(client.get(path).get_data(as_text=True))}
    for question in lesson.quiz:
        data[f"q-{question.id}"] = sorted(question.correct_keys())
    response = auth.post(f"{path}/check", data, token_from=path)
    assert response.status_code == 302, (lesson.id, response.status_code)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "choice-wrong" not in page
    done = auth.post(f"{path}/done", token_from=path)
    assert done.status_code == 302


def _paths_to_endings(scenario):
    """For each ending, the list of choice indexes that reaches it from the start."""
    paths = {scenario.start: []}
    queue = deque([scenario.start])
    while queue:
        step = scenario.steps[queue.popleft()]
        for index, choice in enumerate(step.choices):
            if choice.next not in paths:
                paths[choice.next] = [*paths[step.id], (step.id, index)]
                queue.append(choice.next)
    return {sid: path for sid, path in paths.items() if scenario.steps[sid].end}


@pytest.mark.parametrize(("lang", "course_id"), COURSES_WRITTEN)
def test_course_works_through_http(client, auth, learner, app, lang, course_id):
    """Every quiz passed and every practice ending reached, in every language written."""
    walk_course(client, auth, app, LIBRARY, lang, course_id)


def walk_course(client, auth, app, library, lang, course_id):
    """As a learner reading in `lang`: open each published lesson written in `lang`, pass its
    quiz with the answers its file calls correct, and reach each practice ending."""
    app.config["LANGUAGES"] = tuple(dict.fromkeys((*app.config["LANGUAGES"], lang)))
    auth.login("erika")
    auth.post("/settings", {"text_size": "100", "contrast": "normal", "language": lang})
    course = library.courses[course_id]
    written = course.lessons.get(lang, {})
    lessons = [written[i] for i in course.lesson_ids if i in written]
    assert lessons
    for lesson in lessons:
        page = client.get(f"/courses/{course_id}/{lesson.id}")
        assert page.status_code == 200
        assert f'<article class="lesson" lang="{lang}"' in page.get_data(as_text=True)
        if lesson.quiz:
            _pass_quiz(auth, client, course_id, lesson)
            with app.app_context():
                marks = (
                    get_session()
                    .scalars(select(QuizAttempt.correct).where(QuizAttempt.lesson_id == lesson.id))
                    .all()
                )
            assert marks and all(marks), lesson.id
        if lesson.scenario:
            _reach_every_ending(client, auth, app, course_id, lesson)


# What the page adds to a prompt's text: soft hyphens in long words (learnapp/hyphenation.py)
# and left-to-right islands around German words in a right-to-left lesson (render.ltr_islands).
ADDED_MARKUP = re.compile(r"\u00ad|<bdi dir=\"ltr\">|</bdi>")


def visible_text(page: str) -> str:
    return html.unescape(ADDED_MARKUP.sub("", page))


def _reach_every_ending(client, auth, app, course_id, lesson):
    endings = _paths_to_endings(lesson.scenario)
    for ending, path in endings.items():
        start = auth.post(
            f"/courses/{course_id}/{lesson.id}/practice",
            token_from=f"/courses/{course_id}/{lesson.id}",
        )
        run_url = start.headers["Location"]
        for step_id, index in path:
            shown = visible_text(client.get(run_url).get_data(as_text=True))
            assert lesson.scenario.steps[step_id].prompt in shown
            auth.post(run_url, {"step": step_id, "choice": str(index)}, token_from=run_url)
        shown = visible_text(client.get(run_url).get_data(as_text=True))
        assert lesson.scenario.steps[ending].title in shown
    with app.app_context():
        runs = get_session().scalars(select(ScenarioRun).where(ScenarioRun.lesson_id == lesson.id))
        outcomes = {run.current_step for run in runs}
    assert outcomes == set(endings), lesson.id
