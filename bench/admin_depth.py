"""How long a back-office changelist page takes at depth (`make bench-admin`, docs/performance.md).

Adds ROWS communities under one town of the reference tree and a rating of one year for each
(once; kept for later runs), then renders the changelists of regions and of star ratings
through the admin's own view, as an administrator: the first page, page 50 and a page near the
end. With `ratings.selectors.paging` (seek paging) the deep page is reached by its cursor, as
the "next" link would; without it (the code before), by `?p=N`, an OFFSET. Best of five, with
production settings (`bench.common`); the table goes to bench/results/.

    DATABASE_URL=postgres://…/bench python bench/admin_depth.py --rows 200000
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import save_table, setup

setup("admin_depth.sqlite3")  # production settings, on DATABASE_URL or a SQLite file of its own

from django.contrib import admin  # noqa: E402
from django.contrib.messages.storage.fallback import FallbackStorage  # noqa: E402
from django.contrib.sessions.backends.cache import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from ratings.choices import CodeSource, RegionKind, RegionLevel, Role  # noqa: E402
from ratings.models import RatingYear, Region, StarRating, User  # noqa: E402

TOWN_PREFIX = "159999"  # a county of its own, far from the reference tree's codes


def build(rows: int) -> None:
    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    call_command("collectstatic", interactive=False, verbosity=0)  # the admin pages' styles
    if (
        Region.objects.filter(code__startswith=TOWN_PREFIX, level=RegionLevel.VILLAGE).count()
        >= rows
    ):
        return
    with transaction.atomic():
        province = Region.objects.filter(level=RegionLevel.PROVINCE).first()
        county = Region.objects.create(
            code=TOWN_PREFIX + "000000",
            name="测试县",
            level=RegionLevel.COUNTY,
            kind=RegionKind.DISTRICT,
            parent=province,
            code_source=CodeSource.DEMO,
        )
        towns = []
        for t in range((rows + 998) // 999):
            towns.append(
                Region(
                    code=f"{TOWN_PREFIX}{t + 1:03d}000",
                    name=f"测试镇{t + 1}",
                    level=RegionLevel.TOWN,
                    kind=RegionKind.TOWN,
                    parent=county,
                    code_source=CodeSource.DEMO,
                )
            )
        Region.objects.bulk_create(towns)
        year, _ = RatingYear.objects.get_or_create(year=2031, defaults={"status": "open"})
        user, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": Role.ADMIN})
        made = 0
        for town in towns:
            batch = [
                Region(
                    code=town.code[:9] + f"{n + 1:03d}",
                    name=f"{town.name}第{n + 1}社区",
                    level=RegionLevel.VILLAGE,
                    kind=RegionKind.COMMUNITY,
                    parent=town,
                    code_source=CodeSource.DEMO,
                )
                for n in range(min(999, rows - made))
            ]
            Region.objects.bulk_create(batch)
            StarRating.objects.bulk_create(
                StarRating(community=c, year=year, updated_by=user) for c in batch
            )
            made += len(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def render(model, query: dict) -> tuple[float, object]:
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/", query)
    request.user = User.objects.get(username="bench-admin")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    started = time.perf_counter()
    response = model_admin.changelist_view(request)
    response.render()
    return time.perf_counter() - started, response


def deep_query(model, per_page: int, total: int) -> dict:
    """The query string of a page near the end, as its "next" link would give it."""
    number = total // per_page - 10
    try:
        from ratings.selectors.paging import Cursor, key_value
    except ImportError:
        return {"p": number}
    _, response = render(model, {})
    cl = response.context_data["cl"]
    keys = cl.keyset_page.keys
    before = cl.queryset.order_by(*[("-" if d else "") + n for n, d in keys])
    row = before[(number - 1) * per_page - 1]
    values = [key_value(row, name) for name, _d in keys]
    return {"cursor": Cursor("after", number, values).token()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    build(args.rows)
    lines = [
        f"{connection.vendor}, {Region.objects.count()} regions, "
        f"{StarRating.objects.count()} ratings"
    ]
    print(lines[0])
    for model in (Region, StarRating):
        per_page = admin.site._registry[model].list_per_page
        total = model.objects.count()
        for label, query in (
            ("page 1", {}),
            ("page 50", {"p": 50}),
            ("deep page", deep_query(model, per_page, total)),
        ):
            times = []
            for _ in range(5):
                seconds, response = render(model, query)
                times.append(seconds)
            shown = response.context_data["cl"].page_num
            lines.append(
                f"{model._meta.model_name:12} {label:10} (page {shown}): "
                f"{min(times) * 1000:8.1f} ms"
            )
            print(lines[-1])
    save_table("admin-depth", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
