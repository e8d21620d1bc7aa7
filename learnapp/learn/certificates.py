"""Certificates of completion: every lesson of a course done earns one, dated the last lesson."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnapp.content.model import Course
from learnapp.models import Progress, User


@dataclass(frozen=True)
class Certificate:
    """What a certificate shows, or for a course not yet finished, how far the learner is."""

    name: str
    course: Course
    done: int
    total: int
    completed_at: datetime | None  # when the last lesson was finished; None: not earned yet
    centre: str

    @property
    def earned(self) -> bool:
        return self.completed_at is not None


def certificate_for(session: Session, user: User, course: Course) -> Certificate:
    """The learner's certificate for a course (two queries: progress rows and the centre)."""
    ids = set(course.lesson_ids)
    finished = [
        row.completed_at
        for row in session.scalars(
            select(Progress).where(Progress.user_id == user.id, Progress.lesson_id.in_(ids))
        )
        if row.completed_at is not None
    ]
    earned = bool(ids) and len(finished) == len(ids)
    centre = user.centre
    return Certificate(
        name=user.display_name,
        course=course,
        done=len(finished),
        total=len(ids),
        completed_at=max(finished) if earned else None,
        centre=", ".join(part for part in (centre.name, centre.town) if part) if centre else "",
    )
