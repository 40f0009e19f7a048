"""The public site: honour rolls, verification, statistics, open data."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ratings import coverage, services, statistics, workflow
from ratings.choices import EventAction, YearStatus
from ratings.coverage_counts import keep_published_counts
from ratings.models import (
    Authority,
    CoverageSnapshot,
    Designation,
    Domain,
    Event,
    RatingYear,
    Region,
    StarSnapshot,
    Unit,
)
from ratings.ratelimit import client_address
from tests import factories
from tests.helpers import (
    BAYINTAOHAI,
    body,
    built_once_per_module,
    decide_all,
    item,
    named_unit,
    page_queries,
    save_rating,
    submitted_rating,
)

pytestmark = pytest.mark.django_db

SECRET = "泄露"  # every record that must stay private carries this in its name
PRIVATE_NAMES = [
    f"{SECRET}九星社区",
    f"{SECRET}取消社区",
    f"{SECRET}撤销宾馆",
    f"{SECRET}草稿社区",
    f"{SECRET}待认定社区",
    f"{SECRET}未公布宾馆",
    "张秀兰",  # a household's name is never shown
]


def community(name: str) -> Region:
    """A community called `name` in 巴音陶亥镇, with the next free code of the 1xx block."""
    taken = Region.objects.filter(code__range=("150303104100", "150303104199")).count()
    made = factories.communities(BAYINTAOHAI, 1, start=100 + taken, name=name)[0]
    made.name = name
    made.save(update_fields=["name"])
    return made


@pytest.fixture(scope="module")
def published_once(django_db_setup, django_db_blocker, world_media):
    yield from built_once_per_module(django_db_blocker, world_media, build_published)


@pytest.fixture
def published(published_once, db):
    cache.clear()  # pages cached by a data version that a test's rolled-back change reused
    return published_once


def build_published() -> dict:
    """2025 published: one ten-star community (公开社区) with a plaque, one with a rejected item
    (9 stars), one ten-star whose eligibility was revoked, a named hotel, a named household and
    a revoked naming. 2026 open: a draft, a submitted rating, and a naming of an unpublished
    year."""
    assessor = factories.assessor(BAYINTAOHAI[:6] + "000000", username="published-assessor")
    admin_user = factories.administrator(username="published-admin")
    certifiers = {
        a.code: factories.certifier(a.code, username=f"published-{a.code}")
        for a in Authority.objects.all()
    }
    lead_hotel = factories.certifier("wenlv")
    lead_family = factories.certifier("fulian")
    past = workflow.year_open(user=None, year=2025)
    good = community("公开社区")
    rejected = community(f"{SECRET}九星社区")
    revoked = community(f"{SECRET}取消社区")
    for place in (good, rejected, revoked):
        rating = submitted_rating(assessor, place, past)
        if place == rejected:
            workflow.item_decide(
                user=certifiers["gongan"], item=item(rating, 2), decision="reject", reason="有案件"
            )
        decide_all(rating, certifiers)
    people = dict(assessor=assessor, admin=admin_user, year=past)
    named_unit("公开宾馆", "hotel", BAYINTAOHAI, lead=lead_hotel, **people)
    named_unit("张秀兰", "family", good.code, lead=lead_family, **people)
    named_unit(f"{SECRET}撤销宾馆", "hotel", BAYINTAOHAI, lead=lead_hotel, revoke=True, **people)
    workflow.year_close(user=admin_user, year=past)
    workflow.year_publish(user=admin_user, year=past)
    [plaque, revoked_plaque] = workflow.plaques_issue_for_year(user=admin_user, year=past)
    workflow.eligibility_revoke(user=admin_user, community=revoked, year=past, reason="口碑差")

    current = workflow.year_open(user=None, year=2026)
    save_rating(assessor, community(f"{SECRET}草稿社区"), current)
    submitted_rating(assessor, community(f"{SECRET}待认定社区"), current)
    named_unit(
        f"{SECRET}未公布宾馆",
        "hotel",
        BAYINTAOHAI,
        lead=lead_hotel,
        assessor=assessor,
        admin=admin_user,
        year=current,
    )
    return {"plaque": plaque, "revoked_plaque": revoked_plaque, "good": good}


PUBLIC_URLS = [
    "/",
    "/honours/",
    "/honours/?year=2025",
    "/honours/?kind=domains",
    "/honours/?kind=domains&year=2025&domain=hotel",
    f"/honours/?q={SECRET}",
    f"/honours/?kind=domains&q={SECRET}",
    "/honours/export.csv",
    "/honours/export.json",
    "/honours/export.csv?kind=domains",
    "/honours/export.json?kind=domains",
    f"/honours/export.csv?q={SECRET}",
    "/stats/",
    "/stats/export.csv",
    "/stats/export.json",
    "/years/2025/commendation/",
    "/verify/",
]


class TestLeaks:
    @pytest.mark.parametrize("url", PUBLIC_URLS)
    def test_private_records_never_appear(self, client, published, url):
        response = client.get(url)
        assert response.status_code == 200
        text = body(response)
        private = PRIVATE_NAMES
        if url == "/years/2025/commendation/":
            # The commendation list is the document as published: a community revoked after
            # publication was on it, and stays, marked as revoked.
            private = [name for name in PRIVATE_NAMES if name != f"{SECRET}取消社区"]
            assert f"{SECRET}取消社区" in text and "已撤销" in text
        for name in private:
            assert name not in text  # a household's name is never shown

    @pytest.mark.parametrize(
        "url",
        [
            "/honours/?year=2026",
            "/stats/?year=2026",
            "/stats/export.csv?year=2026",
            "/years/2026/commendation/",
            "/honours/?year=1999",
        ],
    )
    def test_unpublished_years_are_not_found(self, client, published, url):
        assert client.get(url).status_code == 404

    def test_published_records_do_appear(self, client, published):
        stars = body(client.get("/honours/?year=2025"))
        assert "公开社区" in stars
        domains = body(client.get("/honours/?kind=domains&year=2025"))
        assert "公开宾馆" in domains and "张**家" in domains


class TestVerify:
    def test_valid_plaque(self, client, published):
        number = published["plaque"].number
        html = body(client.get(f"/verify/{number}/"))
        assert "有效牌匾" in html and "公开社区" in html and "2025年度十星平安社区(村)" in html

    def test_revoked_plaque_says_so_and_since_when(self, client, published):
        plaque = published["revoked_plaque"]
        plaque.refresh_from_db()
        response = client.get(f"/verify/{plaque.number}/")
        html = body(response)
        assert "已撤销" in html and "此牌匾已于" in html
        assert f"{plaque.revoked_at:%Y}" in html

    def test_unknown_number(self, client, published):
        from ratings.plaques import plaque_number

        response = client.get(f"/verify/{plaque_number(2025, 999)}/")
        assert response.status_code == 404 and "查无此牌匾" in body(response)

    def test_mistyped_digit_is_caught_by_the_check_character(self, client, published):
        number = published["plaque"].number
        typo = number[:-3] + ("9" if number[-3] != "9" else "8") + number[-2:]
        response = client.get(f"/verify/{typo}/")
        assert response.status_code == 404 and "校验位不符" in body(response)

    def test_not_a_number_at_all(self, client, published):
        response = client.get("/verify/", {"number": "hello"})
        assert response.status_code == 404 and "不符合牌匾编号格式" in body(response)

    @pytest.mark.parametrize("typed", ["lower", "padded", "spaced"])
    def test_forgiving_input_reaches_the_permanent_address(self, client, published, typed):
        number = published["plaque"].number
        variants = {
            "lower": number.lower(),
            "padded": f"  {number}  ",
            "spaced": number.replace("-", " "),
        }
        response = client.get("/verify/", {"number": variants[typed]})
        assert response.status_code == 302 and response["Location"] == f"/verify/{number}/"
        lower = client.get(f"/verify/{number.lower()}/")
        assert lower.status_code == 301 and lower["Location"] == f"/verify/{number}/"

    def test_rate_limit_is_per_address_and_spares_the_honour_rolls(
        self, client, published, settings, one_minute
    ):
        settings.RATE_LIMITS = {"verify": 3}
        cache.clear()
        url = f"/verify/{published['plaque'].number}/"
        assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
        limited = client.get(url)
        assert limited.status_code == 429
        assert "请在" in body(limited) and int(limited["Retry-After"]) <= 60
        assert client.get(url, REMOTE_ADDR="10.0.0.2").status_code == 200
        assert all(client.get("/honours/").status_code == 200 for _ in range(10))

    def test_behind_a_proxy_the_client_cannot_choose_its_address(
        self, client, published, settings, one_minute
    ):
        """X-Forwarded-For reads `<what the client wrote>, <what our proxy saw>`: a client that
        writes a new address each time is still counted under the one the proxy saw."""
        settings.RATE_LIMITS = {"verify": 3}
        settings.CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
        settings.TRUSTED_PROXY_COUNT = 1
        cache.clear()
        url = f"/verify/{published['plaque'].number}/"
        statuses = [
            client.get(url, HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.7").status_code
            for n in range(5)
        ]
        assert statuses == [200, 200, 200, 429, 429]
        # Another visitor behind the same proxy has a limit of their own.
        assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200

    def test_two_trusted_proxies_count_from_the_right(self, rf, settings):
        settings.CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
        settings.TRUSTED_PROXY_COUNT = 2
        forged = rf.get("/", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7, 10.0.0.5")
        assert client_address(forged) == "203.0.113.7"
        direct = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.7")
        assert client_address(direct) == "203.0.113.7"
        settings.CLIENT_ADDRESS_HEADER = ""
        assert client_address(forged) == "127.0.0.1"


class TestDownloads:
    def test_csv_has_a_bom_and_the_same_rows_as_the_page(self, client, published):
        raw = b"".join(client.get("/honours/export.csv?year=2025").streaming_content)
        assert raw.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert rows[0][:4] == ["年度", "区", "街道(镇)", "社区(村)"]
        assert [row[3] for row in rows[1:]] == ["公开社区"]
        page = body(client.get("/honours/?year=2025"))
        assert "共 1 条" in page

    def test_json_masks_households(self, client, published):
        data = json.loads(body(client.get("/honours/export.json?kind=domains&domain=family")))
        assert [record["名称"] for record in data["records"]] == ["张**家"]
        assert data["title"] == "创建命名"

    def test_statistics_downloads_match_the_page(self, client, published):
        page = body(client.get("/stats/"))
        data = json.loads(body(client.get("/stats/export.json")))
        stars = {
            (r["区域"], r["星数"]): r["数量"] for r in data["records"] if r["表"] == "星级分布"
        }
        # As published: both ten-star communities, though one lost its eligibility since.
        assert stars[("乌海市", 10)] == 2 and stars[("海南区", 9)] == 1
        hotel = next(
            r
            for r in data["records"]
            if r["表"] == "创建覆盖" and r["创建领域"] == "平安宾馆(旅店)" and r["区域"] == "乌海市"
        )
        # Two hotels registered when 2025 was published, both meeting the standard, one named
        # (the other's naming was revoked before publication). The hotel registered in 2026,
        # after publication, does not count.
        assert (hotel["登记"], hotel["达标"], hotel["已命名"]) == (2, 2, 1)
        assert "2 / 2" in page
        rows = list(csv.reader(io.StringIO(body(client.get("/stats/export.csv")))))
        assert rows[0][0] == "表" and len(rows) == len(data["records"]) + 1


class TestCache:
    def test_statistics_are_cached_until_public_data_changes(self, client, published, admin_user):
        cache.clear()
        first = page_queries(client, "/stats/", fresh=False)
        cached = page_queries(client, "/stats/", fresh=False)
        assert cached < first
        # Revoking a plaque moves the public data version: the next page recomputes.
        workflow.plaque_revoke(user=admin_user, plaque=published["plaque"], reason="损毁")
        assert page_queries(client, "/stats/", fresh=False) == first


class TestNamedAsPublished:
    """Editing a named unit changes the register, never the roll that was published."""

    def test_rename_and_move_leave_the_public_roll_as_named(self, client, published, admin_user):
        hotel = Unit.objects.get(name="公开宾馆")
        household = Unit.objects.get(name="张秀兰")
        wuda_town = Region.objects.get(pk="150304011000")
        for unit, name in ((hotel, f"{SECRET}改名宾馆"), (household, "欧阳明")):
            region = wuda_town if unit == hotel else unit.region
            services.unit_update(
                user=admin_user,
                unit=unit,
                details=services.UnitDetails(
                    domain=unit.domain, region=region, name=name, address="新址"
                ),
            )
        assert Event.objects.filter(action=EventAction.UNIT_UPDATE).count() == 2

        page = body(client.get("/honours/?kind=domains&year=2025"))
        records = json.loads(body(client.get("/honours/export.json?kind=domains&year=2025")))
        rows = list(csv.reader(io.StringIO(body(client.get("/honours/export.csv?kind=domains")))))
        for text in (page, json.dumps(records, ensure_ascii=False), repr(rows)):
            assert "公开宾馆" in text and "张**家" in text
            assert SECRET not in text and "欧阳" not in text and "欧**家" not in text
        named = {r["名称"]: r["区域"] for r in records["records"]}
        assert named["公开宾馆"] == "海南区 巴音陶亥镇"

        # The region filter follows the region the unit was named in.
        in_hainan = body(client.get("/honours/?kind=domains&region=150303000000"))
        in_wuda = body(client.get("/honours/?kind=domains&region=150304000000"))
        assert "公开宾馆" in in_hainan and "公开宾馆" not in in_wuda
        # A search finds the name as named, not the new one.
        assert "公开宾馆" in body(client.get("/honours/?kind=domains&q=公开"))
        assert "没有符合条件的记录" in body(client.get("/honours/?kind=domains&q=改名"))

    def test_a_designation_keeps_the_unit_as_it_was_named(self, published):
        designation = Designation.objects.get(unit__name="公开宾馆")
        assert (designation.unit_name, designation.unit_region_id) == ("公开宾馆", BAYINTAOHAI)
        household = Designation.objects.get(unit__name="张秀兰")
        assert household.public_name == "张**家"


class TestPublishedFiguresStay:
    """A published year's statistics are the figures published; later changes leave them."""

    @staticmethod
    def figures(client) -> dict:
        cache.clear()  # so that equal figures come from the data, not from a cached copy
        data = json.loads(body(client.get("/stats/export.json?year=2025")))
        data.pop("generated")
        city = Region.objects.get(pk="150300000000")
        year = RatingYear.objects.get(pk=2025)
        staff = [
            (row.domain.code, row.region.code, row.registered, row.assessed, row.meeting, row.named)
            for row in [
                *coverage.coverage_by_domain(year=year, region=city),
                *coverage.coverage_by_child(
                    year=year, region=city, domain=Domain.objects.get(pk="hotel")
                ),
                *coverage.coverage_by_domain(year=year, region=Region.objects.get(pk=BAYINTAOHAI)),
            ]
        ]
        return {
            "json": data,
            "csv": body(client.get("/stats/export.csv?year=2025")),
            "staff": staff,
            "headline": statistics.headline(year),
        }

    def test_later_changes_leave_the_published_figures_equal(
        self, client, published, admin_user, assessor
    ):
        before = self.figures(client)
        hotel = Domain.objects.get(pk="hotel")
        town = Region.objects.get(pk=BAYINTAOHAI)

        # Today's changes: a unit registered (a draft, never assessed), a named unit
        # deactivated, another moved to another district, a naming and a ten-star community's
        # eligibility revoked.
        services.unit_create(
            user=assessor, details=services.UnitDetails(domain=hotel, region=town, name="新宾馆")
        )
        public_hotel = Unit.objects.get(name="公开宾馆")
        services.unit_update(
            user=admin_user,
            unit=public_hotel,
            details=services.UnitDetails(domain=hotel, region=town, name="公开宾馆", active=False),
        )
        services.unit_update(
            user=admin_user,
            unit=Unit.objects.get(name=f"{SECRET}撤销宾馆"),
            details=services.UnitDetails(
                domain=hotel, region=Region.objects.get(pk="150304011000"), name="撤销宾馆"
            ),
        )
        workflow.designation_revoke(
            user=admin_user,
            designation=Designation.objects.get(unit=public_hotel, revoked_at__isnull=True),
            reason="发生治安案件",
        )
        workflow.eligibility_revoke(
            user=admin_user,
            community=published["good"],
            year=public_hotel.designations.first().year,
            reason="口碑差",
        )

        after = self.figures(client)
        assert after == before
        hotel_row = next(
            r
            for r in after["json"]["records"]
            if r["表"] == "创建覆盖" and r["创建领域"] == "平安宾馆(旅店)" and r["区域"] == "乌海市"
        )
        assert (hotel_row["登记"], hotel_row["已测评"], hotel_row["达标"], hotel_row["已命名"]) == (
            2,
            2,
            2,
            1,
        )
        assert after["headline"]["ten_star"] == 2
        # The live honour roll, by contrast, drops what was revoked.
        roll = body(client.get("/honours/?year=2025"))
        assert "公开社区" not in roll
        assert "公开宾馆" not in body(client.get("/honours/?kind=domains&year=2025"))

    def test_a_naming_made_after_publication_adds_to_the_named_figure(
        self, client, published, admin_user
    ):
        before = self.figures(client)
        year = RatingYear.objects.get(pk=2025)
        naming = workflow.Naming(
            title="平安宾馆",
            tier="",
            batch="第二批",
            document_number="乌平安办发〔2026〕2号",
            designated_on=date(2026, 2, 1),
        )
        # Revoked since publication, then named again: still one unit named.
        public_hotel = Unit.objects.get(name="公开宾馆")
        workflow.designation_revoke(
            user=admin_user, designation=public_hotel.designations.get(), reason="复查"
        )
        workflow.designations_create(
            user=admin_user, units=[public_hotel], year=year, naming=naming
        )
        assert self.figures(client) == before

        workflow.designations_create(
            user=admin_user,
            units=[Unit.objects.get(name=f"{SECRET}撤销宾馆")],
            year=year,
            naming=naming,
        )
        after = self.figures(client)
        assert after["headline"]["named"] == before["headline"]["named"] + 1
        changed = [
            (b, a)
            for b, a in zip(before["json"]["records"], after["json"]["records"], strict=True)
            if a != b
        ]
        assert [(b["区域"], b["已命名"], a["已命名"]) for b, a in changed] == [
            ("海南区", 1, 2),
            ("乌海市", 1, 2),
        ]

    def test_the_staff_coverage_page_says_the_figures_are_as_published(
        self, client, published, admin_user
    ):
        client.force_login(admin_user)
        html = client.get(reverse("coverage"), {"year": 2025}).content.decode()
        assert "公布时保存的数字" in html
        assert (
            "公布时保存的数字"
            not in client.get(reverse("coverage"), {"year": 2026}).content.decode()
        )

    def test_the_kept_figures_can_be_read_in_the_admin_but_not_changed(
        self, client, published, admin_user
    ):
        client.force_login(admin_user)
        for model in ("starsnapshot", "coveragesnapshot"):
            assert client.get(f"/admin/ratings/{model}/").status_code == 200
            assert client.get(f"/admin/ratings/{model}/add/").status_code == 403


