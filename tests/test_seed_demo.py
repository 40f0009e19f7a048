"""The demo data set: idempotent, refused with DEBUG off, and lived-in."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from ratings.choices import RatingStatus, Role, YearStatus
from ratings.models import Event, RatingYear, Region, StarRating, User

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "regions": Region.objects.count(),
        "users": User.objects.count(),
        "ratings": StarRating.objects.count(),
        "events": Event.objects.count(),
        "years": RatingYear.objects.count(),
    }


def test_seed_twice_gives_the_same_counts_as_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    once = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == once


def test_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.filter(username="admin").exists()
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert User.objects.filter(username="admin").exists()


def test_demo_is_lived_in(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    for username in ("admin", "haibowan", "hainan", "wuda", "gongan", "jindu"):
        user = User.objects.get(username=username)
        assert user.check_password("pingan2026")
        assert username in out.getvalue()
    assert User.objects.get(username="hainan").role == Role.ASSESSOR
    assert User.objects.filter(role=Role.CERTIFIER).count() == 8

    # Lists paginate (20 a page) in every district.
    for district in ("150302", "150303", "150304"):
        assert Region.objects.villages().filter(active=True, code__startswith=district).count() > 20

    assert RatingYear.objects.get(pk=2025).status == YearStatus.CLOSED
    assert RatingYear.objects.get(pk=2026).status == YearStatus.OPEN
    past = StarRating.objects.filter(year=2025)
    assert past.exists() and not past.exclude(status=RatingStatus.CERTIFIED).exists()
    current_states = set(StarRating.objects.filter(year=2026).values_list("status", flat=True))
    assert current_states == set(RatingStatus.values)
    current_stars = set(
        StarRating.objects.filter(year=2026, status=RatingStatus.CERTIFIED).values_list(
            "stars", flat=True
        )
    )
    assert {10, 8, 5, 3} <= current_stars
