"""The re-review pages: the administrator opens a sample and follows it, the district's
assessor finds it in 待办 and records the finding, the administrator takes the star away."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ratings import workflow
from ratings.choices import RereviewStatus
from ratings.models import Region, Rereview
from tests.helpers import body, item, published_year_with

pytestmark = pytest.mark.django_db

TEN = ["150303102501", "150303102502", "150303104701"]


@pytest.fixture
def published(assessor, certifiers, admin_user):
    year = workflow.year_open(user=None, year=2025)
    ratings = published_year_with(
        assessor, certifiers, admin_user, year, [(Region.objects.get(pk=c), None) for c in TEN]
    )
    return year, ratings


def test_the_whole_round_through_the_pages(client, published, admin_user, assessor):
    client.force_login(admin_user)
    page = body(client.get(reverse("rereview_open")))
    assert "2025年度十星平安社区(村)复查" in page
    response = client.post(
        reverse("rereview_open"),
        {"year": 2025, "title": "2025年度抽查", "scope": "sample", "size": 2, "seed": "7"},
    )
    rereview = Rereview.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "rereview_detail", args=[rereview.pk]
    )
    page = body(client.get(response["Location"]))
    assert "<code>7</code>" in page and "从 3 个十星社区(村)中随机抽取 2 个" in page
    assert "待复查 2，通过 0，未通过 0" in page
    assert "2025年度抽查" in body(client.get(reverse("rereview_list")))

    client.force_login(assessor)
    todo = body(client.get(reverse("todo")))
    assert "待复查的十星社区(村)" in todo and '<span class="count">2</span>' in todo
    entry = rereview.entries.order_by("community_id").first()
    listed = body(client.get(reverse("rereview_work"), {"status": "pending"}))
    assert entry.community.name in listed
    # A failed finding without the standards is refused and changes nothing.
    response = client.post(
        reverse("rereview_find", args=[entry.pk]), {"finding": "failed", "reason": "有案件"}
    )
    assert response.status_code == 200 and "请选择不再达标的标准" in body(response)
    response = client.post(
        reverse("rereview_find", args=[entry.pk]),
        {"finding": "failed", "standards": ["2"], "reason": "辖区发生刑事案件一起"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == RereviewStatus.FAILED
    assert "辖区发生刑事案件一起" in body(client.get(reverse("rereview_find", args=[entry.pk])))

    client.force_login(admin_user)
    todo = body(client.get(reverse("todo")))
    assert "复查未通过待摘星" in todo
    confirm = body(client.get(reverse("rereview_stars_remove", args=[entry.pk])))
    assert "无刑事治安案件" in confirm and "确认摘星" in confirm
    response = client.post(
        reverse("rereview_stars_remove", args=[entry.pk]), {"document_number": ""}
    )
    assert response.status_code == 200 and item(entry.rating, 2).status == "endorsed"
    response = client.post(
        reverse("rereview_stars_remove", args=[entry.pk]), {"document_number": "乌公发〔2026〕9号"}
    )
    assert response.status_code == 302
    assert item(entry.rating, 2).status == "removed"
    page = body(client.get(reverse("rereview_detail", args=[rereview.pk])))
    assert "已摘星" in page


def test_an_assessor_outside_the_district_sees_none_of_it(
    client, published, admin_user, assessor_out
):
    year, _ratings = published
    rereview = workflow.rereview_open(user=admin_user, year=year, title="全部复查")
    client.force_login(assessor_out)
    page = body(client.get(reverse("rereview_work")))
    assert "没有符合条件的复查对象" in page
    entry = rereview.entries.first()
    assert client.get(reverse("rereview_find", args=[entry.pk])).status_code == 404
    response = client.post(
        reverse("rereview_find", args=[entry.pk]), {"finding": "passed", "reason": "无问题"}
    )
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.status == RereviewStatus.PENDING
