"""People: centres and user accounts with their preferences."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import Dialect, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator
from werkzeug.security import check_password_hash, generate_password_hash

from learnapp.auth import sealed
from learnapp.models.base import Base, utcnow

TEXT_SIZES = (100, 125, 150, 175, 200)
# Werkzeug's strong default; the test suite swaps in a fast method to stay quick.
PASSWORD_HASH_METHOD = "scrypt"
CONTRASTS = ("normal", "high")
# "Read aloud" speed in percent of the voice's normal rate (slow, normal, fast).
SPEECH_RATES = (75, 100, 125)


class SealedString(TypeDecorator[str]):
    """A string column whose values the database only ever sees encrypted.

    The key comes from the running app's SECRET_KEY (and SECRET_KEY_FALLBACKS to read
    values sealed before a key change), so these columns are read inside an app context.
    """

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return sealed.seal(value, current_app.config["SECRET_KEY"])

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        config = current_app.config
        keys = [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or [])]
        return sealed.unseal(value, keys)


class Centre(Base):
    __tablename__ = "centre"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    town: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="centre")

    def __repr__(self) -> str:
        return f"<Centre {self.id} {self.name!r}>"


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Set with a temporary password: it works until then. The first sign-in with it moves this
    # to that moment, so it never works a second time; choosing an own password clears it.
    password_expires_at: Mapped[datetime | None] = mapped_column()
    # Advanced by sign-out and password changes so old cookies stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    # A second factor (TOTP) for coordinators and admins: the shared secret, and the last
    # time step used, so a code that was seen once cannot be replayed.
    # The secret is stored encrypted (auth/sealed.py); this attribute reads and writes it plain.
    totp_secret: Mapped[str | None] = mapped_column(SealedString(255))
    totp_last_step: Mapped[int | None] = mapped_column()

    # Preferences follow the person to any tablet: applied by the server on every page.
    locale: Mapped[str | None] = mapped_column(String(10))
    text_size: Mapped[int] = mapped_column(default=TEXT_SIZES[0])
    contrast: Mapped[str] = mapped_column(String(10), default=CONTRASTS[0])
    speech_rate: Mapped[int] = mapped_column(default=SPEECH_RATES[1], server_default="100")
    # Optional, mentors only: where a new help request is announced (when the operator set up
    # mail). Learners are never asked for one.
    email: Mapped[str | None] = mapped_column(String(254))

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    last_active_at: Mapped[datetime | None] = mapped_column()
    # Set when a coordinator deleted the person: the row stays, anonymised, for the reports.
    deleted_at: Mapped[datetime | None] = mapped_column()

    centre: Mapped[Centre | None] = relationship(back_populates="users")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_HASH_METHOD)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # Flask-Login protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r} {self.role}>"


class LoginCounter(Base):
    """Failed sign-ins per username or address, when the throttle counts in the database."""

    __tablename__ = "login_counter"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column(index=True)

    def __repr__(self) -> str:
        return f"<LoginCounter {self.key!r} {self.count} until {self.expires_at}>"
