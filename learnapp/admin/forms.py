"""Forms of the admin area."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from learnapp.coordinate.forms import USERNAME_PATTERN


class CentreForm(FlaskForm):
    name = StringField(
        _l("Name of the centre"),
        validators=[InputRequired(_l("Please enter a name.")), Length(max=200)],
    )
    town = StringField(_l("Town"), validators=[Optional(), Length(max=200)])


class CoordinatorForm(FlaskForm):
    display_name = StringField(
        _l("Name"),
        validators=[InputRequired(_l("Please enter the person's name.")), Length(max=120)],
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


class AssignForm(FlaskForm):
    coordinator = SelectField(_l("Coordinator"), coerce=int, validators=[InputRequired()])
    centre = SelectField(_l("Centre"), coerce=int, validators=[InputRequired()])
