"""Every transition of a rating, allowed and refused, with the event it records."""

from __future__ import annotations

import pytest
from django.db import transaction

from ratings import workflow
from ratings.choices import Decision, EventAction, ItemStatus, RatingStatus, YearStatus
from ratings.models import Event, StarItem, StarRating
from tests.helpers import decide_all, findings, item, save_rating, submitted_rating

pytestmark = pytest.mark.django_db


def events(rating: StarRating, action: EventAction) -> list[Event]:
    return list(Event.objects.filter(rating=rating, action=action))


class TestSave:
    def test_first_save_creates_rating_with_ten_items_and_an_event(self, assessor, community, year):
        rating = save_rating(assessor, community, year, met={3: False, 10: None})

        assert rating.status == RatingStatus.DRAFT
        assert rating.version == 1
        assert StarItem.objects.filter(rating=rating).count() == 10
        assert item(rating, 3).met is False
        assert item(rating, 10).met is None
        assert item(rating, 1).note == "第1项说明"
        [event] = events(rating, EventAction.DRAFT_SAVE)
        assert event.actor == assessor
        assert "1、2、3" in event.detail

    def test_saving_again_bumps_the_version(self, assessor, community, year):
        save_rating(assessor, community, year)
        rating = save_rating(assessor, community, year, met={2: False})
        assert rating.version == 2
        assert item(rating, 2).met is False

    def test_stale_version_is_a_conflict_naming_who_changed_it(self, assessor, community, year):
        save_rating(assessor, community, year)  # version 1
        save_rating(assessor, community, year)  # version 2, by the same person from another tab
        with pytest.raises(workflow.Conflict) as error:
            workflow.rating_save(
                user=assessor,
                community=community,
                year=year,
                expected_version=1,
                findings=findings({1: False}),
            )
        assert str(assessor) in error.value.message
        assert item(StarRating.objects.get(), 1).met is True

    def test_starting_a_rating_someone_else_started_is_a_conflict(self, assessor, community, year):
        save_rating(assessor, community, year)
        with pytest.raises(workflow.Conflict):
            workflow.rating_save(
                user=assessor,
                community=community,
                year=year,
                expected_version=0,
                findings=findings(),
            )

    def test_closed_year_refuses_findings(self, assessor, community, year):
        workflow.year_close(user=None, year=year)
        with pytest.raises(workflow.TransitionNotAllowed, match="已截止"):
            save_rating(assessor, community, year)
        assert not StarRating.objects.exists()

    def test_submitted_items_cannot_be_changed(self, assessor, community, year):
        submitted_rating(assessor, community, year)
        with pytest.raises(workflow.TransitionNotAllowed, match="已提交"):
            save_rating(assessor, community, year, met={1: False})
        assert item(StarRating.objects.get(), 1).met is True


