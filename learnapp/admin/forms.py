"""Forms of the admin area."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from learnapp.coordinate.forms import PersonFields


class CentreForm(FlaskForm):
    name = StringField(
        _l("Name of the centre"),
        validators=[InputRequired(_l("Please enter a name.")), Length(max=200)],
    )
    town = StringField(_l("Town"), validators=[Optional(), Length(max=200)])


class CoordinatorForm(PersonFields):
    """A new coordinator with their first centre."""


class AssignForm(FlaskForm):
    coordinator = SelectField(_l("Coordinator"), coerce=int, validators=[InputRequired()])
    centre = SelectField(_l("Centre"), coerce=int, validators=[InputRequired()])
