"""The printable statistics report of a published year: an A4 PDF with the charts and tables of
`/stats/`, drawn from the same shapes (`ratings.charts`) in the certificates' embedded font.

It is a document in Chinese, like the certificates and the commendation list, whatever the
interface language; it is cached under the public data version, so it changes only when the
published figures do (a later naming)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone, translation
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from . import charts, statistics
from .certificates import SANS, register_fonts
from .models import RatingYear

MARGIN = 18 * mm
INK = HexColor(charts.INK)
PRINT_SCALE = 0.75


class ChartFlowable(Flowable):
    """A chart of `ratings.charts`, scaled to `width` points, y turned upwards for PDF."""

    def __init__(self, chart: charts.Chart, width: float) -> None:
        super().__init__()
        self.chart = chart
        self.scale = width / chart.width
        self.width, self.height = width, chart.height * self.scale

    def draw(self) -> None:
        pdf, chart = self.canv, self.chart
        pdf.saveState()
        # Chart units with y downwards, as in the SVG.
        pdf.translate(0, self.height)
        pdf.scale(self.scale, -self.scale)
        if chart.kind == "bars":
            self._bars(pdf, chart)
        else:
            self._lines(pdf, chart)
        pdf.restoreState()

    @staticmethod
    def _text(pdf, x: float, y: float, text: str, anchor: str = "start", bold: bool = False):
        # Text is drawn upright: flip back around its own baseline.
        pdf.saveState()
        pdf.translate(x, y)
        pdf.scale(1, -1)
        pdf.setFillColor(INK)
        pdf.setFont(SANS, charts.FONT_SIZE)
        draw = {
            "start": pdf.drawString,
            "end": pdf.drawRightString,
            "middle": pdf.drawCentredString,
        }[anchor]
        draw(0, 0, text)
        if bold:  # the embedded face has no bold: overstrike a hair to the right
            draw(0.4, 0, text)
        pdf.restoreState()

    def _bars(self, pdf, chart: charts.Chart) -> None:
        for row in chart.rows:
            self._text(pdf, 0, row.y - 6, row.label, bold=row.total)
            self._text(pdf, chart.width, row.y - 6, row.value, anchor="end")
            pdf.setFillColor(HexColor("#e8edf2"))
            pdf.rect(0, row.y, chart.width, 18, stroke=0, fill=1)
            pdf.setStrokeColor(white)
            pdf.setLineWidth(1)
            for segment in row.segments:
                pdf.setFillColor(HexColor(segment.colour))
                pdf.rect(segment.x, row.y, segment.width, 18, stroke=1, fill=1)

    def _lines(self, pdf, chart: charts.Chart) -> None:
        left, _top, right, _bottom = chart.plot
        pdf.setStrokeColor(HexColor(charts.GRID))
        pdf.setLineWidth(1)
        for tick in chart.y_ticks:
            pdf.line(left, tick.at, right, tick.at)
            self._text(pdf, left - 6, tick.at + 5, tick.label, anchor="end")
        for tick in chart.x_ticks:
            self._text(pdf, tick.at, chart.height - 6, tick.label, anchor="middle")
        for series in chart.series:
            colour = HexColor(series.colour)
            pdf.setStrokeColor(colour)
            pdf.setFillColor(colour)
            pdf.setLineWidth(series.width)
            pdf.setDash([float(n) for n in series.dash.split()] if series.dash else [])
            previous = None
            for point in series.points:
                if point is not None and previous is not None:
                    pdf.line(previous[0], previous[1], point[0], point[1])
                previous = point
            pdf.setDash([])
            for x, y, _value in series.dots:
                pdf.circle(x, y, 4, stroke=0, fill=1)


class Legend(Flowable):
    """The names of a chart's bands or lines, each after its colour (and dash), in a row."""

    def __init__(self, chart: charts.Chart, width: float) -> None:
        super().__init__()
        self.chart, self.width, self.height = chart, width, 16

    def draw(self) -> None:
        pdf, x = self.canv, 0.0
        pdf.setFont(SANS, 9)
        for name, colour, dash in self.chart.legend:
            pdf.setFillColor(HexColor(colour))
            pdf.setStrokeColor(HexColor(colour))
            if self.chart.kind == "bars":
                pdf.rect(x, 3, 18, 8, stroke=0, fill=1)
            else:
                pdf.setLineWidth(2.5)
                pdf.setDash([float(n) for n in dash.split()] if dash else [])
                pdf.line(x, 7, x + 18, 7)
                pdf.setDash([])
            pdf.setFillColor(INK)
            pdf.drawString(x + 22, 4, name)
            x += 22 + pdf.stringWidth(name, SANS, 9) + 14


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=SANS, fontSize=10, leading=14, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, alignment=1),
        "h2": ParagraphStyle("h2", parent=base, fontSize=13, leading=18, spaceBefore=10),
        "caption": ParagraphStyle("caption", parent=base, fontSize=10, spaceBefore=6),
        "body": base,
        "note": ParagraphStyle("note", parent=base, fontSize=8.5, leading=12),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
    }


