"""The charts of the statistics, drawn once: every chart's shapes (in its own coordinates, y
downwards as in SVG), its colours and the table of the figures it draws. The page renders them
as inline SVG (`templates/includes/chart_*.html`) and the printed report draws the same shapes
with reportlab (`ratings.reports`), so the two never disagree.

Colours are given here, as SVG presentation attributes and PDF fill colours: the site's
Content-Security-Policy forbids inline styles, not presentation attributes. Each has at least
3:1 contrast with white; lines differ in dash as well as colour, for readers who do not see
the colours apart, and every chart's figures are in the table beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import STAR_COUNT
from .statistics import DistrictStars, Trend, YearStatistics

INK = "#1d2733"
GRID = "#d5dce3"
# Series colours, each at least 5:1 on white; the top of the region tree is drawn in ink.
PALETTE = ["#1f5fa8", "#b3261e", "#2e7d32", "#6a3d9a", "#8a5a00", "#0f766e"]
DASHES = ["6 4", "2 3", "10 3 2 3", "1 0", "4 2 1 2"]
FONT_SIZE = 15  # in chart units: a 320-unit chart in a 360 px screen shows it at about 14 px


def percent(rate: float | None) -> str:
    """A rate as a percentage with one decimal; a missing rate (nothing counted) as a dash."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


@dataclass
class Table:
    """The figures a chart draws: a header, then rows whose first cell names the row."""

    caption: str
    header: list[str]
    rows: list[list[str]]
    total_last: bool = False  # the last row adds up the others


@dataclass
class Tick:
    at: float
    label: str


@dataclass
class Segment:
    x: float
    width: float
    colour: str
    name: str
    value: str


@dataclass
class BarRow:
    label: str
    value: str  # what the row's label line ends with
    y: float  # the bar's top; the label sits above it
    segments: list[Segment]
    total: bool = False


@dataclass
class Series:
    name: str
    colour: str
    dash: str
    width: float
    points: list[tuple[float, float, str] | None]  # x, y and the value, or a gap

    @property
    def runs(self) -> list[str]:
        """The line as SVG path data, broken where a year has no figure."""
        commands, pen_down = [], False
        for point in self.points:
            if point is None:
                pen_down = False
                continue
            commands.append(f"{'L' if pen_down else 'M'}{point[0]:.1f} {point[1]:.1f}")
            pen_down = True
        return " ".join(commands)

    @property
    def dots(self) -> list[tuple[float, float, str]]:
        return [point for point in self.points if point is not None]


@dataclass
class Chart:
    """One chart: `kind` is "bars" (100% stacked horizontal bars, one per row) or "lines"."""

    kind: str
    title: str
    summary: str  # the chart in a sentence, for screen readers; the table follows
    width: float
    height: float
    table: Table
    legend: list[tuple[str, str, str]] = field(default_factory=list)  # name, colour, dash
    rows: list[BarRow] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    plot: tuple[float, float, float, float] = (0, 0, 0, 0)  # left, top, right, bottom
    font_size: float = FONT_SIZE


# --------------------------------------------------------------------------------------------
# Bars


BAR_WIDTH = 320
BAR_HEIGHT = 18
ROW_HEIGHT = 52  # the label line, the bar and a gap


def _stacked(
    *,
    title: str,
    summary: str,
    bands: list[tuple[str, str]],
    rows: list[tuple[str, list[int], str, bool]],
    table: Table,
) -> Chart:
    """100% stacked bars: each row's counts as shares of its total, one band per count."""
    bars = []
    for n, (label, counts, value, total) in enumerate(rows):
        whole = sum(counts)
        x, segments = 0.0, []
        for (name, colour), count in zip(bands, counts, strict=True):
            width = BAR_WIDTH * count / whole if whole else 0.0
            if width:
                segments.append(Segment(x, width, colour, name, str(count)))
            x += width
        bars.append(BarRow(label, value, n * ROW_HEIGHT + 24, segments, total))
    return Chart(
        kind="bars",
        title=title,
        summary=summary,
        width=BAR_WIDTH,
        height=max(len(rows) * ROW_HEIGHT, ROW_HEIGHT),
        table=table,
        legend=[(name, colour, "") for name, colour in bands],
        rows=bars,
    )


