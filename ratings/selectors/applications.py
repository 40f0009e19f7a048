"""How districts run a year, and what the application-led chain needs to read."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ..choices import RatingMode, RegionLevel
from ..models import DistrictMode, RatingYear, Region


def district_mode_list(*, year: RatingYear) -> list[Region]:
    """Every active district (county level) with its mode for `year` (`mode`, `mode_set`);
    two queries."""
    districts = list(district_choices())
    modes = {
        row.district_id: row
        for row in DistrictMode.objects.filter(year=year).select_related("updated_by")
    }
    for district in districts:
        stored = modes.get(district.code)
        district.mode = RatingMode(stored.mode) if stored else RatingMode.ASSESSOR
        district.mode_set = stored
    return districts


def district_choices() -> QuerySet[Region]:
    """The regions whose mode an administrator sets: the districts and counties."""
    return Region.objects.filter(Q(level=RegionLevel.COUNTY), active=True).order_by("code")
