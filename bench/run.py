"""Benchmark the pages that grow with the data: build a large data set once, then time them.

    make bench                                   # SQLite file var/bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench make bench
    .venv/bin/python bench/run.py --communities 100000 --households 500000

The data set: one synthetic province-sized tree of communities (under Wuhai's real districts and
towns), a published year with every community rated (ten items each), an open year half rated
with items waiting in the queues, and households in the family domain. It is generated once and
reused while its size matches. Each page is requested with Django's test client, warm, several
times; the table gives the median and worst time and the number of queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuhai_safety.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("DEBUG", "True")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--communities", type=int, default=20_000)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0, stdout=open(os.devnull, "w"))
    started = time.perf_counter()
    built = build(options.communities, options.households)
    analyze()
    if built:
        print(f"built the data set in {time.perf_counter() - started:.0f} s")
    measure(options.repeat, options.communities, options.households)


def build(communities: int, households: int) -> bool:
    """Bulk-insert the data set unless one of this size is already there."""
    from django.db import transaction
    from django.utils import timezone

    from ratings.choices import (
        CodeSource,
        ItemStatus,
        RatingStatus,
        RegionKind,
        RegionLevel,
        Role,
        YearStatus,
    )
    from ratings.models import (
        Authority,
        Plaque,
        RatingYear,
        Region,
        StarItem,
        StarRating,
        Unit,
        User,
    )
    from ratings.plaques import plaque_number
    from ratings.workflow.years import keep_as_published

    made = Region.objects.filter(code_source=CodeSource.DEMO, note="bench").count()
    if made == communities and Unit.objects.filter(domain_id="family").count() == households:
        return False
    if made:
        sys.exit("the bench database holds a data set of another size: empty it first")

    now = timezone.now()
    admin, _ = User.objects.get_or_create(
        username="bench-admin",
        defaults={"role": Role.ADMIN, "is_staff": True, "is_superuser": True},
    )
    User.objects.get_or_create(
        username="bench-hainan", defaults={"role": Role.ASSESSOR, "region_id": "150303000000"}
    )
    User.objects.get_or_create(
        username="bench-gongan",
        defaults={"role": Role.CERTIFIER, "authority": Authority.objects.get(pk="gongan")},
    )
    with transaction.atomic():
        # Synthetic towns (5xx in each district's range), up to 999 communities each.
        districts = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))
        towns_needed = communities // 999 + 1
        towns = [
            Region(
                code=f"{districts[t % len(districts)].code[:6]}{500 + t // len(districts):03d}000",
                name=f"基准{t}镇",
                level=RegionLevel.TOWN,
                kind=RegionKind.TOWN,
                parent=districts[t % len(districts)],
                code_source=CodeSource.DEMO,
                note="bench-town",
            )
            for t in range(towns_needed)
        ]
        Region.objects.bulk_create(towns)
        regions = [
            Region(
                code=f"{towns[n % len(towns)].code[:9]}{n // len(towns) + 1:03d}",
                name=f"基准{n}社区",
                level=RegionLevel.VILLAGE,
                kind=RegionKind.COMMUNITY,
                parent=towns[n % len(towns)],
                code_source=CodeSource.DEMO,
                note="bench",
            )
            for n in range(communities)
        ]
        Region.objects.bulk_create(regions, batch_size=5000)
        codes = list(
            Region.objects.filter(note="bench").values_list("code", flat=True).order_by("code")
        )
        past, _ = RatingYear.objects.get_or_create(
            year=2025, defaults={"status": YearStatus.PUBLISHED, "published_at": now}
        )
        current, _ = RatingYear.objects.get_or_create(
            year=2026, defaults={"status": YearStatus.OPEN}
        )
        for year, share in ((past, 1), (current, 2)):
            ratings = [
                StarRating(
                    community_id=code,
                    year=year,
                    status=RatingStatus.CERTIFIED if year == past else RatingStatus.SUBMITTED,
                    stars=10 - (i % 7) if year == past else 0,
                    updated_by=admin,
                    submitted_at=now,
                )
                for i, code in enumerate(codes)
                if i % share == 0
            ]
            StarRating.objects.bulk_create(ratings, batch_size=5000)
        for year in (past, current):
            ids = StarRating.objects.filter(year=year, community__note="bench").values_list(
                "id", flat=True
            )
            status = ItemStatus.ENDORSED if year == past else ItemStatus.PENDING
            batch = []
            for rating_id in ids.iterator(chunk_size=5000):
                batch.extend(
                    StarItem(rating_id=rating_id, standard_id=n, met=True, status=status)
                    for n in range(1, 11)
                )
                if len(batch) >= 50_000:
                    StarItem.objects.bulk_create(batch, batch_size=5000)
                    batch = []
            StarItem.objects.bulk_create(batch, batch_size=5000)
        ten = StarRating.objects.filter(year=past, stars=10, community__note="bench").values_list(
            "id", flat=True
        )
        Plaque.objects.bulk_create(
            (
                Plaque(
                    number=plaque_number(2025, n + 1),
                    year=past,
                    sequence=n + 1,
                    rating_id=rid,
                    issued_at=now,
                    issued_by=admin,
                )
                for n, rid in enumerate(ten.iterator())
            ),
            batch_size=5000,
        )
        Unit.objects.bulk_create(
            (
                Unit(domain_id="family", region_id=codes[n % len(codes)], name=f"住户{n}")
                for n in range(households)
            ),
            batch_size=5000,
        )
        # What publishing keeps: the published year's figures and commendation list.
        keep_as_published(past)
    return True


def analyze() -> None:
    """Fresh planner statistics, as autovacuum keeps them on a live server."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(repeat: int, communities: int, households: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ratings.models import Plaque, User

    admin = User.objects.get(username="bench-admin")
    assessor = User.objects.get(username="bench-hainan")
    certifier = User.objects.get(username="bench-gongan")
    plaque = Plaque.objects.order_by("sequence").last()
    cases = [
        ("public", None, "/"),
        ("public", None, "/honours/?year=2025"),
        ("public", None, "/honours/?year=2025&region=150303000000&page=20"),
        ("public", None, "/stats/"),
        ("public", None, f"/verify/{plaque.number}/"),
        ("admin", admin, "/work/?year=2026"),
        ("admin", admin, "/work/?year=2026&status=submitted&page=50"),
        ("assessor", assessor, "/work/?year=2026&q=基准1"),
        ("certifier", certifier, "/queue/"),
        ("admin", admin, "/coverage/?year=2025&domain=family"),
        ("assessor", assessor, "/units/?domain=family&page=10"),
    ]
    print(f"\n{communities:,} communities, {households:,} households, {connection.vendor}")
    print(f"{'who':<10} {'page':<52} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for who, user, url in cases:
        client = Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR=f"10.9.{len(url)}.{repeat}")
        if user is not None:
            client.force_login(user)
        client.get(url)  # warm: caches, connections, templates
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(
            f"{who:<10} {url:<52} {statistics.median(times):>10.1f} {max(times):>8.1f} {len(captured):>8}"
        )


if __name__ == "__main__":
    main()
