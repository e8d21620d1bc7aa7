"""Early warnings a coordinator has looked at and put aside, with the reason why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from learnapp.models.base import Base, utcnow


class WarningDismissal(Base):
    """One kind of warning about one person, put aside at `dismissed_at`.

    The warning stays away until something newer happens to that person (see
    learnapp/coordinate/warnings.py); a later dismissal of the same warning replaces this row,
    the audit log keeps every one.
    """

    __tablename__ = "warning_dismissal"
    __table_args__ = (UniqueConstraint("user_id", "kind", name="uq_warning_dismissal_user_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(20))
    dismissed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    dismissed_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<WarningDismissal user={self.user_id} {self.kind} {self.reason}>"
