"""A unit's self-assessment (单位自评): the unit's filer fills it in and files it, the district's
assessor reviews it (changed scores need reasons) and returns it or submits it, the lead
department decides. Also: the filer account's scope rules, and reusing last year's lines."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from ratings import permissions, selectors, workflow
from ratings.choices import AssessmentStatus, EventAction, ReviewDecision, Role
from ratings.models import Assessment, Criterion, Event, EvidenceFile, Unit, User
from ratings.uploads import PDF
from tests import factories
from tests.helpers import BAYINTAOHAI, SAIHANWUSU, WUDA

pytestmark = pytest.mark.django_db

CONTENT = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def hotel(db) -> Unit:
    return Unit.objects.create(domain_id="hotel", region_id=BAYINTAOHAI, name="黄河宾馆")


@pytest.fixture
def contact(hotel) -> User:
    return factories.unit_filer(hotel, username="hotel-filer")


@pytest.fixture
def wenlv(db) -> User:
    return factories.certifier("wenlv", username="wenlv")


@pytest.fixture
def open_to_units(year, admin_user):
    workflow.year_unit_self_assessment_set(user=admin_user, year=year, allowed=True)
    year.refresh_from_db()
    return year


def criteria() -> list[Criterion]:
    return list(Criterion.objects.filter(domain_id="hotel", active=True).order_by("order", "code"))


def own_lines(*, short: int = 0, **extra) -> list[workflow.LineInput]:
    """Full points on every hotel criterion, the first `short` points short."""
    lines = []
    for index, criterion in enumerate(criteria()):
        points = criterion.points - (short if index == 0 else 0)
        lines.append(workflow.LineInput(criterion_id=criterion.pk, points=points, **extra))
    return lines


def filed(contact, hotel, year) -> Assessment:
    assessment = workflow.unit_assessment_save(
        user=contact, unit=hotel, year=year, expected_version=0, lines=own_lines(short=1)
    )
    return workflow.unit_assessment_submit(user=contact, assessment=assessment)


def actions(assessment: Assessment) -> list[str]:
    return list(assessment.events.order_by("id").values_list("action", flat=True))


# -- accounts -----------------------------------------------------------------------------------


def test_a_filer_has_exactly_one_of_a_community_and_a_unit(hotel):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="both", role=Role.FILER, region_id=SAIHANWUSU, unit=hotel)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="neither", role=Role.FILER)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(
            username="assessor-unit", role=Role.ASSESSOR, region_id=WUDA, unit=hotel
        )
    both = User(username="both", role=Role.FILER, region_id=SAIHANWUSU, unit=hotel)
    with pytest.raises(ValidationError, match="不能同时指定"):
        both.clean()
    with pytest.raises(ValidationError, match="一个社区\\(村\\)或一个创建单位"):
        User(username="neither", role=Role.FILER).clean()
    with pytest.raises(ValidationError, match="只有填报员"):
        User(username="a", role=Role.ASSESSOR, region_id=WUDA, unit=hotel).clean()
    User(username="ok", role=Role.FILER, unit=hotel).clean()


def test_a_unit_filer_sees_its_unit_only(contact, hotel, assessor):
    other = Unit.objects.create(domain_id="hotel", region_id=BAYINTAOHAI, name="甘德尔酒店")
    assert permissions.can_see_unit(contact, hotel)
    assert not permissions.can_see_unit(contact, other)
    # No region: none of the region-scoped lists (ratings, units, reports) is theirs.
    assert not Unit.objects.filter(permissions.community_scope_q(contact, "region_id")).exists()
    assert not contact.is_filer and not contact.is_applicant_side
    assert permissions.can_see_unit(assessor, other)


# -- the chain ----------------------------------------------------------------------------------


def test_only_a_year_open_to_units_takes_a_self_assessment(contact, hotel, year):
    with pytest.raises(workflow.TransitionNotAllowed, match="未开放创建单位自评"):
        workflow.unit_assessment_save(
            user=contact, unit=hotel, year=year, expected_version=0, lines=own_lines()
        )
    assert not Assessment.objects.exists()


def test_the_whole_chain_with_a_return_at_each_step(contact, hotel, open_to_units, assessor, wenlv):
    year = open_to_units
    assessment = filed(contact, hotel, year)
    assert assessment.status == AssessmentStatus.UNIT_FILED and assessment.unit_led
    # The district's review starts from the unit's answers.
    line = assessment.lines.order_by("order", "criterion_code").first()
    assert (line.points, line.self_points) == (line.max_points - 1, line.max_points - 1)
    assert assessment.total_points == sum(c.points for c in criteria()) - 1

    # The district returns it to the unit (one step back); the unit sees the note.
    with pytest.raises(workflow.TransitionNotAllowed, match="必须说明"):
        workflow.unit_assessment_return(user=assessor, assessment=assessment, note=" ")
    assessment = workflow.unit_assessment_return(
        user=assessor, assessment=assessment, note="请补充消防检查记录。"
    )
    assert assessment.status == AssessmentStatus.UNIT_BACK
    assert assessment.decision_reason == "请补充消防检查记录。"
    assert permissions.can_fill_unit_assessment(contact, hotel, year, assessment)
    assert not permissions.can_edit_assessment(assessor, year, assessment, hotel)

    # The unit corrects and files again; the assessor changes a score, with a reason.
    assessment = workflow.unit_assessment_save(
        user=contact,
        unit=hotel,
        year=year,
        expected_version=assessment.version,
        lines=own_lines(),
    )
    assessment = workflow.unit_assessment_submit(user=contact, assessment=assessment)
    assert assessment.decision_reason == ""  # the note stays in the history only
    first = criteria()[0]
    review = own_lines()
    review[0].points = first.points - 2
    with pytest.raises(workflow.TransitionNotAllowed, match="改分理由"):
        workflow.assessment_save(
            user=assessor, unit=hotel, year=year, expected_version=assessment.version, lines=review
        )
    review[0].reason = "现场检查发现灭火器过期。"
    assessment = workflow.assessment_save(
        user=assessor, unit=hotel, year=year, expected_version=assessment.version, lines=review
    )
    line = assessment.lines.get(criterion=first)
    assert (line.self_points, line.points) == (first.points, first.points - 2)
    assert line.review_reason == "现场检查发现灭火器过期。"

    # Submitted to the lead department, who returns it to the district (as today) …
    assessment = workflow.assessment_submit(user=assessor, assessment=assessment)
    assert assessment.status == AssessmentStatus.SUBMITTED
    assessment = workflow.assessment_decide(
        user=wenlv, assessment=assessment, decision=ReviewDecision.RETURN, reason="补充台账"
    )
    assert assessment.status == AssessmentStatus.RETURNED
    # … the district may not send a returned assessment back to the unit, but resubmits it.
    with pytest.raises(workflow.TransitionNotAllowed, match="不能退回单位"):
        workflow.unit_assessment_return(user=assessor, assessment=assessment, note="再改")
    assessment = workflow.assessment_submit(user=assessor, assessment=assessment)
    assessment = workflow.assessment_decide(
        user=wenlv, assessment=assessment, decision=ReviewDecision.APPROVE
    )
    assert assessment.status == AssessmentStatus.APPROVED
    assert actions(assessment) == [
        EventAction.UNIT_SELF_SAVE,
        EventAction.UNIT_FILE,
        EventAction.UNIT_RETURN,
        EventAction.UNIT_SELF_SAVE,
        EventAction.UNIT_FILE,
        EventAction.ASSESSMENT_SAVE,
        EventAction.ASSESSMENT_SUBMIT,
        EventAction.ASSESSMENT_RETURN,
        EventAction.ASSESSMENT_SUBMIT,
        EventAction.ASSESSMENT_APPROVE,
    ]
    returned = assessment.events.get(action=EventAction.UNIT_RETURN)
    assert (returned.actor, returned.from_state, returned.to_state) == (
        assessor,
        AssessmentStatus.UNIT_FILED,
        AssessmentStatus.UNIT_BACK,
    )


def test_an_unexplained_change_cannot_be_submitted(contact, hotel, open_to_units, assessor):
    """A score differing from the unit's without a reason, however it got there, is caught
    again at submission."""
    assessment = filed(contact, hotel, open_to_units)
    line = assessment.lines.order_by("order", "criterion_code").first()
    line.points = 0
    line.save(update_fields=["points"])
    with pytest.raises(workflow.TransitionNotAllowed, match="请先填写改分理由"):
        workflow.assessment_submit(user=assessor, assessment=assessment)


def test_nobody_else_moves_the_unit_steps(contact, hotel, open_to_units, assessor, assessor_out):
    year = open_to_units
    other = factories.unit_filer(
        Unit.objects.create(domain_id="hotel", region_id=BAYINTAOHAI, name="甘德尔酒店")
    )
    for user in (other, assessor):
        with pytest.raises(workflow.TransitionNotAllowed):
            workflow.unit_assessment_save(
                user=user, unit=hotel, year=year, expected_version=0, lines=own_lines()
            )
    assessment = workflow.unit_assessment_save(
        user=contact, unit=hotel, year=year, expected_version=0, lines=own_lines()
    )
    # The assessor waits for the unit to file it: no edit, no submit, no return.
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.assessment_save(
            user=assessor,
            unit=hotel,
            year=year,
            expected_version=assessment.version,
            lines=own_lines(),
        )
    with pytest.raises(workflow.TransitionNotAllowed, match="单位提交后"):
        workflow.assessment_submit(user=assessor, assessment=assessment)
    with pytest.raises(workflow.TransitionNotAllowed, match="不能退回单位"):
        workflow.unit_assessment_return(user=assessor, assessment=assessment, note="x")
    assessment = workflow.unit_assessment_submit(user=contact, assessment=assessment)
    with pytest.raises(workflow.TransitionNotAllowed, match="不在您负责的区域"):
        workflow.unit_assessment_return(user=assessor_out, assessment=assessment, note="x")
    with pytest.raises(workflow.TransitionNotAllowed, match="不能再修改"):
        workflow.unit_assessment_submit(user=contact, assessment=assessment)
    # The unit's filer never submits to the lead department itself.
    with pytest.raises(workflow.TransitionNotAllowed, match="只有评定员"):
        workflow.assessment_submit(user=contact, assessment=assessment)
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.UNIT_FILED


def test_filing_needs_every_line_scored(contact, hotel, open_to_units):
    lines = own_lines()
    lines[0].points = None
    assessment = workflow.unit_assessment_save(
        user=contact, unit=hotel, year=open_to_units, expected_version=0, lines=lines
    )
    with pytest.raises(workflow.TransitionNotAllowed, match="尚未自评打分"):
        workflow.unit_assessment_submit(user=contact, assessment=assessment)


def test_an_assessor_led_assessment_is_not_the_units(contact, hotel, year, admin_user, assessor):
    """Started by the assessor before the year was opened to units, it stays the assessor's."""
    workflow.assessment_save(
        user=assessor, unit=hotel, year=year, expected_version=0, lines=own_lines()
    )
    workflow.year_unit_self_assessment_set(user=admin_user, year=year, allowed=True)
    year.refresh_from_db()
    with pytest.raises(workflow.TransitionNotAllowed, match="由评定员填写"):
        workflow.unit_assessment_save(
            user=contact, unit=hotel, year=year, expected_version=1, lines=own_lines()
        )


