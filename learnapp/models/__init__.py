"""Models, one module per domain; imported here so the metadata knows every table."""

from learnapp.models.base import Base
from learnapp.models.form_keys import FormKey
from learnapp.models.learning import (
    ActiveMonth,
    LessonTrouble,
    Progress,
    QuizAttempt,
    ScenarioChoice,
    ScenarioRun,
)
from learnapp.models.mentoring import (
    PLACES,
    AuditEntry,
    CoordinatorCentre,
    HelpRequest,
    Pairing,
    TandemSession,
)
from learnapp.models.people import CONTRASTS, TEXT_SIZES, Centre, User
from learnapp.models.warnings import WarningDismissal

__all__ = [
    "ActiveMonth",
    "PLACES",
    "AuditEntry",
    "Base",
    "CoordinatorCentre",
    "FormKey",
    "HelpRequest",
    "LessonTrouble",
    "Pairing",
    "TandemSession",
    "CONTRASTS",
    "TEXT_SIZES",
    "Centre",
    "Progress",
    "QuizAttempt",
    "ScenarioChoice",
    "ScenarioRun",
    "User",
    "WarningDismissal",
]
