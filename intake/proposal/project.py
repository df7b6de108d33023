"""A client with one project and a finish date: the project they described, its end,
and the reviews that fall within it. Pure code."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from ..dates import MONTHS
from ..questionnaire.answers import visible_answers
from ..questionnaire.schema import Questionnaire
from .facts import answer_by_role, meaning, read_start_day
from .plan import ProjectFrame

_PROJECT_ROLES = ("engagement", "work_mix")
_MONTH_NAMES = re.compile(
    r"\b(" + "|".join(m.lower() for m in MONTHS) + r")\b", re.IGNORECASE
)


def _project_end(text: str, start: dt.date) -> dt.date | None:
    """The last day of the first month named in `text`, on or after the start."""
    found = _MONTH_NAMES.search(text or "")
    if found is None:
        return None
    month = [m.lower() for m in MONTHS].index(found.group(1).lower()) + 1
    year = start.year + (1 if month < start.month else 0)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def project_frame(
    questionnaire: Questionnaire, answers: Mapping[str, Any], today: dt.date
) -> ProjectFrame | None:
    """The project they described, when their answers describe one with an end."""
    shown = visible_answers(questionnaire, answers)
    is_project = any(
        meaning(questionnaire, q.id, shown.get(q.id)) == "project"
        for q in map(questionnaire.by_role, _PROJECT_ROLES)
        if q is not None
    )
    if not is_project:
        return None
    details = str(shown.get("project_details") or "").strip()
    start = read_start_day(*answer_by_role(questionnaire, shown, "start_date")) or today
    text = " ".join(
        (details, str(answer_by_role(questionnaire, shown, "needs_summary")[1]))
    )
    end = _project_end(text, max(start, today))
    words = (
        f"the end of {MONTHS[end.month - 1]} {end.year}"
        if end is not None
        else "when the project is done"
    )
    return ProjectFrame(end, words, details)


def project_cadences(project: ProjectFrame, start: dt.date) -> set[str]:
    """The reviews that fall within a project: quarterly from three months, annual
    from twelve (see schedule.py: each falls at the end of its month)."""
    if project.end is None:
        return {"weekly", "monthly"}
    months = (project.end.year - start.year) * 12 + project.end.month - start.month + 1
    return {
        "weekly",
        "monthly",
        *(("quarterly",) if months >= 3 else ()),
        *(("annual",) if months >= 12 else ()),
    }
