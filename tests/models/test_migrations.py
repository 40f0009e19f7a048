"""Migrations that fill in data: years published before a change get their record back.

The data set is made through the workflow, so each record is what `year_publish` and
`designations_create` write; migrating back before the change and forward again must rebuild the
same record from what the older schema holds.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from ratings import services, workflow
from ratings.choices import ReviewDecision
from ratings.models import (
    Authority,
    CoverageSnapshot,
    Criterion,
    Designation,
    Domain,
    Region,
    StarRating,
    StarSnapshot,
    StarStandard,
    Unit,
)
from tests import factories
from tests.helpers import BAYINTAOHAI, HAINAN, NAMING, decide_all, submitted_rating

BEFORE = ("ratings", "0008_region_kind_fits_level")


def migrate(target: list[tuple[str, str]] | None = None) -> None:
    """To `target`, through the migrations one by one: the squashed 0001 that made the test
    database stands aside, as it does for a database that has only some of them."""
    executor = MigrationExecutor(connection)
    executor.loader = MigrationLoader(connection, replace_migrations=False)
    for key, migration in list(executor.loader.disk_migrations.items()):
        if migration.replaces:
            executor.loader.graph.remove_replacement_node(key, migration.replaces)
    executor.migrate(target or executor.loader.graph.leaf_nodes())


def record() -> dict:
    return {
        "stars": sorted(StarSnapshot.objects.values_list("year_id", "region_id", "stars", "count")),
        "coverage": sorted(
            CoverageSnapshot.objects.values_list(
                "year_id", "domain_id", "region_id", "registered", "assessed", "meeting"
            )
        ),
        "commended": sorted(
            StarRating.objects.filter(commended=True).values_list("community_id", flat=True)
        ),
        "named": sorted(
            Designation.objects.values_list("pk", "unit_name", "unit_region_id", "unit_address")
        ),
    }


def named_hotel(name: str, *, assessor, lead, admin, year) -> Designation:
    unit = services.unit_create(
        user=assessor,
        details=services.UnitDetails(
            domain=Domain.objects.get(pk="hotel"),
            region=Region.objects.get(pk=BAYINTAOHAI),
            name=name,
            address="滨河路1号",
        ),
    )
    lines = [
        workflow.LineInput(criterion_id=c.pk, points=c.points)
        for c in Criterion.objects.filter(domain_id="hotel", active=True)
    ]
    assessment = workflow.assessment_save(
        user=assessor, unit=unit, year=year, expected_version=0, lines=lines
    )
    assessment = workflow.assessment_submit(user=assessor, assessment=assessment)
    workflow.assessment_decide(user=lead, assessment=assessment, decision=ReviewDecision.APPROVE)
    [designation] = workflow.designations_create(
        user=admin,
        units=[unit],
        year=year,
        naming=NAMING,
    )
    return designation


@pytest.mark.django_db(transaction=True)
def test_published_years_get_their_figures_commendation_and_named_units_back(reference_data):
    """Migrated back before the published figures (and the English names), then forward."""
    assessor, admin = factories.assessor(HAINAN), factories.administrator()
    certifiers = {a.code: factories.certifier(a.code) for a in Authority.objects.all()}
    year = workflow.year_open(user=None, year=2025)
    places = factories.communities(BAYINTAOHAI, 4)
    ten, nine, revoked_before, revoked_after = places
    for place in places:
        met = {3: False} if place == nine else None
        decide_all(submitted_rating(assessor, place, year, met=met), certifiers)
    workflow.eligibility_revoke(user=admin, community=revoked_before, year=year, reason="核查")
    people = dict(assessor=assessor, lead=certifiers["wenlv"], admin=admin, year=year)
    named_hotel("黄河宾馆", **people)
    withdrawn = named_hotel("驿站旅店", **people)
    workflow.designation_revoke(user=admin, designation=withdrawn, reason="撤销")
    workflow.year_close(user=admin, year=year)
    year = workflow.year_publish(user=admin, year=year)
    # After publication: one revocation, one reinstatement of a rating revoked before, and a
    # unit registered. None of them is part of what was published.
    workflow.eligibility_revoke(user=admin, community=revoked_after, year=year, reason="口碑差")
    workflow.eligibility_reinstate(
        user=admin, rating=StarRating.objects.get(community=revoked_before), reason="复核"
    )
    services.unit_create(
        user=assessor,
        details=services.UnitDetails(
            domain=Domain.objects.get(pk="hotel"),
            region=Region.objects.get(pk=BAYINTAOHAI),
            name="新宾馆",
        ),
    )
    kept = record()
    assert kept["commended"] == sorted([ten.code, revoked_after.code])
    assert len(kept["stars"]) == 11 * 4  # the city and its three districts
    # Two hotels when the year was published, both meeting the standard; not the third.
    assert (2025, "hotel", BAYINTAOHAI, 2, 2, 2) in kept["coverage"]

    migrate([BEFORE])
    assert "ratings_starsnapshot" not in connection.introspection.table_names()
    migrate()

    assert record() == kept
    assert Unit.objects.filter(name="新宾馆").exists()  # nothing else was lost on the way
    # The reference data, loaded before the English names and descriptions, gets the
    # shipped ones on the way forward (one walk serves both: each costs seconds).
    assert Domain.objects.get(pk="school").name_en == "Safe school"
    assert Authority.objects.get(pk="jindu").short_name_en == "Narcotics control"
    assert StarStandard.objects.get(pk=3).name_en == "No cult activity"
    assert StarStandard.objects.get(pk=3).description_en.startswith("No cult organisation")