def test_the_assessor_waits_for_a_unit_that_fills_itself_in(
    contact, hotel, open_to_units, assessor
):
    with pytest.raises(workflow.TransitionNotAllowed, match="单位提交后才能审核"):
        workflow.assessment_save(
            user=assessor, unit=hotel, year=open_to_units, expected_version=0, lines=own_lines()
        )
    assert not Assessment.objects.filter(unit=hotel).exists()
    assert not permissions.can_edit_assessment(assessor, open_to_units, None, hotel)
    # A unit without a filer of its own is assessed by the assessor, as in any year.
    inn = Unit.objects.create(domain_id="hotel", region_id=BAYINTAOHAI, name="平安旅店")
    assert permissions.can_edit_assessment(assessor, open_to_units, None, inn)
    workflow.assessment_save(
        user=assessor, unit=inn, year=open_to_units, expected_version=0, lines=own_lines()
    )
    # Once the unit has filed, the assessor reviews it.
    assessment = filed(contact, hotel, open_to_units)
    assert permissions.can_edit_assessment(assessor, open_to_units, assessment, hotel)


def test_the_year_setting_is_the_administrators_and_recorded(year, admin_user, assessor):
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.year_unit_self_assessment_set(user=assessor, year=year, allowed=True)
    assert workflow.year_unit_self_assessment_set(user=admin_user, year=year, allowed=True)
    assert not workflow.year_unit_self_assessment_set(user=admin_user, year=year, allowed=True)
    assert Event.objects.filter(action=EventAction.MODE_SET, year=year).count() == 1


