"""The CSV export: its columns, and cells a spreadsheet will not run as formulas."""

from __future__ import annotations

from ..models import Submission

CSV_HEADER = [
    "id",
    "submitted",
    "name",
    "business",
    "email",
    "overall",
    "fit",
    "chemistry",
    "boundaries",
    "verdict",
    "red flags",
    "package",
    "status",
    "questionnaire version",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_cells(s) -> list[str]:
    """One CSV line's cells from a row of queries.EXPORT_COLUMNS (or a Submission)."""
    return [
        neutralise(v)
        for v in (
            s.id,
            s.submitted_at.strftime("%Y-%m-%d %H:%M") if s.submitted_at else "",
            s.name,
            s.business,
            s.email,
            s.overall,
            s.fit,
            s.chemistry,
            s.boundaries,
            s.verdict,
            s.flag_count,
            s.package_override or s.package_name or "",
            Submission.label_of_status(s.status),
            s.questionnaire_version,
        )
    ]
