"""Quiz grading (learnapp/learn/quiz.py grade, read_answers; the Question model).

For a question with right answers R and chosen answers C, the answer is right iff C == R:
a strict subset, a strict superset or ticking every box never passes unless it is exactly R.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from learnapp.content.model import Answer, Lesson, Question
from learnapp.learn.quiz import field_name, grade, read_answers

SLOW_OK = [HealthCheck.too_slow]  # a busy shared machine must not fail the run


@st.composite
def questions(draw, number: int = 0):  # type: ignore[no-untyped-def]
    """A question as the quiz parser allows it: single (one right), multiple (one or more),
    truefalse."""
    kind = draw(st.sampled_from(("single", "multiple", "truefalse")))
    if kind == "truefalse":
        return Question(f"q{number}", kind, "?", answer=draw(st.booleans()))
    size = draw(st.integers(2, 7))
    if kind == "single":
        right = {draw(st.integers(0, size - 1))}
    else:
        right = draw(st.sets(st.integers(0, size - 1), min_size=1))
    answers = [Answer(f"a{i}", i in right, "") for i in range(size)]
    return Question(f"q{number}", kind, "?", answers=answers)


@st.composite
def quizzes(draw):  # type: ignore[no-untyped-def]
    """A lesson with 1-5 questions and, per question, nothing chosen or any set of options."""
    count = draw(st.integers(1, 5))
    quiz = [draw(questions(number)) for number in range(count)]
    lesson = Lesson(
        id="l",
        course_id="c",
        lang="en",
        title="t",
        summary="",
        order=1,
        minutes=1,
        path=Path("l.md"),
        body="",
        body_line=1,
        quiz=quiz,
    )
    chosen: dict[str, frozenset[str]] = {}
    for question in quiz:
        if draw(st.booleans()) or draw(st.booleans()):
            keys = question.option_keys()
            strategy = st.sampled_from(
                (frozenset(keys), question.correct_keys())  # every box; exactly right
            ) | st.frozensets(st.sampled_from(keys))
            chosen[question.id] = draw(strategy)
    return lesson, chosen


def _right(question: Question) -> frozenset[str]:
    """R, from the answers themselves (not from the code under test)."""
    if question.type == "truefalse":
        return frozenset({"true"} if question.answer else {"false"})
    return frozenset(str(i) for i, answer in enumerate(question.answers) if answer.correct)


@settings(max_examples=300, deadline=None, suppress_health_check=SLOW_OK)
@given(case=quizzes())
def test_an_answer_is_right_exactly_when_the_chosen_set_is_the_right_set(case):
    lesson, chosen = case
    results = grade(lesson, chosen)
    assert [r.question for r in results] == lesson.quiz
    for result in results:
        wanted = result.question.id in chosen and chosen[result.question.id] == _right(
            result.question
        )
        assert result.correct is wanted, (result.question, chosen.get(result.question.id))
        assert result.chosen == chosen.get(result.question.id, frozenset())


@settings(max_examples=200, deadline=None, suppress_health_check=SLOW_OK)
@given(case=quizzes())
def test_through_the_form_reader_too(case):
    """What the page sends (one value per ticked box) is read and graded the same way."""
    lesson, chosen = case
    form = MultiDict(
        [(field_name(q), key) for q in lesson.quiz for key in sorted(chosen.get(q.id, ()))]
    )
    answers = read_answers(lesson, form)
    for question in lesson.quiz:
        picked = chosen.get(question.id, frozenset())
        if not picked or (question.type != "multiple" and len(picked) > 1):
            assert question.id in answers.errors and question.id not in answers.chosen
        else:
            assert answers.chosen[question.id] == picked
    for result in grade(lesson, answers.chosen):
        picked = answers.chosen.get(result.question.id)
        assert result.correct is (picked == _right(result.question))


def _multiple(right: set[int], size: int) -> Lesson:
    answers = [Answer(f"a{i}", i in right, "") for i in range(size)]
    question = Question("q", "multiple", "?", answers=answers)
    return Lesson("l", "c", "en", "t", "", 1, 1, Path("l.md"), "", 1, quiz=[question])


@settings(max_examples=200, deadline=None, suppress_health_check=SLOW_OK)
@given(size=st.integers(2, 8), data=st.data())
@example(size=3, data=None)
def test_ticking_every_box_passes_only_when_every_box_is_right(size, data):
    right = set(range(size)) if data is None else data.draw(st.sets(st.integers(0, size - 1)))
    lesson = _multiple(right or {0}, size)
    everything = frozenset(str(i) for i in range(size))
    [result] = grade(lesson, {"q": everything})
    assert result.correct is ((right or {0}) == set(range(size)))


def test_subsets_and_supersets_never_pass():
    lesson = _multiple({0, 2}, 4)
    for chosen in ({"0"}, {"2"}, {"0", "2", "1"}, {"0", "1", "2", "3"}, set(), {"1", "3"}):
        [result] = grade(lesson, {"q": frozenset(chosen)})
        assert not result.correct, chosen
    [result] = grade(lesson, {"q": frozenset({"0", "2"})})
    assert result.correct
    [result] = grade(lesson, {})
    assert not result.correct
