"""Stage deadlines, overdue ratings, closing the apply stage (逾期未申报) and extensions."""

from __future__ import annotations

from datetime import date

import pytest

from ratings import workflow
from ratings.choices import EventAction, RatingStatus
from ratings.models import (
    DeadlineExtension,
    Event,
    Region,
    StarRating,
    overdue_q,
    within_q,
)
from tests import factories
from tests.helpers import (
    BAYINTAOHAI,
    HAINAN,
    WUDA,
    answers,
    application_led,
    applied_rating,
    save_rating,
)

pytestmark = pytest.mark.django_db

DUES = {
    "apply": date(2026, 6, 30),
    "prereview": date(2026, 7, 15),
    "review": date(2026, 8, 15),
    "certify": date(2026, 9, 30),
}


@pytest.fixture
def chain(db, year, admin_user, community):
    application_led(admin_user, year)
    workflow.year_deadlines_set(user=admin_user, year=year, dues=DUES)
    year.refresh_from_db()
    return {
        "filer": factories.filer(community.code, username="saihanwusu"),
        "town": factories.prereviewer(BAYINTAOHAI, username="bayintaohai"),
    }


def draft(filer, community, year) -> StarRating:
    return workflow.application_save(
        user=filer, community=community, year=year, expected_version=0, answers=answers()
    )


class TestSettingDeadlines:
    def test_the_administrator_sets_them_with_an_event(self, year, admin_user):
        assert workflow.year_deadlines_set(user=admin_user, year=year, dues=DUES)
        year.refresh_from_db()
        assert year.due("apply") == date(2026, 6, 30) and year.certify_due == date(2026, 9, 30)
        event = Event.objects.get(action=EventAction.DEADLINES_SET)
        assert "2026-06-30" in event.detail and event.actor == admin_user
        # The same dates again change nothing and record nothing.
        assert workflow.year_deadlines_set(user=admin_user, year=year, dues=DUES) is None
        assert Event.objects.filter(action=EventAction.DEADLINES_SET).count() == 1

    def test_refused_out_of_order_for_others_and_in_a_closed_year(self, year, admin_user, assessor):
        with pytest.raises(workflow.TransitionNotAllowed, match="不能早于"):
            workflow.year_deadlines_set(
                user=admin_user, year=year, dues={**DUES, "review": date(2026, 7, 1)}
            )
        with pytest.raises(workflow.TransitionNotAllowed, match="管理员"):
            workflow.year_deadlines_set(user=assessor, year=year, dues=DUES)
        workflow.year_close(user=admin_user, year=year)
        with pytest.raises(workflow.TransitionNotAllowed):
            workflow.year_deadlines_set(user=admin_user, year=year, dues=DUES)
        year.refresh_from_db()
        assert year.apply_due is None


class TestOverdue:
    def test_each_stage_is_late_after_its_own_deadline(
        self, chain, year, community, assessor, admin_user
    ):
        filer, town = chain["filer"], chain["town"]
        rating = draft(filer, community, year)
        wuda_village = Region.objects.villages().filter(within_q(WUDA[:6])).first()
        wuda = save_rating(factories.assessor(WUDA), wuda_village, year)

        def overdue(day) -> set[int]:
            return set(
                StarRating.objects.filter(overdue_q(year=year, today=day)).values_list(
                    "pk", flat=True
                )
            )

        assert overdue(date(2026, 6, 30)) == set()  # the last day is still in time
        assert overdue(date(2026, 7, 1)) == {rating.pk}  # not applied
        assert overdue(date(2026, 8, 16)) == {rating.pk, wuda.pk}  # assessor-led draft too
        rating = workflow.application_submit(user=filer, rating=rating)
        assert overdue(date(2026, 7, 10)) == set()  # applied: the town's deadline runs
        assert overdue(date(2026, 7, 16)) == {rating.pk}
        workflow.application_forward(user=town, rating=rating)
        assert overdue(date(2026, 7, 16)) == set()

    def test_an_extension_keeps_a_community_in_time(
        self, chain, year, community, admin_user, today
    ):
        rating = draft(chain["filer"], community, year)
        today(date(2026, 6, 20))
        workflow.deadline_extend(
            user=admin_user, year=year, community=community, until=date(2026, 7, 10), reason="疫情"
        )
        assert not StarRating.objects.filter(overdue_q(year=year, today=date(2026, 7, 10)))
        assert StarRating.objects.filter(overdue_q(year=year, today=date(2026, 7, 11))).get() == (
            rating
        )


