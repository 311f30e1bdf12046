"""Time limits of the review chain in working days: when the institution's appeal (申诉) is due, and overdue cases.

Working days are Monday to Friday, less the public holidays the settings list
(``[case] holidays``), plus weekend days made working days (``[case] workdays``,
调休). China's calendar changes every year, so the dates are settings, not code.
"""

from __future__ import annotations

from datetime import date, timedelta

from graphfraud.config import CaseSettings


def is_working_day(day: date, settings: CaseSettings = CaseSettings()) -> bool:
    iso = day.isoformat()
    if iso in settings.workdays:
        return True
    return day.weekday() < 5 and iso not in settings.holidays


def add_working_days(start: date, days: int, settings: CaseSettings = CaseSettings()) -> date:
    """The day ``days`` working days after ``start`` (the start day itself not counted)."""
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, settings):
            left -= 1
    return day


def appeal_due(entered: date, settings: CaseSettings = CaseSettings()) -> date:
    """The last day for the institution's appeal of a case that entered the appeal step on ``entered``."""
    return add_working_days(entered, settings.appeal_working_days, settings)


def overdue(status: str, due: str | None, today: date) -> bool:
    """Whether a case waits in the appeal step past its deadline (``due`` an ISO date)."""
    if status != "appeal" or not due:
        return False
    try:
        return today > date.fromisoformat(str(due)[:10])
    except ValueError:
        return False
