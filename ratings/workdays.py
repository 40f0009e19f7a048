"""Working days on China's official calendar: Monday to Friday, except statutory holidays, plus
the weekend days worked in exchange (调休). The exceptions are the `OfficialDay` table, seeded
from chinese-calendar and editable by administrators; a year not in `CalendarYear` has no data,
and nothing is counted across it."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _

from .choices import CalendarSource
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


# The names chinese-calendar gives its holidays, as the State Council's notices call them.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def calendar_add_missing_years() -> list[int]:
    """Add the years chinese-calendar covers that the table does not hold yet, with their
    holidays on weekdays and their swapped working days; which years were added. A year
    already there is left as it is, edits included."""
    from chinese_calendar import holidays, workdays

    have = set(CalendarYear.objects.values_list("year", flat=True))
    years = sorted(({day.year for day in holidays} | {day.year for day in workdays}) - have)
    if not years:
        return []
    wanted = set(years)

    def name(english: str) -> str:
        return HOLIDAY_NAMES.get(english, english)[:30]

    OfficialDay.objects.bulk_create(
        [
            OfficialDay(date=day, is_working_day=False, name=name(holiday))
            for day, holiday in holidays.items()
            # Weekend days inside a holiday are rest days anyway.
            if day.year in wanted and day.weekday() < 5
        ]
        + [
            OfficialDay(date=day, is_working_day=True, name=name(holiday))
            for day, holiday in workdays.items()
            if day.year in wanted
        ],
        ignore_conflicts=True,
    )
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=year, source=CalendarSource.PACKAGE) for year in years]
    )
    return years
