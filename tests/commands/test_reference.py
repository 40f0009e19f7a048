"""The reference data in fixtures/: exact counts, and subtree queries on the region tree."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Sum

from ratings.choices import CodeSource, RegionLevel
from ratings.models import (
    Authority,
    CalendarYear,
    Criterion,
    Domain,
    OfficialDay,
    Region,
    StarStandard,
    WorkArea,
)
from tests.helpers import BAYINTAOHAI, HAINAN

pytestmark = pytest.mark.django_db


def test_three_districts_under_wuhai():
    wuhai = Region.objects.get(pk="150300000000")
    districts = Region.objects.within(wuhai).filter(level=RegionLevel.COUNTY)
    assert sorted(districts.values_list("name", flat=True)) == ["乌达区", "海勃湾区", "海南区"]
    assert all(d.parent_id == wuhai.code for d in districts)


def test_domains_work_areas_and_standards():
    assert Domain.objects.count() == 10
    assert WorkArea.objects.count() == 7
    assert StarStandard.objects.count() == 10
    assert list(StarStandard.objects.values_list("number", flat=True)) == list(range(1, 11))
    assert StarStandard.objects.filter(authority__isnull=True).count() == 0
    assert StarStandard.objects.get(number=6).authority.code == "jindu"
    assert set(
        StarStandard.objects.filter(authority="gongan").values_list("number", flat=True)
    ) == {1, 2, 8}
    assert Authority.objects.count() == 17
    assert not Domain.objects.filter(lead_authority__isnull=True).exists()
    assert Domain.objects.get(code="hotel").lead_authority_id == "wenlv"


def test_140_sample_criteria_14_per_domain_100_points_each():
    assert Criterion.objects.count() == 140
    per_domain = Criterion.objects.values("domain").annotate(points=Sum("points"))
    assert {row["domain"]: row["points"] for row in per_domain} == {
        code: 100 for code in Domain.objects.values_list("code", flat=True)
    }
    assert Counter(Criterion.objects.values_list("domain", flat=True)) == {
        code: 14 for code in Domain.objects.values_list("code", flat=True)
    }
    # Every domain covers all seven work areas and has one veto criterion.
    for domain in Domain.objects.all():
        assert domain.criteria.values("work_area").distinct().count() == 7
        assert domain.criteria.filter(is_veto=True).count() == 1
    assert not Criterion.objects.filter(is_sample=False).exists()


def test_subtree_of_a_district_and_of_a_town():
    hainan = Region.objects.get(pk=HAINAN)
    town = Region.objects.get(pk=BAYINTAOHAI)
    in_town = Region.objects.within(town).villages()
    assert sorted(in_town.values_list("name", flat=True)) == sorted(
        [
            "羊路井村",
            "曙光村",
            "渡口村",
            "万亩滩村",
            "一棵树村",
            "四新村",
            "赛汗乌素村",
            "东兴村",
            "巴音陶亥村",
        ]
    )
    in_district = set(Region.objects.within(hainan).villages().values_list("name", flat=True))
    assert in_district == set(in_town.values_list("name", flat=True)) | {
        "建设社区",
        "利民社区",
        "小康社区",
        "西来峰工业园社区",
        "民乐社区",
    }
    # Nothing of the other districts leaks into the range.
    assert not Region.objects.within(hainan).filter(code__startswith="150304").exists()


def test_published_codes_are_marked_and_assigned_ones_stay_in_their_parent_range():
    assert Region.objects.get(name="振华社区").code_source == CodeSource.NBS
    for region in Region.objects.filter(code_source=CodeSource.ASSIGNED):
        assert region.parent.contains(region.code), region
        assert region.code[9] in "57", "assigned codes use the 5xx/7xx block"


def test_load_reference_twice_adds_nothing_and_keeps_admin_edits():
    standard = StarStandard.objects.get(number=3)
    standard.authority_id = "gongan"
    standard.save()
    before = Region.objects.count(), Criterion.objects.count()

    out = io.StringIO()
    call_command("load_reference", stdout=out)

    assert "0 added" in out.getvalue()
    assert (Region.objects.count(), Criterion.objects.count()) == before
    assert StarStandard.objects.get(number=3).authority_id == "gongan"


def test_fixture_texts_are_unique_and_chinese():
    data = json.loads((Path(settings.BASE_DIR) / "fixtures" / "criteria.json").read_text("utf-8"))
    texts = [row["fields"]["text"] for row in data]
    assert len(set(texts)) == 140
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in texts)


def test_rows_added_after_loading_get_fresh_ids():
    # On PostgreSQL, fixture rows with explicit ids must not leave the id sequence behind.
    criterion = Criterion.objects.create(
        code="hotel-new", domain_id="hotel", work_area_id="mechanism", text="新条目", points=5
    )
    assert criterion.pk > 140


def test_load_reference_adds_missing_calendar_years_and_keeps_entered_ones():
    # An administrator corrected 2025 by hand; 2026 went missing (an emptied table).
    OfficialDay.objects.filter(date=date(2025, 10, 8)).update(name="改过的")
    OfficialDay.objects.filter(date__year=2026).delete()
    CalendarYear.objects.filter(year=2026).delete()
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert "official calendar: added 2026–2026" in out.getvalue()
    assert OfficialDay.objects.get(date=date(2025, 10, 8)).name == "改过的"
    assert OfficialDay.objects.get(date=date(2026, 10, 1)).name == "国庆节"
    assert OfficialDay.objects.get(date=date(2026, 10, 10)).is_working_day


def test_reference_data_has_english_names():
    """Shown instead of the Chinese names whenever the interface is English."""
    for model in (Domain, WorkArea, StarStandard, Authority):
        assert not model.objects.filter(name_en="").exists(), model
    assert not Authority.objects.filter(short_name_en="").exists()
    assert not StarStandard.objects.filter(description_en="").exists()
