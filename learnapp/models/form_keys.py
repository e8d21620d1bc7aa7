"""One-time form keys: what a form that creates something made, stored under the form's key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from learnapp.models.base import Base, utcnow


class FormKey(Base):
    """A form sent once: its random key, who sent it, and what it created.

    The unique key makes a second copy of the same form (a double tap, a second tab, "send
    again" after Back) fail in the database, so it can answer with the first one's result.
    """

    __tablename__ = "form_key"
    __table_args__ = (UniqueConstraint("key", name="uq_form_key_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # "account", "tandem", "help"
    created_id: Mapped[int | None] = mapped_column()  # the row the form created
    url: Mapped[str] = mapped_column(String(300), default="")  # the page it led to
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<FormKey {self.kind} {self.created_id} user={self.user_id}>"
