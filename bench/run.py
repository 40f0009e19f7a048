"""Benchmark: the pages that grow with the data and with a user's scope, each measured against a
floor served by the same production server, in paired windows.

    make bench                                    # SCALE=small, SQLite in var/bench/, ~4 minutes
    make bench SCALE=moderate                     # 17,000 communities (PostgreSQL advised)
    DATABASE_URL=postgres://… make bench SCALE=national   # 645,000 communities, 1 M households
    .venv/bin/python bench/run.py --scale small --window 2 --pairs 5 --only work

The data set has the national tree's shape: 31 provinces, their cities, counties (districts),
towns and communities with valid 12-digit codes (Wuhai's real tree stays where it is, under a
内蒙古 province); a published year with every community rated, an open year half rated with
items waiting in the queues, households in the family domain, guidance cases and plaques. It is
built once per database and reused while its scale matches.

Users see a town, a district, a province or the whole country (the administrator); the
certifier's authority is given each scope in turn. The server is the production configuration
(gunicorn, DEBUG off, WhiteNoise) with `bench.settings`, which adds the floor views
(`bench.floor`) for as long as the benchmark runs. For every page, floor and page alternate in
short windows (`--pairs` pairs of `--window` seconds, `--connections` keep-alive clients); the
table gives the page's req/s, p50/p95, the floor's req/s and the median of the paired ratios,
and is written to bench/results/.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import FOLDER, save_table

PASSWORD = "bench-2026-only"

# Fan-out below each province: cities, counties, towns, communities; and households.
SCALES = {
    "small": (2, 2, 3, 8, 10_000),
    "moderate": (3, 3, 5, 12, 50_000),
    "national": (11, 9, 14, 15, 1_000_000),
}
PROVINCES = (
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65"
).split()
INNER_MONGOLIA = "150000000000"
WUHAI = "150300000000"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=SCALES, default=os.environ.get("SCALE", "small"))
    parser.add_argument("--window", type=float, default=1.5, help="seconds per window")
    parser.add_argument("--pairs", type=int, default=5, help="floor/page pairs per page")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--only", default="", help="measure only pages whose label has this")
    options = parser.parse_args()

    FOLDER.mkdir(parents=True, exist_ok=True)
    env = _environment()
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0, stdout=open(os.devnull, "w"))
    call_command("collectstatic", "--noinput", verbosity=0)
    started = time.perf_counter()
    if build(*SCALES[options.scale]):
        print(f"built the {options.scale} data set in {time.perf_counter() - started:.0f} s")
    analyze()
    people = accounts()
    cases = [case for case in plan(people) if options.only in case.label]

    from tests.servers import gunicorn

    with gunicorn(env, workers=options.workers) as server:
        host, port = urllib.parse.urlsplit(server.url)[1].split(":")
        cookies = {who: sign_in(host, int(port), who, secret) for who, secret in people.logins}
        rows = []
        for case in cases:
            if case.before:
                case.before()
            rows.append(measure(host, int(port), case, cookies.get(case.who), options))
            print(rows[-1].line(), flush=True)
    text = table(rows, options)
    print("\n" + text)
    save_table(f"bench-{options.scale}", text)


def _environment() -> dict[str, str]:
    return {
        "DEBUG": "False",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": "bench-only-" + "b" * 50,
        "SITE_URL": "https://pingan.example.cn",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(FOLDER / "static"),
        "MEDIA_ROOT": str(FOLDER / "media"),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{FOLDER / 'bench.sqlite3'}"),
        "LOGIN_FAILURE_LIMIT": "1000",
        "VERIFY_RATE_LIMIT": "100000000",
        "ACCESS_LOG": "/dev/null",
    }


# --------------------------------------------------------------------------------------------
# The data set


def _tree(cities: int, counties: int, towns: int, villages: int):
    """The regions below each province, parents first, with valid 12-digit codes."""
    from ratings.choices import CodeSource, RegionKind, RegionLevel
    from ratings.models import Region

    def region(code, name, level, kind, parent, note="bench-tree"):
        return Region(
            code=code,
            name=name,
            level=level,
            kind=kind,
            parent_id=parent,
            code_source=CodeSource.DEMO,
            note=note,
        )

    for p in PROVINCES:
        province = f"{p}0000000000"
        if province != INNER_MONGOLIA:
            yield region(province, f"基准{p}省", RegionLevel.PROVINCE, RegionKind.PROVINCE, None)
        # Wuhai's real city code (1503) is left alone: generated cities of 内蒙古 start at 50.
        first_city = 50 if province == INNER_MONGOLIA else 1
        for c in range(first_city, first_city + cities):
            city = f"{p}{c:02d}00000000"
            yield region(city, f"基准{p}{c:02d}市", RegionLevel.CITY, RegionKind.CITY, province)
            for d in range(1, counties + 1):
                county = f"{city[:4]}{d:02d}000000"
                yield region(
                    county, f"基准{county[:6]}区", RegionLevel.COUNTY, RegionKind.DISTRICT, city
                )
                for t in range(1, towns + 1):
                    town = f"{county[:6]}{t:03d}000"
                    yield region(
                        town, f"基准{town[:9]}镇", RegionLevel.TOWN, RegionKind.TOWN, county
                    )
                    for v in range(1, villages + 1):
                        code = f"{town[:9]}{v:03d}"
                        yield region(
                            code,
                            f"基准{code}社区",
                            RegionLevel.VILLAGE,
                            RegionKind.COMMUNITY if v % 2 else RegionKind.VILLAGE,
                            town,
                            note="bench",
                        )


def _chunks(iterable, size: int = 5000):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def build(cities: int, counties: int, towns: int, villages: int, households: int) -> bool:
    """Bulk-insert the data set unless this scale's is already there; False if it was."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from ratings.choices import ItemStatus, RatingStatus, RegionKind, RegionLevel, YearStatus
    from ratings.counters import rebuild_rating_counts
    from ratings.coverage_counts import rebuild_coverage_counts
    from ratings.models import (
        GuidanceCase,
        Plaque,
        RatingYear,
        Region,
        StarItem,
        StarRating,
        Unit,
    )
    from ratings.plaques import plaque_number
    from ratings.workflow.years import keep_as_published

    communities = len(PROVINCES) * cities * counties * towns * villages
    made = Region.objects.filter(note="bench").count()
    if made == communities and Unit.objects.filter(domain_id="family").count() == households:
        return False
    if made or Unit.objects.exists():
        sys.exit("the bench database holds a data set of another scale: empty it first")

    now = timezone.now()
    admin = _user("bench-admin", role="admin", is_staff=True, is_superuser=True)
    with transaction.atomic():
        Region.objects.update_or_create(
            code=INNER_MONGOLIA,
            defaults=dict(
                name="内蒙古自治区", level=RegionLevel.PROVINCE, kind=RegionKind.PROVINCE
            ),
        )
        Region.objects.filter(pk=WUHAI).update(parent_id=INNER_MONGOLIA)
        for batch in _chunks(_tree(cities, counties, towns, villages)):
            Region.objects.bulk_create(batch)
        codes = list(
            Region.objects.filter(note="bench").order_by("code").values_list("code", flat=True)
        )
        past, _ = RatingYear.objects.get_or_create(
            year=2025, defaults={"status": YearStatus.PUBLISHED, "published_at": now}
        )
        current, _ = RatingYear.objects.get_or_create(
            year=2026, defaults={"status": YearStatus.OPEN}
        )
        for year, share in ((past, 1), (current, 2)):
            ratings = (
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
            )
            for batch in _chunks(ratings):
                StarRating.objects.bulk_create(batch)
        for year in (past, current):
            rated = (
                StarRating.objects.filter(year=year)
                .order_by("id")
                .values_list("id", "community_id")
            )
            pending = year == current
            items = (
                StarItem(
                    rating_id=rating_id,
                    community_code=community,
                    standard_id=n,
                    met=True,
                    status=ItemStatus.PENDING if pending else ItemStatus.ENDORSED,
                    pending_since=now - datetime.timedelta(minutes=i) if pending else None,
                )
                for i, (rating_id, community) in enumerate(rated.iterator(chunk_size=5000))
                for n in range(1, 11)
            )
            for batch in _chunks(items, 20_000):
                StarItem.objects.bulk_create(batch)
        ten = StarRating.objects.filter(year=past, stars=10).order_by("community_id")
        plaques = (
            Plaque(
                number=plaque_number(2025, n + 1),
                year=past,
                sequence=n + 1,
                rating_id=rating_id,
                issued_at=now,
                issued_by=admin,
            )
            for n, rating_id in enumerate(ten.values_list("id", flat=True).iterator())
        )
        for batch in _chunks(plaques):
            Plaque.objects.bulk_create(batch)
        weak = StarRating.objects.filter(year=past, stars__lte=5).order_by("id")
        cases = (
            GuidanceCase(rating_id=rating_id, due_date=now.date() + datetime.timedelta(days=n % 90))
            for n, rating_id in enumerate(weak.values_list("id", flat=True).iterator())
        )
        for batch in _chunks(cases):
            GuidanceCase.objects.bulk_create(batch)
        units = (
            Unit(domain_id="family", region_id=codes[n % len(codes)], name=f"住户{n}")
            for n in range(households)
        )
        for batch in _chunks(units):
            Unit.objects.bulk_create(batch)
        # What publishing keeps: the published year's figures and commendation list.
        keep_as_published(past)
        # What the workflow counts as it goes, counted once for the ratings inserted here.
        rebuild_rating_counts()
        rebuild_coverage_counts()
    return True


