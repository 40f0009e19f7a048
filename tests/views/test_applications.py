"""The application-led chain's pages: what each role sees and can do, and bad input refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ratings import workflow
from ratings.choices import RatingStatus
from ratings.models import DistrictMode, StarRating
from tests import factories
from tests.helpers import BAYINTAOHAI, application_led, applied_rating, body, item

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(db, year, admin_user, community):
    application_led(admin_user, year)
    return {
        "filer": factories.filer(community.code, username="saihanwusu"),
        "town": factories.prereviewer(BAYINTAOHAI, username="bayintaohai"),
    }


def url(name: str, community, *extra) -> str:
    return reverse(name, args=[2026, community.code, *extra])


def answers_post(version: int, met: dict[int, str] | None = None) -> dict:
    met = met or {}
    data = {"version": version}
    for n in range(1, 11):
        data[f"s{n}-met"] = met.get(n, "yes")
        data[f"s{n}-note"] = f"第{n}项自评"
    return data


class TestCommunity:
    def test_the_filer_fills_in_and_applies_after_a_confirmation(self, client, chain, community):
        client.force_login(chain["filer"])
        page = body(client.get(url("rating_detail", community)))
        assert "开始自评" in page and "督促指导" not in page  # no pages of other roles in the menu
        assert "自评是否达标" in body(client.get(url("application_edit", community)))
        response = client.post(
            url("application_edit", community), {**answers_post(0, {6: "no"}), "then": "submit"}
        )
        assert response["Location"] == url("application_submit", community)
        rating = StarRating.objects.get()
        assert rating.status == RatingStatus.DRAFT and item(rating, 6).self_met is False
        confirm = body(client.get(url("application_submit", community)))
        assert "确认申报" in confirm
        client.post(url("application_submit", community), {"version": rating.version})
        rating.refresh_from_db()
        assert rating.status == RatingStatus.APPLIED
        # Filed: the form is closed to the community.
        response = client.get(url("application_edit", community), follow=True)
        assert "社区(村)不能再修改" in body(response)

    def test_a_missing_answer_is_refused_and_named(self, client, chain, community):
        client.force_login(chain["filer"])
        data = answers_post(0)
        del data["s4-met"]
        client.post(url("application_edit", community), data)
        rating = StarRating.objects.get()
        page = body(client.get(url("application_submit", community)))
        assert "4. 无黑恶势力" in page and ">确认申报</button>" not in page
        client.post(url("application_submit", community), {"version": rating.version})
        assert StarRating.objects.get().status == RatingStatus.DRAFT


class TestTown:
    def test_the_town_returns_with_an_item_note_the_community_then_sees(
        self, client, chain, community, year
    ):
        applied_rating(chain["filer"], community, year)
        client.force_login(chain["town"])
        assert "初审…" in body(client.get(url("rating_detail", community)))
        # Returning without any note is refused with the reason, and changes nothing.
        page = body(client.post(url("application_prereview", community), {"decision": "return"}))
        assert "退回时必须说明" in page
        assert StarRating.objects.get().status == RatingStatus.APPLIED
        client.post(
            url("application_prereview", community),
            {"decision": "return", "item_3": "请补充派出所证明"},
        )
        assert StarRating.objects.get().status == RatingStatus.TOWN_BACK
        client.force_login(chain["filer"])
        assert "请补充派出所证明" in body(client.get(url("application_edit", community)))


class TestDistrict:
    def test_the_review_shows_the_community_answer_and_needs_a_reason_to_differ(
        self, client, chain, assessor, community, year
    ):
        rating = applied_rating(chain["filer"], community, year, met={5: False})
        rating = workflow.application_forward(user=chain["town"], rating=rating)
        client.force_login(assessor)
        page = body(client.get(url("rating_edit", community)))
        assert "社区(村)自评" in page and "改判理由" in page
        response = client.post(url("rating_edit", community), answers_post(rating.version))
        assert "请填写改判理由" in body(response)
        assert item(rating, 5).met is False  # nothing saved
        data = answers_post(rating.version)
        data["s5-reason"] = "经核实该事故发生在辖区外"
        client.post(url("rating_edit", community), data)
        assert item(rating, 5).met is True
        assert "经核实该事故发生在辖区外" in body(client.get(url("rating_detail", community)))

    def test_the_district_returns_to_the_town_after_a_confirmation(
        self, client, chain, assessor, community, year
    ):
        rating = workflow.application_forward(
            user=chain["town"], rating=applied_rating(chain["filer"], community, year)
        )
        client.force_login(assessor)
        assert "确认退回" in body(client.get(url("application_review_return", community)))
        client.post(url("application_review_return", community), {"reason": ""})
        assert StarRating.objects.get().status == RatingStatus.FORWARDED
        client.post(url("application_review_return", community), {"reason": "缺少第3项材料"})
        rating.refresh_from_db()
        assert rating.status == RatingStatus.DIST_BACK

    def test_the_assessor_cannot_start_a_rating_in_an_application_led_district(
        self, client, chain, assessor, community
    ):
        client.force_login(assessor)
        assert ">开始评定</a>" not in body(client.get(url("rating_detail", community)))
        response = client.get(url("rating_edit", community), follow=True)
        assert "由社区(村)自评申报" in body(response)


class TestModes:
    def test_the_administrator_sets_a_districts_mode(self, client, admin_user, year):
        client.force_login(admin_user)
        page = body(client.get(reverse("district_modes", args=[2026])))
        assert "海南区" in page and "评定员评定" in page
        client.post(
            reverse("district_modes", args=[2026]),
            {"district": "150303000000", "mode": "application"},
        )
        assert DistrictMode.objects.get().mode == "application"

    def test_a_town_is_not_a_district(self, client, admin_user, year):
        client.force_login(admin_user)
        response = client.post(
            reverse("district_modes", args=[2026]),
            {"district": BAYINTAOHAI, "mode": "application"},
            follow=True,
        )
        assert "请选择一个区(县)" in body(response)
        assert not DistrictMode.objects.exists()