# -- to do and inbox ----------------------------------------------------------------------------


def test_to_do_and_inbox_follow_the_steps(contact, hotel, open_to_units, assessor, assessor_out):
    def todo(user) -> dict[str, int]:
        return {t.label: t.count for t in selectors.todo_list_for_user(user=user)}

    def inbox(user) -> list[str]:
        return list(selectors.event_list_for_inbox(user=user).values_list("action", flat=True))

    workflow.unit_assessment_save(
        user=contact, unit=hotel, year=open_to_units, expected_version=0, lines=own_lines()
    )
    assert todo(contact)["待填报的单位自评"] == 1
    assessment = workflow.unit_assessment_submit(user=contact, assessment=Assessment.objects.get())
    assert todo(contact)["待填报的单位自评"] == 0
    assert todo(assessor)["待审核的单位自评"] == 1
    assert todo(assessor_out)["待审核的单位自评"] == 0
    assert inbox(assessor) == [EventAction.UNIT_FILE]
    assert inbox(assessor_out) == []
    workflow.unit_assessment_return(user=assessor, assessment=assessment, note="补充照片")
    assert todo(contact)["待填报的单位自评"] == 1
    assert inbox(contact) == [EventAction.UNIT_RETURN]
    notice = selectors.event_list_for_inbox(user=contact).get()
    assert notice.reason == "补充照片"
    # Another unit's filer hears nothing of it.
    other = factories.unit_filer(
        Unit.objects.create(domain_id="hotel", region_id=BAYINTAOHAI, name="甘德尔酒店")
    )
    assert inbox(other) == [] and todo(other)["待填报的单位自评"] == 0