def analyze() -> None:
    """Fresh planner statistics, as autovacuum keeps them on a live server."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --------------------------------------------------------------------------------------------
# People and pages


def _user(username: str, **fields):
    from ratings.models import User

    user, _ = User.objects.update_or_create(username=username, defaults=fields)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def _device(user) -> bytes:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    return device.bin_key


@dataclass
class People:
    scopes: dict[str, str]  # scope name -> region code (None: the whole country)
    plaque: str
    district: str
    logins: list[tuple[str, bytes | None]] = field(default_factory=list)


def accounts() -> People:
    """An assessor for each scope, the administrator (the country) and a certifier, with
    passwords and, where the sign-in asks for one, an authenticator."""
    from ratings.models import Authority, Plaque, Region

    town = Region.objects.filter(note="bench-tree", level=4).order_by("code").first()
    county, province = town.parent, town.parent.parent.parent
    scopes = {"town": town.code, "district": county.code, "province": province.code}
    logins: list[tuple[str, bytes | None]] = []
    for scope, code in scopes.items():
        _user(f"bench-{scope}", role="assessor", region_id=code)
        logins.append((f"bench-{scope}", None))
    admin = _user("bench-admin", role="admin", is_staff=True, is_superuser=True)
    logins.append(("bench-admin", _device(admin)))
    certifier = _user(
        "bench-gongan", role="certifier", authority=Authority.objects.get(pk="gongan")
    )
    logins.append(("bench-gongan", _device(certifier)))
    plaque = Plaque.objects.order_by("-sequence").values_list("number", flat=True).first()
    return People(scopes=scopes, plaque=plaque, district=county.code, logins=logins)


@dataclass
class Case:
    label: str
    who: str | None
    url: str
    floor: str
    before: object = None  # a function run before the case (the certifier's scope)


def _authority_scope(code: str):
    def move() -> None:
        from ratings.models import Authority

        Authority.objects.filter(pk="gongan").update(region_id=code)

    return move


def plan(people: People) -> list[Case]:
    floor = "/__floor__/ratings/"
    cases = [
        Case("public /", None, "/", floor),
        Case("public /stats/", None, "/stats/", floor),
        Case(
            "public /verify/<n>/",
            None,
            f"/verify/{people.plaque}/",
            f"/__floor__/plaque/{people.plaque}/",
        ),
        Case("public /honours/?year=2025", None, "/honours/?year=2025", floor),
        Case(
            "public /honours/ district p20",
            None,
            f"/honours/?year=2025&region={people.district}&page=20",
            floor,
        ),
    ]
    scoped = {**{s: (f"bench-{s}", c) for s, c in people.scopes.items()}, "country": None}
    for scope, login in scoped.items():
        who = login[0] if login else "bench-admin"
        cases += [
            Case(f"{scope:<8} work", who, "/work/?year=2026", floor),
            Case(f"{scope:<8} work q", who, "/work/?year=2026&q=" + quote("基准1"), floor),
            Case(f"{scope:<8} units family", who, "/units/?domain=family", floor),
            Case(f"{scope:<8} guidance", who, "/guidance/", floor),
            Case(f"{scope:<8} coverage", who, "/coverage/?year=2025&domain=family", floor),
            Case(f"{scope:<8} coverage open", who, "/coverage/?year=2026&domain=family", floor),
        ]
        if login:  # an authority has a region; none has the whole country
            cases.append(
                Case(
                    f"{scope:<8} queue",
                    "bench-gongan",
                    "/queue/",
                    floor,
                    _authority_scope(login[1]),
                )
            )
    return cases


# --------------------------------------------------------------------------------------------
# Measuring


def _headers(host: str, port: int, cookie: str) -> dict:
    headers = {"Host": f"{host}:{port}", "X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = cookie
    return headers


def sign_in(host: str, port: int, username: str, secret: bytes | None) -> str:
    """Sign in through the pages (password, then the code) and return the session cookie."""
    from bench.load import Browser, Report

    browser = Browser(f"http://{host}:{port}", Report())
    browser.sign_in(username, PASSWORD, secret)
    return "; ".join(f"{k}={v}" for k, v in browser.cookies.items())


@dataclass
class Window:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    times: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def window(
    host: str, port: int, path: str, cookie: str, seconds: float, connections: int
) -> Window:
    """Keep-alive clients requesting `path` as fast as it is served for `seconds`."""
    result = Window(seconds=seconds)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    headers = _headers(host, port, cookie)

    def client() -> None:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        times, errors = [], 0
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                connection.request("GET", path, headers=headers)
                answer = connection.getresponse()
                answer.read()
                errors += answer.status != 200
            except OSError:
                errors += 1
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=30)
            times.append(time.monotonic() - started)
        connection.close()
        with lock:
            result.times += times
            result.errors += errors

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.requests = len(result.times)
    return result


@dataclass
class Row:
    label: str
    page: list[Window]
    floor: list[Window]

    @property
    def ratios(self) -> list[float]:
        return [
            p.rate / f.rate if f.rate else 0.0 for p, f in zip(self.page, self.floor, strict=True)
        ]

    def _percentile(self, share: float) -> float:
        times = sorted(t for w in self.page for t in w.times)
        return times[min(len(times) - 1, int(len(times) * share))] * 1000 if times else 0.0

    def line(self) -> str:
        page = statistics.median(w.rate for w in self.page)
        floor = statistics.median(w.rate for w in self.floor)
        errors = sum(w.errors for w in self.page)
        return (
            f"{self.label:<34}{page:>8.1f}{self._percentile(0.5):>8.0f}"
            f"{self._percentile(0.95):>8.0f}{floor:>9.1f}{statistics.median(self.ratios):>8.2f}"
            f"{errors:>7}"
        )


def measure(host: str, port: int, case: Case, cookie: str | None, options) -> Row:
    cookie = cookie or ""
    for path in (case.url, case.floor):  # warm: caches, connections, templates
        window(host, port, path, cookie, 0.3, 1)
    row = Row(case.label, [], [])
    for _ in range(options.pairs):
        row.floor.append(
            window(host, port, case.floor, cookie, options.window, options.connections)
        )
        row.page.append(window(host, port, case.url, cookie, options.window, options.connections))
    return row


def table(rows: list[Row], options) -> str:
    from django.db import connection

    from ratings.models import Region, StarItem

    communities = Region.objects.filter(level=5).count()
    items = StarItem.objects.count()
    head = [
        f"平安乌海 bench — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, scale {options.scale}: "
        f"{communities:,} communities, {items:,} star items, {connection.vendor}",
        f"gunicorn {options.workers} workers, DEBUG off; {options.connections} keep-alive "
        f"clients; {options.pairs} pairs of {options.window:g} s windows (floor, page); "
        f"{os.cpu_count()} CPUs",
        "",
        f"{'page':<34}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'floor/s':>9}{'ratio':>8}"
        f"{'errors':>7}",
    ]
    return "\n".join(head + [row.line() for row in rows]) + "\n"


if __name__ == "__main__":
    main()
