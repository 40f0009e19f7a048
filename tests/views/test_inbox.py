"""待办 and 通知: what awaits each user matches their work list, and what concerns them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ratings import selectors, workflow
from ratings.models import Region, StarRating
from tests import factories
from tests.helpers import (
    BAYINTAOHAI,
    application_led,
    applied_rating,
    body,
    item,
    save_rating,
    submitted_rating,
)

pytestmark = pytest.mark.django_db

VILLAGES = ["150303104701", "150303104702", "150303104703", "150303104705", "150303104707"]


@pytest.fixture
def scene(db, year, admin_user, assessor, certifiers):
    """巴音陶亥镇 in an application-led 海南区: applications at several stages; plus an
    assessor-led draft and a rating returned by an authority, started before the switch."""
    draft = save_rating(assessor, Region.objects.get(pk="150303102501"), year)
    returned = submitted_rating(assessor, Region.objects.get(pk="150303102502"), year)
    workflow.item_decide(
        user=certifiers["gongan"], item=item(returned, 1), decision="return", reason="补充证明"
    )
    workflow.item_decide(
        user=certifiers["jindu"], item=item(returned, 6), decision="reject", reason="有涉毒案件"
    )
    application_led(admin_user, year)
    filers = {code: factories.filer(code) for code in VILLAGES}
    town = factories.prereviewer(BAYINTAOHAI)
    villages = {code: Region.objects.get(pk=code) for code in VILLAGES}
    applied_rating(filers[VILLAGES[0]], villages[VILLAGES[0]], year)  # applied
    workflow.application_forward(
        user=town, rating=applied_rating(filers[VILLAGES[1]], villages[VILLAGES[1]], year)
    )  # forwarded
    workflow.application_return(
        user=town,
        rating=applied_rating(filers[VILLAGES[2]], villages[VILLAGES[2]], year),
        note="请补充走访记录",
    )  # returned to the community
    workflow.application_save(
        user=filers[VILLAGES[3]],
        community=villages[VILLAGES[3]],
        year=year,
        expected_version=0,
        answers=[workflow.Finding(number=1, met=True)],
    )  # a draft
    return {"filers": filers, "town": town, "draft": draft, "returned": returned}


def work_count(client, user) -> int:
    client.force_login(user)
    page = body(client.get(reverse("work"), {"mine": "on"}))
    return int(re.search(r"共 (\d+) 个社区\(村\)", page).group(1))


def test_todo_counts_match_the_work_list_filtered_to_mine(client, scene, assessor, year):
    people = [assessor, scene["town"], *scene["filers"].values()]
    expected = {
        assessor: 3,  # the assessor-led draft, the returned rating, the forwarded application
        scene["town"]: 1,
        scene["filers"][VILLAGES[2]]: 1,  # returned by the town
        scene["filers"][VILLAGES[3]]: 1,  # its draft
        scene["filers"][VILLAGES[0]]: 0,  # filed: the town's turn
    }
    for user in people:
        count = selectors.rating_count_awaiting(user=user, year=year)
        assert count == work_count(client, user), user
        if user in expected:
            assert count == expected[user], user
        page = body(client.get(reverse("todo")))
        assert f'<span class="count">{count}</span>' in page or count == 0


def test_the_header_shows_what_awaits(client, scene):
    client.force_login(scene["town"])
    page = body(client.get(reverse("home")))
    assert re.search(r'待办 <span class="count">1</span>', page)


def test_the_header_count_is_kept_until_the_next_event_and_follows_it_at_once(
    client, scene, year, django_assert_num_queries
):
    town = scene["town"]
    assert selectors.todo_total_for_user(user=town) == 1  # the application filed by VILLAGES[0]
    with django_assert_num_queries(1):  # the newest event's id: nothing has changed since
        assert selectors.todo_total_for_user(user=town) == 1
    workflow.application_forward(
        user=town, rating=StarRating.objects.get(year=year, community_id=VILLAGES[0])
    )
    assert selectors.todo_total_for_user(user=town) == 0
    client.force_login(town)
    assert not re.search(r'待办 <span class="count">', body(client.get(reverse("home"))))


def test_the_inbox_shows_what_concerns_the_user_and_nothing_else(client, scene):
    filer = scene["filers"][VILLAGES[2]]
    client.force_login(filer)
    page = body(client.get(reverse("inbox")))
    assert "初审退回社区" in page and "请补充走访记录" in page
    assert "自评申报" not in page  # its own action
    client.force_login(scene["filers"][VILLAGES[0]])
    page = body(client.get(reverse("inbox")))
    assert "请补充走访记录" not in page  # another village's return
    client.force_login(scene["town"])
    page = body(client.get(reverse("inbox")))
    assert page.count("自评申报") >= 3
    assert "没有这个" not in body(client.get(reverse("inbox"), {"q": "不存在的村"}))


def test_the_assessors_list_shows_returned_and_rejected_items_with_reasons(client, scene, assessor):
    client.force_login(assessor)
    page = body(client.get(reverse("work"), {"mine": "on"}))
    assert "第 1 项退回补充：补充证明" in page
    assert "第 6 项不予认可：有涉毒案件" in page


def test_a_certifiers_todo_is_its_queue(client, scene, certifiers):
    client.force_login(certifiers["gongan"])
    page = body(client.get(reverse("todo")))
    pending = selectors.item_list_for_user(user=certifiers["gongan"]).count()
    assert "待认定事项" in page and f'<span class="count">{pending}</span>' in page
