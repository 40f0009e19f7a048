"""The ten creation domains: units, assessments and their pass rule, review, designations,
coverage."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from ratings import services, workflow
from ratings.choices import AssessmentStatus, EventAction, ReviewDecision
from ratings.coverage import coverage_by_child, coverage_by_domain
from ratings.models import (
    AssessmentLine,
    Criterion,
    Designation,
    Domain,
    Event,
    Region,
    Unit,
    mask_household,
    validate_credit_code,
)
from tests import factories
from tests.helpers import BAYINTAOHAI, HAINAN, NAMING, SAIHANWUSU, page_queries

pytestmark = pytest.mark.django_db


def make_unit(
    domain: str = "hotel", region: str = BAYINTAOHAI, name: str = "黄河宾馆", **kwargs
) -> Unit:
    return Unit.objects.create(domain_id=domain, region_id=region, name=name, **kwargs)


def scores(domain: str, *, missing: dict[str, int] | None = None, veto_short: bool = False) -> list:
    """Full points on every active criterion, less `missing[code]`; optionally one point short
    on the veto criterion."""
    missing = missing or {}
    lines = []
    for criterion in Criterion.objects.filter(domain_id=domain, active=True):
        points = criterion.points - missing.get(criterion.code, 0)
        if criterion.is_veto and veto_short:
            points -= 1
        lines.append(workflow.LineInput(criterion_id=criterion.pk, points=points))
    return lines


def submitted(unit: Unit, assessor, year, **score_options):
    assessment = workflow.assessment_save(
        user=assessor,
        unit=unit,
        year=year,
        expected_version=0,
        lines=scores(unit.domain_id, **score_options),
    )
    return workflow.assessment_submit(user=assessor, assessment=assessment)


@pytest.fixture
def wenlv(db):
    """The culture and tourism bureau leads the hotel and scenic domains."""
    return factories.certifier("wenlv", username="wenlv")


@pytest.fixture
def jiaoyu(db):
    return factories.certifier("jiaoyu", username="jiaoyu")


class TestPassRule:
    def test_threshold_met_and_missed(self, assessor, year):
        assert submitted(
            make_unit(), assessor, year, missing={"hotel-01": 6, "hotel-02": 4}
        ).meets_standard
        low = submitted(
            make_unit(name="驿站旅店"), assessor, year, missing={"hotel-01": 6, "hotel-02": 5}
        )
        assert (low.total_points, low.meets_standard) == (89, False)

    def test_a_failed_veto_criterion_fails_whatever_the_total(self, assessor, year):
        assessment = submitted(make_unit(), assessor, year, veto_short=True)
        assert assessment.total_points == 99
        assert assessment.meets_standard is False

    def test_criterion_changed_after_submission_leaves_the_assessment_unchanged(
        self, assessor, year
    ):
        assessment = submitted(make_unit(), assessor, year)
        criterion = Criterion.objects.get(code="hotel-03")
        criterion.text, criterion.points, criterion.active = "改写后的条文", 20, False
        criterion.save()

        line = AssessmentLine.objects.get(assessment=assessment, criterion=criterion)
        assert line.criterion_text != "改写后的条文"
        assert line.max_points == 8
        assessment.refresh_from_db()
        assert (assessment.total_points, assessment.meets_standard) == (100, True)

    def test_deactivated_criterion_leaves_a_draft_when_submitted(self, assessor, year):
        unit = make_unit()
        draft = workflow.assessment_save(
            user=assessor, unit=unit, year=year, expected_version=0, lines=scores("hotel")
        )
        Criterion.objects.filter(code="hotel-14").update(active=False)
        assessment = workflow.assessment_submit(user=assessor, assessment=draft)
        assert assessment.lines.count() == 13
        assert assessment.total_points == 94

    def test_unscored_criteria_block_submission(self, assessor, year):
        lines = scores("hotel")[:-2]
        draft = workflow.assessment_save(
            user=assessor, unit=make_unit(), year=year, expected_version=0, lines=lines
        )
        with pytest.raises(workflow.TransitionNotAllowed, match="hotel-13、hotel-14 尚未评分"):
            workflow.assessment_submit(user=assessor, assessment=draft)


class TestPoints:
    def test_out_of_range_points_are_refused_by_the_workflow(self, assessor, year):
        criterion = Criterion.objects.get(code="hotel-01")
        with pytest.raises(workflow.TransitionNotAllowed, match="0 到 6"):
            workflow.assessment_save(
                user=assessor,
                unit=make_unit(),
                year=year,
                expected_version=0,
                lines=[workflow.LineInput(criterion_id=criterion.pk, points=7)],
            )

    def test_out_of_range_points_are_refused_by_the_form(self, client, assessor, year):
        unit = make_unit()
        criterion = Criterion.objects.get(code="hotel-01")
        client.force_login(assessor)
        response = client.post(
            reverse("assessment_edit", args=[unit.pk, 2026]),
            {
                "version": 0,
                f"c{criterion.pk}-points": 7,
                f"c{Criterion.objects.get(code='hotel-02').pk}-points": -1,
            },
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "小于或等于6" in html and "大于或等于0" in html
        assert not unit.assessments.exists()

    def test_out_of_range_points_are_refused_by_the_database(self, assessor, year):
        assessment = workflow.assessment_save(
            user=assessor, unit=make_unit(), year=year, expected_version=0, lines=scores("hotel")
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            AssessmentLine.objects.filter(assessment=assessment, criterion__code="hotel-01").update(
                points=7
            )


class TestReview:
    def test_submit_and_approve_record_events(self, assessor, wenlv, year):
        assessment = submitted(make_unit(), assessor, year)
        workflow.assessment_decide(
            user=wenlv, assessment=assessment, decision=ReviewDecision.APPROVE
        )
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.APPROVED
        assert list(assessment.events.values_list("action", flat=True)) == [
            EventAction.ASSESSMENT_SAVE,
            EventAction.ASSESSMENT_SUBMIT,
            EventAction.ASSESSMENT_APPROVE,
        ]

    def test_lead_department_of_another_domain_cannot_review(self, assessor, jiaoyu, year):
        assessment = submitted(make_unit(), assessor, year)
        with pytest.raises(workflow.TransitionNotAllowed, match="不由您所在的部门审核"):
            workflow.assessment_decide(
                user=jiaoyu, assessment=assessment, decision=ReviewDecision.APPROVE
            )

    @pytest.mark.parametrize("decision", [ReviewDecision.REJECT, ReviewDecision.RETURN])
    def test_reject_and_return_need_a_reason(self, assessor, wenlv, year, decision):
        assessment = submitted(make_unit(), assessor, year)
        with pytest.raises(workflow.TransitionNotAllowed, match="必须"):
            workflow.assessment_decide(
                user=wenlv, assessment=assessment, decision=decision, reason=""
            )
        workflow.assessment_decide(
            user=wenlv, assessment=assessment, decision=decision, reason="材料不全"
        )
        assessment.refresh_from_db()
        assert assessment.decision_reason == "材料不全"

    def test_returned_assessment_is_revised_and_resubmitted(self, assessor, wenlv, year):
        unit = make_unit()
        assessment = submitted(unit, assessor, year)
        workflow.assessment_decide(
            user=wenlv, assessment=assessment, decision=ReviewDecision.RETURN, reason="补充"
        )
        assessment.refresh_from_db()
        assessment = workflow.assessment_save(
            user=assessor,
            unit=unit,
            year=year,
            expected_version=assessment.version,
            lines=scores("hotel", missing={"hotel-01": 2}),
        )
        assessment = workflow.assessment_submit(user=assessor, assessment=assessment)
        assert (assessment.status, assessment.total_points) == (AssessmentStatus.SUBMITTED, 98)

    def test_double_submit_and_double_review_are_refused(self, assessor, wenlv, year):
        assessment = submitted(make_unit(), assessor, year)
        with pytest.raises(workflow.TransitionNotAllowed, match="无需重复提交"):
            workflow.assessment_submit(user=assessor, assessment=assessment)
        workflow.assessment_decide(
            user=wenlv, assessment=assessment, decision=ReviewDecision.APPROVE
        )
        with pytest.raises(workflow.TransitionNotAllowed, match="不在待审核之列"):
            workflow.assessment_decide(
                user=wenlv, assessment=assessment, decision=ReviewDecision.APPROVE
            )
        assert Event.objects.filter(action=EventAction.ASSESSMENT_APPROVE).count() == 1

    def test_stale_save_is_a_conflict(self, assessor, year):
        unit = make_unit()
        workflow.assessment_save(
            user=assessor, unit=unit, year=year, expected_version=0, lines=scores("hotel")
        )
        with pytest.raises(workflow.Conflict):
            workflow.assessment_save(
                user=assessor, unit=unit, year=year, expected_version=0, lines=scores("hotel")
            )

    def test_closed_year_refuses_assessments(self, assessor, year):
        workflow.year_close(user=None, year=year)
        with pytest.raises(workflow.TransitionNotAllowed, match="已截止"):
            workflow.assessment_save(
                user=assessor, unit=make_unit(), year=year, expected_version=0, lines=[]
            )


class TestDesignations:
    def test_naming_needs_an_approved_assessment_that_meets_the_standard(
        self, assessor, wenlv, admin_user, year
    ):
        unit = make_unit()
        with pytest.raises(workflow.TransitionNotAllowed, match="没有审核通过的测评"):
            workflow.designations_create(user=admin_user, units=[unit], year=year, naming=NAMING)
        failing = make_unit(name="驿站旅店")
        for target, options in ((unit, {}), (failing, {"veto_short": True})):
            workflow.assessment_decide(
                user=wenlv,
                assessment=submitted(target, assessor, year, **options),
                decision=ReviewDecision.APPROVE,
            )
        with pytest.raises(workflow.TransitionNotAllowed, match="驿站旅店.*未达到创建标准"):
            workflow.designations_create(
                user=admin_user, units=[unit, failing], year=year, naming=NAMING
            )
        assert not Designation.objects.exists()  # all or nothing

        [designation] = workflow.designations_create(
            user=admin_user, units=[unit], year=year, naming=NAMING
        )
        assert (designation.title, designation.batch) == ("平安宾馆", "首批")
        with pytest.raises(workflow.TransitionNotAllowed, match="不能重复命名"):
            workflow.designations_create(user=admin_user, units=[unit], year=year, naming=NAMING)

    def test_revoking_a_designation(self, assessor, wenlv, admin_user, year):
        unit = make_unit()
        workflow.assessment_decide(
            user=wenlv, assessment=submitted(unit, assessor, year), decision=ReviewDecision.APPROVE
        )
        [designation] = workflow.designations_create(
            user=admin_user, units=[unit], year=year, naming=NAMING
        )
        with pytest.raises(workflow.TransitionNotAllowed, match="理由"):
            workflow.designation_revoke(user=admin_user, designation=designation, reason="")
        workflow.designation_revoke(user=admin_user, designation=designation, reason="发生治安案件")
        designation.refresh_from_db()
        assert not designation.is_valid
        assert Event.objects.filter(
            action=EventAction.DESIGNATION_REVOKE, designation=designation
        ).exists()
        # After revocation the unit may be named again (a new document).
        workflow.designations_create(user=admin_user, units=[unit], year=year, naming=NAMING)

    def test_bulk_naming_from_the_candidate_list(self, client, assessor, wenlv, admin_user, year):
        units = [make_unit(name=f"宾馆{n}") for n in range(3)]
        for unit in units:
            workflow.assessment_decide(
                user=wenlv,
                assessment=submitted(unit, assessor, year),
                decision=ReviewDecision.APPROVE,
            )
        client.force_login(admin_user)
        page = client.get(
            reverse("designation_create"), {"year": 2026, "domain": "hotel"}
        ).content.decode()
        assert all(unit.name in page for unit in units)
        data = {
            "units": [units[0].pk, units[2].pk],
            "title": "平安宾馆",
            "batch": "首批",
            "document_number": "乌平安办发〔2026〕9号",
            "designated_on": "2026-12-20",
        }
        confirm = client.post(reverse("designation_create") + "?year=2026", data)
        assert "确认命名 2 个单位" in confirm.content.decode()
        assert not Designation.objects.exists()
        client.post(reverse("designation_create") + "?year=2026", {**data, "confirm": "yes"})
        assert set(Designation.objects.values_list("unit__name", flat=True)) == {"宾馆0", "宾馆2"}


class TestUnits:
    def test_credit_code_check_character(self):
        validate_credit_code("91330100799655058B")
        with pytest.raises(ValidationError, match="校验位"):
            validate_credit_code("91330100799655058C")
        with pytest.raises(ValidationError, match="18位"):
            validate_credit_code("9133010079965505")

    def test_credit_code_unique_when_given(self):
        make_unit(name="甲", credit_code="91330100799655058B")
        make_unit(name="乙")
        make_unit(name="丙")  # blank codes never clash
        with pytest.raises(IntegrityError), transaction.atomic():
            make_unit(name="丁", credit_code="91330100799655058B")

    def test_register_in_the_browser_with_clear_errors(self, client, assessor):
        client.force_login(assessor)
        bad = client.post(
            reverse("unit_create"),
            {
                "domain": "family",
                "name": "张建国",
                "region_code": "150304011011",
                "credit_code": "91330100799655058B",
            },
        )
        html = bad.content.decode()
        assert "不在您负责的范围内" in html and "家庭户不填写统一社会信用代码" in html
        assert not Unit.objects.exists()
        good = client.post(
            reverse("unit_create"),
            {
                "domain": "school",
                "name": "海南区第一小学",
                "region_code": SAIHANWUSU,
                "credit_code": "91330100799655058b",
                "active": "on",
            },
        )
        unit = Unit.objects.get()
        assert good.status_code == 302 and unit.credit_code == "91330100799655058B"
        assert unit.created_by == assessor

    def test_registering_and_editing_record_each_change_before_and_after(self, assessor):
        hotel, town = Domain.objects.get(pk="hotel"), Region.objects.get(pk=BAYINTAOHAI)
        unit = services.unit_create(
            user=assessor,
            details=services.UnitDetails(domain=hotel, region=town, name=" 黄河宾馆 "),
        )
        created = Event.objects.get(unit=unit)
        assert created.action == EventAction.UNIT_CREATE and created.actor == assessor
        assert unit.name == "黄河宾馆" and "名称：黄河宾馆" in created.detail

        saihan = Region.objects.get(pk=SAIHANWUSU)
        edited = services.UnitDetails(
            domain=hotel, region=saihan, name="黄河大酒店", address="滨河路1号"
        )
        services.unit_update(user=assessor, unit=unit, details=edited)

        unit.refresh_from_db()
        assert (unit.name, unit.region_id, unit.address) == ("黄河大酒店", SAIHANWUSU, "滨河路1号")
        update = Event.objects.get(unit=unit, action=EventAction.UNIT_UPDATE)
        assert update.detail == (
            f"所在区划：巴音陶亥镇（{BAYINTAOHAI}） → 赛汗乌素村（{SAIHANWUSU}）；"
            "名称：黄河宾馆 → 黄河大酒店；地址：（空） → 滨河路1号"
        )
        # Saving what is already there writes nothing.
        services.unit_update(user=assessor, unit=unit, details=edited)
        assert Event.objects.filter(unit=unit).count() == 2

        stopped = services.UnitDetails(**{**edited.__dict__, "active": False})
        services.unit_update(user=assessor, unit=unit, details=stopped)
        assert Event.objects.filter(unit=unit).last().detail == "状态：有效 → 停用"

    def test_editing_in_the_browser_goes_through_the_workflow(self, client, assessor):
        unit = make_unit()
        client.force_login(assessor)
        response = client.post(
            reverse("unit_edit", args=[unit.pk]),
            {"domain": "hotel", "name": "黄河大酒店", "region_code": BAYINTAOHAI, "active": "on"},
        )
        assert response.status_code == 302
        event = Event.objects.get(unit=unit)
        assert (event.action, event.actor, event.detail) == (
            EventAction.UNIT_UPDATE,
            assessor,
            "名称：黄河宾馆 → 黄河大酒店",
        )
        html = client.get(reverse("unit_detail", args=[unit.pk])).content.decode()
        assert "登记信息变更记录" in html and "名称：黄河宾馆 → 黄河大酒店" in html

    def test_domain_is_fixed_once_assessed_and_scope_is_checked(self, assessor, assessor_out, year):
        unit = make_unit()
        submitted(unit, assessor, year)
        school = services.UnitDetails(
            domain=Domain.objects.get(pk="school"), region=unit.region, name=unit.name
        )
        with pytest.raises(workflow.TransitionNotAllowed, match="不能改变创建领域"):
            services.unit_update(user=assessor, unit=unit, details=school)
        renamed = services.UnitDetails(domain=unit.domain, region=unit.region, name="别处宾馆")
        with pytest.raises(workflow.TransitionNotAllowed, match="不在您负责的范围内"):
            services.unit_update(user=assessor_out, unit=unit, details=renamed)
        unit.refresh_from_db()
        assert (unit.domain_id, unit.name) == ("hotel", "黄河宾馆")
        assert not Event.objects.filter(unit=unit).exists()

    def test_household_names_are_masked(self):
        assert mask_household("张建国") == "张**家"
        assert make_unit(domain="family", region=SAIHANWUSU, name="李秀英").public_name == "李**家"
        assert make_unit(name="黄河宾馆").public_name == "黄河宾馆"

    def test_household_name_never_reaches_public_pages(self, client, assessor, year):
        make_unit(domain="family", region=SAIHANWUSU, name="欧阳秀英")
        for url in ("/", "/verify/", "/verify/WH-2026-0001-0/"):
            assert "欧阳秀英" not in client.get(url).content.decode()
        client.force_login(assessor)
        assert "欧阳秀英" in client.get(reverse("unit_list")).content.decode()


class TestCoverage:
    def test_figures_number_by_number(self, assessor, wenlv, admin_user, year):
        # 海南区 hotels: four registered (one inactive, not counted), three assessed, two meet
        # the standard (one of them approved), one named. 乌达区: one hotel, not assessed.
        hotels = [make_unit(name=f"宾馆{n}") for n in range(3)]
        make_unit(name="停业宾馆", active=False)
        make_unit(name="乌达宾馆", region="150304011000")
        a0 = submitted(hotels[0], assessor, year)
        submitted(hotels[1], assessor, year)
        a2 = submitted(hotels[2], assessor, year, veto_short=True)
        for assessment in (a0, a2):
            workflow.assessment_decide(
                user=wenlv, assessment=assessment, decision=ReviewDecision.APPROVE
            )
        workflow.designations_create(user=admin_user, units=[hotels[0]], year=year, naming=NAMING)

        city = Region.objects.get(pk="150300000000")
        rows = {row.domain.code: row for row in coverage_by_domain(year=year, region=city)}
        hotel = rows["hotel"]
        assert (hotel.registered, hotel.assessed, hotel.meeting, hotel.named) == (4, 3, 1, 1)
        assert (
            hotel.assessed_rate == 0.75 and hotel.meeting_rate == 0.25 and hotel.named_rate == 0.25
        )
        # A domain with no units has no rate, not a division by zero.
        assert (rows["bank"].registered, rows["bank"].meeting_rate) == (0, None)

        by_district = {
            row.region.name: row
            for row in coverage_by_child(year=year, region=city, domain=hotel.domain)
        }
        assert (by_district["海南区"].registered, by_district["海南区"].meeting) == (3, 1)
        assert (by_district["乌达区"].registered, by_district["乌达区"].assessed_rate) == (1, 0.0)
        assert by_district["海勃湾区"].meeting_rate is None

        hainan = Region.objects.get(pk=HAINAN)
        by_town = {
            row.region.code: row
            for row in coverage_by_child(year=year, region=hainan, domain=hotel.domain)
        }
        assert by_town[BAYINTAOHAI].registered == 3
        assert by_town["150303001000"].registered == 0

    def test_table_and_xlsx_show_the_same_figures(self, client, assessor, year):
        from openpyxl import load_workbook

        submitted(make_unit(), assessor, year)
        client.force_login(assessor)
        html = client.get(reverse("coverage"), {"domain": "hotel"}).content.decode()
        assert "平安宾馆(旅店)" in html and "100.0%" in html
        sheet = load_workbook(
            io.BytesIO(client.get(reverse("coverage_xlsx"), {"domain": "hotel"}).content)
        ).active
        rows = list(sheet.iter_rows(values_only=True))
        assert ("平安宾馆(旅店)", "巴音陶亥镇", 1, 1, 0, 0, "100.0%", "0.0%", "0.0%") in rows


class TestQueryCounts:
    def test_unit_list_and_coverage_do_not_grow_with_units(self, client, admin_user, year):
        client.force_login(admin_user)
        make_unit()
        small = (
            page_queries(client, reverse("unit_list")),
            page_queries(client, reverse("coverage"), {"domain": "hotel"}),
        )
        Unit.objects.bulk_create(
            Unit(domain_id=domain, region_id=BAYINTAOHAI, name=f"单位{n}")
            for n in range(200)
            for domain in ("hotel", "school")
        )
        large = (
            page_queries(client, reverse("unit_list")),
            page_queries(client, reverse("coverage"), {"domain": "hotel"}),
        )
        assert small == large

    def test_assessment_form_does_not_grow_with_criteria(self, client, assessor, year):
        client.force_login(assessor)
        unit = make_unit()
        workflow.assessment_save(
            user=assessor, unit=unit, year=year, expected_version=0, lines=scores("hotel")
        )
        url = reverse("assessment_edit", args=[unit.pk, 2026])
        before = page_queries(client, url)
        Criterion.objects.bulk_create(
            Criterion(
                code=f"hotel-x{n}",
                domain_id="hotel",
                work_area_id="mechanism",
                text=f"新增条目{n}",
                points=1,
                order=20 + n,
            )
            for n in range(30)
        )
        assert page_queries(client, url) == before


class TestCriterionLock:
    def test_a_criterion_used_by_a_submitted_assessment_cannot_change(self, assessor, year):
        criterion = Criterion.objects.get(code="hotel-03")
        criterion.text = "草稿阶段可以改"
        criterion.full_clean()  # unused: any change is fine
        workflow.assessment_save(
            user=assessor, unit=make_unit(), year=year, expected_version=0, lines=scores("hotel")
        )
        criterion.full_clean()  # used by a draft only: still fine
        submitted(make_unit(name="驿站旅店"), assessor, year)

        criterion.refresh_from_db()
        criterion.points = 9
        with pytest.raises(ValidationError, match="hotel-03 已被提交的测评使用，不能修改分值"):
            criterion.full_clean()
        criterion.refresh_from_db()
        criterion.active, criterion.order = False, 30
        criterion.full_clean()  # deactivating and reordering stay possible
