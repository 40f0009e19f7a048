"""Public notice (公示) and objections (异议): the working-day window, objections inside and
outside it, findings, and what an open notice holds back."""

from __future__ import annotations

from datetime import date

import pytest

from ratings import workflow
from ratings.choices import EventAction, ObjectionStatus, RatingStatus
from ratings.models import (
    CalendarYear,
    Event,
    NoticeEntry,
    Objection,
    OfficialDay,
    Plaque,
    Region,
)
from ratings.workdays import window_end
from tests.helpers import decide_all, full_scores, submitted_rating

pytestmark = pytest.mark.django_db

FACTS = "该社区2025年8月发生过一起盗窃案件，派出所已立案，与十星标准不符。"


def text(starts_on: date, working_days: int = 5) -> workflow.NoticeText:
    return workflow.NoticeText(
        title="2025年度十星平安社区(村)拟命名名单公示",
        body="经评定认定，以下社区(村)拟命名为十星平安社区(村)。",
        contact="市平安办 0473-1234567",
        starts_on=starts_on,
        working_days=working_days,
    )


def objection(**extra) -> workflow.ObjectionInput:
    return workflow.ObjectionInput(
        **{"facts": FACTS, "name": "王建国", "phone": "13904731234", **extra}
    )


@pytest.fixture
def closed_2025(assessor, certifiers, admin_user):
    """2025 closed with two ten-star communities (利民社区, 赛汗乌素村)."""
    year = workflow.year_open(user=None, year=2025)
    ratings = []
    for code in ("150303102502", "150303104707"):
        rating = submitted_rating(assessor, Region.objects.get(pk=code), year)
        decide_all(rating, certifiers)
        rating.refresh_from_db()
        ratings.append(rating)
    workflow.year_close(user=admin_user, year=year)
    year.refresh_from_db()
    return year, ratings


class TestWorkingDays:
    def test_window_skips_national_day_and_counts_the_swapped_sunday(self):
        # 2025: 1–8 October off; Sunday 28 September and Saturday 11 October worked.
        assert window_end(date(2025, 9, 26), 5) == date(2025, 10, 9)

    def test_window_counts_the_swapped_saturday(self):
        assert window_end(date(2025, 10, 9), 5) == date(2025, 10, 14)

    def test_window_starting_on_a_holiday_starts_on_the_next_working_day(self):
        assert window_end(date(2025, 10, 1), 1) == date(2025, 10, 9)

    def test_an_administrators_entry_changes_the_count(self):
        OfficialDay.objects.create(date=date(2026, 3, 2), is_working_day=False, name="演示假日")
        assert window_end(date(2026, 3, 2), 1) == date(2026, 3, 3)

    def test_a_window_reaching_a_year_without_calendar_data_is_refused(
        self, closed_2025, admin_user
    ):
        year, _ratings = closed_2025
        CalendarYear.objects.filter(year=2026).delete()
        with pytest.raises(workflow.TransitionNotAllowed, match="2026年的法定节假日"):
            workflow.notice_open_for_year(
                user=admin_user, year=year, text=text(date(2025, 12, 29), 5)
            )
        assert not year.notices.exists()
        # Once an administrator enters the year, the notice opens.
        CalendarYear.objects.create(year=2026)
        notice = workflow.notice_open_for_year(
            user=admin_user, year=year, text=text(date(2025, 12, 29), 5)
        )
        assert notice.ends_on == date(2026, 1, 5)  # 1 January is a holiday


