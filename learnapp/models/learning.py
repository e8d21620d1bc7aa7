"""Learning records, keyed by stable lesson ids (lessons are files, not rows)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.models.base import Base, utcnow


class Progress(Base):
    """One row per learner and lesson: when it was started and completed."""

    __tablename__ = "progress"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id"),
        # Monthly reports count one month's completions (migration 0005).
        Index("ix_progress_completed_user", "completed_at", "user_id"),
        # A learner's rows with their times, read from the index alone: the monthly report
        # starts from the centre's learners (migration 0011).
        Index("ix_progress_user_activity", "user_id", "started_at", "completed_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(80))
    lesson_id: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    def __repr__(self) -> str:
        done = "done" if self.completed_at else "started"
        return f"<Progress user={self.user_id} {self.lesson_id} {done}>"


class QuizAttempt(Base):
    """One answer to one self-check question."""

    __tablename__ = "quiz_attempt"
    __table_args__ = (
        Index("ix_quiz_attempt_user_lesson", "user_id", "lesson_id"),
        # Early warnings and the mentor's "trouble" read only failed answers, with the time
        # of the newest (migrations 0005, 0011); reports read one month or one learner's.
        Index(
            "ix_quiz_attempt_failed_at",
            "user_id",
            "lesson_id",
            "submission_id",
            "created_at",
            postgresql_where=text("correct IS false"),
            sqlite_where=text("correct IS 0"),
        ),
        Index("ix_quiz_attempt_created_user", "created_at", "user_id"),
        Index("ix_quiz_attempt_user_created", "user_id", "created_at"),
        # One press of "Check" stores each question once, however often it arrives (0007).
        UniqueConstraint(
            "user_id", "submission_id", "question_id", name="uq_quiz_attempt_submission"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    lesson_id: Mapped[str] = mapped_column(String(80))
    question_id: Mapped[str] = mapped_column(String(40))
    # All answers sent with one press of "Check" share this id; a replayed form is refused.
    # Deleting a learner replaces hers with fresh random ids (never blank: see the key above).
    submission_id: Mapped[str] = mapped_column(String(36), index=True)
    answer: Mapped[str] = mapped_column(String(200))
    correct: Mapped[bool] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return (
            f"<QuizAttempt user={self.user_id} {self.lesson_id}/{self.question_id} {self.correct}>"
        )


class ScenarioRun(Base):
    """One walk through a practice scenario; its steps record the path taken."""

    __tablename__ = "scenario_run"
    __table_args__ = (Index("ix_scenario_run_user_lesson", "user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    lesson_id: Mapped[str] = mapped_column(String(80))
    current_step: Mapped[str] = mapped_column(String(80))
    outcome: Mapped[str | None] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()

    steps: Mapped[list[ScenarioChoice]] = relationship(
        back_populates="run", order_by="ScenarioChoice.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return (
            f"<ScenarioRun {self.id} user={self.user_id} {self.lesson_id} at {self.current_step}>"
        )


class ScenarioChoice(Base):
    """A choice made at one step of a scenario run."""

    __tablename__ = "scenario_choice"
    # The n-th choice of a run is made once: a double tap cannot take a step twice (0007).
    # The step id alone is not enough: a scenario may lead back to a step it showed before.
    __table_args__ = (UniqueConstraint("run_id", "position", name="uq_scenario_choice_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("scenario_run.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column()  # 1 for the run's first choice, 2 for the next …
    choice_index: Mapped[int] = mapped_column()
    next_step: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    run: Mapped[ScenarioRun] = relationship(back_populates="steps")

    def __repr__(self) -> str:
        return f"<ScenarioChoice run={self.run_id} {self.step_id}#{self.choice_index}>"


class LessonTrouble(Base):
    """Kept on write: one learner's failed presses of "Check" on one lesson, and whether the
    lesson is done. Rows exist for lessons with at least one failed press.

    The early warning's "stuck" and the mentor's trouble list read this instead of grouping
    every wrong answer of the programme. learnapp/rollups.py recomputes a row from the answers
    and the progress whenever a flush touches them, and rebuilds the table after bulk loads;
    tests/test_rollups.py compares it with the computation over every answer.
    """

    __tablename__ = "lesson_trouble"
    __table_args__ = (
        # The open trouble only: at least two failed presses and not done (migration 0012).
        Index(
            "ix_lesson_trouble_open",
            "user_id",
            postgresql_where=text("failed_checks >= 2 AND completed IS false"),
            sqlite_where=text("failed_checks >= 2 AND completed IS 0"),
        ),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    lesson_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    failed_checks: Mapped[int] = mapped_column()
    last_failed_at: Mapped[datetime] = mapped_column()
    completed: Mapped[bool] = mapped_column(default=False)


class ActiveMonth(Base):
    """Kept on write: the months (on the centre's clock) in which a person opened or finished
    a lesson, answered a self-check or, as a learner, met their mentor, with the lessons they
    completed in it: the monthly report's "active learners" and "lessons completed" read one
    month's rows instead of every learner's activity.
    learnapp/rollups.py recomputes a (person, month) whenever a flush touches its rows."""

    __tablename__ = "active_month"
    __table_args__ = (Index("ix_active_month_month_user", "month", "user_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "2026-11"
    lessons_completed: Mapped[int] = mapped_column(default=0)  # completed_at in this month
