"""The learner's pages: home, courses, lessons, "Done", self-checks and practice."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask import (
    session as flask_session,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from learnapp.access import (
    ADMIN,
    COORDINATOR,
    LEARNER,
    MENTOR,
    can_read_courses,
    roles_required,
    signed_in,
    visitors_welcomed,
)
from learnapp.auth.sessions import register_replay
from learnapp.content import get_library
from learnapp.content import mentor_guide as guide
from learnapp.content.handout import handout_source
from learnapp.content.model import Course, Lesson
from learnapp.db import get_session
from learnapp.helpdesk import queries as helpdesk
from learnapp.learn import (
    certificates,
    images,
    lesson_page,
    offline_writes,
    practice,
    quiz,
    screens,
    services,
    welcome,
)
from learnapp.learn import done as done_press
from learnapp.learn.cards import course_cards
from learnapp.learn.limits import LimitReached
from learnapp.learn.quiz import QuestionResult, QuizAnswers
from learnapp.side_writes import tolerated
from learnapp.tandems import home as tandem_home

bp = Blueprint("learn", __name__)
screens.register(bp)
STAFF_LANDING = {
    MENTOR: "mentor.dashboard",
    COORDINATOR: "coordinate.overview",
    ADMIN: "coordinate.overview",
}
LAST_LESSON_KEY = "last_lesson"  # in the signed cookie: is this view a reload of the same page?


def _lang() -> str:
    return str(get_locale() or "de")


def _load(course_id: str, lesson_id: str | None = None) -> tuple[Course, Lesson | None]:
    """Course and lesson (in the learner's language if it exists), or a 404."""
    library = get_library()
    course = library.courses.get(course_id)
    if course is None:
        abort(404)
    if lesson_id is None:
        return course, None
    lesson = course.lesson(lesson_id, _lang(), library.default_lang)
    if lesson is None:
        problems = library.problems_of_lesson(lesson_id) if library_shows_problems() else []
        if problems:  # an author broke the file while writing: show why, not "not found"
            page = render_template("learn/broken.html", course=course, problems=problems)
            abort(make_response(page, 200))
        abort(404)
    if lesson.id in course.draft_ids and not sees_drafts():
        abort(404)  # a draft does not exist for learners
    return course, lesson


def sees_drafts() -> bool:
    return bool(current_user.role != LEARNER)


@bp.get("/")
@visitors_welcomed(welcome.welcome_page)
def home() -> ResponseReturnValue:
    """The calm start page: one big "Continue" card (a welcome card until a first lesson is
    done), then the courses with progress. Visitors not signed in get the welcome page."""
    if current_user.role in STAFF_LANDING:
        # Mentors and coordinators start where they look first: who needs help.
        return redirect(url_for(STAFF_LANDING[current_user.role]))
    library = get_library()
    db = get_session()
    progress = services.progress_by_lesson(db, current_user)
    point = services.continue_point(library, progress)
    next_lesson = (
        point.course.lesson(point.lesson_id, _lang(), library.default_lang) if point else None
    )
    tandem = tandem_home.learners_tandem(db, current_user)
    questions = helpdesk.learners_questions(db, signed_in())
    courses = services.course_progress(library, progress)
    return render_template(
        "learn/home.html",
        point=point,
        next_lesson=next_lesson,
        courses=courses,
        cards=course_cards(library, courses, _lang(), heading="h3"),
        lang=_lang(),
        default_lang=library.default_lang,
        next_steps=tandem.next_steps,
        upcoming=tandem.upcoming,
        questions=questions,
        welcome=welcome.welcome_card(db, current_user, progress),
    )


@bp.get("/courses")
@can_read_courses
def courses() -> ResponseReturnValue:
    """Every course with the learner's progress."""
    library = get_library()
    progress = services.progress_by_lesson(get_session(), current_user)
    courses = services.course_progress(library, progress)
    return render_template(
        "learn/courses.html",
        cards=course_cards(library, courses, _lang(), with_summary=True),
    )


@bp.get("/courses/<course_id>")
@can_read_courses
def course(course_id: str) -> ResponseReturnValue:
    """A course's lessons, each ticked when done, with the place to continue."""
    library = get_library()
    course, _lesson = _load(course_id)
    progress = services.progress_by_lesson(get_session(), current_user)
    ids = course.listed_ids(with_drafts=sees_drafts())
    lessons = [course.lesson(i, _lang(), library.default_lang) for i in ids]
    point = services.continue_point(library, progress)
    return render_template(
        "learn/course.html",
        course=course,
        lessons=lessons,
        drafts=course.draft_ids,
        progress=progress,
        continue_id=point.lesson_id if point and point.course.id == course.id else None,
        lang=_lang(),
        default_lang=library.default_lang,
    )


def _render_lesson(
    course: Course,
    lesson: Lesson,
    status: int = 200,
    answers: QuizAnswers | None = None,
    results: list[QuestionResult] | None = None,
    submission_id: str | None = None,
    german: str = "",
) -> ResponseReturnValue:
    session = get_session()
    same_as_last = flask_session.get(LAST_LESSON_KEY) == lesson.id
    done = None
    with tolerated("the lesson visit"):
        row = services.record_visit(session, current_user, course.id, lesson.id, same_as_last)
        done = row.completed_at is not None
    if done is None:  # the visit could not be written: reading still works
        progress = services.progress_by_lesson(session, current_user).get(lesson.id)
        done = progress is not None and progress.completed_at is not None
    if not same_as_last:
        flask_session[LAST_LESSON_KEY] = lesson.id
    library = get_library()
    problems = library.problems_for(lesson.path) if library_shows_problems() else []
    page = lesson_page.render(
        library, course, lesson, _lang(), done, problems, submission_id, answers, results, german
    )
    return page, status


def library_shows_problems() -> bool:
    """While authors write (auto-reload), a lesson shows its own file's problems."""
    return bool(current_app.config["CONTENT_AUTO_RELOAD"])


@bp.get("/courses/<course_id>/<lesson_id>")
@can_read_courses
def lesson(course_id: str, lesson_id: str) -> ResponseReturnValue:
    """One lesson: large text, Previous / Next, Done, and the self-check."""
    course, lesson = _load(course_id, lesson_id)
    assert lesson is not None
    results = []
    checked = request.args.get("checked", "")
    if quiz.SUBMISSION_PATTERN.match(checked):
        results = quiz.load_results(get_session(), current_user, lesson, checked)
    german = "side" if request.args.get("german") == "side" else ""
    return _render_lesson(course, lesson, results=results, german=german)


@bp.post("/courses/<course_id>/<lesson_id>/done")
@can_read_courses
def done(course_id: str, lesson_id: str) -> ResponseReturnValue:
    """Mark a lesson done (or, with undo, not done)."""
    course, lesson = _load(course_id, lesson_id)
    assert lesson is not None
    undo = bool(request.form.get(done_press.UNDO_FIELD))
    at = offline_writes.pressed_at()
    return redirect(done_press.press(get_session(), current_user, course, lesson, undo, at))


# A "Done" that arrives after the session ended is kept and done after the next sign-in.
bp.record_once(lambda state: register_replay(state.app, "learn.done", done_press.replay))


@bp.post("/courses/<course_id>/<lesson_id>/check")
@can_read_courses
def check(course_id: str, lesson_id: str) -> ResponseReturnValue:
    """Grade the self-check on the server and show why each answer is right or wrong."""
    course, lesson = _load(course_id, lesson_id)
    assert lesson is not None
    if not lesson.quiz:
        abort(404)
    session = get_session()
    submission_id = request.form.get("submission", "")
    if not quiz.SUBMISSION_PATTERN.match(submission_id):
        flash(_("This form was not complete. Please answer the questions again."), "quiz-error")
        return redirect(
            url_for("learn.lesson", course_id=course.id, lesson_id=lesson.id, _anchor="quiz")
        )
    result_url = url_for(
        "learn.lesson",
        course_id=course.id,
        lesson_id=lesson.id,
        checked=submission_id,
        _anchor="quiz",
    )
    sent_before = _("You already sent these answers. Here is the result again.")
    if quiz.submission_seen(session, current_user, submission_id):
        flash(sent_before, "info")
        return redirect(result_url)
    answers = quiz.read_answers(lesson, request.form)
    pressed_at = offline_writes.pressed_at()
    if answers.errors and answers.chosen and pressed_at is not None:
        # Answered offline on a lesson that changed since: keep what still fits.
        offline_writes.accepted_conflict(current_user.id, lesson.id, "self-check changed")
        answers = QuizAnswers(chosen=answers.chosen, errors={})
    if answers.errors:
        return _render_lesson(
            course,
            lesson,
            status=400 if answers.tampered else 200,
            answers=answers,
            submission_id=submission_id,
        )
    try:
        graded = [r for r in quiz.grade(lesson, answers.chosen) if r.question.id in answers.chosen]
        quiz.store(session, current_user, lesson, graded, submission_id, pressed_at)
    except quiz.AlreadyStored:  # a copy of this press, sent at the same moment, was first
        flash(sent_before, "info")
        return redirect(result_url)
    except LimitReached as refused:  # her answers stay chosen on the page, to send again
        flash(str(refused), "quiz-error")
        return _render_lesson(
            course, lesson, status=429, answers=answers, submission_id=submission_id
        )
    return redirect(result_url)


@bp.post("/courses/<course_id>/<lesson_id>/practice")
@can_read_courses
def practice_start(course_id: str, lesson_id: str) -> ResponseReturnValue:
    """Begin a new walk through a practice scenario."""
    course, lesson = _load(course_id, lesson_id)
    if lesson is None or lesson.scenario is None:
        abort(404)
    session = get_session()
    run = practice.start_run(session, current_user, lesson)
    services.record_visit(session, current_user, course.id, lesson.id)
    return redirect(
        url_for("learn.practice_step", course_id=course.id, lesson_id=lesson.id, run_id=run.id)
    )


@bp.route("/courses/<course_id>/<lesson_id>/practice/<int:run_id>", methods=["GET", "POST"])
@can_read_courses
def practice_step(course_id: str, lesson_id: str, run_id: int) -> ResponseReturnValue:
    """Show the current step of a practice run; a POST takes one of its choices."""
    course, lesson = _load(course_id, lesson_id)
    if lesson is None or lesson.scenario is None:
        abort(404)
    session = get_session()
    choosing = request.method == "POST"
    run = practice.get_run(session, current_user, lesson, run_id, to_choose=choosing)
    if run is None:
        abort(404)
    if choosing:
        try:
            target = practice.choose(
                session, lesson, run, request.form.get("step", ""), request.form.get("choice", "")
            )
        except practice.PracticeError:
            session.rollback()
            flash(
                _(
                    "This choice was already made or is not possible here. "
                    "You see the step you are at now."
                ),
                "info",
            )
        else:
            if target.end:
                services.mark_done(session, current_user, course.id, lesson.id)
        return redirect(
            url_for("learn.practice_step", course_id=course.id, lesson_id=lesson.id, run_id=run.id)
        )

    step = practice.current_step(lesson, run)
    if step is None:  # the author renamed the step since this run began
        abort(404)
    previous = practice.last_choice(session, run)
    feedback = None
    if previous is not None:
        earlier = lesson.scenario.steps.get(previous.step_id)
        if earlier is not None and previous.choice_index < len(earlier.choices):
            feedback = earlier.choices[previous.choice_index]
    library = get_library()
    return render_template(
        "learn/practice.html",
        ending_html=(
            library.render(lesson, step.text, script_root=request.script_root) if step.end else None
        ),
        course=course,
        lesson=lesson,
        run=run,
        step=step,
        feedback=feedback,
        lang=_lang(),
        default_lang=library.default_lang,
    )


@bp.get("/courses/<course_id>/certificate")
@can_read_courses
def certificate(course_id: str) -> ResponseReturnValue:
    """The certificate of a finished course, made to print on one A4 page."""
    course, _lesson = _load(course_id)
    earned = certificates.certificate_for(get_session(), current_user, course)
    return render_template(
        "learn/certificate.html",
        certificate=earned,
        course=course,
        completed_on=format_date(earned.completed_at, "long") if earned.earned else "",
        lang=_lang(),
        default_lang=get_library().default_lang,
    )


@bp.get("/courses/<course_id>/images/<path:filename>")
@can_read_courses
def image(course_id: str, filename: str) -> ResponseReturnValue:
    """A lesson picture; any name that is not a picture of this course is a 404."""
    course, _lesson = _load(course_id)
    picture = images.find_image(course.folder / "images", filename)
    if picture is None:
        abort(404)
    response = send_file(picture, mimetype=images.mimetype_of(picture), max_age=3600)
    # An SVG opened on its own must not run anything.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.get("/courses/<course_id>/<lesson_id>/merkblatt")
@can_read_courses
def merkblatt(course_id: str, lesson_id: str) -> ResponseReturnValue:
    """The lesson's steps and warnings on one A4 page in large print, to print."""
    course, lesson = _load(course_id, lesson_id)
    assert lesson is not None
    source = handout_source(lesson)
    if source is None:
        abort(404)
    library = get_library()
    return render_template(
        "learn/merkblatt.html",
        course=course,
        lesson=lesson,
        body=library.render(lesson, source, script_root=request.script_root),
        lang=_lang(),
        default_lang=library.default_lang,
    )


@bp.get("/courses/<course_id>/mentor-guide")
@roles_required(MENTOR, COORDINATOR, ADMIN)
def mentor_guide(course_id: str) -> ResponseReturnValue:
    """The mentor notes of every lesson of a course, on one printable page."""
    course, _lesson = _load(course_id)
    library = get_library()
    entries = [
        (entry.lesson, library.render(entry.lesson, entry.source, script_root=request.script_root))
        for entry in guide.mentor_guide(course, _lang(), library.default_lang)
    ]
    return render_template(
        "learn/mentor_guide.html",
        course=course,
        entries=entries,
        lang=_lang(),
        default_lang=library.default_lang,
    )