def _bands(place: DistrictStars) -> list[int]:
    """Ten stars (plaque), six to nine, five or fewer (supervised guidance)."""
    counts = place.counts
    return [counts[STAR_COUNT], sum(counts[6:STAR_COUNT]), sum(counts[:6])]


def district_comparison(data: YearStatistics) -> Chart:
    """The year's communities of each district by star band, as shares, and the city."""
    bands = [(_("十星"), PALETTE[0]), (_("六至九星"), "#7a8799"), (_("五星及以下"), PALETTE[1])]
    places = [*data.districts, data.city]
    rows = [
        (
            place.region.name,
            _bands(place),
            _("十星 %(share)s") % {"share": percent(place.ten_star_share)},
            place is data.city,
        )
        for place in places
    ]
    table = Table(
        caption=_("%(year)s年度各区星级对比（个）") % {"year": data.year},
        header=[_("区域"), *(name for name, _colour in bands), _("合计"), _("十星占比")],
        rows=[
            [
                place.region.name,
                *(str(n) for n in _bands(place)),
                str(place.total),
                percent(place.ten_star_share),
            ]
            for place in places
        ],
        total_last=True,
    )
    return _stacked(
        title=_("%(year)s年度各区星级对比") % {"year": data.year},
        summary=_("条形图：%(year)s年度各区社区(村)按星级分组的占比。具体数字见下表。")
        % {"year": data.year},
        bands=bands,
        rows=rows,
        table=table,
    )


def domain_coverage(data: YearStatistics) -> Chart:
    """The year's units of each domain, city-wide: meeting the standard, assessed but not
    meeting it, not assessed; as shares of those registered."""
    bands = [
        (_("达标"), PALETTE[2]),
        (_("已测评未达标"), PALETTE[4]),
        (_("未测评"), "#7a8799"),
    ]
    rows, table_rows = [], []
    for domain, city, _districts in data.coverage:
        counts = [city.meeting, city.assessed - city.meeting, city.registered - city.assessed]
        rows.append(
            (
                domain.label,
                counts,
                _("达标 %(share)s") % {"share": percent(city.meeting_rate)},
                False,
            )
        )
        table_rows.append(
            [
                domain.label,
                str(city.registered),
                str(city.assessed),
                str(city.meeting),
                str(city.named),
                percent(city.meeting_rate),
            ]
        )
    table = Table(
        caption=_("%(year)s年度各领域创建覆盖（个）") % {"year": data.year},
        header=[_("创建领域"), _("登记"), _("已测评"), _("达标"), _("已命名"), _("达标率")],
        rows=table_rows,
    )
    return _stacked(
        title=_("%(year)s年度各领域达到创建标准的比例") % {"year": data.year},
        summary=_(
            "条形图：%(year)s年度各创建领域登记单位中达标、已测评未达标和未测评的占比。"
            "具体数字见下表。"
        )
        % {"year": data.year},
        bands=bands,
        rows=rows,
        table=table,
    )


# --------------------------------------------------------------------------------------------
# Lines


