"""The active questionnaire, loaded once at start-up, and the stored older versions."""

from __future__ import annotations

import logging

from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from .cache import Cache
from .extensions import db
from .models import QuestionnaireSnapshot
from .questionnaire.answers import allow_test_domains
from .questionnaire.schema import Questionnaire, load_questionnaire, parse_questionnaire

log = logging.getLogger(__name__)
_KEY = "intake.questionnaire"
# older versions, parsed on first use; a stored version never changes
_older = Cache("questionnaires", maxsize=64)


def init_app(app: Flask) -> None:
    """Load and check the definition; DefinitionError propagates with a clear message."""
    allow_test_domains(not app.config["IS_PRODUCTION"])
    questionnaire = load_questionnaire(app.config["QUESTIONNAIRE_PATH"])
    app.extensions[_KEY] = {"active": questionnaire, "stored": set()}


def active() -> Questionnaire:
    return current_app.extensions[_KEY]["active"]


def for_digest(digest: str) -> Questionnaire | None:
    """The questionnaire a submission was answered under (parsed once per process)."""
    questionnaire = active()
    if digest == questionnaire.digest:
        return questionnaire
    return _older.get(digest, lambda: _parse_stored(digest))


def _parse_stored(digest: str) -> Questionnaire | None:
    snapshot = db.session.get(QuestionnaireSnapshot, digest)
    if snapshot is None:
        return None
    return parse_questionnaire(
        snapshot.source, source=f"stored questionnaire {snapshot.version}"
    )


def ensure_stored(questionnaire: Questionnaire) -> None:
    """Add the questionnaire's text to the database unless it is there already."""
    state = current_app.extensions[_KEY]
    if questionnaire.digest in state["stored"]:
        return
    if db.session.get(QuestionnaireSnapshot, questionnaire.digest) is not None:
        state["stored"].add(questionnaire.digest)
    else:
        try:
            with db.session.begin_nested():
                db.session.add(
                    QuestionnaireSnapshot(
                        digest=questionnaire.digest,
                        version=questionnaire.version,
                        source=questionnaire.source,
                    )
                )
        except IntegrityError:  # another process stored it first: that is fine
            log.info("questionnaire %s stored concurrently", questionnaire.version)
