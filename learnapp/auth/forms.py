"""Sign-in, second-factor and change-password forms. Paste and password managers are welcome."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from learnapp.auth.passwords import MAX_LENGTH, AcceptablePassword


class LoginForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[InputRequired(_l("Please enter your username.")), Length(max=80)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Please enter your password.")), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class CodeForm(FlaskForm):
    """Six digits from the authenticator app."""

    code = StringField(
        _l("Code from your app"),
        validators=[
            InputRequired(_l("Please enter the six digits from your app.")),
            Length(max=20),
        ],
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "autocapitalize": "none",
            "spellcheck": "false",
        },
    )


class EnableTwoFactorForm(CodeForm):
    """Turning the second step on: the password again (a borrowed session cannot do it)."""

    current_password = PasswordField(
        _l("Your password"),
        validators=[
            InputRequired(_l("Please enter your password.")),
            Length(max=MAX_LENGTH),
        ],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    """Current password (unless a mentor just set a temporary one), the new one twice."""

    current_password = PasswordField(
        _l("Your current password"),
        validators=[
            InputRequired(_l("Please enter your current password.")),
            Length(max=MAX_LENGTH),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[InputRequired(_l("Please enter a new password."))],
        render_kw={"autocomplete": "new-password"},
    )
    new_password_again = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(_l("Please enter the new password a second time.")),
            EqualTo(
                "new_password", _l("The two new passwords are not the same. Please try again.")
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, username: str, need_current: bool = True) -> None:
        super().__init__()
        self.new_password.validators = [
            *self.new_password.validators,
            AcceptablePassword(lambda _form: username),
        ]
        if not need_current:
            del self["current_password"]
