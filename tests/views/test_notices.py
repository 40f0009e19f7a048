"""The notice pages: the public notice and its objection form, a receipt's status, and the
staff pages that handle objections. The objector's name and phone reach no public response."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ratings import workflow
from ratings.choices import ObjectionStatus
from ratings.models import Event, Objection
from tests.helpers import body
from tests.world import PDF_BYTES, World

pytestmark = pytest.mark.django_db

FACTS = "该宾馆消防通道长期堆放杂物，2026年10月检查时仍未清理。"
# The world's objector (see tests/world.py) and the one these tests add.
OBJECTORS = ["王建国", "13904731234", "李秀英", "0473-6012345"]


@pytest.fixture
def world(module_world, db, settings) -> World:
    cache.clear()  # the rate limiter counts in the cache
    return module_world


@pytest.fixture
def window_open(world, today):
    today(date(2026, 11, 3))  # the world's notice runs 2–6 November 2026
    return world


def objection_data(world: World, **extra) -> dict:
    return {
        "entry": world.objection.entry_id,
        "facts": FACTS,
        "name": "李秀英",
        "phone": "0473-6012345",
        **extra,
    }


def post_objection(client, world: World, data: dict, **extra):
    return client.post(reverse("notice_detail", args=[world.notice.pk]), data, **extra)


class TestPublicNotice:
    def test_list_and_notice_show_the_window_and_the_list(self, client, window_open):
        listing = body(client.get(reverse("notice_list")))
        assert window_open.notice.title in listing
        page = body(client.get(reverse("notice_detail", args=[window_open.notice.pk])))
        assert "2026年11月2日 至 2026年11月6日" in page
        assert "黄河宾馆" in page and 'name="facts"' in page

    def test_objection_gets_a_receipt_and_its_status_page(self, client, window_open):
        response = post_objection(client, window_open, objection_data(window_open))
        made = Objection.objects.get(name="李秀英")
        assert response.status_code == 302
        assert response["Location"] == reverse("objection_status", args=[made.receipt])
        assert made.phone == "0473-6012345" and made.status == ObjectionStatus.RECEIVED
        status = body(client.get(response["Location"]))
        assert made.receipt in status and "已受理" in status
        assert "李秀英" not in status and "0473-6012345" not in status

    def test_objection_with_evidence_keeps_the_file(self, client, window_open):
        upload = SimpleUploadedFile("照片.pdf", PDF_BYTES)
        post_objection(client, window_open, {**objection_data(window_open), "evidence": upload})
        made = Objection.objects.get(name="李秀英")
        assert made.evidence_type == "application/pdf" and made.evidence_name == "照片.pdf"

    @pytest.mark.parametrize(
        "field, value, message",
        [
            ("facts", "不合格", "至少 20 个字"),
            ("phone", "12345", "有效的大陆手机号码"),
            ("phone", "1390473123", "有效的大陆手机号码"),
            ("name", "", "这个字段是必填项"),
            ("name", "user123", "请填写真实姓名"),
            ("entry", "999999", "请从公示名单中选择"),
        ],
    )
    def test_bad_objection_says_what_is_wrong_and_saves_nothing(
        self, client, window_open, field, value, message
    ):
        before = Objection.objects.count()
        response = post_objection(
            client, window_open, objection_data(window_open, **{field: value})
        )
        assert response.status_code == 200
        assert message in body(response)
        assert Objection.objects.count() == before

    def test_evidence_of_a_forbidden_kind_is_refused(self, client, window_open):
        upload = SimpleUploadedFile("说明.pdf", b"MZ not a pdf at all")
        response = post_objection(
            client, window_open, {**objection_data(window_open), "evidence": upload}
        )
        assert "不是允许的类型" in body(response)
        assert not Objection.objects.filter(name="李秀英").exists()

    def test_objection_after_the_window_is_refused_with_the_dates(self, client, world, today):
        today(date(2026, 11, 9))
        page = body(client.get(reverse("notice_detail", args=[world.notice.pk])))
        assert 'name="facts"' not in page and "公示结果" in page
        response = post_objection(client, world, objection_data(world), follow=True)
        assert "公示期为 2026-11-02 至 2026-11-06" in body(response)
        assert not Objection.objects.filter(name="李秀英").exists()

    def test_objections_are_rate_limited_per_address(
        self, client, window_open, settings, one_minute
    ):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "objection": 2}
        for _ in range(2):
            post_objection(client, window_open, objection_data(window_open))
        response = post_objection(client, window_open, objection_data(window_open))
        assert response.status_code == 429
        assert Objection.objects.filter(name="李秀英").count() == 2
        # Another address is not held back by the first one.
        other = post_objection(
            client, window_open, objection_data(window_open), REMOTE_ADDR="10.0.0.9"
        )
        assert other.status_code == 302

    def test_unknown_receipt_is_404(self, client, world):
        assert (
            client.get(reverse("objection_status", args=["YY-2026-2222222222"])).status_code == 404
        )


def _public_responses(client, world: World) -> dict[str, str]:
    """Every public page and download that could mention a notice, as text."""
    urls = [
        reverse("home"),
        reverse("notice_list"),
        reverse("notice_detail", args=[world.notice.pk]),
        reverse("objection_status", args=[world.objection.receipt]),
        reverse("honours"),
        reverse("honours") + "?kind=domains",
        reverse("honours_export", args=["csv"]) + "?kind=domains",
        reverse("honours_export", args=["json"]),
        reverse("stats"),
        reverse("stats_export", args=["csv"]),
        reverse("commendation", args=[2025]),
        reverse("verify_number", args=[world.plaque.number]),
    ]
    texts = {url: body(client.get(url)) for url in urls}
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("commendation_xlsx", args=[2025])).content)
    )
    texts["commendation.xlsx"] = " ".join(
        str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    )
    return texts


def test_objectors_data_in_no_public_response(client, window_open, admin_user):
    post_objection(client, window_open, objection_data(window_open))
    made = Objection.objects.get(name="李秀英")
    workflow.objection_find(user=admin_user, objection=made, upheld=False, reason="经核查不属实。")
    for url, text in _public_responses(client, window_open).items():
        for secret in OBJECTORS:
            assert secret not in text, f"{secret} on {url}"
    # …while the staff page that handles it shows them.
    client.force_login(admin_user)
    staff = body(client.get(reverse("objection_detail", args=[made.pk])))
    assert "李秀英" in staff and "0473-6012345" in staff


class TestHandling:
    def test_certifier_sees_only_objections_handed_to_it(self, client, world):
        client.force_login(world.certifiers["gongan"])
        assert world.objection.receipt in body(client.get(reverse("objection_list")))
        client.force_login(world.certifiers["jindu"])
        assert world.objection.receipt not in body(client.get(reverse("objection_list")))

    def test_finding_through_the_page_is_recorded_and_shown_to_the_objector(self, client, world):
        client.force_login(world.certifiers["gongan"])
        url = reverse("objection_find", args=[world.objection.pk])
        assert "不能更改" in body(client.get(url))
        response = client.post(url, {"finding": "upheld", "reason": "现场核查属实。"}, follow=True)
        assert "已认定：异议成立" in body(response)
        world.objection.refresh_from_db()
        assert world.objection.status == ObjectionStatus.UPHELD
        assert world.objection.entry.removed_at is not None
        status = body(client.get(reverse("objection_status", args=[world.objection.receipt])))
        assert "异议成立" in status and "现场核查属实。" in status
        assert Event.objects.filter(objection=world.objection, action="objection_uphold").exists()

    def test_finding_without_a_reason_changes_nothing(self, client, world):
        client.force_login(world.users["admin"])
        response = client.post(
            reverse("objection_find", args=[world.objection.pk]), {"finding": "dismissed"}
        )
        assert response.status_code == 200 and "请填写认定理由" in body(response)
        world.objection.refresh_from_db()
        assert world.objection.status == ObjectionStatus.ASSIGNED

    def test_naming_page_says_what_holds_the_batch(self, client, world):
        client.force_login(world.users["admin"])
        page = body(client.get(reverse("notice_name", args=[world.notice.pk])))
        assert world.objection.receipt in page
        response = client.post(
            reverse("notice_name", args=[world.notice.pk]),
            {"document_number": "9号", "designated_on": "2026-12-20"},
            follow=True,
        )
        assert re.search(r"还有异议尚未作出认定", body(response))
        assert not world.notice.entries.get().assessment.unit.designations.exists()