# -- the footer and the statement ----------------------------------------------------------------


def published_earlier(number: int, *, more: int) -> RatingYear:
    """An earlier published year whose kept figures are 2025's with `more` communities at
    every star count and `more` units registered in every place: different, and known."""
    year = RatingYear.objects.create(
        year=number,
        status=YearStatus.PUBLISHED,
        published_at=timezone.now() - timedelta(days=365 * (2025 - number)),
    )
    StarSnapshot.objects.bulk_create(
        StarSnapshot(year=year, region_id=row.region_id, stars=row.stars, count=row.count + more)
        for row in StarSnapshot.objects.filter(year_id=2025)
    )
    CoverageSnapshot.objects.bulk_create(
        CoverageSnapshot(
            year=year,
            domain_id=row.domain_id,
            region_id=row.region_id,
            registered=row.registered + more,
            assessed=row.assessed,
            meeting=row.meeting,
        )
        for row in CoverageSnapshot.objects.filter(year_id=2025)
    )
    keep_published_counts(year)  # the coverage counters publication writes from those rows
    cache.clear()  # the public data version did not move: these rows were written directly
    return year


def kept_stars(year: int) -> dict[str, tuple[int, int, int, int]]:
    """Region name → ten stars, six to nine, five or fewer, all: from the kept rows."""
    figures: dict[str, list[int]] = {}
    for row in StarSnapshot.objects.filter(year_id=year).select_related("region"):
        counts = figures.setdefault(row.region.name, [0] * 11)
        counts[row.stars] = row.count
    return {name: (c[10], sum(c[6:10]), sum(c[:6]), sum(c)) for name, c in figures.items()}


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


