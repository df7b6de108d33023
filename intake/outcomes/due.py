"""When a won client's next check-in is due (pure)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection

from .report import CHECKPOINTS


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day `months` later; the month's last day when it has no such day."""
    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def due_check_in(
    won_at: dt.datetime,
    recorded: Collection[int],
    now: dt.datetime,
    *,
    ended: bool = False,
) -> tuple[int, dt.datetime] | None:
    """(months, date) of the check-in to record now, or None.

    It is the latest check-in whose date has passed, unless that one or a later one is
    recorded: a missed 3-month check-in is not asked for once the 6-month one is due.
    Nothing is due after a relationship that ended early."""
    if ended:
        return None
    passed = [(m, add_months(won_at, m)) for m in CHECKPOINTS]
    passed = [(m, at) for m, at in passed if at <= now]
    if not passed:
        return None
    months, at = passed[-1]
    if any(r >= months for r in recorded):
        return None
    return months, at
