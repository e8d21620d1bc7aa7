"""Forms of the mentor area: planning and recording tandem sessions, help, passwords."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from learnapp.clock import FIRST, SECOND, AmbiguousLocalTime, NonExistentLocalTime, to_utc
from learnapp.form_keys import FormKeyField
from learnapp.models import PLACES

NOTES_LIMIT = 4000
# Shared notes go on the summary the learner takes home, in large print on at most two A4
# pages with a full agenda and next steps (tests/browser/test_summary_print.py).
SHARED_NOTES_LIMIT = 2000
NEXT_STEPS_LIMIT = 1000


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of big checkboxes instead of a multi-select box."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PlanSessionForm(FlaskForm):
    learner = SelectField(
        _l("Learner"), coerce=int, validators=[InputRequired(_l("Please choose a learner."))]
    )
    date = DateField(_l("Date"), validators=[InputRequired(_l("Please enter a date."))])
    time = TimeField(_l("Time"), validators=[InputRequired(_l("Please enter a time."))])
    planned_minutes = IntegerField(
        _l("Planned length in minutes"),
        default=60,
        validators=[
            InputRequired(_l("Please enter the length in minutes.")),
            NumberRange(15, 240, _l("Please enter between 15 and 240 minutes.")),
        ],
    )
    place = RadioField(
        _l("Place"),
        default=PLACES[0],
        choices=[
            SelectChoice(value, label)
            for value, label in zip(PLACES, (_l("At the centre"), _l("By phone")), strict=True)
        ],
        validators=[InputRequired(_l("Please choose a place."))],
    )
    agenda = CheckboxListField(_l("Lessons to work on"), validators=[Optional()])
    form_key = FormKeyField()  # a second copy of the form shows the session the first planned
    # Asked only for a time that happens twice (the night the clocks go back).
    fold = RadioField(
        _l("Which of the two times do you mean?"),
        choices=[
            SelectChoice(str(FIRST), _l("The first time (still summer time)")),
            SelectChoice(str(SECOND), _l("The second time (already winter time)")),
        ],
        validators=[Optional()],
    )
    ask_fold = False  # shown by the template when the time given happens twice
    starts_at: datetime | None = None  # the instant (naive UTC), once the form is valid

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """The date and time on the centre's clock must name exactly one moment."""
        ok = super().validate(extra_validators)
        if not ok or self.date.data is None or self.time.data is None:
            return False
        local = datetime.combine(self.date.data, self.time.data)
        fold = int(self.fold.data) if self.fold.data in (str(FIRST), str(SECOND)) else None
        try:
            self.starts_at = to_utc(local, fold)
        except NonExistentLocalTime:
            self.time.errors = [
                *self.time.errors,
                str(
                    _l(
                        "On this night the clocks go forward from 2:00 to 3:00, so %(time)s "
                        "does not exist. Please choose another time, for example %(later)s.",
                        time=local.strftime("%H:%M"),
                        later=local.replace(hour=local.hour + 1).strftime("%H:%M"),
                    )
                ),
            ]
            return False
        except AmbiguousLocalTime:
            self.ask_fold = True
            self.fold.errors = [
                *self.fold.errors,
                str(
                    _l(
                        "On this night the clocks go back from 3:00 to 2:00, so %(time)s "
                        "happens twice. Please choose which one you mean.",
                        time=local.strftime("%H:%M"),
                    )
                ),
            ]
            return False
        self.ask_fold = _doubled(local)  # still asked if the page comes back (say, a clash)
        return True


def _doubled(local: datetime) -> bool:
    """Whether this time on the centre's clock happens twice (to keep showing the choice)."""
    try:
        to_utc(local)
    except AmbiguousLocalTime:
        return True
    return False


class RecordSessionForm(FlaskForm):
    took_place = RadioField(
        _l("Did the session take place?"),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        validators=[InputRequired(_l("Please say whether the session took place."))],
    )
    length_minutes = IntegerField(
        _l("Length in minutes"),
        validators=[Optional(), NumberRange(5, 480, _l("Please enter between 5 and 480 minutes."))],
    )
    notes = TextAreaField(
        _l("Notes"),
        validators=[Length(max=NOTES_LIMIT, message=_l("Please keep the notes shorter."))],
    )
    notes_shared = BooleanField(_l("Share the notes with the learner"))
    next_steps = TextAreaField(
        _l("Next steps for the learner (shown on their start page)"),
        validators=[
            Length(max=NEXT_STEPS_LIMIT, message=_l("Please keep the next steps shorter."))
        ],
    )

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        ok = super().validate(extra_validators)
        if self.took_place.data == "yes" and not self.length_minutes.data:
            self.length_minutes.errors = [
                *self.length_minutes.errors,
                str(_l("Please enter how long the session was.")),
            ]
            return False
        if self.notes_shared.data and len(self.notes.data or "") > SHARED_NOTES_LIMIT:
            self.notes.errors = [
                *self.notes.errors,
                gettext(
                    "Notes you share go on the learner's printed summary: please keep them "
                    "under %(limit)s characters, or do not share them.",
                    limit=format_decimal(SHARED_NOTES_LIMIT),
                ),
            ]
            return False
        return ok
