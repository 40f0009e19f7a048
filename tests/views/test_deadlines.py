"""The deadline pages: the administrator sets them, extends, closes the apply stage; work lists
and forms show the stage's deadline and mark what is overdue."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ratings import workflow
from ratings.choices import RatingStatus
from ratings.models import DeadlineExtension, StarRating
from tests import factories
from tests.helpers import BAYINTAOHAI, answers, application_led

pytestmark = pytest.mark.django_db


@pytest.fixture
def filer(db, year, admin_user, community):
    application_led(admin_user, year)
    return factories.filer(community.code, username="saihanwusu")


def set_dues(admin_user, year, **dues) -> None:
    workflow.year_deadlines_set(user=admin_user, year=year, dues=dues)
    year.refresh_from_db()


class TestAdministrator:
    def test_sets_the_deadlines_on_the_years_page(self, client, admin_user, year):
        client.force_login(admin_user)
        page = client.get(reverse("year_deadlines", args=[2026]))
        assert page.status_code == 200 and "保存截止日期" in page.content.decode()
        response = client.post(
            reverse("year_deadlines", args=[2026]),
            {"apply_due": "2026-06-30", "prereview_due": "2026-07-15", "review_due": ""},
        )
        assert response.status_code == 302
        year.refresh_from_db()
        assert year.apply_due == date(2026, 6, 30) and year.review_due is None
        assert (
            reverse("year_deadlines", args=[2026])
            in client.get(reverse("manage_years")).content.decode()
        )

    def test_bad_dates_and_out_of_order_change_nothing(self, client, admin_user, year):
        client.force_login(admin_user)
        response = client.post(reverse("year_deadlines", args=[2026]), {"apply_due": "明天"})
        assert response.status_code == 400 and "请输入有效日期" in response.content.decode()
        response = client.post(
            reverse("year_deadlines", args=[2026]),
            {"apply_due": "2026-07-30", "prereview_due": "2026-07-01"},
            follow=True,
        )
        assert "不能早于" in response.content.decode()
        year.refresh_from_db()
        assert year.apply_due is None and year.prereview_due is None

    def test_extends_for_a_named_community_with_a_reason(
        self, client, admin_user, year, filer, community, today
    ):
        today(date(2026, 6, 20))
        set_dues(admin_user, year, apply=date(2026, 6, 30))
        client.force_login(admin_user)
        assert client.get(reverse("deadline_extend", args=[2026])).status_code == 200
        response = client.post(
            reverse("deadline_extend", args=[2026]),
            {"community": community.code, "until": "2026-07-10", "reason": ""},
        )
        assert response.status_code == 400 and not DeadlineExtension.objects.exists()
        response = client.post(
            reverse("deadline_extend", args=[2026]),
            {"community": "150303104999", "until": "2026-07-10", "reason": "换届"},
        )
        assert "没有区划代码" in response.content.decode()
        response = client.post(
            reverse("deadline_extend", args=[2026]),
            {"community": community.code, "until": "2026-07-10", "reason": "换届"},
        )
        assert response.status_code == 302
        page = client.get(reverse("year_deadlines", args=[2026])).content.decode()
        assert community.name in page and "2026-07-10" in page and "换届" in page

    def test_closes_the_apply_stage_after_a_confirmation(
        self, client, admin_user, year, filer, community, today
    ):
        set_dues(admin_user, year, apply=date(2026, 6, 30))
        workflow.application_save(
            user=filer, community=community, year=year, expected_version=0, answers=answers()
        )
        client.force_login(admin_user)
        today(date(2026, 6, 30))
        assert (
            "截止申报…" not in client.get(reverse("year_deadlines", args=[2026])).content.decode()
        )
        today(date(2026, 7, 1))
        confirm = client.get(reverse("apply_stage_close", args=[2026]))
        assert "逾期未申报" in confirm.content.decode()
        assert StarRating.objects.get(community=community).status == RatingStatus.DRAFT
        response = client.post(reverse("apply_stage_close", args=[2026]), follow=True)
        assert "记为逾期未申报" in response.content.decode()
        assert StarRating.objects.get(community=community).status == RatingStatus.LAPSED


class TestWorkLists:
    def test_the_filer_sees_the_deadline_and_overdue_mark(
        self, client, admin_user, year, filer, community, today
    ):
        set_dues(admin_user, year, apply=date(2026, 6, 30), prereview=date(2026, 7, 15))
        client.force_login(filer)
        today(date(2026, 6, 30))
        page = client.get(reverse("work")).content.decode()
        assert "自评申报截止：2026-06-30" in page and "街道/镇初审截止" not in page
        assert "badge-overdue" not in page
        today(date(2026, 7, 1))
        page = client.get(reverse("work")).content.decode()
        assert "badge-overdue" in page  # not even started
        form = client.get(reverse("application_edit", args=[2026, community.code]))
        assert "自评申报截止：2026-06-30" in form.content.decode()

    def test_the_town_sees_its_own_stage_and_an_extension_clears_the_mark(
        self, client, admin_user, year, filer, community, today
    ):
        set_dues(admin_user, year, apply=date(2026, 6, 30), prereview=date(2026, 7, 15))
        today(date(2026, 6, 29))
        workflow.deadline_extend(
            user=admin_user, year=year, community=community, until=date(2026, 7, 5), reason="延"
        )
        today(date(2026, 7, 2))
        client.force_login(filer)
        page = client.get(reverse("work")).content.decode()
        assert "自评申报截止：2026-07-05" in page and "（已延期）" in page
        town = factories.prereviewer(BAYINTAOHAI)
        client.force_login(town)
        page = client.get(reverse("work"), {"q": community.name}).content.decode()
        assert "街道/镇初审截止：2026-07-15" in page and "badge-overdue" not in page
        today(date(2026, 7, 6))
        page = client.get(reverse("work"), {"q": community.name}).content.decode()
        assert "badge-overdue" in page


class TestCertifierAndRefusals:
    def test_the_queue_and_decision_form_show_the_certification_deadline(
        self, client, admin_user, year, gongan, today
    ):
        from ratings.models import Region, within_q
        from tests.helpers import WUDA, item, submitted_rating

        set_dues(admin_user, year, certify=date(2026, 9, 30))
        village = Region.objects.villages().filter(within_q(WUDA[:6])).order_by("code").first()
        rating = submitted_rating(factories.assessor(WUDA), village, year)
        client.force_login(gongan)
        today(date(2026, 9, 30))
        queue = client.get(reverse("queue")).content.decode()
        assert "认定截止：2026-09-30" in queue and "badge-overdue" not in queue
        today(date(2026, 10, 1))
        assert "badge-overdue" in client.get(reverse("queue")).content.decode()
        decide = client.get(
            reverse("item_decide", args=[2026, village.code, item(rating, 1).standard_id])
        )
        assert "认定截止：2026-09-30" in decide.content.decode()

    def test_a_lapsed_application_cannot_be_opened_for_editing(
        self, client, admin_user, year, filer, community, today
    ):
        set_dues(admin_user, year, apply=date(2026, 6, 30))
        workflow.application_save(
            user=filer, community=community, year=year, expected_version=0, answers=answers()
        )
        today(date(2026, 7, 1))
        workflow.apply_stage_close(user=admin_user, year=year)
        client.force_login(filer)
        response = client.get(reverse("application_edit", args=[2026, community.code]), follow=True)
        assert "逾期未申报" in response.content.decode()
        response = client.post(
            reverse("application_submit", args=[2026, community.code]), follow=True
        )
        assert StarRating.objects.get(community=community).status == RatingStatus.LAPSED
        work = client.get(reverse("work")).content.decode()
        assert "badge-lapsed" in work
        # The filer and its town are told in their inbox.
        assert "逾期未申报" in client.get(reverse("inbox")).content.decode()
        client.force_login(factories.prereviewer(BAYINTAOHAI))
        assert "逾期未申报" in client.get(reverse("inbox")).content.decode()
