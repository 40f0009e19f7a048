"""Every URL of the rating feature against every role, inside and outside its scope.

Outside scope is 404 (nothing is revealed), a missing right is 403, anonymous users are sent to
log in. A URL added to `ratings.urls` without a row here fails `test_every_url_has_rows`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from ratings import services
from ratings import urls as rating_urls
from ratings.choices import ItemStatus, RatingStatus, RereviewStatus
from ratings.models import (
    Authority,
    EvidenceFile,
    Rereview,
    RereviewEntry,
    ResidentReport,
    StarRating,
    Unit,
    new_receipt,
)
from tests.factories import UserFactory, certifier
from tests.helpers import BAYINTAOHAI, WUDA_COMMUNITY, item
from tests.world import World

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "assessor_in",
    "assessor_out",
    "certifier_right",
    "certifier_other",
    "admin",
    # The application-led chain's roles. "In scope" is the filer of the community the URL names
    # (else of the world's application, 150303104701) and the reviewer of its town (else of
    # 巴音陶亥镇); "out" are those of 乌达区.
    "filer_in",
    "filer_out",
    "town_in",
    "town_out",
    # A unit's own filer (创建单位填报员): "in" is the filer of the unit the URL names (else of
    # the world's filed self-assessment); "out" is the filer of another hotel of the same town.
    "unit_in",
    "unit_out",
]
PUBLIC_URLS = {
    "home",
    "honours",
    "honours_export",
    "stats",
    "stats_export",
    "stats_report",
    "verify",
    "verify_number",
    "commendation",
    "commendation_xlsx",
    "notice_list",
    "notice_detail",
    "objection_status",
    "report_new",
    "report_status",
    "statement",
}
LOGIN = 302


@pytest.fixture
def world(module_world, db) -> World:
    """Built once for this module; each test's changes are rolled back."""
    return module_world


@pytest.fixture(scope="module", autouse=True)
def _empty_cache():
    """Emptied once for the module, not before each row as `conftest._empty_cache` does. What
    the cache holds here stays true from row to row: each person's 待办 count is kept under the
    newest event, which a rolled-back row puts back; no row is a public page or a rate-limited
    form. Emptied before each row, it made every person's first page of the row count their
    work afresh: half the cost of a refusal."""
    cache.clear()


def rating_url(name: str, rating: StarRating, *extra) -> str:
    return reverse(name, args=[rating.year_id, rating.community_id, *extra])


@dataclass
class Row:
    name: str  # URL name
    method: str
    url: Callable[[World], str]
    expected: dict[str, int]
    data: Callable[[World], dict] = lambda w: {}
    # For the creation domains the "right" certifier is the lead department of the unit's
    # domain (文旅 leads hotels) and the "other" one leads another domain (教育 leads schools).
    certifiers: tuple[str, str] = ("gongan", "jindu")


def domain_row(*args, **kwargs) -> Row:
    return Row(*args, certifiers=("wenlv", "jiaoyu"), **kwargs)


def evidence_url(evidence: EvidenceFile, name: str = "evidence_download") -> str:
    return reverse(name, args=[evidence.pk])


def guidance_url(name: str, world: World) -> str:
    return reverse(name, args=[world.guidance.pk])


def plaque_url(name: str, world: World) -> str:
    return reverse(name, args=[world.plaque.number])


def unit_url(name: str, unit: Unit) -> str:
    return reverse(name, args=[unit.pk])


def assessment_url(name: str, unit: Unit) -> str:
    return reverse(name, args=[unit.pk, 2026])


def designation_url(world: World) -> str:
    return reverse("designation_revoke", args=[world.designation.pk])


def line_evidence_url(unit: Unit, name: str = "evidence_download") -> str:
    return reverse(name, args=[EvidenceFile.objects.get(line__assessment__unit=unit).pk])


def print_job_url(name: str, world: World) -> str:
    """A finished print job of 2025, made for the row (and rolled back with it)."""
    job = services.print_job_request(
        user=world.users["admin"], year=world.ten_star.year, region=None
    )
    services.print_job_run(job_id=job.pk)
    return reverse(name, args=[job.pk])


def objection_url(name: str, world: World) -> str:
    return reverse(name, args=[world.objection.pk])


def rereview_entry(world: World, *, failed: bool = False) -> RereviewEntry:
    """A re-review of 2025 holding 利民社区 (海南区), pending or failed on standard 1. Made
    directly, without an event: the matrix counts events to see that a refusal changes nothing."""
    rereview = Rereview.objects.create(
        year_id=2025, title="2025年度复查", population=1, opened_by=world.users["admin"]
    )
    entry = RereviewEntry.objects.create(
        rereview=rereview,
        rating=world.ten_star,
        community_id=world.ten_star.community_id,
        status=RereviewStatus.FAILED if failed else RereviewStatus.PENDING,
        finding="辖区发生刑事案件" if failed else "",
    )
    if failed:
        entry.failed_standards.set([1])
    return entry


