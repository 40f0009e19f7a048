"""Working days on China's official calendar: Monday to Friday, except statutory holidays, plus
the weekend days worked in exchange (调休). The exceptions are the `OfficialDay` table, seeded
from chinese-calendar and editable by administrators; a year not in `CalendarYear` has no data,
and nothing is counted across it."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _

from .models import CalendarYear, OfficialDay


class CalendarMissing(Exception):
    """The window reaches a year whose holidays have not been entered."""

    def __init__(self, year: int) -> None:
        super().__init__(year)
        self.year = year
        self.message = _(
            "%(year)s年的法定节假日和调休安排尚未录入，无法计算工作日。"
            "请管理员先在管理后台录入该年的节假日后再发布公示。"
        ) % {"year": year}


def window_end(start: date, working_days: int) -> date:
    """The last day of a window of `working_days` working days beginning on `start` (counting
    from the first working day on or after it)."""
    covered = set(CalendarYear.objects.values_list("year", flat=True))
    # Generous: the longest official holiday is eight days, and there are two a quarter at most.
    horizon = start + timedelta(days=working_days * 3 + 30)
    exceptions = dict(
        OfficialDay.objects.filter(date__gte=start, date__lte=horizon).values_list(
            "date", "is_working_day"
        )
    )
    day, counted = start, 0
    while True:
        if day.year not in covered:
            raise CalendarMissing(day.year)
        if exceptions.get(day, day.weekday() < 5):
            counted += 1
            if counted == working_days:
                return day
        day += timedelta(days=1)
