"""Preferences form: text size, contrast, language, read-aloud speed."""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from learnapp.i18n import LANGUAGE_NAMES
from learnapp.models import CONTRASTS, TEXT_SIZES
from learnapp.models.people import SPEECH_RATES


class PreferencesForm(FlaskForm):
    text_size = RadioField(
        _l("Text size"),
        choices=[SelectChoice(str(size), f"{size} %") for size in TEXT_SIZES],
        validators=[InputRequired(_l("Please choose a text size."))],
    )
    contrast = RadioField(
        _l("Contrast"),
        choices=[
            SelectChoice(value, label)
            for value, label in zip(
                CONTRASTS, (_l("Normal"), _l("High contrast: light text on black")), strict=True
            )
        ],
        validators=[InputRequired(_l("Please choose a contrast."))],
    )
    language = RadioField(
        _l("Language"),
        validators=[InputRequired(_l("Please choose a language."))],
    )
    # Optional: a form without it (an older page, a script) keeps the stored speed.
    speech_rate = RadioField(
        _l("Reading speed of “Read aloud”"),
        choices=[
            SelectChoice(str(rate), label)
            for rate, label in zip(
                SPEECH_RATES, (_l("Slow"), _l("Normal"), _l("Fast")), strict=True
            )
        ],
        validators=[Optional()],
    )

    def __init__(self, languages: tuple[str, ...], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = [
            SelectChoice(code, LANGUAGE_NAMES.get(code, code)) for code in languages
        ]
