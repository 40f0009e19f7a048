"""Satisfaction survey results (群众安全感满意度): imported through the same engine as every
other spreadsheet, shown with their 95% margin of error, flagged below the threshold."""

from __future__ import annotations

import math

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from ratings import selectors, workflow
from ratings.imports import import_bytes
from ratings.models import Rate, Region, SurveyResult
from ratings.resources import SurveyResultResource
from tests.helpers import body, published_year_with

pytestmark = pytest.mark.django_db

HEADER = ["社区(村)代码", "年度", "样本量", "满意人数"]
GOOD = [
    ["150303102501", "2025", "200", "190"],  # 海南区, 95%
    ["150303102502", "2025", "100", "60"],  # 海南区, 60%: below 80
    ["150304011011", "2025", "50", "45"],  # 乌达区, 90%
]


def csv_bytes(rows: list[list[str]], header=HEADER) -> bytes:
    return ("\ufeff" + "\n".join(",".join(r) for r in [header, *rows]) + "\n").encode()


def test_preview_then_import_then_nothing_changes():
    preview = import_bytes(SurveyResultResource, csv_bytes(GOOD), "s.csv", dry_run=True)
    assert preview.ok and preview.new == 3 and not SurveyResult.objects.exists()
    done = import_bytes(SurveyResultResource, csv_bytes(GOOD), "s.csv", dry_run=False)
    assert done.ok and done.new == 3 and SurveyResult.objects.count() == 3
    again = import_bytes(SurveyResultResource, csv_bytes(GOOD), "s.csv", dry_run=False)
    assert again.unchanged == 3
    changed = [["150303102502", "2025", "100", "70"]]
    assert (
        import_bytes(SurveyResultResource, csv_bytes(changed), "s.csv", dry_run=False).updated == 1
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["150303104701", "2025", "100", "120"], "满意人数（120）不能多于样本量（100）"),
        (["150303104701", "2025", "0", "0"], "应为 1–1000000 的整数"),
        (["150303104701", "2025", "abc", "3"], "应为 1–1000000 的整数，实际为“abc”"),
        (["999999999999", "2025", "100", "90"], "找不到社区(村)“999999999999”"),
        (["150303000000", "2025", "100", "90"], "“海南区”不是社区(村)"),
    ],
)
def test_a_bad_row_is_named_by_its_line_and_nothing_is_written(row, message):
    report = import_bytes(SurveyResultResource, csv_bytes([*GOOD, row]), "s.csv", dry_run=False)
    assert not report.ok
    text = "\n".join(report.lines())
    assert "第 5 行" in text and message in text, text
    assert not SurveyResult.objects.exists()


def test_the_same_community_and_year_twice_is_refused():
    report = import_bytes(SurveyResultResource, csv_bytes([*GOOD, GOOD[0]]), "s.csv", dry_run=False)
    assert "第 2 行和第 5 行" in "\n".join(report.lines())
    assert not SurveyResult.objects.exists()


def test_the_command_and_the_admin_use_the_same_engine(client, admin_user, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["150303102501", "2025", "100", "120"]]))
    with pytest.raises(CommandError):
        call_command("import_surveys", str(bad))
    client.force_login(admin_user)
    upload = SimpleUploadedFile("s.csv", csv_bytes(GOOD))
    preview = client.post(
        "/admin/ratings/surveyresult/import/",
        {"resource": "0", "format": "0", "import_file": upload},
    )
    assert preview.status_code == 200 and not SurveyResult.objects.exists()
    done = client.post(
        "/admin/ratings/surveyresult/process_import/", preview.context["confirm_form"].initial
    )
    assert done.status_code == 302 and SurveyResult.objects.count() == 3


def test_the_margin_is_the_normal_approximation():
    rate = Rate(60, 100)
    assert rate.rate == 0.6
    assert rate.margin == pytest.approx(1.96 * math.sqrt(0.6 * 0.4 / 100))  # 0.0960
    assert rate.percent == "60.0%" and rate.margin_percent == "±9.6"
    assert Rate(100, 100).margin == 0 and Rate(0, 0).rate == 0


def test_below_the_threshold_is_flagged_on_the_publish_page(
    client, admin_user, settings, assessor, certifiers
):
    import_bytes(SurveyResultResource, csv_bytes(GOOD), "s.csv", dry_run=False)
    assert [s.community_id for s in selectors.survey_list_below(year=2025, threshold=80)] == [
        "150303102502"
    ]
    assert len(selectors.survey_list_below(year=2025, threshold=95.5)) == 3
    year = workflow.year_open(user=None, year=2025)
    workflow.year_close(user=admin_user, year=year)
    client.force_login(admin_user)
    page = body(client.get(reverse("year_publish", args=[2025])))
    assert "群众口碑" in page and "60.0%" in page and "±9.6" in page and "利民社区" in page
    assert "建设社区" not in page.split("群众口碑")[1]  # 95%
    settings.SATISFACTION_THRESHOLD = 50
    page = body(client.get(reverse("year_publish", args=[2025])))
    assert "没有满意度低于阈值的社区(村)" in page


def test_the_public_statistics_show_district_and_city_rates(
    client, admin_user, assessor, certifiers
):
    cache.clear()  # public statistics are cached by year and public data version
    year = workflow.year_open(user=None, year=2025)
    published_year_with(
        assessor, certifiers, admin_user, year, [(Region.objects.get(pk="150303102501"), None)]
    )
    import_bytes(SurveyResultResource, csv_bytes(GOOD), "s.csv", dry_run=False)
    page = body(client.get(reverse("stats"), {"year": 2025}))
    section = page.split("群众安全感满意度")[1]
    assert "海南区" in section and "83.3%" in section and "300" in section  # 250 / 300
    assert "乌达区" in section and "90.0%" in section
    assert "84.3%" in section and "350" in section  # the city: 295 / 350
