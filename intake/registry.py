"""The active questionnaire, loaded once at start-up, and the stored older versions."""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import QuestionnaireSnapshot
from .questionnaire.schema import Questionnaire, load_questionnaire, parse_questionnaire

log = logging.getLogger(__name__)
_KEY = "intake.questionnaire"
_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """Load and check the definition; DefinitionError propagates with a clear message."""
    questionnaire = load_questionnaire(app.config["QUESTIONNAIRE_PATH"])
    app.extensions[_KEY] = {"active": questionnaire, "by_digest": {}, "stored": set()}


def active() -> Questionnaire:
    return current_app.extensions[_KEY]["active"]


def for_digest(digest: str) -> Questionnaire | None:
    """The questionnaire a submission was answered under (parsed once per process)."""
    state = current_app.extensions[_KEY]
    if digest == state["active"].digest:
        return state["active"]
    found = state["by_digest"].get(digest)
    if found is None:
        snapshot = db.session.get(QuestionnaireSnapshot, digest)
        if snapshot is None:
            return None
        found = parse_questionnaire(
            snapshot.source, source=f"stored questionnaire {snapshot.version}"
        )
        with _lock:
            state["by_digest"][digest] = found
    return found


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