def _table(table: charts.Table, width: float, styles) -> list[Flowable]:
    """A chart's table, its caption above it, the row names in the first column."""
    cell = styles["cell"]
    rows = [[Paragraph(escape(text), cell) for text in row] for row in [table.header, *table.rows]]
    first = min(width * 0.3, 40 * mm)
    rest = (width - first) / max(1, len(table.header) - 1)
    grid = Table(rows, colWidths=[first] + [rest] * (len(table.header) - 1), repeatRows=1)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), SANS),
        ("GRID", (0, 0), (-1, -1), 0.4, HexColor("#9aa6b2")),
        ("BACKGROUND", (0, 0), (-1, 0), HexColor("#e8edf2")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if table.total_last:
        style.append(("BACKGROUND", (0, -1), (-1, -1), HexColor("#f3f5f7")))
    grid.setStyle(TableStyle(style))
    return [Paragraph(escape(table.caption), styles["caption"]), Spacer(1, 3), grid]


def _chart(chart: charts.Chart, width: float, styles, heading: str = "") -> list[Flowable]:
    """A chart under its title (and its section's heading, kept on the same page), drawn at
    three quarters of its own size: the page's 14-unit text prints at 10.5 pt."""
    drawn = [Paragraph(heading, styles["h2"])] if heading else []
    drawn += [
        Paragraph(escape(chart.title), styles["caption"]),
        Spacer(1, 4),
        ChartFlowable(chart, min(width, chart.width * PRINT_SCALE)),
    ]
    if chart.legend:
        drawn += [Spacer(1, 6), Legend(chart, width)]
    return [KeepTogether(drawn), Spacer(1, 6)]


def _small_multiples(drawn: list[charts.Chart], width: float, styles) -> Flowable:
    """The domains' small charts, three to a row, each under its name."""
    per_row, gap = 3, 6
    cell_width = (width - gap * (per_row - 1)) / per_row
    cells = [
        [Paragraph(escape(chart.title), styles["cell"]), ChartFlowable(chart, cell_width - 4)]
        for chart in drawn
    ]
    rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    if rows and len(rows[-1]) < per_row:
        rows[-1] += [""] * (per_row - len(rows[-1]))
    grid = Table(rows, colWidths=[cell_width] * per_row)
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return grid


def _story(drawn: charts.StatisticsCharts, year: RatingYear, width: float) -> list[Flowable]:
    styles = _styles()
    published = timezone.localtime(year.published_at)
    story: list[Flowable] = [
        Paragraph(f"{year.year}年度平安乌海统计报告", styles["title"]),
        Paragraph("十星平安社区(村)星级分布与“十小平安”创建覆盖情况", styles["body"]),
        Spacer(1, 4),
        Paragraph(
            f"本报告为 {published:%Y年%m月%d日} 公布时的统计数字"
            "（之后为本年度作出的命名计入“已命名”）。"
            f"来源：{settings.SITE_URL}/stats/?year={year.year}",
            styles["note"],
        ),
        *_chart(drawn.comparison, width, styles, heading="一、各区对比"),
        *_table(drawn.comparison.table, width, styles),
        *_chart(drawn.coverage, width, styles, heading="二、各领域达到创建标准的比例"),
        *_table(drawn.coverage.table, width, styles),
    ]
    if drawn.ten_star_trend is not None:
        story += [
            *_chart(drawn.ten_star_trend, width, styles, heading="三、历年变化"),
            *_table(drawn.ten_star_trend.table, width, styles),
            KeepTogether(
                [
                    Paragraph("各领域达标率的变化", styles["caption"]),
                    _small_multiples(drawn.coverage_trend, width, styles),
                ]
            ),
            *_table(drawn.coverage_trend[0].table, width, styles),
        ]
    generated = timezone.localtime()
    story += [Spacer(1, 10), Paragraph(f"生成于 {generated:%Y-%m-%d %H:%M}", styles["note"])]
    return story


def statistics_report_pdf(
    data: statistics.YearStatistics, trend: statistics.Trend, year: RatingYear
) -> bytes:
    """The year's statistics as an A4 PDF, from the cache while nothing public has changed."""
    return statistics.public_cached("report", (year.year,), lambda: _render(data, trend, year))


def _render(data: statistics.YearStatistics, trend: statistics.Trend, year: RatingYear) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    title = f"{year.year}年度平安乌海统计报告"
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author="、".join(settings.PLAQUE_ISSUER_LINES),
    )

    def page_number(pdf, doc) -> None:
        pdf.setFont(SANS, 8)
        pdf.setFillColor(INK)
        pdf.drawCentredString(A4[0] / 2, MARGIN / 2, f"{title} · 第 {doc.page} 页")

    with translation.override("zh-hans"):
        drawn = charts.statistics_charts(data, trend)
        story = _story(drawn, year, A4[0] - 2 * MARGIN)
    document.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return buffer.getvalue()
