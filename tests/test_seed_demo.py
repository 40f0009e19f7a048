"""The demo data set: idempotent, refused with DEBUG off, and lived-in."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ratings.choices import RatingStatus, Role, YearStatus
from ratings.models import Event, GuidanceCase, Plaque, RatingYear, Region, StarRating, User

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

    assert RatingYear.objects.get(pk=2025).status == YearStatus.PUBLISHED
    assert RatingYear.objects.get(pk=2026).status == YearStatus.OPEN
    past = StarRating.objects.filter(year=2025)
    assert past.exists()
    assert set(past.values_list("status", flat=True)) == {
        RatingStatus.CERTIFIED,
        RatingStatus.REVOKED,
    }

    # Plaques of the past year: most valid, one revoked on its own, one with its eligibility.
    plaques = Plaque.objects.filter(year=2025)
    assert plaques.filter(revoked_at__isnull=True).count() >= 3
    revoked = plaques.filter(revoked_at__isnull=False)
    assert revoked.count() == 2
    assert revoked.filter(rating__status=RatingStatus.REVOKED).count() == 1

    # Guidance cases: opened by certification, one overdue, one closed.
    today = timezone.localdate()
    cases = GuidanceCase.objects.all()
    assert cases.filter(status="open", due_date__lt=today).exists()
    assert cases.filter(status="closed").exists()
    assert not cases.filter(rating__stars__gt=5).exclude(rating__status="revoked").exists()
    current_states = set(StarRating.objects.filter(year=2026).values_list("status", flat=True))
    assert current_states == set(RatingStatus.values) - {RatingStatus.REVOKED}
    current_stars = set(
        StarRating.objects.filter(year=2026, status=RatingStatus.CERTIFIED).values_list(
            "stars", flat=True
        )
    )
    assert {10, 8, 5, 3} <= current_stars
