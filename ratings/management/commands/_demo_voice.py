"""The demo's residents' voice and re-review: a seeded re-review sample of the past year's
ten-star communities (one found, the rest waiting for their districts), the past year's
satisfaction survey imported through the spreadsheet engine, and a resident's report waiting."""

from __future__ import annotations

import random

from ratings import workflow
from ratings.choices import RatingStatus, YearStatus
from ratings.imports import import_bytes
from ratings.models import Plaque, RatingYear, ResidentReport, StarRating, SurveyResult, User
from ratings.resources import SurveyResultResource
from ratings.workflow.rereviews import rereview_population

SEED = "20261101"


def rereview_sample(*, admin: User, year: RatingYear, assessors: dict[str, User]) -> None:
    """双随机: four of the past year's ten-star communities drawn with a recorded seed; the
    first found by its district's assessor, the others waiting in their 待办."""
    if year.status != YearStatus.PUBLISHED or year.rereviews.exists():
        return
    population = rereview_population(year=year).count()
    if not population:
        return
    rereview = workflow.rereview_open(
        user=admin,
        year=year,
        title=f"{year.year}年度十星平安社区(村)双随机复查",
        size=min(4, population),
        seed=SEED,
    )
    first = rereview.entries.select_related("community").order_by("community_id").first()
    assessor = assessors.get(first.community_id[:6] + "000000")
    if assessor is not None:
        workflow.rereview_find(
            user=assessor,
            entry=first,
            passed=True,
            reason="入户走访20户，查阅治安、消防台账，十项标准均保持达标。",
        )


def satisfaction_survey(*, year: RatingYear) -> None:
    """The past year's survey, one row per rated community, imported as an office would."""
    if SurveyResult.objects.filter(year=year.year).exists():
        return
    codes = (
        StarRating.objects.filter(year=year)
        .order_by("community_id")
        .values_list("community_id", flat=True)
    )
    lines = ["社区(村)代码,年度,样本量,满意人数"]
    for index, code in enumerate(codes):
        rng = random.Random(f"survey{year.year}{code}")
        sample = rng.randrange(80, 241)
        share = 0.72 if index % 7 == 3 else rng.uniform(0.84, 0.98)  # a few below 80%
        lines.append(f"{code},{year.year},{sample},{round(sample * share)}")
    data = ("\n".join(lines) + "\n").encode()
    report = import_bytes(SurveyResultResource, data, "满意度调查.csv", dry_run=False)
    if not report.ok:
        raise RuntimeError("; ".join(report.lines()))


def resident_report(*, year: RatingYear) -> None:
    """A resident who scanned a valid plaque reported a problem; it waits for an answer."""
    if ResidentReport.objects.exists():
        return
    plaque = (
        Plaque.objects.filter(
            year=year, revoked_at__isnull=True, rating__status=RatingStatus.CERTIFIED
        )
        .order_by("number")
        .first()
    )
    if plaque is None:
        return
    workflow.report_submit(
        plaque=plaque,
        report=workflow.ObjectionInput(
            facts="小区北门的监控探头坏了两个多月，晚上路灯也不亮，最近有电动车被盗，"
            "希望社区尽快修复。",
            name="孙桂兰",
            phone="13948731234",
        ),
    )
