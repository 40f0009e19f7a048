"""The assessor's rating pages on a phone: progress, "全部达标", folded items, the warnings
before submitting, and a save conflict that keeps what was typed."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ratings import workflow
from ratings.models import RatingYear, StarItem, StarRating, User
from ratings.uploads import PDF
from tests import factories
from tests.helpers import (
    BAYINTAOHAI,
    HAINAN,
    SAIHANWUSU,
    body,
    built_once_per_module,
    findings,
    item,
    save_rating,
    submitted_rating,
)

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n%%EOF\n"


def edit_url() -> str:
    return reverse("rating_edit", args=[2026, SAIHANWUSU])


@pytest.fixture
def logged_in(client, assessor, year):
    client.force_login(assessor)
    return client


def test_new_rating_shows_progress_zero_and_every_item_open(logged_in):
    page = body(logged_in.get(edit_url()))
    assert re.search(r"已判定\s*<strong data-decided>0</strong>/10", page)
    assert page.count("<details") == 10 and page.count(" open>") == 10
    # Items are headings of the second level under the page's h1 (no jump to h3).
    assert page.count('<h2 class="item-title">') == 10


def test_answered_items_fold_and_count(logged_in, assessor, community, year):
    workflow.rating_save(
        user=assessor,
        community=community,
        year=year,
        expected_version=0,
        findings=findings(met={n: None for n in range(8, 11)}),
    )
    page = body(logged_in.get(edit_url()))
    assert re.search(r"<strong data-decided>7</strong>/10", page)
    assert page.count(" open>") == 3  # the three undecided items stay open
    assert '<span class="item-answer small" data-answer data-undecided="未判定">达标' in page


def test_all_met_marks_only_the_undecided_items(logged_in, assessor, community, year):
    rating = workflow.rating_save(
        user=assessor,
        community=community,
        year=year,
        expected_version=0,
        findings=findings(met={2: False, **{n: None for n in range(3, 11)}}),
    )
    response = logged_in.post(
        edit_url(), {"version": rating.version, "s2-met": "no", "s3-met": "no", "all_met": "yes"}
    )
    assert response.status_code == 302 and response["Location"] == edit_url()
    rating.refresh_from_db()
    met = dict(rating.items.values_list("standard_id", "met"))
    # The answers given (2 and 3 "not met"; 1 was left blank on this post) are never overwritten.
    assert met[2] is False and met[3] is False
    assert all(met[n] is True for n in (1, *range(4, 11)))


def test_file_picker_is_in_chinese_with_camera_and_a_real_help_text(logged_in):
    page = body(logged_in.get(edit_url()))
    assert 'capture="environment"' in page and 'accept="image/*"' in page
    assert 'accept=".pdf,.jpg' in page and "选择文件" in page and "拍照上传" in page
    # Every aria-describedby points at an element that exists.
    for target in set(re.findall(r'aria-describedby="([^"]+)"', page)):
        assert f'id="{target}"' in page, target


def test_both_camera_and_file_inputs_upload(logged_in):
    response = logged_in.post(
        edit_url(),
        {
            "version": 0,
            "s1-met": "yes",
            "s1-files": [
                SimpleUploadedFile("a.pdf", PDF_BYTES),
                SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32),
            ],
        },
    )
    assert response.status_code == 302
    assert item(StarRating.objects.get(), 1).evidence.count() == 2


def test_submit_page_warns_per_item_but_still_lets_submit(logged_in, assessor, community, year):
    upload = SimpleUploadedFile("核查表.pdf", PDF_BYTES)
    rating = workflow.rating_save(
        user=assessor,
        community=community,
        year=year,
        expected_version=0,
        findings=[
            workflow.Finding(
                number=n,
                met=n != 10,
                note="" if n == 2 else "已核实",
                uploads=[(upload, PDF)] if n == 1 else [],
            )
            for n in range(1, 11)
        ],
    )
    page = body(logged_in.get(reverse("rating_submit", args=[2026, SAIHANWUSU])))
    assert "有 8 项请再核对（仍可提交）" in page
    assert re.search(r"2\. 无刑事治安案件</a> — 判定为达标，但没有证明材料；没有填写评定说明", page)
    assert "1. 无涉违法行为</a>" not in page  # met, with a file and a note
    assert "10. 青少年零受害</a>" not in page  # not met: no file is expected
    assert "确认提交" in page
    logged_in.post(reverse("rating_submit", args=[2026, SAIHANWUSU]), {"version": rating.version})
    rating.refresh_from_db()
    assert rating.status == "submitted"


class TestConflict:
    @pytest.fixture
    def stale(self, assessor, community, year):
        """Loaded at version 1; then a colleague saved notes of their own (version 2)."""
        rating = save_rating(assessor, community, year)
        colleague = type(assessor).objects.create(
            username="colleague", role=assessor.role, region=assessor.region
        )
        workflow.rating_save(
            user=colleague,
            community=community,
            year=year,
            expected_version=rating.version,
            findings=[workflow.Finding(number=1, met=False, note="对方的说明")],
        )
        return rating.version

    def test_conflict_shows_both_versions_and_keeps_what_was_typed(self, logged_in, stale):
        typed = {"version": stale, "s1-met": "yes", "s1-note": "我的说明"}
        for n in range(2, 11):
            typed |= {f"s{n}-met": "yes", f"s{n}-note": f"第{n}项说明"}
        response = logged_in.post(edit_url(), typed)
        assert response.status_code == 409
        page = body(response)
        assert "对方的说明" in page and "我的说明" in page
        assert re.search(r">\s*我的说明</textarea>", page)  # the field keeps what was typed
        assert page.count("data-conflict ") == 1  # only item 1 differs
        assert f'name="version" value="{stale + 1}"' in page  # saving again is possible
        assert StarRating.objects.get().version == stale + 1  # nothing was written

    @pytest.mark.parametrize(
        ("take", "note", "met"), [("mine", "我的说明", True), ("theirs", "对方的说明", False)]
    )
    def test_saving_again_takes_the_chosen_version(self, logged_in, stale, take, note, met):
        data = {"version": stale + 1, "s1-met": "yes", "s1-note": "我的说明", "s1-take": take}
        for n in range(2, 11):
            data |= {f"s{n}-met": "yes", f"s{n}-note": f"第{n}项说明"}
        assert logged_in.post(edit_url(), data).status_code == 302
        first = item(StarRating.objects.get(), 1)
        assert (first.note, first.met) == (note, met)
        assert item(StarRating.objects.get(), 2).note == "第2项说明"


# -- the certifier's queue -----------------------------------------------------------------------


def _queue() -> SimpleNamespace:
    """25 communities of 巴音陶亥镇 submitted: 25 items of standard 1 for 公安 (over two pages),
    and as many of standards 2 and 8."""
    year = workflow.year_open(user=None, year=2026)
    assessor = factories.assessor(HAINAN, username="hainan-assessor")
    gongan = factories.certifier("gongan", username="cert-gongan")
    ratings = [
        submitted_rating(assessor, community, year)
        for community in factories.communities(BAYINTAOHAI, 25)
    ]
    return SimpleNamespace(year=year, assessor=assessor, gongan=gongan, ratings=ratings)


@pytest.fixture(scope="class")
def built(django_db_setup, django_db_blocker, world_media) -> SimpleNamespace:
    """The queue, built once for the class; each test's changes are rolled back."""
    yield from built_once_per_module(django_db_blocker, world_media, _queue)


