"""Forms of the learner's pages: asking for help."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length, Optional

from learnapp.form_keys import FormKeyField

HELP_MESSAGE_LIMIT = 500


class HelpForm(FlaskForm):
    message = TextAreaField(
        _l("What is difficult? (You can leave this empty.)"),
        validators=[
            Optional(),
            Length(
                max=HELP_MESSAGE_LIMIT,
                message=_l("Please write at most %(max)d characters."),
            ),
        ],
        filters=[lambda text: " ".join(text.split()) if text else ""],
        render_kw={"rows": 4, "maxlength": HELP_MESSAGE_LIMIT},
    )
    # The page "Help" was tapped on; checked again when sent (learnapp/learn/origins.py).
    origin = HiddenField()
    form_key = FormKeyField()  # a second copy of the form shows the first one's confirmation
