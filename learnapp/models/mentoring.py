"""The people around a learner: centres of coordinators, pairings, help, tandem sessions."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.models.base import Base, utcnow
from learnapp.models.people import Centre, User

PLACE_CENTRE = "centre"
PLACE_PHONE = "phone"
PLACES = (PLACE_CENTRE, PLACE_PHONE)


class CoordinatorCentre(Base):
    """A coordinator works for one or more centres."""

    __tablename__ = "coordinator_centre"

    coordinator_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    centre_id: Mapped[int] = mapped_column(
        ForeignKey("centre.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    def __repr__(self) -> str:
        return f"<CoordinatorCentre user={self.coordinator_id} centre={self.centre_id}>"


class Pairing(Base):
    """A mentor paired with a learner; ended pairings stay as history."""

    __tablename__ = "pairing"
    __table_args__ = (
        # At most one active mentor per learner, enforced by the database itself.
        Index(
            "uq_pairing_active_learner",
            "learner_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
        Index("ix_pairing_mentor_active", "mentor_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()
    # Kept on write (learnapp/rollups.py): the start of the newest session these two held,
    # in this pairing or an earlier one; the early warning's "quiet tandems" reads it.
    last_held_at: Mapped[datetime | None] = mapped_column()

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    learner: Mapped[User] = relationship(foreign_keys=[learner_id])

    def __repr__(self) -> str:
        state = "active" if self.ended_at is None else "ended"
        return f"<Pairing mentor={self.mentor_id} learner={self.learner_id} {state}>"


class HelpRequest(Base):
    """ "Help" pressed on a learner's page, with an optional message and the mentor's reply."""

    __tablename__ = "help_request"
    __table_args__ = (Index("ix_help_request_learner_open", "learner_id", "handled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # The lesson she asked from; both empty when the page was not a lesson (home, settings).
    course_id: Mapped[str] = mapped_column(String(80))
    lesson_id: Mapped[str] = mapped_column(String(80))
    # The app's own path of the page she asked from ("/settings"), checked before it is kept.
    origin_path: Mapped[str] = mapped_column(String(300), default="", server_default="")
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The mentor's answer in a sentence or two (optional), given when it is handled.
    reply: Mapped[str] = mapped_column(Text, default="", server_default="")
    handled_at: Mapped[datetime | None] = mapped_column()
    handled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    def __repr__(self) -> str:
        return f"<HelpRequest {self.id} learner={self.learner_id} {self.lesson_id}>"


class TandemSession(Base):
    """A planned or held meeting of a mentor and a learner."""

    __tablename__ = "tandem_session"
    __table_args__ = (
        Index("ix_tandem_session_mentor_starts", "mentor_id", "starts_at"),
        Index("ix_tandem_session_learner_starts", "learner_id", "starts_at"),
        # The last held session of a pair (early warning's quiet tandems, migration 0011).
        Index(
            "ix_tandem_session_pair_held",
            "learner_id",
            "mentor_id",
            "starts_at",
            postgresql_where=text("took_place IS true"),
            sqlite_where=text("took_place IS 1"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # The instant, naive UTC like every timestamp: planned minutes are real minutes, also across
    # the clock change. Forms and pages show it on the centre's clock (learnapp.clock).
    starts_at: Mapped[datetime] = mapped_column()
    planned_minutes: Mapped[int] = mapped_column(default=60)
    place: Mapped[str] = mapped_column(String(20), default=PLACE_CENTRE)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id", ondelete="SET NULL"))
    # Lesson ids, one per line: lessons are files, so no foreign keys.
    agenda: Mapped[str] = mapped_column(Text, default="")
    took_place: Mapped[bool | None] = mapped_column()
    length_minutes: Mapped[int | None] = mapped_column()
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_shared: Mapped[bool] = mapped_column(default=False)
    next_steps: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_at: Mapped[datetime | None] = mapped_column()

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    centre: Mapped[Centre | None] = relationship()

    @property
    def agenda_ids(self) -> list[str]:
        return [line for line in self.agenda.split("\n") if line]

    @property
    def ends_at(self) -> datetime:
        """The instant it ends (naive UTC): the start plus the minutes held or planned."""
        return self.starts_at + timedelta(minutes=self.length_minutes or self.planned_minutes)

    def __repr__(self) -> str:
        return f"<TandemSession {self.id} mentor={self.mentor_id} learner={self.learner_id}>"


class AuditEntry(Base):
    """Who looked at or changed which person's data, and when."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])

    def __repr__(self) -> str:
        return f"<AuditEntry {self.action} actor={self.actor_id} subject={self.subject_id}>"
