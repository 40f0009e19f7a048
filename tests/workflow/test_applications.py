"""The application-led chain: the community applies, the town forwards or returns, the district
reviews (each change with a reason) or returns, the authorities decide; each step an event."""

from __future__ import annotations

import pytest

from ratings import workflow
from ratings.choices import EventAction, ItemStatus, RatingStatus
from ratings.models import DistrictMode, Event, Region, StarRating
from tests import factories
from tests.helpers import (
    BAYINTAOHAI,
    HAINAN,
    WUDA,
    answers,
    application_led,
    applied_rating,
    decide_all,
    findings,
    item,
    save_rating,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(db, year, admin_user, community):
    """海南区 application-led in 2026, the filer of 赛汗乌素村 and the reviewer of its town."""
    application_led(admin_user, year)
    return {
        "filer": factories.filer(community.code, username="saihanwusu"),
        "town": factories.prereviewer(BAYINTAOHAI, username="bayintaohai"),
    }


def actions(rating: StarRating) -> list[str]:
    return list(Event.objects.filter(rating=rating).values_list("action", flat=True))


def review(assessor, rating, met=None, reasons=None) -> StarRating:
    reasons = reasons or {}
    return workflow.rating_save(
        user=assessor,
        community=rating.community,
        year=rating.year,
        expected_version=StarRating.objects.get(pk=rating.pk).version,
        findings=[
            workflow.Finding(
                number=f.number, met=f.met, note=f.note, reason=reasons.get(f.number, "")
            )
            for f in findings(met)
        ],
    )


class TestMode:
    def test_assessor_led_is_the_default_and_the_administrator_switches_it(self, year, admin_user):
        district = Region.objects.get(pk=HAINAN)
        assert not DistrictMode.objects.exists()
        workflow.district_mode_set(
            user=admin_user, district=district, year=year, mode="application"
        )
        assert DistrictMode.objects.get().mode == "application"
        assert Event.objects.filter(action=EventAction.MODE_SET).count() == 1
        # Setting the same mode again records nothing.
        assert (
            workflow.district_mode_set(
                user=admin_user, district=district, year=year, mode="application"
            )
            is None
        )
        assert Event.objects.filter(action=EventAction.MODE_SET).count() == 1

    def test_only_administrators_set_it_and_only_for_a_district(self, year, assessor, admin_user):
        with pytest.raises(workflow.TransitionNotAllowed):
            workflow.district_mode_set(
                user=assessor, district=Region.objects.get(pk=HAINAN), year=year, mode="application"
            )
        with pytest.raises(workflow.TransitionNotAllowed, match="区\\(县\\)"):
            workflow.district_mode_set(
                user=admin_user,
                district=Region.objects.get(pk=BAYINTAOHAI),
                year=year,
                mode="application",
            )
        assert not DistrictMode.objects.exists()


class TestChain:
    def test_from_self_assessment_to_certification_with_returns_at_each_step(
        self, chain, assessor, certifiers, community, year
    ):
        filer, town = chain["filer"], chain["town"]
        rating = applied_rating(filer, community, year, met={9: False})
        assert rating.status == RatingStatus.APPLIED and rating.application_led
        # The district's review starts from the community's answers.
        assert item(rating, 9).met is False and item(rating, 9).note == "第9项自评"

        # Town returns to the community, with a note on item 3.
        rating = workflow.application_return(user=town, rating=rating, item_notes={3: "请补充照片"})
        assert rating.status == RatingStatus.TOWN_BACK
        assert item(rating, 3).town_note == "请补充照片"
        rating = applied_rating(filer, community, year, met={9: False})
        rating = workflow.application_forward(user=town, rating=rating)
        assert rating.status == RatingStatus.FORWARDED
        assert item(rating, 3).town_note == ""

        # District returns to the town; the town forwards again.
        rating = workflow.application_review_return(user=assessor, rating=rating, note="材料不全")
        assert rating.status == RatingStatus.DIST_BACK
        rating = workflow.application_forward(user=town, rating=rating)

        # The district judges item 9 met, with a reason, and submits.
        rating = review(assessor, rating, reasons={9: "派出所证明该事件不在辖区"})
        assert item(rating, 9).review_reason == "派出所证明该事件不在辖区"
        rating = workflow.rating_submit(user=assessor, rating=rating)
        assert rating.status == RatingStatus.SUBMITTED

        # An authority returns item 1: back to the district, not to the community.
        workflow.item_decide(
            user=certifiers["gongan"], item=item(rating, 1), decision="return", reason="补证明"
        )
        rating.refresh_from_db()
        assert rating.status == RatingStatus.RETURNED
        assert not rating.is_self_editable and rating.is_editable
        rating = workflow.rating_save(
            user=assessor,
            community=community,
            year=year,
            expected_version=rating.version,
            findings=[workflow.Finding(number=1, met=True, note="已补充派出所证明")],
        )
        rating = workflow.rating_submit(user=assessor, rating=rating)
        decide_all(rating, certifiers)
        rating.refresh_from_db()
        assert rating.status == RatingStatus.CERTIFIED and rating.stars == 10
        assert actions(rating) == [
            "self_save",
            "apply",
            "town_return",
            "apply",  # the same answers again: nothing saved, no self_save
            "town_forward",
            "dist_return",
            "town_forward",
            "draft_save",
            "submit",
            "return",
            "draft_save",
            "resubmit",
            *["endorse"] * 10,
            "certify",
        ]

    def test_a_change_from_the_communitys_answer_needs_a_reason(
        self, chain, assessor, community, year
    ):
        rating = applied_rating(chain["filer"], community, year, met={4: False})
        rating = workflow.application_forward(user=chain["town"], rating=rating)
        with pytest.raises(workflow.TransitionNotAllowed, match="改判理由"):
            review(assessor, rating)  # judges item 4 met without saying why
        assert item(rating, 4).met is False
        # Keeping the community's answer needs no reason.
        rating = review(assessor, rating, met={4: False})
        assert workflow.rating_submit(user=assessor, rating=rating).status == RatingStatus.SUBMITTED
        assert item(rating, 4).status == ItemStatus.NOT_MET


class TestRefusals:
    def test_the_assessor_cannot_start_or_review_before_the_town(
        self, chain, assessor, community, year
    ):
        with pytest.raises(workflow.TransitionNotAllowed, match="自评申报"):
            save_rating(assessor, community, year)
        rating = applied_rating(chain["filer"], community, year)
        with pytest.raises(workflow.TransitionNotAllowed, match="待初审"):
            save_rating(assessor, community, year)
        with pytest.raises(workflow.TransitionNotAllowed):
            workflow.application_review_return(user=assessor, rating=rating, note="x")
        assert StarRating.objects.get().status == RatingStatus.APPLIED

    def test_the_filer_cannot_change_an_application_once_filed(self, chain, community, year):
        rating = applied_rating(chain["filer"], community, year)
        with pytest.raises(workflow.TransitionNotAllowed, match="待初审"):
            workflow.application_save(
                user=chain["filer"],
                community=community,
                year=year,
                expected_version=rating.version,
                answers=answers({1: False}),
            )
        with pytest.raises(workflow.TransitionNotAllowed):
            workflow.application_submit(user=chain["filer"], rating=rating)
        assert item(rating, 1).self_met is True

    def test_applying_needs_every_answer(self, chain, community, year):
        rating = workflow.application_save(
            user=chain["filer"],
            community=community,
            year=year,
            expected_version=0,
            answers=answers({7: None}),
        )
        with pytest.raises(workflow.TransitionNotAllowed, match="第 7 项"):
            workflow.application_submit(user=chain["filer"], rating=rating)
        assert StarRating.objects.get().status == RatingStatus.DRAFT

    def test_an_assessor_led_district_takes_no_applications(self, community, year):
        filer = factories.filer(community.code)
        with pytest.raises(workflow.TransitionNotAllowed, match="评定员评定"):
            workflow.application_save(
                user=filer, community=community, year=year, expected_version=0, answers=answers()
            )
        assert not StarRating.objects.exists()

    def test_another_towns_reviewer_and_a_filer_of_another_village_are_refused(
        self, chain, community, year
    ):
        rating = applied_rating(chain["filer"], community, year)
        other_town = factories.prereviewer("150303102000")
        with pytest.raises(workflow.TransitionNotAllowed, match="不由您所在的街道"):
            workflow.application_forward(user=other_town, rating=rating)
        with pytest.raises(workflow.TransitionNotAllowed):
            workflow.application_save(
                user=factories.filer("150303104701"),
                community=community,
                year=year,
                expected_version=rating.version,
                answers=answers(),
            )
        assert StarRating.objects.get().status == RatingStatus.APPLIED

    def test_a_return_needs_a_note(self, chain, assessor, community, year):
        rating = applied_rating(chain["filer"], community, year)
        with pytest.raises(workflow.TransitionNotAllowed, match="必须说明"):
            workflow.application_return(user=chain["town"], rating=rating, item_notes={2: "  "})
        rating = workflow.application_forward(user=chain["town"], rating=rating)
        with pytest.raises(workflow.TransitionNotAllowed, match="必须说明"):
            workflow.application_review_return(user=assessor, rating=rating, note=" ")
        assert StarRating.objects.get().status == RatingStatus.FORWARDED

    def test_a_rating_keeps_the_path_it_began_on(self, admin_user, assessor, community, year):
        rating = save_rating(assessor, community, year)
        application_led(admin_user, year)
        assert not StarRating.objects.get().application_led
        assert workflow.rating_submit(user=assessor, rating=rating).status == RatingStatus.SUBMITTED

    def test_another_district_stays_assessor_led(self, chain, year):
        assert not DistrictMode.objects.filter(district_id=WUDA).exists()


class TestConflicts:
    def test_a_stale_self_assessment_is_a_conflict_naming_who_saved(self, chain, community, year):
        filer = chain["filer"]
        first = workflow.application_save(
            user=filer, community=community, year=year, expected_version=0, answers=answers()
        )
        colleague = factories.filer(community.code, display_name="村委会文书")
        workflow.application_save(
            user=colleague,
            community=community,
            year=year,
            expected_version=first.version,
            answers=answers({2: False}),
        )
        with pytest.raises(workflow.Conflict, match="村委会文书"):
            workflow.application_save(
                user=filer,
                community=community,
                year=year,
                expected_version=first.version,
                answers=answers({3: False}),
            )
        assert item(first, 3).self_met is True and item(first, 2).self_met is False

    def test_a_decision_made_a_moment_ago_is_not_made_twice(self, chain, community, year):
        rating = applied_rating(chain["filer"], community, year)
        colleague = factories.prereviewer(BAYINTAOHAI)
        workflow.application_forward(user=colleague, rating=rating)
        with pytest.raises(workflow.TransitionNotAllowed, match="不在待初审之列"):
            workflow.application_return(user=chain["town"], rating=rating, note="再补充")
        assert StarRating.objects.get().status == RatingStatus.FORWARDED
        assert actions(rating).count("town_forward") == 1
