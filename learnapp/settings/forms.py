"""Preferences form: text size, contrast, language, read-aloud speed."""

from typing import Any

from flask_babel import format_percent
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp

from learnapp.i18n import LANGUAGE_NAMES
from learnapp.models import CONTRASTS, TEXT_SIZES
from learnapp.models.people import SPEECH_RATES


class PreferencesForm(FlaskForm):
    text_size = RadioField(
        _l("Text size"),
        # Choices with labels in the reader's own way of writing a percentage (__init__).
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

    # Mentors only (the view drops it for others): where a new help request is announced.
    email = EmailField(
        _l("Your e-mail address (optional)"),
        validators=[
            Optional(),
            Length(max=254, message=_l("Please write at most %(max)d characters.")),
            Regexp(
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                message=_l("This does not look like an e-mail address, e.g. name@example.org."),
            ),
        ],
        filters=[lambda text: text.strip() if text else text],
    )

    def __init__(self, languages: tuple[str, ...], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "175 %" in German, "175%" in English, "%175" in Turkish.
        self.text_size.choices = [
            SelectChoice(str(size), format_percent(size / 100)) for size in TEXT_SIZES
        ]
        self.language.choices = [
            SelectChoice(code, LANGUAGE_NAMES.get(code, code)) for code in languages
        ]