class TestObjections:
    def test_notice_lists_the_ten_star_communities_with_an_event(self, closed_2025, admin_user):
        year, ratings = closed_2025
        notice = workflow.notice_open_for_year(
            user=admin_user, year=year, text=text(date(2025, 9, 26))
        )
        assert notice.ends_on == date(2025, 10, 9)
        assert {e.rating_id for e in notice.entries.all()} == {r.pk for r in ratings}
        assert Event.objects.filter(notice=notice, action=EventAction.NOTICE_OPEN).exists()

    def test_objection_inside_the_window_gets_a_receipt(self, closed_2025, admin_user):
        year, _ratings = closed_2025
        notice = workflow.notice_open_for_year(
            user=admin_user, year=year, text=text(date(2025, 9, 26))
        )
        made = workflow.objection_submit(
            notice=notice,
            entry=notice.entries.first(),
            objection=objection(),
            today=date(2025, 10, 9),  # the last day counts
        )
        assert made.receipt.startswith("YY-2025-") and made.status == ObjectionStatus.RECEIVED
        event = Event.objects.get(objection=made)
        assert "王建国" not in event.detail + event.reason
        assert "13904731234" not in event.detail + event.reason

    def test_objection_after_the_window_is_refused_with_the_dates(self, closed_2025, admin_user):
        year, _ratings = closed_2025
        notice = workflow.notice_open_for_year(
            user=admin_user, year=year, text=text(date(2025, 9, 26))
        )
        with pytest.raises(workflow.TransitionNotAllowed) as refused:
            workflow.objection_submit(
                notice=notice,
                entry=notice.entries.first(),
                objection=objection(),
                today=date(2025, 10, 10),
            )
        assert "2025-09-26" in refused.value.message and "2025-10-09" in refused.value.message
        assert not notice.objections.exists()

    def test_upheld_objection_takes_the_entry_off_and_revokes_the_rating(
        self, closed_2025, admin_user
    ):
        year, ratings = closed_2025
        notice = workflow.notice_open_for_year(
            user=admin_user, year=year, text=text(date(2025, 9, 26))
        )
        entry = notice.entries.get(rating=ratings[0])
        made = workflow.objection_submit(
            notice=notice, entry=entry, objection=objection(), today=date(2025, 9, 29)
        )
        workflow.objection_find(
            user=admin_user, objection=made, upheld=True, reason="经公安机关核实，案件属实。"
        )
        entry.refresh_from_db()
        assert entry.is_removed and made.receipt in entry.removed_reason
        rating = ratings[0]
        rating.refresh_from_db()
        assert rating.status == RatingStatus.REVOKED and rating.stars == 0
        actions = set(Event.objects.filter(rating=rating).values_list("action", flat=True))
        assert {EventAction.NOTICE_ENTRY_REMOVE, EventAction.ELIGIBILITY_REVOKE} <= actions
        # The other community stays on the list.
        assert not notice.entries.get(rating=ratings[1]).is_removed

    def test_dismissed_objection_keeps_the_entry(self, closed_2025, admin_user):
        year, ratings = closed_2025
        notice = workflow.notice_open_for_year(
            user=admin_user, year=year, text=text(date(2025, 9, 26))
        )
        made = workflow.objection_submit(
            notice=notice,
            entry=notice.entries.first(),
            objection=objection(),
            today=date(2025, 9, 29),
        )
        workflow.objection_find(user=admin_user, objection=made, upheld=False, reason="查无实据。")
        assert not NoticeEntry.objects.filter(removed_at__isnull=False).exists()
        assert {r.status for r in type(ratings[0]).objects.filter(year=year)} == {
            RatingStatus.CERTIFIED
        }
        with pytest.raises(workflow.TransitionNotAllowed, match="不能再更改"):
            workflow.objection_find(user=admin_user, objection=made, upheld=True, reason="改判")

    def test_only_the_authority_it_was_handed_to_may_find(
        self, closed_2025, admin_user, gongan, jindu
    ):
        year, _ratings = closed_2025
        notice = workflow.notice_open_for_year(
            user=admin_user, year=year, text=text(date(2025, 9, 26))
        )
        made = workflow.objection_submit(
            notice=notice,
            entry=notice.entries.first(),
            objection=objection(),
            today=date(2025, 9, 29),
        )
        workflow.objection_assign(user=admin_user, objection=made, authority=gongan.authority)
        with pytest.raises(workflow.TransitionNotAllowed, match="未交由您所在的单位"):
            workflow.objection_find(user=jindu, objection=made, upheld=False, reason="不属实")
        found = workflow.objection_find(user=gongan, objection=made, upheld=False, reason="不属实")
        assert found.status == ObjectionStatus.DISMISSED and found.found_by == gongan