def resident_report(world: World) -> ResidentReport:
    """A resident's report about 利民社区 (海南区) with a file, made directly (no event)."""
    report = ResidentReport(
        plaque=world.plaque,
        rating=world.ten_star,
        community_id=world.ten_star.community_id,
        receipt=new_receipt(2026, "FY"),
        facts="社区东门路灯损坏三个月，夜间多次发生盗窃。",
        name="赵春梅",
        phone="13847301234",
        evidence_name="照片.pdf",
        evidence_type="application/pdf",
        evidence_ext=".pdf",
    )
    report.evidence.save("照片.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    report.save()
    return report


def report_url(name: str, world: World) -> str:
    return reverse(name, args=[resident_report(world).pk])


def notice_text(**extra) -> dict:
    return {
        "title": "拟命名名单公示",
        "body": "公示说明",
        "starts_on": timezone.localdate().isoformat(),
        "working_days": 5,
        **extra,
    }


def statuses(*codes: int) -> dict[str, int]:
    """The expected status per role, in the order of ROLES. Given without the two unit-filer
    columns, they expect what a community's filer outside the scope gets: a unit's filer has
    no region, so every page of a region or a community is outside its scope."""
    if len(codes) == len(ROLES) - 2:
        codes = (*codes, codes[ROLES.index("filer_out")], codes[ROLES.index("filer_out")])
    return dict(zip(ROLES, codes, strict=True))


# fmt: off
ROWS = [
    #                                                                                  anon   in   out right other admin filer_in/out town_in/out
    Row("work", "get", lambda w: reverse("work"),                                      statuses(LOGIN, 200, 200, 302, 302, 200, 200, 200, 200, 200)),
    Row("todo", "get", lambda w: reverse("todo"),                                      statuses(LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    Row("inbox", "get", lambda w: reverse("inbox"),                                    statuses(LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    Row("queue", "get", lambda w: reverse("queue"),                                    statuses(LOGIN, 403, 403, 200, 200, 403, 403, 403, 403, 403)),
    Row("queue_decide", "post", lambda w: reverse("queue_decide"),                     statuses(LOGIN, 403, 403, 200, 302, 403, 403, 403, 403, 403),
        data=lambda w: {"items": [item(w.submitted, 1).pk], "decision": "endorse"}),
    Row("rating_detail", "get", lambda w: rating_url("rating_detail", w.draft),        statuses(LOGIN, 200, 404, 404, 404, 200, 200, 404, 200, 404)),
    Row("rating_detail", "get", lambda w: rating_url("rating_detail", w.submitted),    statuses(LOGIN, 200, 404, 200, 200, 200, 200, 404, 200, 404)),
    Row("rating_edit", "get", lambda w: rating_url("rating_edit", w.draft),            statuses(LOGIN, 200, 404, 404, 404, 403, 403, 403, 403, 403)),
    Row("rating_edit", "get", lambda w: rating_url("rating_edit", w.submitted),        statuses(LOGIN, 302, 404, 403, 403, 403, 403, 403, 403, 403)),
    Row("rating_edit", "post", lambda w: rating_url("rating_edit", w.draft),           statuses(LOGIN, 302, 404, 404, 404, 403, 403, 403, 403, 403),
        data=lambda w: {"version": w.draft.version, "s1-met": "no"}),
    Row("rating_submit", "get", lambda w: rating_url("rating_submit", w.draft),        statuses(LOGIN, 200, 404, 404, 404, 403, 403, 403, 403, 403)),
    Row("rating_submit", "post", lambda w: rating_url("rating_submit", w.draft),       statuses(LOGIN, 302, 404, 404, 404, 403, 403, 403, 403, 403),
        data=lambda w: {"version": w.draft.version}),
    Row("item_decide", "get", lambda w: rating_url("item_decide", w.submitted, 1),     statuses(LOGIN, 403, 404, 200, 404, 403, 403, 403, 403, 403)),
    Row("item_decide", "post", lambda w: rating_url("item_decide", w.submitted, 1),    statuses(LOGIN, 403, 404, 302, 404, 403, 403, 403, 403, 403),
        data=lambda w: {"decision": "endorse"}),
    Row("item_decide", "get", lambda w: rating_url("item_decide", w.draft, 1),         statuses(LOGIN, 403, 404, 404, 404, 403, 403, 403, 403, 403)),
    Row("evidence_download", "get", lambda w: evidence_url(w.submitted_file),          statuses(LOGIN, 200, 404, 200, 200, 200, 404, 404, 200, 404)),
    Row("evidence_download", "get", lambda w: evidence_url(w.draft_file),              statuses(LOGIN, 200, 404, 404, 404, 200, 404, 404, 404, 404)),
    # The application-led chain (海南区 in 2026): the community's filer, the town's reviewer,
    # the district's assessor, in that order; an application is the certifiers' only once submitted.
    Row("rating_detail", "get", lambda w: rating_url("rating_detail", w.applied),      statuses(LOGIN, 200, 404, 404, 404, 200, 200, 404, 200, 404)),
    Row("rating_edit", "get", lambda w: rating_url("rating_edit", w.applied),          statuses(LOGIN, 302, 404, 404, 404, 403, 403, 403, 403, 403)),
    Row("rating_edit", "get", lambda w: rating_url("rating_edit", w.forwarded),        statuses(LOGIN, 200, 404, 404, 404, 403, 403, 403, 403, 403)),
    Row("application_edit", "get", lambda w: rating_url("application_edit", w.application),
        statuses(LOGIN, 403, 404, 404, 404, 403, 200, 404, 403, 404)),
    Row("application_edit", "get", lambda w: rating_url("application_edit", w.applied),
        statuses(LOGIN, 403, 404, 404, 404, 403, 302, 404, 403, 404)),
    Row("application_edit", "post", lambda w: rating_url("application_edit", w.application),
        statuses(LOGIN, 403, 404, 404, 404, 403, 302, 404, 403, 404),
        data=lambda w: {"version": w.application.version, "s1-met": "no"}),
    Row("application_submit", "get", lambda w: rating_url("application_submit", w.application),
        statuses(LOGIN, 403, 404, 404, 404, 403, 200, 404, 403, 404)),
    Row("application_submit", "post", lambda w: rating_url("application_submit", w.application),
        statuses(LOGIN, 403, 404, 404, 404, 403, 302, 404, 403, 404), data=lambda w: {"version": w.application.version}),
    Row("application_prereview", "get", lambda w: rating_url("application_prereview", w.applied),
        statuses(LOGIN, 403, 404, 404, 404, 403, 403, 404, 200, 404)),
    Row("application_prereview", "get", lambda w: rating_url("application_prereview", w.application),
        statuses(LOGIN, 403, 404, 404, 404, 403, 403, 404, 302, 404)),
    Row("application_prereview", "post", lambda w: rating_url("application_prereview", w.applied),
        statuses(LOGIN, 403, 404, 404, 404, 403, 403, 404, 302, 404), data=lambda w: {"decision": "forward"}),
    Row("application_review_return", "get", lambda w: rating_url("application_review_return", w.forwarded),
        statuses(LOGIN, 200, 404, 404, 404, 403, 403, 404, 403, 404)),
    Row("application_review_return", "post", lambda w: rating_url("application_review_return", w.forwarded),
        statuses(LOGIN, 302, 404, 404, 404, 403, 403, 404, 403, 404), data=lambda w: {"reason": "材料不全"}),
    Row("evidence_download", "get", lambda w: evidence_url(w.application_file),       statuses(LOGIN, 200, 404, 404, 404, 200, 200, 404, 200, 404)),
    Row("district_modes", "get", lambda w: reverse("district_modes", args=[2026]),    statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("district_modes", "post", lambda w: reverse("district_modes", args=[2026]),   statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403),
        data=lambda w: {"district": "150304000000", "mode": "application"}),
    Row("district_modes", "post", lambda w: reverse("district_modes", args=[2026]),   statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403),
        data=lambda w: {"setting": "unit_self"}),
    Row("evidence_view", "get", lambda w: evidence_url(w.submitted_file, "evidence_view"),
        statuses(LOGIN, 200, 404, 200, 200, 200, 404, 404, 200, 404)),
    Row("evidence_view", "get", lambda w: evidence_url(w.draft_file, "evidence_view"),
        statuses(LOGIN, 200, 404, 404, 404, 200, 404, 404, 404, 404)),
    Row("evidence_inline", "get", lambda w: evidence_url(w.submitted_file, "evidence_inline"),
        statuses(LOGIN, 200, 404, 200, 200, 200, 404, 404, 200, 404)),
    Row("evidence_inline", "get", lambda w: evidence_url(w.draft_file, "evidence_inline"),
        statuses(LOGIN, 200, 404, 404, 404, 200, 404, 404, 404, 404)),
    # Supervised guidance: assessors of the region and administrators.
    Row("guidance_list", "get", lambda w: reverse("guidance_list"),                    statuses(LOGIN, 200, 200, 403, 403, 200, 403, 403, 403, 403)),
    Row("guidance_detail", "get", lambda w: guidance_url("guidance_detail", w),        statuses(LOGIN, 200, 404, 403, 403, 200, 403, 403, 403, 403)),
    Row("guidance_detail", "post", lambda w: guidance_url("guidance_detail", w),       statuses(LOGIN, 302, 404, 403, 403, 302, 403, 403, 403, 403),
        data=lambda w: {"measures": "排查", "version": w.guidance.version}),
    Row("guidance_note", "post", lambda w: guidance_url("guidance_note", w),           statuses(LOGIN, 302, 404, 403, 403, 302, 403, 403, 403, 403),
        data=lambda w: {"text": "已走访"}),
    Row("guidance_close", "get", lambda w: guidance_url("guidance_close", w),          statuses(LOGIN, 200, 404, 403, 403, 200, 403, 403, 403, 403)),
    Row("guidance_close", "post", lambda w: guidance_url("guidance_close", w),         statuses(LOGIN, 302, 404, 403, 403, 302, 403, 403, 403, 403),
        data=lambda w: {"outcome": "整改到位"}),
    # Administrators only.
    Row("manage_years", "get", lambda w: reverse("manage_years"),                      statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("manage_years", "post", lambda w: reverse("manage_years"),                     statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403),
        data=lambda w: {"year": 2027, "confirm": "yes"}),
    Row("year_close", "get", lambda w: reverse("year_close", args=[2026]),             statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("year_close", "post", lambda w: reverse("year_close", args=[2026]),            statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403)),
    Row("year_deadlines", "get", lambda w: reverse("year_deadlines", args=[2026]),     statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("year_deadlines", "post", lambda w: reverse("year_deadlines", args=[2026]),    statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403),
        data=lambda w: {"apply_due": "2026-12-01", "certify_due": "2026-12-20"}),
    Row("deadline_extend", "get", lambda w: reverse("deadline_extend", args=[2026]),   statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("deadline_extend", "post", lambda w: reverse("deadline_extend", args=[2026]),  statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
        data=lambda w: {"community": "150303104707", "until": "2026-12-31", "reason": "延期"}),
    Row("apply_stage_close", "get", lambda w: reverse("apply_stage_close", args=[2026]),
        statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("apply_stage_close", "post", lambda w: reverse("apply_stage_close", args=[2026]),
        statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403)),
    Row("year_progress", "get", lambda w: reverse("year_progress", args=[2026]),       statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("year_progress_xlsx", "get", lambda w: reverse("year_progress_xlsx", args=[2026]),
        statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("year_publish", "get", lambda w: reverse("year_publish", args=[2026]),         statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("year_publish", "post", lambda w: reverse("year_publish", args=[2026]),        statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403)),
    Row("year_plaques", "get", lambda w: reverse("year_plaques", args=[2025]),         statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("plaques_issue", "get", lambda w: reverse("plaques_issue", args=[2025]),       statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("plaques_issue", "post", lambda w: reverse("plaques_issue", args=[2025]),      statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403)),
    Row("plaque_issue", "get", lambda w: rating_url("plaque_issue", w.ten_star),       statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("plaque_issue", "post", lambda w: rating_url("plaque_issue", w.ten_star),      statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403)),
    Row("plaque_revoke", "get", lambda w: plaque_url("plaque_revoke", w),              statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("plaque_revoke", "post", lambda w: plaque_url("plaque_revoke", w),             statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403),
        data=lambda w: {"reason": "损毁"}),
    Row("year_outstanding_xlsx", "get", lambda w: reverse("year_outstanding_xlsx", args=[2026]),
        statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("ratings_incomplete", "get", lambda w: reverse("ratings_incomplete", args=[2026]),
        statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("ratings_incomplete", "post", lambda w: reverse("ratings_incomplete", args=[2026]),
        statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403), data=lambda w: {"reason": "认定未能按期完成"}),
    Row("plaque_certificate", "get", lambda w: plaque_url("plaque_certificate", w),    statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("plaques_not_taken_back", "get", lambda w: reverse("plaques_not_taken_back"), statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("plaque_take_back", "get", lambda w: plaque_url("plaque_take_back", w),        statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("plaque_take_back", "post", lambda w: plaque_url("plaque_take_back", w),       statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403),
        data=lambda w: {"taken_back_on": "2026-11-20", "taken_back_by": "海南区平安办 李强"}),
    Row("print_certificates", "get", lambda w: reverse("print_certificates", args=[2025]),
        statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("print_certificates", "post", lambda w: reverse("print_certificates", args=[2025]),
        statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403)),
    Row("print_job", "get", lambda w: print_job_url("print_job", w),                 statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("print_job_status", "get", lambda w: print_job_url("print_job_status", w),   statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("print_job_download", "get", lambda w: print_job_url("print_job_download", w),
        statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("eligibility_revoke", "get", lambda w: rating_url("eligibility_revoke", w.ten_star),
        statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("eligibility_revoke", "post", lambda w: rating_url("eligibility_revoke", w.ten_star),
        statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403), data=lambda w: {"reason": "口碑差"}),
    Row("star_remove", "get", lambda w: rating_url("star_remove", w.ten_star, 1),      statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("star_remove", "post", lambda w: rating_url("star_remove", w.ten_star, 1),     statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403),
        data=lambda w: {"reason": "发生刑事案件", "document_number": "乌公发〔2026〕3号"}),
    Row("eligibility_reinstate", "get", lambda w: rating_url("eligibility_reinstate", w.ten_star),
        statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("eligibility_reinstate", "post", lambda w: rating_url("eligibility_reinstate", w.ten_star),
        statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403), data=lambda w: {"reason": "复核"}),
    # Public notices: administrators open them and name a batch after them.
    Row("manage_notices", "get", lambda w: reverse("manage_notices"),                  statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("notice_open_batch", "get", lambda w: reverse("notice_open_batch"),            statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("notice_open_batch", "post", lambda w: reverse("notice_open_batch"),           statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
        data=lambda w: notice_text(domain="hotel", naming_title="平安宾馆")),
    Row("notice_open_year", "get", lambda w: reverse("notice_open_year", args=[2025]), statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("notice_open_year", "post", lambda w: reverse("notice_open_year", args=[2025]),
        statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403), data=lambda w: notice_text()),
    Row("notice_name", "get", lambda w: reverse("notice_name", args=[w.notice.pk]),   statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("notice_name", "post", lambda w: reverse("notice_name", args=[w.notice.pk]),  statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403),
        data=lambda w: {"document_number": "3号", "designated_on": "2026-12-20"}),
    # Objections: administrators, and the authority one is handed to (公安 here), nobody else.
    Row("objection_list", "get", lambda w: reverse("objection_list"),                  statuses(LOGIN, 403, 403, 200, 200, 200, 403, 403, 403, 403)),
    Row("objection_detail", "get", lambda w: objection_url("objection_detail", w),     statuses(LOGIN, 403, 403, 200, 404, 200, 403, 403, 403, 403)),
    Row("objection_assign", "post", lambda w: objection_url("objection_assign", w),    statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403),
        data=lambda w: {"authority": "wenlv"}),
    Row("objection_find", "get", lambda w: objection_url("objection_find", w),         statuses(LOGIN, 403, 403, 200, 404, 200, 403, 403, 403, 403)),
    Row("objection_find", "post", lambda w: objection_url("objection_find", w),        statuses(LOGIN, 403, 403, 302, 404, 302, 403, 403, 403, 403),
        data=lambda w: {"finding": "dismissed", "reason": "经核查，已于9月整改到位。"}),
    Row("objection_evidence", "get", lambda w: objection_url("objection_evidence", w), statuses(LOGIN, 403, 403, 200, 404, 200, 403, 403, 403, 403)),
    # Residents' reports: administrators, and the assessors of the community's district.
    Row("report_list", "get", lambda w: reverse("report_list"),                        statuses(LOGIN, 200, 200, 403, 403, 200, 403, 403, 403, 403)),
    Row("report_detail", "get", lambda w: report_url("report_detail", w),              statuses(LOGIN, 200, 404, 403, 403, 200, 403, 403, 403, 403)),
    Row("report_find", "get", lambda w: report_url("report_find", w),                  statuses(LOGIN, 200, 404, 403, 403, 200, 403, 403, 403, 403)),
    Row("report_find", "post", lambda w: report_url("report_find", w),                 statuses(LOGIN, 302, 404, 403, 403, 302, 403, 403, 403, 403),
        data=lambda w: {"finding": "dismissed", "reason": "经核实，路灯已修复。"}),
    Row("report_evidence", "get", lambda w: report_url("report_evidence", w),          statuses(LOGIN, 200, 404, 403, 403, 200, 403, 403, 403, 403)),
    # Re-review (复查): administrators open and follow it; the assessors of the community's
    # district record the finding; administrators take the stars of a failed one away.
    Row("rereview_list", "get", lambda w: reverse("rereview_list"),                    statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("rereview_open", "get", lambda w: reverse("rereview_open"),                    statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("rereview_open", "post", lambda w: reverse("rereview_open"),                   statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403),
        data=lambda w: {"year": 2025, "title": "2025年度复查", "scope": "sample", "size": 1, "seed": "42"}),
    Row("rereview_detail", "get", lambda w: reverse("rereview_detail", args=[rereview_entry(w).rereview_id]),
        statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("rereview_work", "get", lambda w: reverse("rereview_work"),                    statuses(LOGIN, 200, 200, 403, 403, 200, 403, 403, 403, 403)),
    Row("rereview_find", "get", lambda w: reverse("rereview_find", args=[rereview_entry(w).pk]),
        statuses(LOGIN, 200, 404, 403, 403, 200, 403, 403, 403, 403)),
    Row("rereview_find", "post", lambda w: reverse("rereview_find", args=[rereview_entry(w).pk]),
        statuses(LOGIN, 302, 404, 403, 403, 403, 403, 403, 403, 403),
        data=lambda w: {"finding": "failed", "standards": [1, 2], "reason": "辖区发生刑事案件"}),
    Row("rereview_stars_remove", "get", lambda w: reverse("rereview_stars_remove", args=[rereview_entry(w, failed=True).pk]),
        statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    Row("rereview_stars_remove", "post", lambda w: reverse("rereview_stars_remove", args=[rereview_entry(w, failed=True).pk]),
        statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403), data=lambda w: {"document_number": "乌公发〔2026〕9号"}),
    # The creation domains. Columns 4 and 5: the lead department of hotels, and of schools.
    domain_row("unit_list", "get", lambda w: reverse("unit_list"),                    statuses(LOGIN, 200, 200, 403, 403, 200, 403, 403, 403, 403)),
    domain_row("unit_create", "get", lambda w: reverse("unit_create"),                statuses(LOGIN, 200, 200, 403, 403, 200, 403, 403, 403, 403)),
    domain_row("unit_create", "post", lambda w: reverse("unit_create"),               statuses(LOGIN, 302, 200, 403, 403, 302, 403, 403, 403, 403),
               data=lambda w: {"domain": "school", "name": "新学校", "region_code": "150303104707"}),
    domain_row("unit_detail", "get", lambda w: unit_url("unit_detail", w.hotel),      statuses(LOGIN, 200, 404, 403, 403, 200, 403, 403, 403, 403)),
    domain_row("unit_edit", "get", lambda w: unit_url("unit_edit", w.hotel),          statuses(LOGIN, 200, 404, 403, 403, 200, 403, 403, 403, 403)),
    domain_row("unit_edit", "post", lambda w: unit_url("unit_edit", w.hotel),         statuses(LOGIN, 302, 404, 403, 403, 302, 403, 403, 403, 403),
               data=lambda w: {"domain": "hotel", "name": "黄河大酒店", "region_code": "150303104000", "active": "on"}),
    #                                                                                  anon   in   out right other admin filer_in/out town_in/out unit_in/out
    domain_row("assessment_detail", "get", lambda w: assessment_url("assessment_detail", w.hotel),
               statuses(LOGIN, 200, 404, 200, 404, 200, 403, 403, 403, 403, 200, 404)),
    domain_row("assessment_detail", "get", lambda w: assessment_url("assessment_detail", w.draft_hotel),
               statuses(LOGIN, 200, 404, 404, 404, 200, 403, 403, 403, 403, 200, 404)),
    # A unit's self-assessment (2026 allows it): the unit's filer fills it in and files it; the
    # district's assessor returns it or reviews it; the lead department sees it once submitted.
    domain_row("assessment_detail", "get", lambda w: assessment_url("assessment_detail", w.self_filed),
               statuses(LOGIN, 200, 404, 404, 404, 200, 403, 403, 403, 403, 200, 404)),
    domain_row("assessment_edit", "get", lambda w: assessment_url("assessment_edit", w.self_draft),
               statuses(LOGIN, 302, 404, 404, 404, 403, 403, 403, 403, 403, 403, 403)),
    domain_row("assessment_edit", "get", lambda w: assessment_url("assessment_edit", w.self_filed),
               statuses(LOGIN, 200, 404, 404, 404, 403, 403, 403, 403, 403, 403, 403)),
    domain_row("unit_assessment_edit", "get", lambda w: assessment_url("unit_assessment_edit", w.self_draft),
               statuses(LOGIN, 403, 404, 404, 404, 403, 403, 403, 403, 403, 200, 404)),
    domain_row("unit_assessment_edit", "get", lambda w: assessment_url("unit_assessment_edit", w.self_filed),
               statuses(LOGIN, 403, 404, 404, 404, 403, 403, 403, 403, 403, 302, 404)),
    domain_row("unit_assessment_edit", "post", lambda w: assessment_url("unit_assessment_edit", w.self_draft),
               statuses(LOGIN, 403, 404, 404, 404, 403, 403, 403, 403, 403, 302, 404),
               data=lambda w: {"version": w.self_draft.assessments.get().version}),
    domain_row("unit_assessment_submit", "get", lambda w: assessment_url("unit_assessment_submit", w.self_draft),
               statuses(LOGIN, 403, 404, 404, 404, 403, 403, 403, 403, 403, 200, 404)),
    domain_row("unit_assessment_submit", "post", lambda w: assessment_url("unit_assessment_submit", w.self_draft),
               statuses(LOGIN, 403, 404, 404, 404, 403, 403, 403, 403, 403, 302, 404),
               data=lambda w: {"version": w.self_draft.assessments.get().version}),
    domain_row("unit_assessment_return", "get", lambda w: assessment_url("unit_assessment_return", w.self_filed),
               statuses(LOGIN, 200, 404, 404, 404, 403, 403, 403, 403, 403, 403, 403)),
    domain_row("unit_assessment_return", "get", lambda w: assessment_url("unit_assessment_return", w.self_draft),
               statuses(LOGIN, 302, 404, 404, 404, 403, 403, 403, 403, 403, 403, 403)),
    domain_row("unit_assessment_return", "post", lambda w: assessment_url("unit_assessment_return", w.self_filed),
               statuses(LOGIN, 302, 404, 404, 404, 403, 403, 403, 403, 403, 403, 403),
               data=lambda w: {"reason": "请补充消防检查记录"}),
    domain_row("evidence_download", "get", lambda w: line_evidence_url(w.self_draft),
               statuses(LOGIN, 200, 404, 404, 404, 200, 404, 404, 404, 404, 200, 404)),
    domain_row("assessment_edit", "get", lambda w: assessment_url("assessment_edit", w.draft_hotel),
               statuses(LOGIN, 200, 404, 404, 404, 403, 403, 403, 403, 403)),
    domain_row("assessment_edit", "get", lambda w: assessment_url("assessment_edit", w.hotel),
               statuses(LOGIN, 302, 404, 403, 404, 403, 403, 403, 403, 403)),
    domain_row("assessment_edit", "post", lambda w: assessment_url("assessment_edit", w.draft_hotel),
               statuses(LOGIN, 302, 404, 404, 404, 403, 403, 403, 403, 403), data=lambda w: {"version": 1}),
    domain_row("assessment_submit", "get", lambda w: assessment_url("assessment_submit", w.draft_hotel),
               statuses(LOGIN, 200, 404, 404, 404, 403, 403, 403, 403, 403)),
    domain_row("assessment_submit", "post", lambda w: assessment_url("assessment_submit", w.draft_hotel),
               statuses(LOGIN, 302, 404, 404, 404, 403, 403, 403, 403, 403), data=lambda w: {"version": 1}),
    domain_row("assessment_review", "get", lambda w: assessment_url("assessment_review", w.hotel),
               statuses(LOGIN, 403, 404, 200, 404, 403, 403, 403, 403, 403)),
    domain_row("assessment_review", "post", lambda w: assessment_url("assessment_review", w.hotel),
               statuses(LOGIN, 403, 404, 302, 404, 403, 403, 403, 403, 403), data=lambda w: {"decision": "approve"}),
    domain_row("review_queue", "get", lambda w: reverse("review_queue"),              statuses(LOGIN, 403, 403, 200, 200, 403, 403, 403, 403, 403)),
    domain_row("designation_list", "get", lambda w: reverse("designation_list"),      statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    domain_row("designation_create", "get", lambda w: reverse("designation_create"),  statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    domain_row("designation_create", "post", lambda w: reverse("designation_create"), statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
               data=lambda w: {"units": [w.hotel.pk], "title": "平安宾馆", "document_number": "2号", "designated_on": "2026-12-01"}),
    domain_row("designation_revoke", "get", lambda w: designation_url(w),             statuses(LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403)),
    domain_row("designation_revoke", "post", lambda w: designation_url(w),            statuses(LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403),
               data=lambda w: {"reason": "撤销"}),
    domain_row("coverage", "get", lambda w: reverse("coverage"),                      statuses(LOGIN, 200, 200, 200, 200, 200, 403, 403, 403, 403)),
    domain_row("coverage_xlsx", "get", lambda w: reverse("coverage_xlsx"),            statuses(LOGIN, 200, 200, 200, 200, 200, 403, 403, 403, 403)),
    domain_row("evidence_download", "get", lambda w: line_evidence_url(w.hotel),      statuses(LOGIN, 200, 404, 200, 404, 200, 404, 404, 404, 404, 200, 404)),
    domain_row("evidence_download", "get", lambda w: line_evidence_url(w.draft_hotel),
               statuses(LOGIN, 200, 404, 404, 404, 200, 404, 404, 404, 404, 200, 404)),
    domain_row("evidence_view", "get", lambda w: line_evidence_url(w.hotel, "evidence_view"),
               statuses(LOGIN, 200, 404, 200, 404, 200, 404, 404, 404, 404, 200, 404)),
    domain_row("evidence_inline", "get", lambda w: line_evidence_url(w.hotel, "evidence_inline"),
               statuses(LOGIN, 200, 404, 200, 404, 200, 404, 404, 404, 404, 200, 404)),
    # One's own account. Certifiers and administrators have an authenticator app (they must);
    # the assessors have none. The code step without a password step first goes to log in;
    # signed in, there is nothing left to verify.
    Row("login_code", "get", lambda w: reverse("login_code"),                          statuses(LOGIN, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    Row("login_code", "post", lambda w: reverse("login_code"),                         statuses(LOGIN, 302, 302, 302, 302, 302, 302, 302, 302, 302),
        data=lambda w: {"code": "123456"}),
    Row("two_factor_setup", "get", lambda w: reverse("two_factor_setup"),              statuses(LOGIN, 200, 200, 302, 302, 302, 200, 200, 200, 200)),
    Row("two_factor_setup", "post", lambda w: reverse("two_factor_setup"),             statuses(LOGIN, 200, 200, 302, 302, 302, 200, 200, 200, 200),
        data=lambda w: {"code": "000000"}),
    Row("account", "get", lambda w: reverse("account"),                                statuses(LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    Row("reminder_settings", "post", lambda w: reverse("reminder_settings"),          statuses(LOGIN, 302, 302, 302, 302, 302, 302, 302, 302, 302),
        data=lambda w: {"reminder_email": "on"}),
    Row("password_change", "get", lambda w: reverse("password_change"),                statuses(LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    Row("password_change", "post", lambda w: reverse("password_change"),               statuses(LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200),
        data=lambda w: {"old_password": "wrong", "new_password1": "x", "new_password2": "y"}),
    Row("recovery_codes", "get", lambda w: reverse("recovery_codes"),                  statuses(LOGIN, 302, 302, 200, 200, 200, 302, 302, 302, 302)),
    Row("recovery_codes", "post", lambda w: reverse("recovery_codes"),                 statuses(LOGIN, 302, 302, 200, 200, 200, 302, 302, 302, 302),
        data=lambda w: {"code": "000000"}),
    Row("two_factor_disable", "get", lambda w: reverse("two_factor_disable"),          statuses(LOGIN, 302, 302, 403, 403, 403, 302, 302, 302, 302)),
    Row("two_factor_disable", "post", lambda w: reverse("two_factor_disable"),         statuses(LOGIN, 302, 302, 403, 403, 403, 302, 302, 302, 302),
        data=lambda w: {"code": "000000"}),
    # Password reset by e-mail: public (e-mail is configured in development and tests). Its
    # POST sends mail, five a minute per address: tests/sign_in/test_passwords.py exercises it.
    Row("password_reset", "get", lambda w: reverse("password_reset"),                  statuses(200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    Row("password_reset_done", "get", lambda w: reverse("password_reset_done"),        statuses(200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    Row("password_reset_confirm", "get", lambda w: reverse("password_reset_confirm", args=["MQ", "no-such-token"]),
        statuses(200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    Row("password_reset_complete", "get", lambda w: reverse("password_reset_complete"),
        statuses(200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
]
# fmt: on


def test_every_url_has_rows():
    names = {pattern.name for pattern in rating_urls.urlpatterns} - PUBLIC_URLS
    assert names == {row.name for row in ROWS}


APPLICANT_SIDE = ("filer_in", "filer_out", "town_in", "town_out")
UNIT_SIDE = ("unit_in", "unit_out")


def unit_side(world: World, role: str, url: str):
    """The unit's filer a column stands for: of the unit `url` names (or whose file it names)."""
    if role == "unit_out":
        return world.other_unit_filer
    named = re.search(r"/units/([0-9]+)/", url)
    evidence = re.search(r"/evidence/([0-9]+)/", url)
    unit_id = int(named.group(1)) if named else None
    if evidence:
        line = EvidenceFile.objects.filter(pk=evidence.group(1)).values("line__assessment__unit")
        unit_id = line[0]["line__assessment__unit"] if line else None
    return world.unit_filers.get(unit_id) or world.unit_filers[world.self_filed.pk]


def applicant_side(world: World, role: str, url: str):
    """The filer or town reviewer a column stands for, for the community `url` names."""
    named = re.search(r"/([0-9]{12})/", url)
    code = named.group(1) if named else world.application.community_id
    if role == "filer_in":
        return world.filers.get(code) or world.filers[world.application.community_id]
    if role == "filer_out":
        return world.filers[WUDA_COMMUNITY]
    if role == "town_in":
        return world.prereviewers.get(code[:9] + "000") or world.prereviewers[BAYINTAOHAI]
    return world.prereviewers["150304011000"]


# What any request may write without changing anything of the portal's: its own session.
BOOKKEEPING = {"django_session"}
WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)


class Writes:
    """The tables the SQL run under it writes to (a `connection.execute_wrapper`)."""

    def __init__(self) -> None:
        self.tables: set[str] = set()

    def __call__(self, execute, sql, params, many, context):
        if written := WRITE.match(sql):
            self.tables.add(written[1])
        return execute(sql, params, many, context)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method}-{r.name}")
def test_matrix(client, as_user, world, row):
    """Each role in turn, each inside a transaction rolled back afterwards, so that one role's
    successful POST does not change what the next role finds."""
    wrong = []
    url = row.url(world)
    for role in ROLES:
        user = world.users.get(role)
        if role == "certifier_right":
            user = world.certifiers[row.certifiers[0]]
        elif role == "certifier_other":
            user = world.certifiers[row.certifiers[1]]
        elif role in APPLICANT_SIDE:
            user = applicant_side(world, role, url)
        elif role in UNIT_SIDE:
            user = unit_side(world, role, url)
        as_user(user)
        writes = Writes()
        with transaction.atomic(), connection.execute_wrapper(writes):
            response = getattr(client, row.method)(url, row.data(world))
            if response.streaming:
                b"".join(response.streaming_content)  # reading to the end closes the file
            expected = row.expected[role]
            if response.status_code != expected:
                wrong.append(f"{role}: {response.status_code}, expected {expected}")
            elif expected == LOGIN and user is None:
                assert response["Location"].startswith(reverse("login"))
            if expected in (403, 404) or user is None:
                # A refusal changes nothing.
                assert writes.tables <= BOOKKEEPING, f"{role} wrote to {sorted(writes.tables)}"
            transaction.set_rollback(True)
    assert not wrong, f"{row.method} {url}: " + "; ".join(wrong)


def test_refused_posts_change_nothing(client, world):
    for role in ("assessor_out", "admin", "certifier_other"):
        user = world.users[role]
        client.force_login(user)
        client.post(rating_url("item_decide", world.submitted, 1), {"decision": "endorse"})
        client.post(rating_url("rating_submit", world.draft), {"version": world.draft.version})
    assert item(world.submitted, 1).status == ItemStatus.PENDING
    assert StarRating.objects.get(pk=world.draft.pk).status == RatingStatus.DRAFT


def test_bulk_decide_cannot_reach_another_authoritys_items(client, world):
    client.force_login(world.users["certifier_other"])
    response = client.post(
        reverse("queue_decide"),
        {"items": [item(world.submitted, 1).pk], "decision": "endorse", "confirm": "yes"},
        follow=True,
    )
    assert "已不在待认定队列中" in response.content.decode()
    assert item(world.submitted, 1).status == ItemStatus.PENDING


def test_admin_sees_ratings_everywhere_but_does_not_score(client, world):
    client.force_login(world.users["admin"])
    assert client.get(rating_url("rating_detail", world.draft)).status_code == 200
    assert client.get(rating_url("rating_edit", world.draft)).status_code == 403


def test_a_superuser_with_a_certifiers_role_is_an_administrator(client, world):
    """The guards let a superuser through as an administrator whatever their account's role;
    every rule beyond them sees the same: every rating, and no item to decide."""
    client.force_login(certifier("gongan", is_superuser=True))
    assert client.get(rating_url("rating_detail", world.draft)).status_code == 200
    assert client.get(reverse("work")).status_code == 200  # not sent to a queue they may not open
    client.post(rating_url("item_decide", world.submitted, 1), {"decision": "endorse"})
    assert item(world.submitted, 1).status == ItemStatus.PENDING


def test_out_of_scope_region_filter_is_404(client, world):
    client.force_login(world.users["assessor_in"])
    assert client.get(reverse("work"), {"region": "150304011000"}).status_code == 404
    assert client.get(reverse("work"), {"region": "150303104000"}).status_code == 200


def test_user_without_role_is_refused(client, world):
    client.force_login(UserFactory())
    assert client.get(reverse("work")).status_code == 403


def test_certifier_of_a_district_sees_only_its_district(client, world):
    Authority.objects.create(
        code="wuda-gongan", name="乌达公安分局", short_name="乌达公安", region_id="150304000000"
    )
    client.force_login(certifier("wuda-gongan"))
    assert client.get(rating_url("rating_detail", world.submitted)).status_code == 404
