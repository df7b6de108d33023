"""The questionnaire definition, under its long-standing name: the model
(model.py: the dataclasses, the file format's vocabulary, word counts) and the loader
(loader.py: read and check a file). Kept as a facade so that every
`from intake.questionnaire.schema import ...`, here and in branches not merged yet,
keeps working; new code may import from model.py or loader.py directly.
"""

from __future__ import annotations

from .loader import (
    DEFAULT_MAX_LENGTH,
    HARD_MAX_LENGTH,
    MAX_COST,
    MAX_POINTS,
    load_questionnaire,
    parse_questionnaire,
)
from .model import (
    ANSWER_SECONDS,
    CHOICE_TYPES,
    DIMENSIONS,
    PLACEHOLDER_PATTERN,
    PLACEHOLDERS,
    READING_WPM,
    ROLES,
    SCALE_VALUES,
    STEP_SECONDS,
    TEXT_TYPES,
    TYPES,
    Band,
    Choice,
    Condition,
    Question,
    Questionnaire,
    Rule,
    Scoring,
    Step,
    fill_questionnaire,
    fill_text,
    reading_seconds,
    seconds_for,
    word_count,
)

__all__ = [
    "ANSWER_SECONDS",
    "CHOICE_TYPES",
    "DEFAULT_MAX_LENGTH",
    "DIMENSIONS",
    "HARD_MAX_LENGTH",
    "MAX_COST",
    "MAX_POINTS",
    "PLACEHOLDERS",
    "PLACEHOLDER_PATTERN",
    "READING_WPM",
    "ROLES",
    "SCALE_VALUES",
    "STEP_SECONDS",
    "TEXT_TYPES",
    "TYPES",
    "Band",
    "Choice",
    "Condition",
    "Question",
    "Questionnaire",
    "Rule",
    "Scoring",
    "Step",
    "fill_questionnaire",
    "fill_text",
    "load_questionnaire",
    "parse_questionnaire",
    "reading_seconds",
    "seconds_for",
    "word_count",
]
