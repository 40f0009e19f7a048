"""Every status and kind the portal stores, as TextChoices so labels are translated in one place."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("省级")
    CITY = 2, _("地级")
    COUNTY = 3, _("县级")
    TOWN = 4, _("乡级")
    VILLAGE = 5, _("村级")


# How many leading digits of the 12-digit code identify a region of each level; the rest are zeros.
PREFIX_LENGTH = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWN: 9,
    RegionLevel.VILLAGE: 12,
}


class RegionKind(models.TextChoices):
    PROVINCE = "province", _("省、自治区")
    CITY = "city", _("地级市")
    DISTRICT = "district", _("市辖区")
    COUNTY = "county", _("县、旗")
    STREET = "street", _("街道")
    TOWN = "town", _("镇")
    TOWNSHIP = "township", _("乡、苏木")
    ZONE = "zone", _("开发区、园区")
    COMMUNITY = "community", _("社区")
    VILLAGE = "village", _("村")
    GACHA = "gacha", _("嘎查")


class CodeSource(models.TextChoices):
    NBS = "nbs", _("国家统计局公布")
    ASSIGNED = "assigned", _("本系统暂编")
    DEMO = "demo", _("演示数据")


class Role(models.TextChoices):
    ASSESSOR = "assessor", _("评定员")
    CERTIFIER = "certifier", _("认定机关")
    ADMIN = "admin", _("管理员")
    FILER = "filer", _("社区(村)填报员")
    PREREVIEWER = "prereview", _("街道/镇初审员")


class RatingMode(models.TextChoices):
    """Who starts a district's ratings in a year (the seed's rating was run district by district)."""

    ASSESSOR = "assessor", _("评定员评定")
    APPLICATION = "application", _("社区自评申报")


class YearStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已截止")
    PUBLISHED = "published", _("已公布")


class RatingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    # The application-led chain: the community applies, the town forwards, the district reviews
    # and submits (SUBMITTED, as in the assessor-led flow); each return goes one step back.
    APPLIED = "applied", _("待初审")
    TOWN_BACK = "town_back", _("初审退回")
    FORWARDED = "forwarded", _("待区复核")
    DIST_BACK = "dist_back", _("复核退回")
    SUBMITTED = "submitted", _("待认定")
    RETURNED = "returned", _("退回补充")
    CERTIFIED = "certified", _("已认定")
    REVOKED = "revoked", _("已取消评星资格")
    # Neutral: the year closed before the rating was decided. Not a disqualification.
    INCOMPLETE = "incomplete", _("未完成评定")
    # The application-led chain: not filed when the administrator closed the apply stage
    # (withdrawn; the rating and whatever was drafted are kept).
    LAPSED = "lapsed", _("逾期未申报")


# Ratings whose outcome is settled: nothing more happens to them in their year.
SETTLED_RATING_STATUSES = (
    RatingStatus.CERTIFIED,
    RatingStatus.REVOKED,
    RatingStatus.INCOMPLETE,
    RatingStatus.LAPSED,
)


class Stage(models.TextChoices):
    """The stages of a year's rating, each with its own deadline."""

    APPLY = "apply", _("自评申报")
    PREREVIEW = "prereview", _("街道/镇初审")
    REVIEW = "review", _("区复核")
    CERTIFY = "certify", _("认定")


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("未提交")
    PENDING = "pending", _("待认定")
    ENDORSED = "endorsed", _("已认可")
    REJECTED = "rejected", _("不予认可")
    RETURNED = "returned", _("退回补充")
    NOT_MET = "not_met", _("未达标")
    # 摘星: endorsed, then taken away after publication on the authority's request.
    REMOVED = "removed", _("已摘星")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    # A unit's self-assessment (where the year allows it): the unit files it with the district,
    # whose assessor reviews it and submits it (SUBMITTED) or returns it to the unit.
    UNIT_FILED = "unit_filed", _("待区审核")
    UNIT_BACK = "unit_back", _("退回单位")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("退回补充")
    APPROVED = "approved", _("审核通过")
    REJECTED = "rejected", _("审核不通过")


class ReviewDecision(models.TextChoices):
    """What a lead department can do with a submitted domain assessment."""

    APPROVE = "approve", pgettext_lazy("review", "通过")
    REJECT = "reject", pgettext_lazy("review", "不通过")
    RETURN = "return", pgettext_lazy("review", "退回补充")


REVIEW_TO_STATUS = {
    ReviewDecision.APPROVE: AssessmentStatus.APPROVED,
    ReviewDecision.REJECT: AssessmentStatus.REJECTED,
    ReviewDecision.RETURN: AssessmentStatus.RETURNED,
}


class PrintJobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class GuidanceStatus(models.TextChoices):
    OPEN = "open", _("指导中")
    CLOSED = "closed", _("已结案")


class Decision(models.TextChoices):
    """What a certifying authority can do with a pending item."""

    ENDORSE = "endorse", pgettext_lazy("decision", "认可")
    REJECT = "reject", pgettext_lazy("decision", "不予认可")
    RETURN = "return", pgettext_lazy("decision", "退回补充")


DECISION_TO_STATUS = {
    Decision.ENDORSE: ItemStatus.ENDORSED,
    Decision.REJECT: ItemStatus.REJECTED,
    Decision.RETURN: ItemStatus.RETURNED,
}


class Outcome(models.TextChoices):
    TEN_STARS = "ten", _("十星平安社区(村)")
    SIX_TO_NINE = "six_to_nine", _("六至九星")
    GUIDANCE = "guidance", _("五星及以下，督促指导")


