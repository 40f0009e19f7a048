"""Residents' reports (反映问题) through a valid plaque's verification page: the same fields and
protections as an objection, cases for the administrators and the community's district."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ratings import workflow
from ratings.choices import EventAction, ReportStatus
from ratings.models import Event, ResidentReport
from tests.helpers import body
from tests.views.test_notices import _public_responses
from tests.world import PDF_BYTES, World

pytestmark = pytest.mark.django_db

FACTS = "社区东门路灯损坏三个月，夜间多次发生电动车被盗，反映后无人处理。"
REPORTER = ["赵春梅", "13847301234"]


@pytest.fixture
def world(module_world, db) -> World:
    cache.clear()  # the rate limiter counts in the cache
    return module_world


def report_data(**extra) -> dict:
    return {"facts": FACTS, "name": "赵春梅", "phone": "138 4730 1234", **extra}


def post_report(client, world: World, data: dict, **extra):
    return client.post(reverse("report_new", args=[world.plaque.number]), data, **extra)


def test_the_verification_page_of_a_valid_plaque_offers_it(client, world):
    page = body(client.get(reverse("verify_number", args=[world.plaque.number])))
    assert reverse("report_new", args=[world.plaque.number]) in page
    form = body(client.get(reverse("report_new", args=[world.plaque.number])))
    assert "利民社区" in form and 'name="facts"' in form


def test_a_revoked_plaque_takes_no_report(client, world):
    workflow.plaque_revoke(user=world.users["admin"], plaque=world.plaque, reason="重新制作")
    page = body(client.get(reverse("verify_number", args=[world.plaque.number])))
    assert reverse("report_new", args=[world.plaque.number]) not in page
    assert client.get(reverse("report_new", args=[world.plaque.number])).status_code == 404
    assert post_report(client, world, report_data()).status_code == 404
    assert not ResidentReport.objects.exists()


def test_a_report_gets_a_receipt_and_a_status_page(client, world):
    upload = SimpleUploadedFile("现场照片.pdf", PDF_BYTES)
    response = post_report(client, world, {**report_data(), "evidence": upload})
    report = ResidentReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("report_status", args=[report.receipt])
    assert report.receipt.startswith("FY-") and report.phone == "13847301234"
    assert report.community_id == world.ten_star.community_id and report.evidence_sha256
    page = body(client.get(response["Location"]))
    assert report.receipt in page and "已受理" in page and "利民社区" in page
    event = Event.objects.get(action=EventAction.REPORT_RECEIVE)
    assert event.actor is None and event.rating_id == world.ten_star.pk
    assert "赵春梅" not in event.detail and "1384730" not in event.detail


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("facts", "路灯坏了", "至少 20 个字"),
        ("phone", "12345", "请填写有效的大陆手机号码"),
        ("name", "user123", "请填写真实姓名"),
    ],
)
def test_a_bad_report_says_what_is_wrong_and_saves_nothing(client, world, field, value, message):
    response = post_report(client, world, report_data(**{field: value}))
    assert response.status_code == 200 and message in body(response)
    assert not ResidentReport.objects.exists()


def test_evidence_follows_the_same_upload_rules(client, world):
    upload = SimpleUploadedFile("说明.pdf", b"MZ not a pdf at all")
    response = post_report(client, world, {**report_data(), "evidence": upload})
    assert "不是允许的类型" in body(response)
    assert not ResidentReport.objects.exists()


def test_reports_are_rate_limited_per_address(client, world, settings, one_minute):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": 2}
    for _ in range(2):
        assert post_report(client, world, report_data()).status_code == 302
    assert post_report(client, world, report_data()).status_code == 429
    assert ResidentReport.objects.count() == 2
    assert post_report(client, world, report_data(), REMOTE_ADDR="10.0.0.9").status_code == 302


def test_an_unknown_receipt_is_404(client, world):
    assert client.get(reverse("report_status", args=["FY-2026-2222222222"])).status_code == 404


def test_reporters_data_in_no_public_response(client, world):
    post_report(client, world, report_data())
    report = ResidentReport.objects.get()
    workflow.report_find(
        user=world.users["admin"], report=report, upheld=False, reason="经核实，路灯已修复。"
    )
    texts = _public_responses(client, world)
    texts["status"] = body(client.get(reverse("report_status", args=[report.receipt])))
    for url, text in texts.items():
        for secret in REPORTER:
            assert secret not in text, f"{secret} on {url}"
    assert "经核实，路灯已修复。" in texts["status"]


def test_the_district_answers_and_nobody_outside_it_sees_it(client, world):
    post_report(client, world, report_data(), follow=True)
    report = ResidentReport.objects.get()
    assessor, outsider = world.users["assessor_in"], world.users["assessor_out"]
    client.force_login(outsider)
    assert report.receipt not in body(client.get(reverse("report_list")))
    assert client.get(reverse("report_detail", args=[report.pk])).status_code == 404
    assert (
        client.post(
            reverse("report_find", args=[report.pk]), {"finding": "upheld", "reason": "x"}
        ).status_code
        == 404
    )
    client.force_login(assessor)
    todo = body(client.get(reverse("todo")))
    assert "待答复的群众反映" in todo
    staff = body(client.get(reverse("report_detail", args=[report.pk])))
    assert "赵春梅" in staff and "13847301234" in staff
    response = client.post(reverse("report_find", args=[report.pk]), {"finding": "upheld"})
    assert response.status_code == 200 and "请填写认定理由" in body(response)
    response = client.post(
        reverse("report_find", args=[report.pk]),
        {"finding": "upheld", "reason": "属实，已督促街道三日内修复路灯。"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.UPHELD and report.found_by == assessor
    status = body(client.get(reverse("report_status", args=[report.receipt])))
    assert "反映属实" in status and "三日内修复路灯" in status
    with pytest.raises(workflow.TransitionNotAllowed, match="不能再更改"):
        workflow.report_find(user=world.users["admin"], report=report, upheld=False, reason="x")
    # The administrators see every report.
    client.force_login(world.users["admin"])
    assert report.receipt in body(client.get(reverse("report_list")))