class TestSubmit:
    def test_submit_sends_met_items_to_authorities_and_records_one_event(
        self, assessor, community, year
    ):
        rating = submitted_rating(assessor, community, year, met={5: False})

        assert rating.status == RatingStatus.SUBMITTED
        assert rating.submitted_at is not None
        assert item(rating, 1).status == ItemStatus.PENDING
        assert item(rating, 5).status == ItemStatus.NOT_MET
        [event] = events(rating, EventAction.SUBMIT)
        assert (event.from_state, event.to_state) == (RatingStatus.DRAFT, RatingStatus.SUBMITTED)

    def test_double_submit_is_refused_and_makes_one_event(self, assessor, community, year):
        rating = submitted_rating(assessor, community, year)
        with pytest.raises(workflow.TransitionNotAllowed, match="无需重复提交"):
            workflow.rating_submit(user=assessor, rating=rating)
        assert len(events(rating, EventAction.SUBMIT)) == 1

    def test_undecided_findings_block_submission(self, assessor, community, year):
        rating = save_rating(assessor, community, year, met={4: None, 7: None})
        with pytest.raises(workflow.TransitionNotAllowed, match="第 4、7 项尚未判定"):
            workflow.rating_submit(user=assessor, rating=rating)
        rating.refresh_from_db()
        assert rating.status == RatingStatus.DRAFT
        assert not events(rating, EventAction.SUBMIT)

    def test_submit_with_stale_version_is_a_conflict(self, assessor, community, year):
        rating = save_rating(assessor, community, year)
        save_rating(assessor, community, year)
        with pytest.raises(workflow.Conflict):
            workflow.rating_submit(user=assessor, rating=rating, expected_version=1)

    def test_submit_refused_in_closed_year(self, assessor, community, year):
        rating = save_rating(assessor, community, year)
        workflow.year_close(user=None, year=year)
        with pytest.raises(workflow.TransitionNotAllowed):
            workflow.rating_submit(user=assessor, rating=rating)

    def test_all_not_met_is_certified_at_once_with_no_stars(self, assessor, community, year):
        rating = submitted_rating(assessor, community, year, met={n: False for n in range(1, 11)})
        assert rating.status == RatingStatus.CERTIFIED
        assert rating.stars == 0
        assert len(events(rating, EventAction.CERTIFY)) == 1


class TestDecide:
    def test_endorse_records_who_and_counts_a_star(self, assessor, gongan, community, year):
        rating = submitted_rating(assessor, community, year)
        decided = workflow.item_decide(user=gongan, item=item(rating, 1), decision=Decision.ENDORSE)

        assert decided.status == ItemStatus.ENDORSED
        assert decided.decided_by == gongan
        rating.refresh_from_db()
        assert rating.stars == 1
        assert rating.status == RatingStatus.SUBMITTED
        [event] = events(rating, EventAction.ENDORSE)
        assert event.item_id == decided.pk
        assert (event.from_state, event.to_state) == (ItemStatus.PENDING, ItemStatus.ENDORSED)

    def test_double_endorse_is_refused_and_makes_one_event(self, assessor, gongan, community, year):
        rating = submitted_rating(assessor, community, year)
        workflow.item_decide(user=gongan, item=item(rating, 1), decision=Decision.ENDORSE)
        with pytest.raises(workflow.TransitionNotAllowed, match="不能重复认定"):
            workflow.item_decide(user=gongan, item=item(rating, 1), decision=Decision.ENDORSE)
        assert len(events(rating, EventAction.ENDORSE)) == 1

    def test_another_authority_cannot_decide(self, assessor, jindu, community, year):
        rating = submitted_rating(assessor, community, year)
        with pytest.raises(workflow.TransitionNotAllowed, match="不由您所在的认定机关认定"):
            workflow.item_decide(user=jindu, item=item(rating, 1), decision=Decision.ENDORSE)
        assert item(rating, 1).status == ItemStatus.PENDING

    def test_assessor_cannot_decide(self, assessor, community, year):
        rating = submitted_rating(assessor, community, year)
        with pytest.raises(workflow.TransitionNotAllowed):
            workflow.item_decide(user=assessor, item=item(rating, 1), decision=Decision.ENDORSE)

    @pytest.mark.parametrize("decision", [Decision.REJECT, Decision.RETURN])
    def test_reject_and_return_need_a_reason(self, assessor, gongan, community, year, decision):
        rating = submitted_rating(assessor, community, year)
        with pytest.raises(workflow.TransitionNotAllowed, match="必须"):
            workflow.item_decide(user=gongan, item=item(rating, 1), decision=decision, reason="  ")
        assert item(rating, 1).status == ItemStatus.PENDING
        assert not Event.objects.filter(action__in=["reject", "return"]).exists()

    def test_reject_keeps_reason_and_earns_no_star(self, assessor, gongan, community, year):
        rating = submitted_rating(assessor, community, year)
        workflow.item_decide(
            user=gongan, item=item(rating, 2), decision=Decision.REJECT, reason="发生刑事案件"
        )
        assert item(rating, 2).status == ItemStatus.REJECTED
        assert item(rating, 2).decision_reason == "发生刑事案件"
        [event] = events(rating, EventAction.REJECT)
        assert event.reason == "发生刑事案件"

    def test_not_met_item_is_not_in_any_queue(self, assessor, gongan, community, year):
        rating = submitted_rating(assessor, community, year, met={1: False})
        with pytest.raises(workflow.TransitionNotAllowed, match="未达标"):
            workflow.item_decide(user=gongan, item=item(rating, 1), decision=Decision.ENDORSE)

    def test_decisions_refused_in_closed_year(self, assessor, gongan, community, year):
        rating = submitted_rating(assessor, community, year)
        workflow.year_close(user=None, year=year)
        with pytest.raises(workflow.TransitionNotAllowed, match="已截止"):
            workflow.item_decide(user=gongan, item=item(rating, 1), decision=Decision.ENDORSE)

    def test_all_decided_certifies_with_one_event(self, assessor, certifiers, community, year):
        rating = submitted_rating(assessor, community, year)
        decide_all(rating, certifiers)
        rating.refresh_from_db()
        assert rating.status == RatingStatus.CERTIFIED
        assert rating.stars == 10
        assert rating.certified_at is not None
        [event] = events(rating, EventAction.CERTIFY)
        assert "10" in event.detail


