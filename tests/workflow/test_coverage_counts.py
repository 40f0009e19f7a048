"""The coverage table's counters per domain and region: after every change that moves a
coverage figure they equal a fresh grouped count, the table reads them in the same number of
queries for a town and for the whole country, and its figures are the ones counted afresh."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from ratings import coverage, coverage_counts, services, workflow
from ratings.choices import ReviewDecision, YearStatus
from ratings.imports import import_bytes
from ratings.models import CoverageCount, Domain, Region, Unit
from ratings.resources import UnitResource
from tests import factories
from tests.helpers import BAYINTAOHAI, HAINAN, NAMING, SAIHANWUSU, full_scores

pytestmark = pytest.mark.django_db

CITY = "150300000000"
WUDA_TOWN = "150304011000"
UNIT_HEADER = ["创建领域", "所在区划代码", "名称", "统一社会信用代码", "地址", "有效"]


@pytest.fixture
def wenlv(db):
    return factories.certifier("wenlv", username="wenlv-counting")


def assert_counted(year=None) -> None:
    """The stored counters are exactly what counting afresh gives, at every level; and the
    table's figures (read from them) are the fresh count's for the city, its districts and a
    town."""
    fresh = coverage_counts.grouped_coverage()
    assert coverage_counts.stored_coverage() == fresh
    if year is None:
        return
    year.refresh_from_db()
    # A published year's units registered are those it kept; any other year's, the units now.
    registered_in = year.pk if year.status == YearStatus.PUBLISHED else None

    def counted(domain: str, prefix: str) -> tuple[int, ...]:
        return (
            fresh[(registered_in, domain, prefix, "registered")],
            *(fresh[(year.pk, domain, prefix, f)] for f in ("assessed", "meeting", "named")),
        )

    city, hainan = Region.objects.get(pk=CITY), Region.objects.get(pk=HAINAN)
    town = Region.objects.get(pk=BAYINTAOHAI)
    for region in (city, hainan, town):
        for row in coverage.coverage_by_domain(year=year, region=region):
            assert figures(row) == counted(row.domain.code, region.prefix), row
    for region in (city, hainan):
        for domain in Domain.objects.filter(code__in=["hotel", "family"]):
            for row in coverage.coverage_by_child(year=year, region=region, domain=domain):
                assert figures(row) == counted(domain.code, row.region.prefix), row


def figures(row) -> tuple[int, int, int, int]:
    return (row.registered, row.assessed, row.meeting, row.named)


def hotel_row(year, region: str = CITY) -> tuple[int, int, int, int]:
    rows = coverage.coverage_by_domain(year=year, region=Region.objects.get(pk=region))
    return next(figures(row) for row in rows if row.domain.code == "hotel")


def details(unit: Unit, **changes) -> services.UnitDetails:
    values = {
        "domain": unit.domain,
        "region": unit.region,
        "name": unit.name,
        "active": unit.active,
        **changes,
    }
    return services.UnitDetails(**values)


def submit(unit: Unit, assessor, year, **kwargs):
    assessment = workflow.assessment_save(
        user=assessor, unit=unit, year=year, expected_version=0, lines=full_scores(unit.domain_id)
    )
    return workflow.assessment_submit(user=assessor, assessment=assessment)


def hotels(assessor, count: int, name: str) -> list[Unit]:
    """`count` hotels of 巴音陶亥镇 registered through the portal."""
    hotel, town = Domain.objects.get(pk="hotel"), Region.objects.get(pk=BAYINTAOHAI)
    details = [
        services.UnitDetails(domain=hotel, region=town, name=f"{name}{n}") for n in range(count)
    ]
    return [services.unit_create(user=assessor, details=d) for d in details]


def import_units(rows: list[list[str]], *, dry_run: bool = False):
    """The units spreadsheet `rows` (under its header) imported as a CSV file."""
    data = "\n".join(",".join(row) for row in [UNIT_HEADER, *rows]) + "\n"
    return import_bytes(UnitResource, data.encode(), "u.csv", dry_run=dry_run)


def test_every_change_keeps_the_counters_equal_to_a_fresh_count(year, assessor, wenlv, admin_user):
    # Registered: through the portal, then moved, renamed, deactivated and reactivated.
    units = hotels(assessor, 4, "宾馆")
    assert_counted(year)
    assert hotel_row(year) == (4, 0, 0, 0)
    # Assessed, approved, rejected, returned and resubmitted.
    assessments = [submit(unit, assessor, year) for unit in units[:3]]
    assert_counted(year)
    assert hotel_row(year) == (4, 3, 0, 0)
    workflow.assessment_decide(
        user=wenlv, assessment=assessments[0], decision=ReviewDecision.APPROVE
    )
    workflow.assessment_decide(
        user=wenlv, assessment=assessments[1], decision=ReviewDecision.REJECT, reason="不达标"
    )
    workflow.assessment_decide(
        user=wenlv, assessment=assessments[2], decision=ReviewDecision.RETURN, reason="补充"
    )
    assert_counted(year)
    assert hotel_row(year) == (4, 3, 1, 0)
    # Named, revoked, named again.
    [named] = workflow.designations_create(
        user=admin_user, units=[units[0]], year=year, naming=NAMING
    )
    assert_counted(year)
    assert hotel_row(year) == (4, 3, 1, 1)
    workflow.designation_revoke(user=admin_user, designation=named, reason="核查不实")
    assert_counted(year)
    assert hotel_row(year) == (4, 3, 1, 0)
    workflow.designations_create(user=admin_user, units=[units[0]], year=year, naming=NAMING)
    assert_counted(year)
    # The named unit moves to 乌达区, is renamed, deactivated (leaves every figure) and back.
    wuda = Region.objects.get(pk=WUDA_TOWN)
    unit = services.unit_update(
        user=admin_user, unit=units[0], details=details(units[0], region=wuda)
    )
    assert_counted(year)
    assert hotel_row(year, BAYINTAOHAI) == (3, 2, 0, 0)
    assert hotel_row(year) == (4, 3, 1, 1)
    unit = services.unit_update(user=admin_user, unit=unit, details=details(unit, name="新宾馆"))
    unit = services.unit_update(user=admin_user, unit=unit, details=details(unit, active=False))
    assert_counted(year)
    assert hotel_row(year) == (3, 2, 0, 0)
    unit = services.unit_update(user=admin_user, unit=unit, details=details(unit, active=True))
    assert_counted(year)
    # A unit without an assessment changes its domain; another is saved by hand (the admin).
    school = Domain.objects.get(pk="school")
    services.unit_update(user=admin_user, unit=units[3], details=details(units[3], domain=school))
    stray = Unit.objects.get(pk=units[2].pk)
    stray.region_id = SAIHANWUSU
    stray.save()
    assert_counted(year)


def test_an_import_moves_the_counters_once_a_chunk(year, assessor, django_assert_max_num_queries):
    rows = [["平安家庭", SAIHANWUSU, f"住户{n}", "", "", "是"] for n in range(30)]
    rows += [["hotel", BAYINTAOHAI, "黄河宾馆", "", "", "是"]]
    report = import_units(rows)
    assert report.ok, report.errors
    assert_counted(year)
    assert hotel_row(year) == (1, 0, 0, 0)
    submit(Unit.objects.get(name="黄河宾馆"), assessor, year)
    # Deactivated by a second file: an update in bulk.
    rows = [["hotel", BAYINTAOHAI, "黄河宾馆", "", "", "否"]]
    assert import_units(rows).ok
    assert_counted(year)
    assert hotel_row(year) == (0, 0, 0, 0)
    # A preview writes nothing, counters included.
    rows = [["hotel", BAYINTAOHAI, "长城宾馆", "", "", "是"]]
    assert import_units(rows, dry_run=True).ok
    assert_counted(year)
    assert hotel_row(year) == (0, 0, 0, 0)


def test_a_chunk_larger_than_a_statement_moves_each_counter_once(year, assessor, monkeypatch):
    """Households and hotels of three communities, their counters changed four at a time: the
    rows a statement reads beyond its own (another domain of the same regions) are not changed
    by it, and no counter is changed twice."""
    monkeypatch.setattr(coverage_counts, "BATCH", 4)
    Unit.objects.create(domain_id="family", region_id=BAYINTAOHAI, name="已有住户")
    rows = [["平安家庭", SAIHANWUSU, f"住户{n}", "", "", "是"] for n in range(3)]
    rows += [["hotel", BAYINTAOHAI, f"宾馆{n}", "", "", "是"] for n in range(2)]
    rows += [["hotel", "150303104707", "村口旅店", "", "", "是"]]
    assert import_units(rows).ok
    assert_counted(year)


def test_a_published_year_reads_its_figures_as_published(year, assessor, wenlv, admin_user):
    units = hotels(assessor, 3, "店")
    for unit in units[:2]:
        assessment = submit(unit, assessor, year)
        workflow.assessment_decide(
            user=wenlv, assessment=assessment, decision=ReviewDecision.APPROVE
        )
    [named] = workflow.designations_create(
        user=admin_user, units=[units[0]], year=year, naming=NAMING
    )
    workflow.year_close(user=admin_user, year=year)
    workflow.year_publish(user=admin_user, year=year)
    assert_counted(year)
    assert hotel_row(year) == (3, 2, 2, 1)
    # Later changes of the units leave the published figures; a later naming adds to them, a
    # later revocation does not take it away, a naming again after it counts once.
    services.unit_update(user=admin_user, unit=units[2], details=details(units[2], active=False))
    services.unit_update(
        user=admin_user,
        unit=units[1],
        details=details(units[1], region=Region.objects.get(pk=WUDA_TOWN)),
    )
    assert_counted(year)
    assert hotel_row(year) == (3, 2, 2, 1)
    workflow.designations_create(user=admin_user, units=[units[1]], year=year, naming=NAMING)
    workflow.designation_revoke(user=admin_user, designation=named, reason="核查不实")
    assert_counted(year)
    assert hotel_row(year) == (3, 2, 2, 2)
    workflow.designations_create(user=admin_user, units=[units[0]], year=year, naming=NAMING)
    assert_counted(year)
    assert hotel_row(year) == (3, 2, 2, 2)
    # The year's rows are per region at every level, not per community and domain only.
    assert CoverageCount.objects.filter(year=year, prefix="").exists()


def test_the_table_costs_the_same_queries_for_a_town_and_the_country(
    year, assessor, django_assert_num_queries
):
    for n in range(12):
        Unit.objects.create(domain_id="family", region_id=SAIHANWUSU, name=f"住户{n}")
    submit(
        Unit.objects.create(domain_id="hotel", region_id=BAYINTAOHAI, name="宾馆"), assessor, year
    )
    family = Domain.objects.get(pk="family")
    # The whole tree (the province at its top), the city, a district and a town.
    regions = [
        Region.objects.filter(parent__isnull=True).order_by("code").first(),
        Region.objects.get(pk=CITY),
        Region.objects.get(pk=HAINAN),
        Region.objects.get(pk=BAYINTAOHAI),
    ]
    for region in regions:
        with django_assert_num_queries(2):  # the domains, the counters
            rows = coverage.coverage_by_domain(year=year, region=region)
        assert next(figures(r) for r in rows if r.domain.code == "family") == (12, 0, 0, 0)
        if region.pk != BAYINTAOHAI:
            with django_assert_num_queries(2):  # the child regions, the counters
                coverage.coverage_by_child(year=year, region=region, domain=family)


def test_a_change_rolled_back_leaves_the_counters_as_they_were(year, assessor):
    unit = Unit.objects.create(domain_id="hotel", region_id=BAYINTAOHAI, name="宾馆")
    assessment = workflow.assessment_save(
        user=assessor, unit=unit, year=year, expected_version=0, lines=full_scores("hotel")
    )
    before = coverage_counts.stored_coverage()
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.assessment_submit(user=assessor, assessment=assessment)
        assert coverage_counts.stored_coverage() != before
        raise RuntimeError("the request failed after the change")
    assert coverage_counts.stored_coverage() == before
    assert_counted(year)


def test_the_command_rebuilds_the_counters(year, assessor):
    submit(
        Unit.objects.create(domain_id="hotel", region_id=BAYINTAOHAI, name="宾馆"), assessor, year
    )
    CoverageCount.objects.all().delete()
    CoverageCount.objects.create(domain_id="hotel", prefix="", registered=7)
    call_command("rebuild_coverage_counts", stdout=io.StringIO())
    assert_counted(year)
    assert hotel_row(year) == (1, 1, 0, 0)
