"""Forms of the coordinator area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp

from learnapp.access import LEARNER, MENTOR
from learnapp.display_names import DisplayName
from learnapp.form_keys import FormKeyField

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,78}$"


class PersonFields(FlaskForm):
    """Name and username of a new account (no e-mail, no phone number)."""

    display_name = StringField(
        _l("Name"),
        validators=[
            InputRequired(_l("Please enter the person's name.")),
            Length(max=120, message=_l("Please use at most 120 characters.")),
            DisplayName(),
        ],
    )
    username = StringField(
        _l("Username (leave empty to make one from the name)"),
        filters=[lambda value: value.strip().lower() if isinstance(value, str) else value],
        validators=[
            Optional(),
            Regexp(
                USERNAME_PATTERN,
                message=_l("Use 2 to 80 small letters, digits, dots or dashes, no spaces."),
            ),
        ],
    )
    centre = SelectField(_l("Centre"), coerce=int, validators=[InputRequired()])


class AccountForm(PersonFields):
    role = RadioField(
        _l("Role"),
        default=LEARNER,
        choices=[SelectChoice(LEARNER, _l("Learner")), SelectChoice(MENTOR, _l("Mentor"))],
        validators=[InputRequired(_l("Please choose a role."))],
    )
    form_key = FormKeyField()  # a second copy of the form shows the account the first made


class PairingForm(FlaskForm):
    mentor = SelectField(
        _l("Mentor"), coerce=int, validators=[InputRequired(_l("Please choose a mentor."))]
    )
    learner = SelectField(
        _l("Learner"), coerce=int, validators=[InputRequired(_l("Please choose a learner."))]
    )


class DismissForm(FlaskForm):
    reason = RadioField(
        _l("Why can this warning be put aside?"),
        validators=[InputRequired(_l("Please choose a reason."))],
    )
