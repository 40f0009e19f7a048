"""The end of a year: the publish page lists what is undecided, with who holds each item, and
the communities with no rating; 未完成评定 is given in bulk, with a reason, to what is left."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse

from ratings import workflow
from ratings.choices import EventAction, RatingStatus
from ratings.models import Event, Region, StarRating
from tests.helpers import HAINAN, body, decide_all, item, save_rating, submitted_rating

pytestmark = pytest.mark.django_db

LIMIN, SAIHANWUSU, JIANSHE = "150303102502", "150303104707", "150303102501"


@pytest.fixture
def closed_year(year, assessor, certifiers, gongan, admin_user):
    """2026 closed: 利民社区 certified, 赛汗乌素村 submitted with standard 1 endorsed and the
    rest pending, 建设社区 a draft; every other community of the city has no rating."""
    decide_all(submitted_rating(assessor, Region.objects.get(pk=LIMIN), year), certifiers)
    pending = submitted_rating(assessor, Region.objects.get(pk=SAIHANWUSU), year)
    workflow.item_decide(user=gongan, item=item(pending, 1), decision="endorse")
    save_rating(assessor, Region.objects.get(pk=JIANSHE), year)
    workflow.year_close(user=admin_user, year=year)
    year.refresh_from_db()
    return year


def test_publish_page_lists_who_holds_each_undecided_item(client, closed_year, admin_user):
    client.force_login(admin_user)
    page = body(client.get(reverse("year_publish", args=[2026])))
    assert "还有 2 份评定尚未认定完成" in page
    assert "赛汗乌素村" in page and "建设社区" in page and "利民社区" not in page
    # Standard 1 was endorsed; 2 and 8 wait for public security, 6 for narcotics control.
    assert "公安：2、8" in page and "禁毒办：6" in page
    assert "评定员（未提交）：1、2、3" in page  # the draft: nothing submitted yet
    assert 'type="submit"' not in page.split("actions")[-1]


def test_publish_page_lists_communities_with_no_rating_by_region(client, closed_year, admin_user):
    client.force_login(admin_user)
    unrated = Region.objects.villages().filter(active=True).count() - 3
    page = body(client.get(reverse("year_publish", args=[2026]), {"show": "unrated"}))
    assert f"未参评的社区(村) {unrated}" in page
    in_hainan = (
        Region.objects.villages().filter(active=True, code__startswith=HAINAN[:6]).count() - 3
    )
    page = body(
        client.get(reverse("year_publish", args=[2026]), {"show": "unrated", "region": HAINAN})
    )
    assert f"未参评的社区(村) {in_hainan}" in page
    assert "尚未认定完成 2" in page


def test_outstanding_lists_download_as_xlsx(client, closed_year, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("year_outstanding_xlsx", args=[2026]))
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:2] == ("区划代码", "社区(村)")
    assert {row[1] for row in rows[1:]} == {"赛汗乌素村", "建设社区"}
    assert any("公安 2、8" in row[4] for row in rows[1:])
    response = client.get(reverse("year_outstanding_xlsx", args=[2026]), {"show": "unrated"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) - 1 == Region.objects.villages().filter(active=True).count() - 3


def test_incomplete_in_bulk_then_publish(client, closed_year, admin_user):
    client.force_login(admin_user)
    url = reverse("ratings_incomplete", args=[2026])
    assert "不是取消评星资格" in body(client.get(url))
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200 and "请填写理由" in body(refused)
    client.post(url, {"reason": "认定机关未能在年度截止前完成认定。"})
    ratings = StarRating.objects.filter(year=closed_year)
    assert ratings.get(community_id=LIMIN).status == RatingStatus.CERTIFIED
    for code in (SAIHANWUSU, JIANSHE):
        rating = ratings.get(community_id=code)
        assert rating.status == RatingStatus.INCOMPLETE and rating.stars == 0
        assert rating.incomplete_reason == "认定机关未能在年度截止前完成认定。"
        assert Event.objects.filter(rating=rating, action=EventAction.RATING_INCOMPLETE).exists()
    # Not a disqualification: nothing revoked, and it shows as its own outcome.
    assert not ratings.filter(status=RatingStatus.REVOKED).exists()
    years = body(client.get(reverse("manage_years")))
    assert "未完成评定" in years
    assert "未完成评定" in body(client.get(reverse("rating_detail", args=[2026, SAIHANWUSU])))
    client.post(reverse("year_publish", args=[2026]))
    closed_year.refresh_from_db()
    assert closed_year.status == "published"


def test_incomplete_refused_in_an_open_year(year, admin_user):
    with pytest.raises(workflow.TransitionNotAllowed, match="只有已截止"):
        workflow.ratings_mark_incomplete(user=admin_user, year=year, reason="未完成")


def test_incomplete_counts_apart_in_the_public_statistics(client, assessor, certifiers, admin_user):
    cache.clear()  # public statistics are cached by year and public data version
    past = workflow.year_open(user=None, year=2025)
    rating = submitted_rating(assessor, Region.objects.get(pk="150303102501"), past)
    decide_all(rating, certifiers)
    submitted_rating(assessor, Region.objects.get(pk="150303102502"), past)  # left undecided
    workflow.year_close(user=admin_user, year=past)
    workflow.ratings_mark_incomplete(user=admin_user, year=past, reason="认定机关未按期完成")
    workflow.year_publish(user=admin_user, year=past)
    page = body(client.get(reverse("stats"), {"year": 2025}))
    table = page.split('id="stars-caption"')[1].split("</table>")[0]
    assert "未完成评定" in table
    hainan = table.split("海南区")[1].split("</tr>")[0]
    # One certified ten-star rating in the distribution, one 未完成评定 counted apart.
    assert re.findall(r'<td class="num">([^<]*)</td>', hainan)[-3:] == ["1", "100.0%", "1"]