class TestWhatANoticeHoldsBack:
    def test_publish_refused_while_the_notice_is_open(self, closed_2025, admin_user, today):
        year, _ratings = closed_2025
        workflow.notice_open_for_year(user=admin_user, year=year, text=text(date(2025, 9, 26)))
        today(date(2025, 10, 9))
        with pytest.raises(workflow.TransitionNotAllowed, match="尚未期满"):
            workflow.year_publish(user=admin_user, year=year)
        year.refresh_from_db()
        assert year.status == "closed"

    def test_publish_refused_while_an_objection_has_no_finding(
        self, closed_2025, admin_user, today
    ):
        year, _ratings = closed_2025
        notice = workflow.notice_open_for_year(
            user=admin_user, year=year, text=text(date(2025, 9, 26))
        )
        made = workflow.objection_submit(
            notice=notice,
            entry=notice.entries.first(),
            objection=objection(),
            today=date(2025, 9, 29),
        )
        today(date(2025, 10, 10))
        with pytest.raises(workflow.TransitionNotAllowed) as refused:
            workflow.year_publish(user=admin_user, year=year)
        assert made.receipt in refused.value.message
        workflow.objection_find(user=admin_user, objection=made, upheld=False, reason="查无实据。")
        workflow.year_publish(user=admin_user, year=year)
        notice.refresh_from_db()
        assert notice.concluded_at is not None

    def test_plaque_refused_while_an_objection_has_no_finding(self, closed_2025, admin_user, today):
        year, ratings = closed_2025
        notice = workflow.notice_open_for_year(
            user=admin_user, year=year, text=text(date(2025, 9, 26))
        )
        today(date(2025, 10, 10))
        workflow.year_publish(user=admin_user, year=year)
        # An objection without a finding on a published year's list can only come from data
        # made outside the workflow (an import, a repair); the plaque still waits for it.
        Objection.objects.create(
            notice=notice,
            entry=notice.entries.get(rating=ratings[0]),
            receipt="YY-2025-2345678923",
            facts=FACTS,
            name="王建国",
            phone="13904731234",
        )
        with pytest.raises(workflow.TransitionNotAllowed, match="YY-2025-2345678923"):
            workflow.plaque_issue(user=admin_user, rating=ratings[0])
        assert not Plaque.objects.exists()

    def test_naming_a_batch_waits_for_the_window_and_the_findings(
        self, assessor, certifiers, admin_user, year, today
    ):
        from ratings.models import Unit

        units = []
        for name in ("黄河宾馆", "驿站旅店"):
            unit = Unit.objects.create(domain_id="hotel", region_id="150303104000", name=name)
            assessment = workflow.assessment_save(
                user=assessor, unit=unit, year=year, expected_version=0, lines=full_scores("hotel")
            )
            assessment = workflow.assessment_submit(user=assessor, assessment=assessment)
            workflow.assessment_decide(
                user=certifiers["wenlv"], assessment=assessment, decision="approve"
            )
            units.append(unit)
        notice = workflow.notice_open_for_batch(
            user=admin_user,
            year=year,
            domain=units[0].domain,
            naming_title="平安宾馆(旅店)",
            naming_batch="首批",
            text=text(date(2026, 9, 30)),
        )
        assert notice.ends_on == date(
            2026, 10, 12
        )  # 2026: 1–7 October off, Saturday 10 October worked
        first = notice.entries.get(assessment__unit=units[0])
        made = workflow.objection_submit(
            notice=notice, entry=first, objection=objection(), today=date(2026, 9, 30)
        )
        naming = {"document_number": "乌平安办发〔2026〕9号", "designated_on": date(2026, 10, 20)}
        today(date(2026, 10, 12))
        with pytest.raises(workflow.TransitionNotAllowed, match="尚未期满"):
            workflow.notice_name_batch(user=admin_user, notice=notice, **naming)
        # Nor can the units be named one by one around the notice.
        with pytest.raises(workflow.TransitionNotAllowed, match="在公示名单中"):
            workflow.designations_create(
                user=admin_user,
                units=[units[1]],
                year=year,
                naming=workflow.Naming(title="平安宾馆", tier="", batch="", **naming),
            )
        today(date(2026, 10, 13))
        with pytest.raises(workflow.TransitionNotAllowed, match=made.receipt):
            workflow.notice_name_batch(user=admin_user, notice=notice, **naming)
        workflow.objection_find(
            user=admin_user, objection=made, upheld=True, reason="消防检查不合格，属实。"
        )
        named = workflow.notice_name_batch(user=admin_user, notice=notice, **naming)
        assert [d.unit for d in named] == [units[1]]
        assert named[0].title == "平安宾馆(旅店)" and named[0].batch == "首批"
        with pytest.raises(workflow.TransitionNotAllowed, match="已于"):
            workflow.notice_name_batch(user=admin_user, notice=notice, **naming)
