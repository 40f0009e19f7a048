"""Benchmark: closing out a national year — 未完成评定, publishing, issuing every plaque.

    make bench-publish                              # COMMUNITIES=20000, SQLite in var/bench/
    DATABASE_URL=postgres://… make bench-publish COMMUNITIES=100000
    DATABASE_URL=postgres://… make bench-publish COMMUNITIES=644490   # the national figure

Builds, by direct bulk inserts, a closed year with every community of the national tree's shape
(bench/run.py's generator, its first COMMUNITIES communities) rated with ten items: a tenth ten
stars, one in a hundred still undecided, the rest certified with fewer stars; and one household
(平安家庭) per community, a third of them assessed. Then times, each in a fresh process so that
its peak resident memory (VmHWM) is its own, the three workflow calls an administrator makes at
the end of a year: `ratings_mark_incomplete`, `year_publish`, `plaques_issue_for_year`. The
peak before the call (Django loaded, connected) is given in brackets. The data set is built once
per database and put back to "closed, not published" (unmeasured) before every run. The table
is printed and written to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import FOLDER, environment, peak_kb, save_table, setup
from bench.run import INNER_MONGOLIA, SCALES, WUHAI, _chunks, _tree

YEAR = 2025
ADMIN = "bench-publish-admin"
STEPS = ("ratings_mark_incomplete", "year_publish", "plaques_issue_for_year")


# --------------------------------------------------------------------------------------------
# The data set


def _regions(communities: int):
    """The national tree's regions, parents first, up to its first `communities` communities."""
    from ratings.choices import RegionLevel

    made = 0
    for region in _tree(*SCALES["national"][:4]):
        if region.level == RegionLevel.VILLAGE:
            if made == communities:
                return
            made += 1
        yield region


def build(communities: int) -> bool:
    """Bulk-insert the closed year unless a data set of this size is there; False if it was."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from ratings.choices import (
        AssessmentStatus,
        ItemStatus,
        RatingStatus,
        RegionKind,
        RegionLevel,
        YearStatus,
    )
    from ratings.models import Assessment, RatingYear, Region, StarItem, StarRating, Unit, User

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0, stdout=open(os.devnull, "w"))
    made = Region.objects.filter(note="bench", level=RegionLevel.VILLAGE).count()
    if made == communities and StarRating.objects.filter(year=YEAR).count() == communities:
        return False
    if made or RatingYear.objects.filter(pk=YEAR).exists():
        sys.exit("the bench database holds a data set of another size: empty it first")
    now = timezone.now()
    admin, _ = User.objects.update_or_create(
        username=ADMIN, defaults=dict(role="admin", is_staff=True, is_superuser=True)
    )
    with transaction.atomic():
        # As bench/run.py does: the generated tree has no 内蒙古 of its own; Wuhai goes under it.
        Region.objects.update_or_create(
            code=INNER_MONGOLIA,
            defaults=dict(
                name="内蒙古自治区", level=RegionLevel.PROVINCE, kind=RegionKind.PROVINCE
            ),
        )
        Region.objects.filter(pk=WUHAI).update(parent_id=INNER_MONGOLIA)
        for batch in _chunks(_regions(communities)):
            Region.objects.bulk_create(batch)
        codes = Region.objects.filter(note="bench", level=RegionLevel.VILLAGE).order_by("code")
        codes = codes.values_list("code", flat=True)
        year = RatingYear.objects.create(year=YEAR, status=YearStatus.CLOSED, closed_at=now)

        def rating(i: int, code: str) -> StarRating:
            undecided = i % 100 == 1
            return StarRating(
                community_id=code,
                year=year,
                status=RatingStatus.SUBMITTED if undecided else RatingStatus.CERTIFIED,
                stars=0 if undecided else 10 if i % 10 == 0 else 9 - i % 9,
                updated_by=admin,
                submitted_at=now,
                certified_at=None if undecided else now,
            )

        ratings = (rating(i, code) for i, code in enumerate(codes.iterator(chunk_size=5000)))
        for batch in _chunks(ratings):
            StarRating.objects.bulk_create(batch)
        rated = StarRating.objects.filter(year=year).order_by("id")
        items = (
            StarItem(
                rating_id=rating_id,
                community_code=community,
                standard_id=n,
                met=n <= stars,
                status=ItemStatus.ENDORSED
                if status == RatingStatus.CERTIFIED
                else ItemStatus.PENDING,
                pending_since=None if status == RatingStatus.CERTIFIED else now,
            )
            for rating_id, community, stars, status in rated.values_list(
                "id", "community_id", "stars", "status"
            ).iterator(chunk_size=5000)
            for n in range(1, 11)
        )
        for batch in _chunks(items, 20_000):
            StarItem.objects.bulk_create(batch)
        units = (
            Unit(domain_id="family", region_id=code, name=f"住户{i}")
            for i, code in enumerate(codes.iterator(chunk_size=5000))
        )
        for batch in _chunks(units):
            Unit.objects.bulk_create(batch)
        family = Unit.objects.filter(domain_id="family", region__note="bench").order_by("id")
        assessments = (
            Assessment(
                unit_id=unit_id,
                year=year,
                status=AssessmentStatus.APPROVED if i % 2 else AssessmentStatus.SUBMITTED,
                meets_standard=bool(i % 2),
                updated_by=admin,
                submitted_at=now,
            )
            for i, unit_id in enumerate(family.values_list("id", flat=True).iterator(5000))
            if i % 3 == 0
        )
        for batch in _chunks(assessments):
            Assessment.objects.bulk_create(batch)
    return True


def reset() -> None:
    """Put the year back as it was built: closed, undecided ratings undecided, nothing kept."""
    from django.db import transaction

    from ratings.choices import EventAction, RatingStatus, YearStatus
    from ratings.counters import rebuild_rating_counts
    from ratings.coverage_counts import rebuild_coverage_counts
    from ratings.models import (
        CoverageSnapshot,
        Event,
        Plaque,
        RatingYear,
        StarRating,
        StarSnapshot,
    )

    with transaction.atomic():
        for rows in (
            Event.objects.filter(year=YEAR).exclude(action=EventAction.YEAR_OPEN),
            Plaque.objects.filter(year=YEAR),
            StarSnapshot.objects.filter(year=YEAR),
            CoverageSnapshot.objects.filter(year=YEAR),
        ):
            rows._raw_delete(rows.db)
        StarRating.objects.filter(year=YEAR, status=RatingStatus.INCOMPLETE).update(
            status=RatingStatus.SUBMITTED, incomplete_reason=""
        )
        StarRating.objects.filter(year=YEAR, commended=True).update(commended=False)
        RatingYear.objects.filter(pk=YEAR).update(status=YearStatus.CLOSED, published_at=None)
        # The ratings were written (and are put back) directly: count them afresh, as the
        # workflow keeps the counters.
        rebuild_rating_counts()
        rebuild_coverage_counts()


def analyze() -> None:
    """Fresh planner statistics, as autovacuum keeps them on a live server."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --------------------------------------------------------------------------------------------
