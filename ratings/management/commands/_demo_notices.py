"""The demo's public notices: the past year's ten-star list on notice (closed, with an upheld
and a dismissed objection) before it was published, and a naming batch of the open year on
notice now, with an objection waiting for its finding."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from ratings import workflow
from ratings.choices import NoticeKind, YearStatus
from ratings.models import Authority, Domain, RatingYear, User

CONTACT = "乌海市平安办（市委政法委）0473-3998110，乌海市海勃湾区人民路"


def _text(title: str, starts_on: date) -> workflow.NoticeText:
    return workflow.NoticeText(
        title=title,
        body=(
            "根据《乌海市“十小平安”创建活动实施方案》，经逐级评定、认定，现将拟命名名单予以公示。"
            "公示期间，任何单位和个人对名单有异议的，可通过本页面实名提出，"
            "写明具体事实并留下联系方式；匿名和无具体事实的异议不予受理。"
        ),
        contact=CONTACT,
        starts_on=starts_on,
    )


def past_year_notice(*, admin: User, year: RatingYear) -> None:
    """Before the past year is published: its list on notice in January, two objections, and
    their findings (one upheld, which revokes that community's eligibility)."""
    if year.status != YearStatus.CLOSED or year.notices.filter(kind=NoticeKind.TEN_STAR).exists():
        return
    starts_on = date(year.year + 1, 1, 5)
    notice = workflow.notice_open_for_year(
        user=admin,
        year=year,
        text=_text(f"{year.year}年度十星平安社区(村)拟命名名单公示", starts_on),
    )
    entries = list(notice.entries.order_by("region_id"))
    upheld = workflow.objection_submit(
        notice=notice,
        entry=entries[-1],
        objection=workflow.ObjectionInput(
            facts="该村2025年9月发生一起未成年人被侵害案件，公安机关已立案侦查，"
            "与“青少年零受害”标准不符。",
            name="刘海军",
            phone="13847312345",
        ),
        today=starts_on,
    )
    dismissed = workflow.objection_submit(
        notice=notice,
        entry=entries[0],
        objection=workflow.ObjectionInput(
            facts="社区门口经常有车辆乱停乱放，存在交通安全隐患，不应评为十星。",
            name="张丽",
            phone="0473-2012345",
        ),
        today=starts_on,
    )
    workflow.objection_assign(
        user=admin, objection=upheld, authority=Authority.objects.get(pk="gongan")
    )
    workflow.objection_find(
        user=admin,
        objection=upheld,
        upheld=True,
        reason="经公安机关核实，该案件属实，案发于评定年度内，对应标准不应认可。",
    )
    workflow.objection_find(
        user=admin,
        objection=dismissed,
        upheld=False,
        reason="经现场核查，车辆停放问题属于城市管理事项，不涉及十项标准，异议不成立。",
    )


def open_batch_notice(*, admin: User, year: RatingYear) -> str:
    """A naming batch of the open year on notice from today, with one objection waiting.
    Returns a note when the calendar cannot count the window (a year without holidays)."""
    if not year.is_open or year.notices.filter(kind=NoticeKind.NAMING).exists():
        return ""
    today = timezone.localdate()
    for domain in Domain.objects.all():
        if not workflow.naming_candidates(year=year, domain=domain).exists():
            continue
        try:
            notice = workflow.notice_open_for_batch(
                user=admin,
                year=year,
                domain=domain,
                naming_title=domain.name,
                naming_batch="首批",
                text=_text(f"{year.year}年度{domain.name}拟命名名单（首批）公示", today),
            )
        except workflow.WorkflowError as refused:
            return refused.message
        workflow.objection_submit(
            notice=notice,
            entry=notice.entries.order_by("id").first(),
            objection=workflow.ObjectionInput(
                facts="该单位今年夏天多次在夜间噪音扰民，周边居民反映强烈，"
                "且消防通道被杂物堵塞，建议暂缓命名。",
                name="赵志强",
                phone="15247301234",
            ),
        )
        return ""
    return ""