# -- reuse (沿用) ---------------------------------------------------------------------------------


def test_last_years_lines_and_files_are_offered_and_linked(contact, hotel, admin_user, assessor):
    y2025 = workflow.year_open(user=None, year=2025)
    first = criteria()[0]
    lines = own_lines()
    lines[0].note = "2025年消防检查合格"
    lines[0].uploads = [(SimpleUploadedFile("检查记录.pdf", CONTENT), PDF)]
    workflow.assessment_save(user=assessor, unit=hotel, year=y2025, expected_version=0, lines=lines)
    y2026 = workflow.year_open(user=None, year=2026)
    workflow.year_unit_self_assessment_set(user=admin_user, year=y2026, allowed=True)
    y2026.refresh_from_db()

    previous, files = selectors.assessment_reusable(unit_id=hotel.pk, year_id=2026)
    assert previous[first.pk].note == "2025年消防检查合格"
    source = files[first.pk][0]
    reuse = own_lines()
    reuse[0].reuse = [source.pk]
    assessment = workflow.unit_assessment_save(
        user=contact, unit=hotel, year=y2026, expected_version=0, lines=reuse
    )
    linked = EvidenceFile.objects.get(line__assessment=assessment)
    assert linked.reused_from == source and linked.file.name == source.file.name
    assert linked.reused_year == 2025
    assert assessment.events.filter(
        action=EventAction.EVIDENCE_ADD, detail__contains="沿用2025年度材料"
    ).exists()
    # Offered once: what was reused is not offered again.
    again = own_lines()
    again[0].reuse = [source.pk]
    with pytest.raises(workflow.TransitionNotAllowed, match="只能沿用本单位"):
        workflow.unit_assessment_save(
            user=contact, unit=hotel, year=y2026, expected_version=assessment.version, lines=again
        )


def test_another_units_evidence_is_refused(contact, hotel, admin_user, assessor):
    y2025 = workflow.year_open(user=None, year=2025)
    neighbour = Unit.objects.create(domain_id="hotel", region_id=BAYINTAOHAI, name="甘德尔酒店")
    lines = own_lines()
    lines[0].uploads = [(SimpleUploadedFile("别家的.pdf", CONTENT), PDF)]
    workflow.assessment_save(
        user=assessor, unit=neighbour, year=y2025, expected_version=0, lines=lines
    )
    foreign = EvidenceFile.objects.get()
    y2026 = workflow.year_open(user=None, year=2026)
    for user, save in (
        (assessor, workflow.assessment_save),
        (contact, workflow.unit_assessment_save),
    ):
        if user is contact:
            workflow.year_unit_self_assessment_set(user=admin_user, year=y2026, allowed=True)
            y2026.refresh_from_db()
        attempt = own_lines()
        attempt[0].reuse = [foreign.pk]
        with pytest.raises(workflow.TransitionNotAllowed, match="只能沿用本单位"):
            save(user=user, unit=hotel, year=y2026, expected_version=0, lines=attempt)
    assert EvidenceFile.objects.count() == 1
    assert not Assessment.objects.filter(unit=hotel).exists()