class TestReturn:
    def test_return_reopens_the_item_for_the_assessor(self, assessor, gongan, community, year):
        rating = submitted_rating(assessor, community, year)
        workflow.item_decide(
            user=gongan, item=item(rating, 8), decision=Decision.RETURN, reason="补充交警证明"
        )
        rating.refresh_from_db()
        assert rating.status == RatingStatus.RETURNED
        assert item(rating, 8).is_editable
        assert not item(rating, 1).is_editable

        # The assessor revises only the returned item; the others stay locked.
        rating = workflow.rating_save(
            user=assessor,
            community=community,
            year=year,
            expected_version=rating.version,
            findings=findings(),
        )
        rating = workflow.rating_submit(user=assessor, rating=rating)
        assert rating.status == RatingStatus.SUBMITTED
        assert item(rating, 8).status == ItemStatus.PENDING
        assert item(rating, 8).decision_reason == ""
        [event] = events(rating, EventAction.RESUBMIT)
        assert (event.from_state, event.to_state) == (RatingStatus.RETURNED, RatingStatus.SUBMITTED)

    def test_returned_then_endorsed_counts_its_star(
        self, assessor, gongan, certifiers, community, year
    ):
        rating = submitted_rating(assessor, community, year)
        workflow.item_decide(
            user=gongan, item=item(rating, 8), decision=Decision.RETURN, reason="补充"
        )
        rating.refresh_from_db()
        workflow.rating_submit(user=assessor, rating=rating)
        decide_all(rating, certifiers)
        rating.refresh_from_db()
        assert rating.status == RatingStatus.CERTIFIED
        assert rating.stars == 10
        actions = list(Event.objects.filter(item=item(rating, 8)).values_list("action", flat=True))
        assert actions == [EventAction.RETURN, EventAction.ENDORSE]

    def test_returned_item_revised_to_not_met_needs_no_decision(
        self, assessor, gongan, certifiers, community, year
    ):
        rating = submitted_rating(assessor, community, year)
        workflow.item_decide(
            user=gongan, item=item(rating, 8), decision=Decision.RETURN, reason="补充"
        )
        decide_all(rating, certifiers)  # every other item endorsed
        rating.refresh_from_db()
        assert (rating.status, rating.stars) == (RatingStatus.RETURNED, 9)

        rating = workflow.rating_save(
            user=assessor,
            community=community,
            year=year,
            expected_version=rating.version,
            findings=findings({8: False}),
        )
        rating = workflow.rating_submit(user=assessor, rating=rating)

        assert item(rating, 8).status == ItemStatus.NOT_MET
        assert (rating.status, rating.stars) == (RatingStatus.CERTIFIED, 9)
        assert rating.outcome.value == "six_to_nine"

    def test_return_while_editing_other_items_does_not_conflict(
        self, assessor, gongan, jindu, community, year
    ):
        rating = submitted_rating(assessor, community, year)
        workflow.item_decide(
            user=gongan, item=item(rating, 1), decision=Decision.RETURN, reason="补充"
        )
        rating.refresh_from_db()
        loaded_version = rating.version
        # A decision on another item while the assessor has the form open…
        workflow.item_decide(user=jindu, item=item(rating, 6), decision=Decision.ENDORSE)
        # …does not make the assessor's save a conflict: they edit different items.
        workflow.rating_save(
            user=assessor,
            community=community,
            year=year,
            expected_version=loaded_version,
            findings=findings({1: False}),
        )
        assert item(rating, 1).met is False


