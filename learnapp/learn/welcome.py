"""The first visit: a welcome page for visitors, a welcome card on a new learner's home."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template
from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from learnapp.models import Pairing, User


def welcome_page() -> str:
    """What this is, who runs it, that nothing can break, how to sign in with the card."""
    return render_template("learn/welcome.html", operator=current_app.config["OPERATOR_NAME"])


@dataclass(frozen=True)
class WelcomeCard:
    mentor_name: str | None  # None: not paired yet


def welcome_card(session: Session, learner: User, progress: dict[str, Row]) -> WelcomeCard | None:
    """Shown until the learner has finished a first lesson; one query, and only until then."""
    if any(row.completed_at is not None for row in progress.values()):
        return None
    mentor_name = session.scalars(
        select(User.display_name)
        .join(Pairing, Pairing.mentor_id == User.id)
        .where(Pairing.learner_id == learner.id, Pairing.ended_at.is_(None))
        .limit(1)
    ).first()
    return WelcomeCard(mentor_name)
