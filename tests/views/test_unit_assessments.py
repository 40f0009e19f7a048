"""A unit's self-assessment through the pages: the unit's filer fills it in and files it after a
confirmation, the district's assessor returns it or reviews it side by side (a changed score
needs a reason) and submits it, the lead department decides; last year's lines offered (沿用)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ratings import workflow
from ratings.choices import AssessmentStatus, EventAction
from ratings.models import Assessment, Criterion, Event, EvidenceFile, RatingYear, Unit
from ratings.uploads import PDF
from tests import factories
from tests.helpers import BAYINTAOHAI, body

pytestmark = pytest.mark.django_db

CONTENT = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def hotel(db) -> Unit:
    return Unit.objects.create(domain_id="hotel", region_id=BAYINTAOHAI, name="黄河宾馆")


@pytest.fixture
def contact(hotel):
    return factories.unit_filer(hotel, username="huanghebinguan")


@pytest.fixture
def wenlv(db):
    return factories.certifier("wenlv", username="wenlv")


@pytest.fixture
def allowed(year, admin_user) -> RatingYear:
    workflow.year_unit_self_assessment_set(user=admin_user, year=year, allowed=True)
    year.refresh_from_db()
    return year


def url(name: str, unit: Unit) -> str:
    return reverse(name, args=[unit.pk, 2026])


def criteria() -> list[Criterion]:
    return list(Criterion.objects.filter(domain_id="hotel", active=True))


def lines_post(version: int, points: dict[int, int] | None = None, **extra) -> dict:
    """Full points on every line (`points` overrides some, by criterion id)."""
    data = {"version": version, **extra}
    for criterion in criteria():
        data[f"c{criterion.pk}-points"] = (points or {}).get(criterion.pk, criterion.points)
        data[f"c{criterion.pk}-note"] = "自查"
    return data


def assessment() -> Assessment:
    return Assessment.objects.get()


def test_the_administrator_opens_the_year_to_units(client, year, admin_user):
    client.force_login(admin_user)
    page = body(client.get(reverse("district_modes", args=[2026])))
    assert "创建单位自评" in page
    client.post(reverse("district_modes", args=[2026]), {"setting": "unit_self", "allowed": "on"})
    assert RatingYear.objects.get(pk=2026).unit_self_assessment
    client.post(reverse("district_modes", args=[2026]), {"setting": "unit_self"})
    assert not RatingYear.objects.get(pk=2026).unit_self_assessment
    assert Event.objects.filter(action=EventAction.MODE_SET).count() == 2


def test_a_closed_year_or_one_not_open_to_units_refuses_the_unit(client, contact, hotel, year):
    client.force_login(contact)
    page = body(client.get(url("unit_assessment_edit", hotel), follow=True))
    assert "未开放创建单位自评" in page
    client.post(url("unit_assessment_edit", hotel), lines_post(0))
    assert not Assessment.objects.exists()


def test_the_whole_chain_through_the_pages(client, contact, hotel, allowed, assessor, wenlv):
    first = criteria()[0]
    # The unit: its page, its form, the confirmation, filing.
    client.force_login(contact)
    page = body(client.get(url("assessment_detail", hotel)))
    assert "开始自评" in page and "创建单位" not in page.split("<main")[0].split("nav")[1]
    assert "自评得分" in body(client.get(url("unit_assessment_edit", hotel)))
    response = client.post(
        url("unit_assessment_edit", hotel),
        lines_post(0, {first.pk: first.points - 1}, then="submit"),
    )
    assert response["Location"] == url("unit_assessment_submit", hotel)
    confirm = body(client.get(url("unit_assessment_submit", hotel)))
    assert "确认提交" in confirm and "自评总分" in confirm
    client.post(url("unit_assessment_submit", hotel), {"version": assessment().version})
    assert assessment().status == AssessmentStatus.UNIT_FILED

    # The district: returns it to the unit with a note (one step back).
    client.force_login(assessor)
    detail = body(client.get(url("assessment_detail", hotel)))
    assert "退回单位" in detail and "审核单位自评" in detail
    refused = body(client.post(url("unit_assessment_return", hotel), {"reason": ""}))
    assert "请填写理由" in refused and assessment().status == AssessmentStatus.UNIT_FILED
    client.post(url("unit_assessment_return", hotel), {"reason": "请补充消防检查记录"})
    assert assessment().status == AssessmentStatus.UNIT_BACK

    # The unit sees the note in its to-do, its inbox and on the page, corrects and files again.
    client.force_login(contact)
    assert "待填报的单位自评" in body(client.get(reverse("todo")))
    inbox = body(client.get(reverse("inbox")))
    assert "请补充消防检查记录" in inbox and "黄河宾馆 · 2026" in inbox
    assert "请补充消防检查记录" in body(client.get(url("unit_assessment_edit", hotel)))
    client.post(url("unit_assessment_edit", hotel), lines_post(assessment().version))
    client.post(url("unit_assessment_submit", hotel), {"version": assessment().version})
    assert assessment().status == AssessmentStatus.UNIT_FILED

    # The district reviews, side by side; a changed score needs a reason.
    client.force_login(assessor)
    form = body(client.get(url("assessment_edit", hotel)))
    assert "单位自评" in form and "区审核" in form and "改分理由" in form
    changed = lines_post(assessment().version, {first.pk: first.points - 2})
    page = body(client.post(url("assessment_edit", hotel), changed))
    assert "得分与单位自评不同，请填写改分理由。" in page
    line = assessment().lines.get(criterion=first)
    assert line.points == first.points
    changed[f"c{first.pk}-reason"] = "现场检查发现灭火器过期"
    client.post(url("assessment_edit", hotel), {**changed, "then": "submit"})
    line.refresh_from_db()
    assert (line.self_points, line.points) == (first.points, first.points - 2)
    shown = body(client.get(url("assessment_detail", hotel)))
    assert "改分理由：现场检查发现灭火器过期" in shown
    client.post(url("assessment_submit", hotel), {"version": assessment().version})
    assert assessment().status == AssessmentStatus.SUBMITTED

    # The lead department returns it to the district, which resubmits; then it approves.
    client.force_login(wenlv)
    client.post(url("assessment_review", hotel), {"decision": "return", "reason": "补充台账"})
    assert assessment().status == AssessmentStatus.RETURNED
    client.force_login(assessor)
    client.post(url("assessment_submit", hotel), {"version": assessment().version})
    client.force_login(wenlv)
    client.post(url("assessment_review", hotel), {"decision": "approve"})
    assert assessment().status == AssessmentStatus.APPROVED

    # The unit was told of the submission and of the decision.
    client.force_login(contact)
    inbox = body(client.get(reverse("inbox")))
    assert "测评审核通过" in inbox and "提交测评" in inbox


def test_last_years_line_and_file_are_offered_and_another_units_refused(
    client, contact, hotel, admin_user, assessor
):
    y2025 = workflow.year_open(user=None, year=2025)
    first = criteria()[0]
    neighbour = Unit.objects.create(domain_id="hotel", region_id=BAYINTAOHAI, name="甘德尔酒店")
    for unit, name in ((hotel, "检查记录.pdf"), (neighbour, "别家的.pdf")):
        lines = [
            workflow.LineInput(criterion_id=c.pk, points=c.points, note="2025年合格")
            for c in criteria()
        ]
        lines[0].uploads = [(SimpleUploadedFile(name, CONTENT), PDF)]
        workflow.assessment_save(
            user=assessor, unit=unit, year=y2025, expected_version=0, lines=lines
        )
    y2026 = workflow.year_open(user=None, year=2026)
    workflow.year_unit_self_assessment_set(user=admin_user, year=y2026, allowed=True)
    own = EvidenceFile.objects.get(original_name="检查记录.pdf")
    foreign = EvidenceFile.objects.get(original_name="别家的.pdf")

    client.force_login(contact)
    page = body(client.get(url("unit_assessment_edit", hotel)))
    assert "沿用2025年度材料：检查记录.pdf" in page and "别家的.pdf" not in page
    assert "2025年度得分" in page and "沿用上一年度得分和说明" in page
    # A tampered form naming another unit's file is refused, and nothing is saved.
    response = client.post(
        url("unit_assessment_edit", hotel), {**lines_post(0), f"c{first.pk}-reuse": [foreign.pk]}
    )
    assert response.status_code == 200 and "别家的.pdf" not in body(response)
    assert not Assessment.objects.filter(unit=hotel, year=2026).exists()
    # Its own file is linked, not copied, and shown as reused; last year's score is taken over.
    data = lines_post(0, **{f"c{first.pk}-reuse": [own.pk], f"c{first.pk}-reuse_finding": "on"})
    data[f"c{first.pk}-points"] = ""
    data[f"c{first.pk}-note"] = ""
    client.post(url("unit_assessment_edit", hotel), data)
    line = Assessment.objects.get(unit=hotel, year=2026).lines.get(criterion=first)
    assert (line.self_points, line.self_note) == (first.points, "2025年合格")
    linked = line.evidence.get()
    assert linked.reused_from == own and linked.file.name == own.file.name
    assert "沿用2025年度材料" in body(client.get(url("assessment_detail", hotel)))


def test_the_unit_page_costs_a_constant_number_of_queries(
    client, contact, hotel, allowed, django_assert_max_num_queries
):
    client.force_login(contact)
    client.post(url("unit_assessment_edit", hotel), lines_post(0))
    with django_assert_max_num_queries(25):
        assert client.get(url("unit_assessment_edit", hotel)).status_code == 200


def test_the_account_page_names_the_units_filer_and_the_unit(client, contact, hotel):
    client.force_login(contact)
    page = body(client.get(reverse("account")))
    assert "创建单位填报员" in page and "社区(村)填报员" not in page
    assert hotel.name in page


def test_the_assessors_unit_list_filters_to_what_waits_for_them(
    client, contact, hotel, allowed, assessor
):
    inn = Unit.objects.create(domain_id="hotel", region_id=BAYINTAOHAI, name="平安旅店")
    saved = workflow.unit_assessment_save(
        user=contact,
        unit=hotel,
        year=allowed,
        expected_version=0,
        lines=[workflow.LineInput(criterion_id=c.pk, points=c.points) for c in criteria()],
    )
    client.force_login(assessor)
    listed = body(client.get(reverse("unit_list"), {"year": 2026, "mine": "on"}))
    assert hotel.name not in listed and inn.name not in listed  # a draft is the unit's turn
    workflow.unit_assessment_submit(user=contact, assessment=saved)
    listed = body(client.get(reverse("unit_list"), {"year": 2026, "mine": "on"}))
    assert hotel.name in listed and inn.name not in listed
    assert "共 1 个单位" in listed
    # 待办 counts it and links to the same list.
    todo = body(client.get(reverse("todo")))
    assert 'href="/units/?mine=on"' in todo and "待审核的单位自评" in todo


def test_the_assessor_is_told_why_the_form_is_closed(
    client, contact, hotel, allowed, assessor, admin_user
):
    client.force_login(assessor)
    waiting = client.get(url("assessment_edit", hotel), follow=True)
    assert "单位提交后才能审核" in body(waiting)  # the unit fills it in itself
    inn = Unit.objects.create(domain_id="hotel", region_id=BAYINTAOHAI, name="平安旅店")
    assert client.get(url("assessment_edit", inn)).status_code == 200  # no filer of its own
    workflow.year_close(user=admin_user, year=allowed)
    for unit in (hotel, inn):
        page = body(client.get(url("assessment_edit", unit), follow=True))
        assert "这份测评现在不能修改" in page and "单位提交后才能审核" not in page
