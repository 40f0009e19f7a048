"""Years and publication, revoking eligibility, guidance cases and the commendation list."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ratings import workflow
from ratings.choices import EventAction, GuidanceStatus, RatingStatus, YearStatus
from ratings.models import Event, GuidanceCase, Region, StarRating
from tests.helpers import (
    SAIHANWUSU,
    decide_all,
    item,
    published_year_with,
    save_rating,
    submitted_rating,
)

pytestmark = pytest.mark.django_db


class TestPublish:
    def test_publish_refused_with_undecided_ratings_and_lists_them(
        self, client, assessor, admin_user, community, year
    ):
        submitted_rating(assessor, community, year)
        workflow.year_close(user=admin_user, year=year)
        with pytest.raises(workflow.TransitionNotAllowed, match="还有 1 份评定尚未认定完成"):
            workflow.year_publish(user=admin_user, year=year)

        client.force_login(admin_user)
        page = client.get(reverse("year_publish", args=[2026])).content.decode()
        assert "赛汗乌素村" in page and "不能公布" in page and "确认公布" not in page
        response = client.post(reverse("year_publish", args=[2026]), follow=True)
        assert "尚未认定完成" in response.content.decode()
        year.refresh_from_db()
        assert year.status == YearStatus.CLOSED

    def test_publish_needs_a_closed_year(self, admin_user, year):
        with pytest.raises(workflow.TransitionNotAllowed, match="只有已截止的年度可以公布"):
            workflow.year_publish(user=admin_user, year=year)

    def test_publish_with_every_rating_decided_or_revoked(
        self, assessor, certifiers, admin_user, community, year
    ):
        decide_all(submitted_rating(assessor, community, year), certifiers)
        other = Region.objects.get(name="曙光村")
        save_rating(assessor, other, year)  # a draft, then revoked
        workflow.eligibility_revoke(user=admin_user, community=other, year=year, reason="口碑差")
        workflow.year_close(user=admin_user, year=year)
        workflow.year_publish(user=admin_user, year=year)
        year.refresh_from_db()
        assert year.status == YearStatus.PUBLISHED
        assert Event.objects.filter(action=EventAction.YEAR_PUBLISH, year=year).count() == 1

    def test_published_results_cannot_change_through_the_workflow(
        self, assessor, certifiers, admin_user, community, year
    ):
        rating = published_year_with(assessor, certifiers, admin_user, year, [(community, None)])[0]
        with pytest.raises(workflow.TransitionNotAllowed):
            save_rating(assessor, community, year)
        assert StarRating.objects.get(pk=rating.pk).stars == 10

    def test_open_year_through_the_confirmation_page(self, client, admin_user):
        client.force_login(admin_user)
        confirm = client.post(reverse("manage_years"), {"year": 2027})
        assert "确认开启" in confirm.content.decode()
        assert not Event.objects.filter(action=EventAction.YEAR_OPEN).exists()
        client.post(reverse("manage_years"), {"year": 2027, "confirm": "yes"})
        assert Event.objects.filter(action=EventAction.YEAR_OPEN, year=2027).count() == 1
        bad = client.post(reverse("manage_years"), {"year": "abc"})
        assert bad.status_code == 200 and "输入整数" in bad.content.decode()


class TestEligibility:
    def test_revoking_removes_stars_and_revokes_the_plaque_together(
        self, assessor, certifiers, admin_user, community, year
    ):
        rating = published_year_with(assessor, certifiers, admin_user, year, [(community, None)])[0]
        plaque = workflow.plaque_issue(user=admin_user, rating=rating)

        workflow.eligibility_revoke(
            user=admin_user, community=community, year=year, reason="群众口碑不好"
        )

        rating.refresh_from_db()
        plaque.refresh_from_db()
        assert (rating.status, rating.stars) == (RatingStatus.REVOKED, 0)
        assert not plaque.is_valid and "群众口碑不好" in plaque.revoked_reason
        assert plaque.revoked_at == rating.revoked_at or plaque.revoked_at >= rating.revoked_at
        actions = list(Event.objects.filter(rating=rating).values_list("action", flat=True))
        assert actions[-2:] == [EventAction.ELIGIBILITY_REVOKE, EventAction.PLAQUE_REVOKE]

    def test_reinstating_restores_the_stars_but_not_the_plaque(
        self, assessor, certifiers, admin_user, community, year
    ):
        rating = published_year_with(assessor, certifiers, admin_user, year, [(community, None)])[0]
        plaque = workflow.plaque_issue(user=admin_user, rating=rating)
        workflow.eligibility_revoke(user=admin_user, community=community, year=year, reason="核查")
        with pytest.raises(workflow.TransitionNotAllowed, match="理由"):
            workflow.eligibility_reinstate(user=admin_user, rating=rating, reason="")

        workflow.eligibility_reinstate(user=admin_user, rating=rating, reason="复核后误判")

        rating.refresh_from_db()
        plaque.refresh_from_db()
        assert (rating.status, rating.stars) == (RatingStatus.CERTIFIED, 10)
        assert not plaque.is_valid
        event = Event.objects.get(action=EventAction.ELIGIBILITY_REINSTATE)
        assert (event.from_state, event.to_state, event.reason) == (
            "revoked",
            "certified",
            "复核后误判",
        )

    def test_revoke_twice_and_without_reason_are_refused(self, admin_user, community, year):
        with pytest.raises(workflow.TransitionNotAllowed, match="理由"):
            workflow.eligibility_revoke(user=admin_user, community=community, year=year, reason="")
        workflow.eligibility_revoke(user=admin_user, community=community, year=year, reason="差")
        with pytest.raises(workflow.TransitionNotAllowed, match="已于"):
            workflow.eligibility_revoke(
                user=admin_user, community=community, year=year, reason="差"
            )
        # A community not yet rated now has a revoked rating with its ten items.
        assert StarRating.objects.get(community=community).items.count() == 10

    def test_revoked_rating_stops_assessor_and_certifier(
        self, assessor, gongan, admin_user, community, year
    ):
        rating = submitted_rating(assessor, community, year)
        workflow.eligibility_revoke(user=admin_user, community=community, year=year, reason="差")
        with pytest.raises(workflow.TransitionNotAllowed, match="取消"):
            workflow.item_decide(user=gongan, item=item(rating, 1), decision="endorse")
        with pytest.raises(workflow.TransitionNotAllowed):
            save_rating(assessor, community, year)

    def test_revoke_through_the_confirmation_page(self, client, admin_user, community, year):
        client.force_login(admin_user)
        url = reverse("eligibility_revoke", args=[2026, SAIHANWUSU])
        assert "确认取消资格" in client.get(url).content.decode()
        missing = client.post(url, {"reason": ""})
        assert "请填写理由" in missing.content.decode()
        assert not StarRating.objects.exists()
        client.post(url, {"reason": "多次群众投诉"})
        assert StarRating.objects.get().status == RatingStatus.REVOKED


class TestGuidance:
    def test_five_stars_or_fewer_open_a_case_six_do_not(self, assessor, certifiers, year):
        low = submitted_rating(
            assessor, Region.objects.get(name="曙光村"), year, met={n: n <= 5 for n in range(1, 11)}
        )
        decide_all(low, certifiers)
        six = submitted_rating(
            assessor, Region.objects.get(name="渡口村"), year, met={n: n <= 6 for n in range(1, 11)}
        )
        decide_all(six, certifiers)
        assert GuidanceCase.objects.filter(rating=low).exists()
        assert not GuidanceCase.objects.filter(rating=six).exists()
        assert Event.objects.filter(action=EventAction.GUIDANCE_OPEN, rating=low).count() == 1

    @pytest.fixture
    def case(self, assessor, certifiers, year) -> GuidanceCase:
        rating = submitted_rating(
            assessor,
            Region.objects.get(name="曙光村"),
            year,
            met={1: False, 2: False, 3: False, 4: False, 5: False},
        )
        decide_all(rating, certifiers)
        return GuidanceCase.objects.get(rating=rating)

    def test_update_conflict_note_and_close(self, assessor, case):
        case = workflow.guidance_update(
            user=assessor,
            case=case,
            expected_version=1,
            measures="走访排查",
            responsible_person="王书记",
            due_date=timezone.localdate(),
        )
        with pytest.raises(workflow.Conflict):
            workflow.guidance_update(
                user=assessor,
                case=case,
                expected_version=1,
                measures="覆盖",
                responsible_person="",
                due_date=None,
            )
        workflow.guidance_note_add(user=assessor, case=case, text="已走访 30 户")
        with pytest.raises(workflow.TransitionNotAllowed, match="整改结果"):
            workflow.guidance_close(user=assessor, case=case, outcome=" ")
        workflow.guidance_close(user=assessor, case=case, outcome="整改到位")
        with pytest.raises(workflow.TransitionNotAllowed, match="结案"):
            workflow.guidance_note_add(user=assessor, case=case, text="再记一条")
        case.refresh_from_db()
        assert (case.status, case.measures, case.outcome) == (
            GuidanceStatus.CLOSED,
            "走访排查",
            "整改到位",
        )
        actions = list(case.events.values_list("action", flat=True))
        assert actions == ["guidance_open", "guidance_update", "guidance_note", "guidance_close"]

    def test_overdue_cases_come_first_and_stand_out(self, client, assessor, case):
        workflow.guidance_update(
            user=assessor,
            case=case,
            expected_version=1,
            measures="",
            responsible_person="",
            due_date=timezone.localdate() - timedelta(days=1),
        )
        client.force_login(assessor)
        html = client.get(reverse("guidance_list")).content.decode()
        assert 'class="overdue"' in html and "已逾期" in html
        overdue_only = client.get(reverse("guidance_list"), {"state": "overdue"}).content.decode()
        assert "曙光村" in overdue_only

    def test_assessor_of_another_district_cannot_see_the_case(
        self, client, assessor_out, gongan, case
    ):
        client.force_login(assessor_out)
        assert client.get(reverse("guidance_detail", args=[case.pk])).status_code == 404
        assert "曙光村" not in client.get(reverse("guidance_list")).content.decode()
        client.force_login(gongan)
        assert client.get(reverse("guidance_detail", args=[case.pk])).status_code == 403

    def test_stale_form_in_the_browser_is_a_409_with_a_reload_link(self, client, assessor, case):
        client.force_login(assessor)
        url = reverse("guidance_detail", args=[case.pk])
        client.post(url, {"measures": "第一版", "version": 1})
        response = client.post(url, {"measures": "第二版", "version": 1})
        assert response.status_code == 409 and "重新加载" in response.content.decode()
        case.refresh_from_db()
        assert case.measures == "第一版"


class TestCommendation:
    def test_page_and_xlsx_list_ten_star_communities_by_district(
        self, client, assessor, certifiers, admin_user, year
    ):
        from openpyxl import load_workbook

        saihan, shuguang = (Region.objects.get(name=n) for n in ("赛汗乌素村", "曙光村"))
        published_year_with(
            assessor, certifiers, admin_user, year, [(saihan, None), (shuguang, {2: False})]
        )

        html = client.get(reverse("commendation", args=[2026])).content.decode()
        assert "海南区（1）" in html and "赛汗乌素村" in html and "曙光村" not in html
        assert "已撤销" not in html

        response = client.get(reverse("commendation_xlsx", args=[2026]))
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows == [
            ("区", "街道(镇)", "社区(村)", "区划代码", "备注"),
            ("海南区", "巴音陶亥镇", "赛汗乌素村", SAIHANWUSU, None),
        ]

    def test_a_later_revocation_is_annotated_not_removed(
        self, client, assessor, certifiers, admin_user, year
    ):
        """The list is the document as published: 2 → 2 communities after a revocation, one
        marked 已撤销 with its date, under the date of publication; the honour roll, the live
        state, drops it."""
        from openpyxl import load_workbook

        saihan, dukou, shuguang = (
            Region.objects.get(name=n) for n in ("赛汗乌素村", "渡口村", "曙光村")
        )
        for place in (saihan, dukou, shuguang):
            decide_all(submitted_rating(assessor, place, year), certifiers)
        workflow.eligibility_revoke(user=admin_user, community=shuguang, year=year, reason="核查")
        workflow.year_close(user=admin_user, year=year)
        year = workflow.year_publish(user=admin_user, year=year)
        before = client.get(reverse("commendation", args=[2026])).content.decode()

        workflow.eligibility_revoke(user=admin_user, community=dukou, year=year, reason="口碑差")
        # Reinstating one revoked before publication puts it back on the honour roll, not on
        # the list as published.
        rating = StarRating.objects.get(community=shuguang, year=year)
        workflow.eligibility_reinstate(user=admin_user, rating=rating, reason="复核后误判")

        revoked_on = timezone.localtime(
            StarRating.objects.get(community=dukou, year=year).revoked_at
        ).date()
        html = client.get(reverse("commendation", args=[2026])).content.decode()
        assert "共有 2 个社区(村)" in before and "共有 2 个社区(村)" in html
        assert "海南区（2）" in html and "赛汗乌素村" in html and "渡口村" in html
        assert (
            f'渡口村<span class="annotation">（{revoked_on:%Y-%m-%d} 取消评星资格，已撤销）' in html
        )
        assert "其中 1 个社区(村)在公布后被取消当年评星资格" in html
        assert "曙光村" not in html
        published_on = timezone.localtime(year.published_at)
        assert f"{published_on.year}年{published_on.month}月{published_on.day}日" in html

        sheet = load_workbook(
            io.BytesIO(client.get(reverse("commendation_xlsx", args=[2026])).content)
        ).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[1:] == [
            (
                "海南区",
                "巴音陶亥镇",
                "渡口村",
                dukou.code,
                f"{revoked_on:%Y-%m-%d} 取消评星资格，已撤销",
            ),
            ("海南区", "巴音陶亥镇", "赛汗乌素村", SAIHANWUSU, None),
        ]

        roll = client.get(reverse("honours"), {"year": 2026}).content.decode()
        assert "赛汗乌素村" in roll and "曙光村" in roll and "渡口村" not in roll

    def test_unpublished_year_has_no_commendation(self, client, year):
        assert client.get(reverse("commendation", args=[2026])).status_code == 404
        assert client.get(reverse("commendation_xlsx", args=[2026])).status_code == 404

    def test_xlsx_writes_formula_like_text_as_text_cells(self):
        import zipfile

        from openpyxl import load_workbook

        from ratings.spreadsheets import xlsx_bytes

        written = ["=1+1", "+x", "-3", "@SUM(A1)", "\tx", "ok", 5]
        content = xlsx_bytes("t", ["a"], [[value] for value in written])
        cells = [row[0] for row in load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2)]
        # The values are kept as typed, without an apostrophe, in cells that are never run.
        assert [cell.value for cell in cells] == written
        assert [cell.data_type for cell in cells] == ["s"] * 6 + ["n"]
        assert all(cell.quotePrefix for cell in cells[:5])
        sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
        assert b"<f>" not in sheet_xml
