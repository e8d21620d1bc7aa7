"""The password policy: long enough, not a common password, not the username. No other rules.

Composition rules ("one digit, one capital") trouble older people and do not make passwords
stronger; a minimum length and a list of passwords that attackers try first do. The list ships
with the project (`common_passwords.txt`): no password ever leaves the server for a look-up.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from wtforms import Field, Form, ValidationError

MIN_LENGTH = 8
MAX_LENGTH = 200  # long enough for any password manager, short enough to hash quickly
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "common_passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lower-cased; lines starting with # are comments."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().casefold() for line in lines if line.strip() and not line.startswith("#")
    )


def password_problem(password: str, username: str | None = None) -> str | None:
    """What is wrong with a new password, in plain words; None when it is fine."""
    if len(password) < MIN_LENGTH:
        return _(
            "Please choose a password with at least %(min)s characters. "
            "A short sentence or three words you remember are good.",
            min=MIN_LENGTH,
        )
    if len(password) > MAX_LENGTH:
        return _("Please choose a password with at most %(max)s characters.", max=MAX_LENGTH)
    folded = password.strip().casefold()
    if username and folded == username.strip().casefold():
        return _("The password must not be the same as the username. Please choose another one.")
    if folded in common_passwords():
        return _(
            "Many people use this password, so it is easy to guess. "
            "Please choose another one, for example three words you remember."
        )
    return None


class AcceptablePassword:
    """WTForms validator using password_problem; the username comes from a field or a callable.

    `AcceptablePassword()` checks length and the common list; `AcceptablePassword("username")`
    also refuses the value of the form's `username` field; `AcceptablePassword(lambda form:
    user.username)` takes the username from anywhere.
    """

    def __init__(self, username: str | None | object = None) -> None:
        self.username = username

    def _username(self, form: Form) -> str | None:
        if callable(self.username):
            return self.username(form)
        if isinstance(self.username, str) and self.username in form:
            return form[self.username].data
        return None

    def __call__(self, form: Form, field: Field) -> None:
        problem = password_problem(field.data or "", username=self._username(form))
        if problem:
            raise ValidationError(problem)