class EventAction(models.TextChoices):
    DRAFT_SAVE = "draft_save", _("保存草稿")
    EVIDENCE_ADD = "evidence_add", _("上传证明材料")
    EVIDENCE_WITHDRAW = "evidence_withdraw", _("撤回证明材料")
    SUBMIT = "submit", _("提交认定")
    RESUBMIT = "resubmit", _("补充后重新提交")
    ENDORSE = "endorse", _("认可")
    REJECT = "reject", _("不予认可")
    RETURN = "return", _("退回补充")
    CERTIFY = "certify", _("认定完成")
    YEAR_OPEN = "year_open", _("开启年度")
    YEAR_CLOSE = "year_close", _("截止年度")
    YEAR_PUBLISH = "year_publish", _("公布年度结果")
    ELIGIBILITY_REVOKE = "eligibility_revoke", _("取消当年评星资格")
    ELIGIBILITY_REINSTATE = "eligibility_reinstate", _("恢复评星资格")
    RATING_INCOMPLETE = "rating_incomplete", _("未完成评定")
    STAR_REMOVE = "star_remove", _("摘星")
    PLAQUE_ISSUE = "plaque_issue", _("授牌")
    PLAQUE_REVOKE = "plaque_revoke", _("撤销牌匾")
    PLAQUE_TAKE_BACK = "plaque_take_back", _("收回牌匾")
    GUIDANCE_OPEN = "guidance_open", _("列入督促指导")
    GUIDANCE_UPDATE = "guidance_update", _("更新督促指导措施")
    GUIDANCE_NOTE = "guidance_note", _("督促指导跟进")
    GUIDANCE_CLOSE = "guidance_close", _("督促指导结案")
    ASSESSMENT_SAVE = "assessment_save", _("保存测评草稿")
    ASSESSMENT_SUBMIT = "assessment_submit", _("提交测评")
    ASSESSMENT_APPROVE = "assessment_approve", _("测评审核通过")
    ASSESSMENT_REJECT = "assessment_reject", _("测评审核不通过")
    ASSESSMENT_RETURN = "assessment_return", _("测评退回补充")
    DESIGNATE = "designate", _("命名")
    DESIGNATION_REVOKE = "designation_revoke", _("撤销命名")
    UNIT_CREATE = "unit_create", _("登记单位")
    UNIT_UPDATE = "unit_update", _("修改单位信息")
    MODE_SET = "mode_set", _("设置评星方式")
    SELF_SAVE = "self_save", _("保存自评")
    APPLY = "apply", _("自评申报")
    TOWN_FORWARD = "town_forward", _("初审通过，报区复核")
    TOWN_RETURN = "town_return", _("初审退回社区")
    DIST_RETURN = "dist_return", _("复核退回街道/镇")
    NOTICE_OPEN = "notice_open", _("发布公示")
    NOTICE_ENTRY_REMOVE = "notice_entry_remove", _("移出公示名单")
    OBJECTION_RECEIVE = "objection_receive", _("受理异议")
    OBJECTION_ASSIGN = "objection_assign", _("交办异议")
    OBJECTION_UPHOLD = "objection_uphold", _("认定异议成立")
    OBJECTION_DISMISS = "objection_dismiss", _("认定异议不成立")
    DEADLINES_SET = "deadlines_set", _("设置截止日期")
    DEADLINE_EXTEND = "deadline_extend", _("延长申报期限")
    APPLY_CLOSE = "apply_close", _("截止申报")
    APPLY_LAPSE = "apply_lapse", _("逾期未申报")
    DIGEST = "digest", _("每日待办提醒")
    REREVIEW_OPEN = "rereview_open", _("开展复查")
    REREVIEW_PASS = "rereview_pass", _("复查通过")
    REREVIEW_FAIL = "rereview_fail", _("复查未通过")
    REPORT_RECEIVE = "report_receive", _("受理群众反映")
    REPORT_UPHOLD = "report_uphold", _("认定群众反映属实")
    REPORT_DISMISS = "report_dismiss", _("认定群众反映不属实")
    UNIT_SELF_SAVE = "unit_self_save", _("保存单位自评")
    UNIT_FILE = "unit_file", _("单位提交自评")
    UNIT_RETURN = "unit_return", _("退回单位修改")


DECISION_TO_ACTION = {
    Decision.ENDORSE: EventAction.ENDORSE,
    Decision.REJECT: EventAction.REJECT,
    Decision.RETURN: EventAction.RETURN,
}


REVIEW_TO_ACTION = {
    ReviewDecision.APPROVE: EventAction.ASSESSMENT_APPROVE,
    ReviewDecision.REJECT: EventAction.ASSESSMENT_REJECT,
    ReviewDecision.RETURN: EventAction.ASSESSMENT_RETURN,
}


class NoticeKind(models.TextChoices):
    TEN_STAR = "ten_star", _("十星平安社区(村)拟命名名单")
    NAMING = "naming", _("十小平安创建拟命名批次")


class NoticePhase(models.TextChoices):
    """Where a notice stands on a given day (derived from its dates, never stored)."""

    UPCOMING = "upcoming", _("即将公示")
    OPEN = "open", _("公示中")
    CLOSED = "closed", _("公示期满")


class ObjectionStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    ASSIGNED = "assigned", _("核查中")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class CalendarSource(models.TextChoices):
    PACKAGE = "package", _("国务院办公厅通知（chinese-calendar）")
    ADMIN = "admin", _("管理员录入")


class RereviewStatus(models.TextChoices):
    """Where one community of a re-review (复查) stands."""

    PENDING = "pending", _("待复查")
    PASSED = "passed", _("复查通过")
    FAILED = "failed", _("复查未通过")


class ReportStatus(models.TextChoices):
    """A resident's report (反映问题) about a ten-star community, and its finding."""

    RECEIVED = "received", _("已受理")
    UPHELD = "upheld", _("反映属实")
    DISMISSED = "dismissed", _("反映不属实")