def _lines(
    *,
    title: str,
    summary: str,
    years: list[int],
    series: list[tuple[str, list[float | None], bool]],  # name, rates, drawn in ink
    table: Table,
    width: float = 320,
    height: float = 230,
) -> Chart:
    """Rates (0 to 1) per year as lines on a 0–100% scale, the years evenly spaced."""
    left, top, right, bottom = 46.0, 12.0, width - 16, height - 30
    span = right - left

    def x_of(i: int) -> float:
        return left + span / 2 if len(years) == 1 else left + span * i / (len(years) - 1)

    def y_of(rate: float) -> float:
        return bottom - (bottom - top) * max(0.0, min(1.0, rate))

    # Labels need about 44 units each: beyond that, label every k-th year (the last always).
    step = max(1, math.ceil(len(years) * 44 / span))
    x_ticks = [
        Tick(x_of(i), str(year))
        for i, year in enumerate(years)
        if i % step == 0 or i == len(years) - 1
    ]
    if len(x_ticks) > 1 and x_ticks[-1].at - x_ticks[-2].at < 40:
        del x_ticks[-2]
    y_ticks = [Tick(y_of(r / 100), f"{r}%") for r in (0, 25, 50, 75, 100)]
    drawn = []
    coloured = 0
    for name, rates, ink in series:
        if ink:
            colour, dash, line_width = INK, "", 3.0
        else:
            colour = PALETTE[coloured % len(PALETTE)]
            dash = DASHES[coloured % len(DASHES)]
            line_width = 2.0
            coloured += 1
        points = [
            None if rate is None else (x_of(i), y_of(rate), percent(rate))
            for i, rate in enumerate(rates)
        ]
        drawn.append(Series(name, colour, dash, line_width, points))
    return Chart(
        kind="lines",
        title=title,
        summary=summary,
        width=width,
        height=height,
        table=table,
        legend=[(s.name, s.colour, s.dash) for s in drawn] if len(drawn) > 1 else [],
        series=drawn,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        plot=(left, top, right, bottom),
    )


def _span(years: list[int]) -> str:
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])


def ten_star_trend(trend: Trend) -> Chart | None:
    """Each district's ten-star share year by year, and the city's (in ink, first)."""
    if not trend.places:
        return None
    # Districts first, then the city, as in every table of the page.
    places = [*trend.places[1:], trend.places[0]]
    table = Table(
        caption=_("各区十星平安社区(村)占比（十星数 / 参评数）"),
        header=[_("区域"), *(str(year) for year in trend.years)],
        rows=[
            [
                by_year[0].region.name,
                *(f"{p.ten_star} / {p.total} ({percent(p.ten_star_share)})" for p in by_year),
            ]
            for by_year in places
        ],
        total_last=True,
    )
    return _lines(
        title=_("十星平安社区(村)占比的变化"),
        summary=_("折线图：%(years)s年各区和全市十星平安社区(村)的占比。具体数字见下表。")
        % {"years": _span(trend.years)},
        years=trend.years,
        series=[
            (
                by_year[0].region.name,
                [p.ten_star_share for p in by_year],
                by_year is trend.places[0],
            )
            for by_year in places
        ],
        table=table,
    )


def coverage_trend(trend: Trend) -> list[Chart]:
    """One small chart per domain: its city-wide share meeting the standard, year by year.
    The table is the first chart's and covers them all."""
    if not trend.places:
        return []
    table = Table(
        caption=_("各领域达标率（达标数 / 登记数）"),
        header=[_("创建领域"), *(str(year) for year in trend.years)],
        rows=[
            [
                domain.label,
                *(f"{r.meeting} / {r.registered} ({percent(r.meeting_rate)})" for r in rows),
            ]
            for domain, rows in trend.coverage
        ],
    )
    return [
        _lines(
            title=domain.label,
            summary=_("折线图：%(domain)s %(years)s年的达标率。具体数字见下表。")
            % {"domain": domain.label, "years": _span(trend.years)},
            years=trend.years,
            series=[(domain.label, [r.meeting_rate for r in rows], False)],
            table=table,
            width=240,
            height=130,
        )
        for domain, rows in trend.coverage
    ]


@dataclass
class StatisticsCharts:
    comparison: Chart
    coverage: Chart
    ten_star_trend: Chart | None
    coverage_trend: list[Chart]


def statistics_charts(data: YearStatistics, trend: Trend) -> StatisticsCharts:
    """Every chart of the statistics page and report, with its table."""
    return StatisticsCharts(
        comparison=district_comparison(data),
        coverage=domain_coverage(data),
        ten_star_trend=ten_star_trend(trend),
        coverage_trend=coverage_trend(trend),
    )