class TestLapse:
    def test_unfiled_applications_lapse_and_the_rest_stay(
        self, chain, year, community, admin_user, assessor, today
    ):
        filer = chain["filer"]
        other = (
            Region.objects.villages()
            .filter(within_q(BAYINTAOHAI[:9]))
            .exclude(pk=community.pk)
            .first()
        )
        applied = applied_rating(factories.filer(other.code), other, year)
        unfiled = draft(filer, community, year)
        wuda = Region.objects.villages().filter(within_q(WUDA[:6])).first()
        assessor_led = save_rating(factories.assessor(WUDA), wuda, year)
        today(date(2026, 7, 1))

        count = workflow.apply_stage_close(user=admin_user, year=year)

        unfiled.refresh_from_db()
        assert unfiled.status == RatingStatus.LAPSED
        # Nothing is deleted: the draft's answers are kept.
        assert unfiled.items.filter(self_met=True).count() == 10
        lapse = Event.objects.get(rating=unfiled, action=EventAction.APPLY_LAPSE)
        assert (lapse.from_state, lapse.to_state) == ("draft", "lapsed")
        # Every other community of 海南区 that never started is on record as lapsed too.
        hainan = Region.objects.villages().filter(active=True).filter(within_q(HAINAN[:6]))
        assert StarRating.objects.filter(year=year, status=RatingStatus.LAPSED).count() == (
            hainan.count() - 1
        )
        assert count == hainan.count() - 1
        assert StarRating.objects.get(pk=applied.pk).status == RatingStatus.APPLIED
        assert StarRating.objects.get(pk=assessor_led.pk).status == RatingStatus.DRAFT
        # The assessor-led district is not concerned: no rating started there.
        assert list(StarRating.objects.filter(within_q(WUDA[:6], "community_id"))) == [assessor_led]
        year.refresh_from_db()
        assert year.apply_closed_at is not None
        assert Event.objects.filter(action=EventAction.APPLY_CLOSE, year=year).count() == 1

        # A lapsed application cannot be changed or filed any more.
        with pytest.raises(workflow.TransitionNotAllowed):
            workflow.application_save(
                user=filer,
                community=community,
                year=year,
                expected_version=unfiled.version,
                answers=answers(),
            )
        with pytest.raises(workflow.TransitionNotAllowed):
            workflow.application_submit(user=filer, rating=unfiled)
        assert StarRating.objects.get(pk=unfiled.pk).status == RatingStatus.LAPSED

    def test_an_extension_protects_until_it_runs_out(
        self, chain, year, community, admin_user, today
    ):
        filer = chain["filer"]
        draft(filer, community, year)
        today(date(2026, 6, 25))
        extension = workflow.deadline_extend(
            user=admin_user,
            year=year,
            community=community,
            until=date(2026, 7, 10),
            reason="村委会换届，延期申报",
        )
        event = Event.objects.get(action=EventAction.DEADLINE_EXTEND)
        assert event.reason == "村委会换届，延期申报" and event.to_state == "2026-07-10"
        today(date(2026, 7, 1))
        workflow.apply_stage_close(user=admin_user, year=year)
        rating = StarRating.objects.get(community=community, year=year)
        assert rating.status == RatingStatus.DRAFT
        # Within its extension the community still files.
        rating = workflow.application_submit(user=filer, rating=rating)
        assert rating.status == RatingStatus.APPLIED
        assert DeadlineExtension.objects.get() == extension

    def test_closing_again_lapses_those_whose_extension_ran_out(
        self, chain, year, community, admin_user, today
    ):
        draft(chain["filer"], community, year)
        today(date(2026, 6, 25))
        workflow.deadline_extend(
            user=admin_user, year=year, community=community, until=date(2026, 7, 5), reason="延期"
        )
        today(date(2026, 7, 1))
        workflow.apply_stage_close(user=admin_user, year=year)
        assert StarRating.objects.get(community=community).status == RatingStatus.DRAFT
        today(date(2026, 7, 6))
        assert workflow.apply_stage_close(user=admin_user, year=year) == 1
        assert StarRating.objects.get(community=community).status == RatingStatus.LAPSED


class TestRefused:
    def test_closing_before_the_deadline_without_one_or_by_others(
        self, chain, year, community, admin_user, assessor, today
    ):
        draft(chain["filer"], community, year)
        today(date(2026, 6, 30))
        with pytest.raises(workflow.TransitionNotAllowed, match="尚未过去"):
            workflow.apply_stage_close(user=admin_user, year=year)
        today(date(2026, 7, 1))
        with pytest.raises(workflow.TransitionNotAllowed, match="管理员"):
            workflow.apply_stage_close(user=assessor, year=year)
        workflow.year_deadlines_set(user=admin_user, year=year, dues={})
        year.refresh_from_db()
        with pytest.raises(workflow.TransitionNotAllowed, match="尚未设置"):
            workflow.apply_stage_close(user=admin_user, year=year)
        assert not StarRating.objects.filter(status=RatingStatus.LAPSED).exists()
        assert not Event.objects.filter(action=EventAction.APPLY_CLOSE).exists()

    def test_a_community_that_never_started_cannot_begin_after_the_close(
        self, chain, year, community, admin_user, today
    ):
        today(date(2026, 7, 1))
        workflow.apply_stage_close(user=admin_user, year=year)
        with pytest.raises(workflow.TransitionNotAllowed):
            draft(chain["filer"], community, year)

    def test_extensions_need_a_reason_a_later_date_and_an_unfiled_community(
        self, chain, year, community, admin_user, today
    ):
        today(date(2026, 6, 20))
        with pytest.raises(workflow.TransitionNotAllowed, match="理由"):
            workflow.deadline_extend(
                user=admin_user, year=year, community=community, until=date(2026, 7, 9), reason=" "
            )
        with pytest.raises(workflow.TransitionNotAllowed, match="须晚于"):
            workflow.deadline_extend(
                user=admin_user, year=year, community=community, until=date(2026, 6, 29), reason="x"
            )
        with pytest.raises(workflow.TransitionNotAllowed, match="社区\\(村\\)"):
            workflow.deadline_extend(
                user=admin_user,
                year=year,
                community=Region.objects.get(pk=BAYINTAOHAI),
                until=date(2026, 7, 9),
                reason="x",
            )
        applied_rating(chain["filer"], community, year)
        with pytest.raises(workflow.TransitionNotAllowed, match="已经申报"):
            workflow.deadline_extend(
                user=admin_user, year=year, community=community, until=date(2026, 7, 9), reason="x"
            )
        assert not DeadlineExtension.objects.exists()
        assert not Event.objects.filter(action=EventAction.DEADLINE_EXTEND).exists()