# One measurement, in its own process


def measure_child(step: str) -> dict:
    setup("publish.sqlite3")
    from django.db import connection

    from ratings import workflow
    from ratings.models import Event, Plaque, RatingYear, StarRating, User

    connection.ensure_connection()
    admin = User.objects.get(username=ADMIN)
    year = RatingYear.objects.get(pk=YEAR)
    before = peak_kb()
    started = time.perf_counter()
    if step == "ratings_mark_incomplete":
        workflow.ratings_mark_incomplete(user=admin, year=year, reason="认定机关未按期完成")
        rows = StarRating.objects.filter(year=YEAR, status="incomplete").count()
    elif step == "year_publish":
        workflow.year_publish(user=admin, year=year)
        rows = StarRating.objects.filter(year=YEAR).count()
    else:
        workflow.plaques_issue_for_year(user=admin, year=year)
        rows = Plaque.objects.filter(year=YEAR).count()
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": rows,
        "events": Event.objects.filter(year=YEAR).count(),
        "rss_before_mb": before / 1024,
        "rss_peak_mb": peak_kb() / 1024,
    }


def run_child(step: str) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", step],
        capture_output=True,
        text=True,
        env={**os.environ, **environment("publish.sqlite3")},
    )
    if completed.returncode:
        sys.exit(f"{step} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--communities", type=int, default=int(os.environ.get("COMMUNITIES", 20_000))
    )
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(measure_child(options.child)))
        return

    FOLDER.mkdir(parents=True, exist_ok=True)
    setup("publish.sqlite3")
    from django.db import connection

    started = time.perf_counter()
    if build(options.communities):
        print(f"built {options.communities:,} communities in {time.perf_counter() - started:.0f} s")
    reset()
    analyze()
    lines = [
        f"publish, {options.communities:,} communities, {connection.vendor}, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        "| step | s | rows | events so far | peak MB (before) |",
        "|---|---:|---:|---:|---:|",
    ]
    print("\n".join(lines), flush=True)
    for step in STEPS:
        result = run_child(step)
        line = (
            f"| `{step}` | {result['seconds']:.1f} | {result['rows']:,} | {result['events']:,} "
            f"| {result['rss_peak_mb']:.0f} ({result['rss_before_mb']:.0f}) |"
        )
        lines.append(line)
        print(line, flush=True)
    save_table(f"publish-{options.communities}", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
