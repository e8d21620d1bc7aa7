"""One-time form keys: a form that creates something creates it once, however often it is sent.

A form page carries a random key, made when the page is drawn. Sending the form stores the key
(unique in the database) in the same transaction as what it creates, together with what that
was and the page it led to. The same form sent again (a double tap, a second tab, "send again"
after Back, a resend after a lost answer) finds its key and is answered with the first one's
result instead of creating a second row.

Two copies at the same moment: on PostgreSQL the second INSERT of the key waits for the first
transaction and then fails on the unique key; on SQLite the second request waits for the write
lock (db.hold_write_lock) and then finds the stored key. Either way it reads the first result.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from wtforms import HiddenField
from wtforms.validators import ValidationError

from learnapp.db import hold_write_lock
from learnapp.models import FormKey, User

KEY_PATTERN = re.compile(r"^[0-9a-f]{32}$")
FIELD_NAME = "form_key"
ACCOUNT, TANDEM, HELP = "account", "tandem", "help"


def new_key() -> str:
    return secrets.token_hex(16)


def valid(key: str | None) -> bool:
    return bool(key and KEY_PATTERN.match(key))


class FormKeyField(HiddenField):
    """The hidden key of a form that creates something; a new one for every drawn form.

    A form sent without a usable key (a page from before keys existed, a tampered one) is not
    valid; the page drawn again carries a fresh key and says why at its top (a hidden field
    has no place for its own error).
    """

    data: str | None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(default=new_key, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        # A sent form without the field has no key (not the fresh default of a drawn form).
        self.data = valuelist[0] if valuelist else None

    def pre_validate(self, form: Any) -> None:
        if not valid(self.data):
            self.data = new_key()
            message = str(_l("This form was not complete. Please send it again."))
            flash(message, "info")
            raise ValidationError(message)


@dataclass(frozen=True)
class Result:
    """What a form created: its kind, the new row's id and the page to show for it."""

    kind: str
    created_id: int
    url: str


class KeyRefused(Exception):
    """The key belongs to another person's or another kind of form: it cannot be replayed."""


class _SentBefore(Exception):
    """Another copy of this form holds the key (committed, or committing just now)."""


def once(
    session: Session, user: User, key: str | None, kind: str, create: Callable[[], Result]
) -> tuple[Result, bool]:
    """Run `create` once per key: (its result, True) the first time; (the stored, False) after.

    Whatever `create` raises (a refusal with a kind message) takes the key back with its
    writes, so the same form can be corrected and sent again.
    """
    if key is None or not valid(key):
        raise KeyRefused("not a form key")
    hold_write_lock(session)
    stored = _stored(session, key)
    if stored is not None:
        return _replay(stored, user, kind), False
    claim = FormKey(key=key, user_id=user.id, kind=kind)
    try:
        with session.begin_nested():  # a refusal in `create` takes the claim back too
            try:
                with session.begin_nested():
                    session.add(claim)
            except IntegrityError as error:
                raise _SentBefore from error
            result = create()
            claim.created_id, claim.url = result.created_id, result.url
    except _SentBefore:
        stored = _stored(session, key)
        if stored is None:  # the key is taken, yet not readable: let the request fail
            raise
        return _replay(stored, user, kind), False
    return result, True


def _stored(session: Session, key: str) -> FormKey | None:
    return session.scalars(select(FormKey).where(FormKey.key == key)).first()


def _replay(stored: FormKey, user: User, kind: str) -> Result:
    if stored.user_id != user.id or stored.kind != kind or stored.created_id is None:
        raise KeyRefused("this key belongs to another form")
    return Result(stored.kind, stored.created_id, stored.url)