class TestStatisticsCharts:
    """/stats/: districts compared and the published years side by side, each chart with the
    table of what it draws; the same as an A4 PDF."""

    def test_chart_tables_hold_the_figures_kept_at_publication(self, client, published):
        published_earlier(2024, more=2)
        response = client.get("/stats/")
        charts = response.context["charts"]
        kept = {2024: kept_stars(2024), 2025: kept_stars(2025)}

        comparison = {row[0]: row[1:] for row in charts.comparison.table.rows}
        assert comparison.keys() == kept[2025].keys()
        for name, (ten, middle, low, total) in kept[2025].items():
            assert comparison[name][:4] == [str(ten), str(middle), str(low), str(total)]
        assert comparison["乌海市"][:4] == ["2", "1", "0", "3"]  # as published, revoked or not

        assert charts.ten_star_trend.table.header[1:] == ["2024", "2025"]
        for name, *cells in charts.ten_star_trend.table.rows:
            for cell, number in zip(cells, (2024, 2025), strict=True):
                ten, _middle, _low, total = kept[number][name]
                assert cell.startswith(f"{ten} / {total} (")
        assert charts.ten_star_trend.table.rows[-1][0] == "乌海市"  # the city last, as a total

        hotel = next(r for r in charts.coverage_trend[0].table.rows if r[0] == "平安宾馆(旅店)")
        assert hotel[1:] == ["2 / 4 (50.0%)", "2 / 2 (100.0%)"]
        coverage = {r[0]: r[1:] for r in charts.coverage.table.rows}
        assert coverage["平安宾馆(旅店)"] == ["2", "2", "2", "1", "100.0%"]

        page = body(response)
        for table in (charts.comparison.table, charts.ten_star_trend.table):
            for row in table.rows:
                for cell in row:
                    assert f">{cell}<" in page

    def test_charts_are_labelled_svg_without_inline_styles(self, client, published):
        page = body(client.get("/stats/?year=2025"))
        assert page.count('role="img"') >= 4 and page.count("<title>") >= 4
        assert 'aria-label="条形图：2025年度各区社区(村)按星级分组的占比。' in page
        assert "style=" not in page.split("<main", 1)[1]
        client.cookies["django_language"] = "en"
        english = body(client.get("/stats/"))
        assert "Stars by district, 2025" in english and "Ten-star share over the years" in english

    def test_queries_do_not_grow_with_the_years(self, client, published):
        cache.clear()
        one_year = page_queries(client, "/stats/", fresh=False)
        for number in (2021, 2022, 2023, 2024):
            published_earlier(number, more=number - 2020)
        assert page_queries(client, "/stats/", fresh=False) == one_year
        cache.clear()  # a page built afresh, whose context the test client sees
        assert len(client.get("/stats/").context["charts"].ten_star_trend.table.header) == 6

    def test_report_is_an_a4_pdf_of_the_year(self, client, published):
        published_earlier(2024, more=1)
        response = client.get(reverse("stats_report", args=[2025]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="stats-2025.pdf"'
        assert response.content.startswith(b"%PDF-")
        text = pdf_text(response.content)
        assert "2025年度平安乌海统计报告" in text and "海南区" in text
        # The trend up to the report's year, in Chinese whatever the interface language.
        assert "十星平安社区(村)占比的变化" in text and "2024" in text
        earlier = pdf_text(client.get(reverse("stats_report", args=[2024])).content)
        assert "2024年度平安乌海统计报告" in earlier and "\n2025\n" not in earlier

    def test_report_costs_the_same_whatever_the_years(self, client, published):
        def queries() -> int:
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                assert client.get("/stats/2025/report.pdf").status_code == 200
            return len(captured)

        one_year = queries()
        for number in (2022, 2023, 2024):
            published_earlier(number, more=1)
        assert queries() == one_year

    @pytest.mark.parametrize(
        "url", ["/stats/2026/report.pdf", "/stats/1999/report.pdf", "/stats/20x5/report.pdf"]
    )
    def test_report_of_a_year_not_published_is_not_found(self, client, published, url):
        assert client.get(url).status_code == 404

    def test_the_page_links_the_report(self, client, published):
        assert 'href="/stats/2025/report.pdf"' in body(client.get("/stats/"))


def test_footer_shows_the_registrations_that_are_set(client, settings):
    settings.SITE_ORGANIZER = "乌海市大数据中心"
    settings.SITE_PHONE = "0473-1234567"
    settings.SITE_ICP_NUMBER = "蒙ICP备12345678号"
    settings.SITE_POLICE_RECORD = "蒙公网安备 15030302000001号"
    settings.SITE_ID_CODE = "1503000001"
    settings.SITE_ADDRESS = ""
    page = client.get(reverse("home")).content.decode()
    footer = page[page.index("<footer") :]
    assert "<dt>主办单位</dt><dd>乌海市平安建设领导小组办公室</dd>" in footer
    assert "<dt>承办单位</dt><dd>乌海市大数据中心</dd>" in footer
    assert 'href="https://beian.miit.gov.cn/" rel="noopener">蒙ICP备12345678号</a>' in footer
    assert "beian.mps.gov.cn/#/query/webSearch?code=15030302000001" in footer
    assert "<dt>网站标识码</dt>" in footer and 'href="tel:04731234567"' in footer
    assert "联系地址" not in footer  # not set: not shown
    assert reverse("statement") in footer


def test_statement_in_both_languages_without_full_width_colons_in_english(client, settings):
    settings.SITE_ICP_NUMBER = "蒙ICP备12345678号"
    settings.SUPPORT_CONTACT = "0473-7654321"
    page = client.get(reverse("statement")).content.decode()
    assert "无障碍与隐私声明" in page and "0473-7654321" in page
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(reverse("statement")).content.decode()
    assert "Accessibility and privacy" in page
    main = page[page.index("<main") :]
    # Chinese names and numbers stay as they are; no sentence of the English page ends in "：".
    assert "：" not in main.replace("蒙ICP备12345678号", "")
