"""The administrators' progress page: counts per district, town and authority, overdue and
returned, the XLSX, and a constant number of queries."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from ratings import selectors, workflow
from ratings.choices import Decision, Stage
from ratings.models import Region, within_q
from tests import factories
from tests.helpers import (
    BAYINTAOHAI,
    HAINAN,
    WUDA,
    application_led,
    applied_rating,
    item,
    submitted_rating,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def progress_year(db, year, admin_user, assessor, certifiers, community):
    """海南区 application-led: one village applied, one returned by the town; 乌达区 assessor-led
    with one rating submitted and one of its items returned by public security."""
    application_led(admin_user, year)
    workflow.year_deadlines_set(
        user=admin_user,
        year=year,
        dues={"apply": date(2026, 6, 30), "prereview": date(2026, 7, 15)},
    )
    year.refresh_from_db()
    applied_rating(factories.filer(community.code), community, year)
    other = (
        Region.objects.villages()
        .filter(within_q(BAYINTAOHAI[:9]))
        .exclude(pk=community.pk)
        .order_by("code")
        .first()
    )
    returned = applied_rating(factories.filer(other.code), other, year)
    workflow.application_return(user=factories.prereviewer(BAYINTAOHAI), rating=returned, note="补")
    wuda = Region.objects.villages().filter(within_q(WUDA[:6])).order_by("code").first()
    submitted = submitted_rating(factories.assessor(WUDA), wuda, year)
    workflow.item_decide(
        user=certifiers["gongan"], item=item(submitted, 1), decision=Decision.RETURN, reason="补"
    )
    return year


def row_of(rows, code):
    return next(row for row in rows if row.code == code)


def test_counts_by_district_town_and_authority(progress_year):
    progress = selectors.year_progress(year=progress_year, today=date(2026, 7, 1))
    hainan = row_of(progress.districts, HAINAN)
    assert hainan.stages[Stage.PREREVIEW] == 1 and hainan.stages[Stage.APPLY] == 1
    assert hainan.returned == 1 and hainan.started == 2
    assert hainan.not_started == hainan.communities - 2
    assert hainan.overdue == 1  # returned to the community, past the apply deadline
    town = row_of(progress.towns, BAYINTAOHAI)
    assert town.started == 2 and town.overdue == 1
    wuda = row_of(progress.districts, WUDA)
    # Item 1 returned: the rating is back with the assessor (review stage).
    assert wuda.stages[Stage.REVIEW] == 1 and wuda.returned == 1 and wuda.overdue == 0
    gongan = row_of(progress.authorities, "gongan")
    assert gongan.returned == 1 and gongan.pending >= 1
    later = selectors.year_progress(year=progress_year, today=date(2026, 7, 16))
    assert row_of(later.districts, HAINAN).overdue == 2  # the town's deadline passed too


def test_the_page_and_its_xlsx_cost_the_same_whatever_the_data(client, admin_user, progress_year):
    client.force_login(admin_user)
    url = reverse("year_progress", args=[2026])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    before = queries()
    for n, community in enumerate(factories.communities(BAYINTAOHAI, 6, start=400)):
        applied_rating(
            factories.filer(community.code, username=f"filer-{n}"), community, progress_year
        )
    assert queries() == before
    page = client.get(url).content.decode()
    assert "海南区" in page and "巴音陶亥镇" in page and "公安" in page

    response = client.get(reverse("year_progress_xlsx", args=[2026]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("层级", "代码", "名称")
    assert any(row[1] == HAINAN and row[2] == "海南区" for row in rows)


def test_the_selector_runs_a_fixed_number_of_queries(progress_year, django_assert_num_queries):
    with django_assert_num_queries(7):
        selectors.year_progress(year=progress_year)