class TestQueue:
    @pytest.fixture
    def year(self, built, db) -> RatingYear:
        return built.year

    @pytest.fixture
    def assessor(self, built, db) -> User:
        return built.assessor

    @pytest.fixture
    def queue(self, client, built, db) -> list[StarRating]:
        client.force_login(built.gongan)
        return built.ratings

    def post(self, client, **data):
        return client.post(reverse("queue_decide"), data)

    def test_oldest_first_no_decision_preselected_bar_above_the_rows(self, client, queue):
        page = body(client.get(reverse("queue")))
        assert 'name="decision" value="endorse" checked' not in page
        assert page.index('class="bulk-bar"') < page.index("<table")
        assert "选择全部 75 项（含其他页）" in page
        first_rows = re.findall(r"(测试\d+社区)</a>", page)
        assert first_rows[:3] == ["测试1社区"] * 3  # the first submitted wait longest

    def test_without_a_decision_nothing_happens_and_says_why(self, client, queue):
        response = self.post(client, items=[item(queue[0], 1).pk])
        assert response.status_code == 302
        assert item(queue[0], 1).status == "pending"
        assert "请选择认定结果" in body(client.get(response["Location"]))

    def test_all_matching_decides_exactly_what_the_confirmation_counted(
        self, client, assessor, queue, year
    ):
        filters = {"standard": "1", "all_matching": "on", "decision": "endorse"}
        confirm = self.post(client, **filters)
        page = body(confirm)
        assert confirm.status_code == 200
        assert "确认将以下 25 项处理为“认可”" in page
        assert "以上是最早提交的 20 项，共 25 项。" in page
        as_of = re.search(r'name="as_of" value="([^"]+)"', page).group(1)

        # Between the confirmation page and the click: one more community submits, and a
        # colleague endorses one of the 25.
        late = submitted_rating(assessor, factories.communities(BAYINTAOHAI, 1, start=300)[0], year)
        colleague = factories.certifier("gongan", username="gongan-2")
        workflow.item_decide(user=colleague, item=item(queue[3], 1), decision="endorse")

        response = self.post(client, **filters, as_of=as_of, shown="25", confirm="yes")
        assert response.status_code == 302 and response["Location"] == "/queue/?standard=1"
        decided = StarItem.objects.filter(standard_id=1, decided_by__username="cert-gongan")
        assert decided.count() == 24
        assert item(late, 1).status == "pending"  # arrived after the count: still waiting
        assert all(item(r, 2).status == "pending" for r in queue)  # outside the filter
        messages = body(client.get(response["Location"]))
        assert "已将 24 项处理为“认可”" in messages
        assert "有 1 项已由他人处理" in messages
        assert "有 1 项是在确认页显示之后提交的" in messages

    def test_ticked_rows_are_decided_after_confirmation(self, client, queue):
        chosen = [item(queue[0], 1).pk, item(queue[1], 2).pk]
        page = body(self.post(client, items=chosen, decision="return", reason="补充照片"))
        assert "确认将以下 2 项处理为“退回补充”" in page
        self.post(client, items=chosen, decision="return", reason="补充照片", confirm="yes")
        assert StarItem.objects.filter(status="returned").count() == 2

    def test_next_item_after_a_single_decision(self, client, queue):
        first = item(queue[0], 1)
        url = reverse("item_decide", args=[2026, queue[0].community_id, 1])
        response = client.post(url, {"decision": "endorse", "then": "next", "next": "/queue/"})
        following = reverse("item_decide", args=[2026, queue[0].community_id, 2])
        assert response["Location"] == following + "?next=%2Fqueue%2F"
        first.refresh_from_db()
        assert first.status == "endorsed"
