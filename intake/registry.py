"""The active questionnaire and the stored older versions.

The shipped (or instance) file is loaded and checked once at start-up; it is what new
prospects answer until a version is published from the workspace's editor. From then
on the latest published version (intake.editor.models.PublishedQuestionnaire, its text
in questionnaire_snapshot) is the active one, in every process: which one it is is
read by one small query, kept for the request on `g` and for
INTAKE_PUBLISHED_CACHE_SECONDS in the process (a publication committed in this process
clears it at once; another host may give new prospects the previous version that long),
and a version is parsed once per process.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy.exc import IntegrityError

from .cache import Cache
from .editor.models import PublishedQuestionnaire
from .extensions import db
from .models import QuestionnaireSnapshot
from .questionnaire.answers import allow_test_domains
from .questionnaire.schema import Questionnaire, load_questionnaire, parse_questionnaire

log = logging.getLogger(__name__)
_KEY = "intake.questionnaire"
# older versions, parsed on first use; a stored version never changes
_older = Cache("questionnaires", maxsize=64)
# the latest publication's digest ("" for none yet): a first visit's step page reads
# nothing else from the database, so with it kept, the page needs no connection
_published = Cache(
    "published_questionnaire",
    ttl_setting="PUBLISHED_CACHE_SECONDS",
    cleared_by=(PublishedQuestionnaire,),
    maxsize=1,
)


def init_app(app: Flask) -> None:
    """Load and check the definition; DefinitionError propagates with a clear message."""
    allow_test_domains(not app.config["IS_PRODUCTION"])
    questionnaire = load_questionnaire(app.config["QUESTIONNAIRE_PATH"])
    app.extensions[_KEY] = {"active": questionnaire, "stored": set()}


def active() -> Questionnaire:
    """The version new prospects answer: the latest published one, else the file."""
    digest = published_digest()
    if digest is not None:
        published = for_digest(digest)
        if published is not None:
            return published
    return shipped()


def shipped() -> Questionnaire:
    """The questionnaire of the file, as loaded at start-up."""
    return current_app.extensions[_KEY]["active"]


def published_digest() -> str | None:
    """The digest of the latest version published from the editor (None: the file's)."""
    if "intake_published" not in g:
        g.intake_published = _published.get("digest", _read_published) or None
    return g.intake_published


def _read_published() -> str:
    if not _has_publications_table():
        return ""
    digest = db.session.scalar(
        sa.select(PublishedQuestionnaire.digest)
        .order_by(PublishedQuestionnaire.id.desc())
        .limit(1)
    )
    return digest or ""


def _has_publications_table() -> bool:
    """False on a database not yet migrated to 0018 (the file is then the active one);
    once the table is seen, it is not looked for again."""
    state = current_app.extensions[_KEY]
    if not state.get("publications_table"):
        state["publications_table"] = sa.inspect(db.engine).has_table(
            PublishedQuestionnaire.__tablename__
        )
    return state["publications_table"]


def forget_published() -> None:
    """After a publication: the next call to active() reads it again."""
    g.pop("intake_published", None)
    _published.clear()


def for_digest(digest: str) -> Questionnaire | None:
    """The questionnaire a submission was answered under (parsed once per process)."""
    questionnaire = shipped()
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
