"""Not a fit: the reason in a sentence, what decided the verdict, and the kinds of
other service that suit the prospect, read by the roles and `means` markers of the
questionnaire file. Pure code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..questionnaire.gaps import Gap
from ..questionnaire.schema import Questionnaire
from ..questionnaire.scoring import Assessment
from .facts import meaning
from .plan import VerdictReason

_WEAKEST_REASON = {
    "fit": "The answers point to occasional or task-by-task help rather than the "
    "ongoing monthly partnership the practice offers",
    "chemistry": "The answers describe a way of working that leaves little room for "
    "the collaborative partnership the practice offers",
    "boundaries": "The answers expect more than the practice's working standards can "
    "sustain",
}


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def not_fit_reason(assessment: Assessment, questionnaire: Questionnaire) -> str:
    knockouts = assessment.knockouts
    if knockouts:
        return " ".join(_sentence(f.reason) for f in knockouts)
    weakest = (
        min(sorted(assessment.scores), key=lambda d: assessment.scores[d])
        if assessment.scores
        else "fit"
    )
    base = _WEAKEST_REASON.get(weakest, _WEAKEST_REASON["fit"])
    threshold = questionnaire.scoring.possible_fit
    text = (
        f"{base} (overall score {assessment.overall}, below the {threshold} needed "
        "for a possible fit)."
    )
    if assessment.flags:
        text += " " + _sentence(assessment.flags[0].reason)
    return text


# Other kinds of service for someone the practice is not right for, matched to what
# they asked for: (kind, the roles whose red flag calls for it, the idea). A knockout
# flag on the engagement (one project) calls for "project"; any other flag on those
# roles for the rest. "any" is always suggested.
PROJECT, OCCASIONAL, INSTRUCTIONS, ANY = "project", "occasional", "instructions", "any"


_ALTERNATIVES = (
    (
        PROJECT,
        "For a single piece of work, a project-based freelancer or project "
        "administrator hired for the length of the project, with a clear brief and an "
        "end date.",
    ),
    (
        OCCASIONAL,
        "For tasks now and then, an a la carte secretarial service or a pay-as-you-go "
        "virtual assistant, who books and bills by the task, so you only pay when "
        "something comes up.",
    ),
    (
        INSTRUCTIONS,
        "If you would like someone to follow clear instructions, a task-based "
        "secretarial or typing service is built exactly for that.",
    ),
    (
        ANY,
        "A local business-support network or small-business centre can often point "
        "you to trusted providers nearby.",
    ),
)


# flagged answers (role, what the choice means) that describe one project, or wanting
# someone to carry out instructions; any other flag on the roles below means occasional
# help
_PROJECT_ANSWERS = {("engagement", "project"), ("work_mix", "project")}


_INSTRUCTION_ANSWERS = {("stance", "instructions")}


_OCCASIONAL_ROLES = {"engagement", "need_regularity", "handover"}


def alternatives(kinds: tuple[str, ...]) -> tuple[str, ...]:
    """Kinds of service that may suit someone not looking for a partnership."""
    return tuple(idea for kind, idea in _ALTERNATIVES if kind in kinds)


def referral_kinds(
    questionnaire: Questionnaire, answers: Mapping[str, Any], assessment: Assessment
) -> tuple[str, ...]:
    """Which kinds of other service suit what this prospect asked for."""
    flagged = set(_flagged(questionnaire, answers, assessment))
    kinds = []
    if flagged & _PROJECT_ANSWERS:
        kinds.append(PROJECT)
    elif any(role in _OCCASIONAL_ROLES for role, _ in flagged):
        kinds.append(OCCASIONAL)
    if flagged & _INSTRUCTION_ANSWERS or any(r == "partner_kind" for r, _ in flagged):
        kinds.append(INSTRUCTIONS)
    return (*kinds, ANY)


def _flagged(
    questionnaire: Questionnaire, answers: Mapping[str, Any], assessment: Assessment
) -> dict[tuple[str | None, str], Any]:
    """Each red flag by (the role of its question, what the choice means)."""
    roles = {q.id: q.role for q in questionnaire.questions if q.role}
    return {
        (
            roles.get(f.question_id),
            meaning(questionnaire, f.question_id, answers.get(f.question_id)),
        ): f
        for f in assessment.flags
    }


# which answers decide which kind of letter: (role, what the choice means) -> kind
_DECIDING = {
    ("engagement", "project"): "project",
    ("work_mix", "project"): "project",
    ("engagement", "occasional"): "occasional",
    ("engagement", "tasks"): "tasks",
    ("stance", "instructions"): "stance",
    ("stance", "hands_off"): "stance",
}


_KIND_ORDER = ("project", "occasional", "tasks", "stance")


# the gaps that make the expectations letter (budget and hours are no expectation
# of how we work)
_EXPECTATION_TOPICS = {
    "reply_time",
    "hours",
    "weekends",
    "channels",
    "scope",
    "cadence",
}


def _difference(gap: Gap) -> str:
    """'You said “Within the hour”; we reply within 1 business day.'"""
    ours = gap.to_agree.split(". ")[0].rstrip(".")
    return f"You said {gap.said}; {ours[0].lower()}{ours[1:]}."


def verdict_reason(
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    assessment: Assessment,
    gaps: tuple[Gap, ...],
) -> VerdictReason:
    """What decided the verdict: a project, occasional help, tasks one at a time,
    the stance, or expectations that differ from the practice's standards."""
    flagged = _flagged(questionnaire, answers, assessment)
    kinds = {_DECIDING[k]: k for k in flagged if k in _DECIDING}
    knocked = [
        _DECIDING[k] for k, f in flagged.items() if f.knockout and k in _DECIDING
    ]
    weakest = (
        min(sorted(assessment.scores), key=lambda d: assessment.scores[d])
        if assessment.scores
        else "fit"
    )
    differences = tuple(
        _difference(g) for g in gaps if g.topic in _EXPECTATION_TOPICS and g.said
    )
    if knocked:
        kind = knocked[0]
    elif weakest == "boundaries" and differences:
        return VerdictReason("expectations", differences=differences, talk=True)
    elif weakest == "chemistry" and "stance" in kinds:
        kind = "stance"
    else:
        kind = next((k for k in _KIND_ORDER if k in kinds), "")
    if not kind:
        if differences:
            return VerdictReason("expectations", differences=differences, talk=True)
        return VerdictReason("fit", talk=True)
    stance = kinds[kind][1] if kind == "stance" else ""
    return VerdictReason(
        kind, stance=stance, differences=differences, talk=kind in ("tasks", "stance")
    )