class TestBulk:
    def test_bulk_endorse_reports_items_a_colleague_decided(
        self, assessor, gongan, community, year
    ):
        rating = submitted_rating(assessor, community, year)
        items = [item(rating, n) for n in (1, 2, 8)]
        workflow.item_decide(user=gongan, item=items[1], decision=Decision.ENDORSE)

        result = workflow.items_decide(user=gongan, items=items, decision=Decision.ENDORSE)

        assert [i.standard_id for i in result.done] == [1, 8]
        assert [i.standard_id for i, _ in result.refused] == [2]
        assert Event.objects.filter(action=EventAction.ENDORSE).count() == 3

    def test_bulk_reject_needs_one_reason_for_all(self, assessor, gongan, community, year):
        rating = submitted_rating(assessor, community, year)
        items = [item(rating, n) for n in (1, 2)]
        with pytest.raises(workflow.TransitionNotAllowed, match="理由"):
            workflow.items_decide(user=gongan, items=items, decision=Decision.REJECT)
        result = workflow.items_decide(
            user=gongan, items=items, decision=Decision.REJECT, reason="辖区发生案件"
        )
        assert len(result.done) == 2
        assert set(
            Event.objects.filter(action=EventAction.REJECT).values_list("reason", flat=True)
        ) == {"辖区发生案件"}


class TestYears:
    def test_open_twice_is_refused(self, year):
        with pytest.raises(workflow.TransitionNotAllowed, match="已存在"):
            workflow.year_open(user=None, year=2026)

    def test_close_records_event_and_refuses_twice(self, year):
        workflow.year_close(user=None, year=year)
        year.refresh_from_db()
        assert year.status == YearStatus.CLOSED
        assert Event.objects.filter(year=year, action=EventAction.YEAR_CLOSE).count() == 1
        with pytest.raises(workflow.TransitionNotAllowed):
            workflow.year_close(user=None, year=year)


class TestSideEffectsAfterCommit:
    """Whatever leaves the database listens to `event_committed`, sent only after commit."""

    @pytest.fixture
    def received(self):
        events = []

        def receiver(sender, event, **kwargs):
            events.append(event.action)

        workflow.event_committed.connect(receiver)
        yield events
        workflow.event_committed.disconnect(receiver)

    def test_a_rolled_back_transition_sends_nothing(
        self, received, year, admin_user, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(RuntimeError), transaction.atomic():
                workflow.year_close(user=admin_user, year=year)
                raise RuntimeError("the request failed after the transition")
        assert callbacks == [] and received == []
        year.refresh_from_db()
        assert year.is_open

    def test_a_committed_transition_sends_its_event_once(
        self, received, year, admin_user, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            workflow.year_close(user=admin_user, year=year)
        assert received == [EventAction.YEAR_CLOSE]

    def test_a_refused_transition_sends_nothing(
        self, received, year, admin_user, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(workflow.TransitionNotAllowed):
                workflow.year_publish(user=admin_user, year=year)
        assert received == []
