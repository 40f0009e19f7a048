"""Load and soak: the portal in production mode under gunicorn, on loopback only, with the
public pages and a mixed staff workload, for a bounded time.

    make load                         # 60 s, 8 simulated people
    make soak                         # 10 minutes at half of that, and workers' memory growth
    .venv/bin/python bench/load.py --seconds 120 --people 12 [--soak]

The staff workload: assessors sign in, save a community's ten findings with a 200 KB PDF of
evidence and submit it; certifiers sign in with a password and an authenticator code and
endorse what waits in their queue. The public reads the home page, the honour roll, the
statistics and a plaque's verification page. A fresh database is made for each run (SQLite in
var/load/, or DATABASE_URL). The report (requests a second, median and 95th-percentile times,
errors per kind, and whether every successful write left exactly its event) is printed and
written to bench/results/.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
PASSWORD = "load-test-2026"
EVIDENCE = b"%PDF-1.4\n" + b"0" * (200 * 1024) + b"\n%%EOF\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--people", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--soak", action="store_true", help="report workers' memory growth")
    options = parser.parse_args()

    folder = ROOT / "var" / "load"
    folder.mkdir(parents=True, exist_ok=True)
    env = _environment(folder)
    print("preparing a fresh database and the static files …", flush=True)
    _prepare(env, folder)
    accounts = _accounts(env)

    from tests.servers import gunicorn  # the same helper the tests use

    with gunicorn(env, workers=options.workers) as server:
        workers = _worker_pids(server.process.pid)
        memory_before = {pid: _rss_kb(pid) for pid in workers}
        since = _last_event(env)
        report = run(server.url, accounts, seconds=options.seconds, people=options.people)
        memory_after = {pid: _rss_kb(pid) for pid in _worker_pids(server.process.pid)}
    writes_ok = _check_events(env, report, since)
    text = report.table(options) + writes_ok
    if options.soak:
        text += _memory_table(memory_before, memory_after)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    name = f"{'soak' if options.soak else 'load'}-{time.strftime('%Y%m%d-%H%M%S')}.txt"
    (RESULTS / name).write_text(text)
    print(f"written to {RESULTS / name}")
    if report.server_errors:
        sys.exit(f"{report.server_errors} server errors")


# --------------------------------------------------------------------------------------------
# The run


@dataclass
class Report:
    seconds: float = 0.0
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    writes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, elapsed: float, status: int) -> None:
        with self.lock:
            self.times[kind].append(elapsed)
            if status >= 500 or status == 0:
                self.errors[kind] += 1

    @property
    def server_errors(self) -> int:
        return sum(self.errors.values())

    def table(self, options) -> str:
        lines = [
            f"平安乌海 load test — {time.strftime('%Y-%m-%d %H:%M')}, {options.people} people, "
            f"{options.workers} gunicorn workers, {self.seconds:.0f} s, loopback",
            "",
            f"{'request':<24}{'count':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}",
        ]
        total = 0
        for kind in sorted(self.times):
            values = sorted(self.times[kind])
            total += len(values)
            p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
            lines.append(
                f"{kind:<24}{len(values):>8}{len(values) / self.seconds:>9.1f}"
                f"{statistics.median(values) * 1000:>9.0f}{p95 * 1000:>9.0f}"
                f"{self.errors.get(kind, 0):>8}"
            )
        lines.append(f"{'all':<24}{total:>8}{total / self.seconds:>9.1f}")
        return "\n".join(lines) + "\n"


def run(url: str, accounts: dict, *, seconds: int, people: int) -> Report:
    report = Report()
    deadline = time.monotonic() + seconds
    roles = ["public", "assessor", "certifier"]
    # Each assessor works through communities of their own: a write answered as done must be
    # one that was made, so that the events can be counted against the answers.
    assessors = max(1, len([n for n in range(people) if n % 3 == 1]))
    threads = [
        threading.Thread(
            target=_person,
            args=(roles[n % 3], n // 3, assessors, url, accounts, deadline, report),
            daemon=True,
        )
        for n in range(people)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report.seconds = time.monotonic() - started
    return report


def _person(
    role: str, n: int, of: int, url: str, accounts: dict, deadline: float, report: Report
) -> None:
    browser = Browser(url, report)
    rng = random.Random(n)
    if role == "public":
        while time.monotonic() < deadline:
            path = rng.choice(["/", "/honours/", "/stats/", f"/verify/{accounts['plaque']}/"])
            browser.get(path, kind="public " + (path.strip("/").split("/")[0] or "home"))
        return
    if role == "assessor":
        browser.sign_in(accounts["assessor"], PASSWORD)
        for code in accounts["communities"][n::of]:
            if time.monotonic() > deadline:
                return
            browser.get(f"/ratings/2026/{code}/edit/", kind="assessor edit page")
            page = browser.post_multipart(
                f"/ratings/2026/{code}/edit/",
                {"version": "0", **{f"s{k}-met": "yes" for k in range(1, 11)}},
                {"s1-files": ("核查表.pdf", EVIDENCE)},
                kind="assessor save + 200 KB",
            )
            if page.status == 302:
                report.writes["save"] += 1
                version = _version(
                    browser.get(f"/ratings/2026/{code}/submit/", kind="assessor submit page")
                )
                if (
                    browser.post(
                        f"/ratings/2026/{code}/submit/",
                        {"version": version},
                        kind="assessor submit",
                    ).status
                    == 302
                ):
                    report.writes["submit"] += 1
        return
    username, secret = accounts["certifier"]
    browser.sign_in(username, PASSWORD, secret=secret)
    while time.monotonic() < deadline:
        queue = browser.get("/queue/", kind="certifier queue")
        decide = re.search(r'href="(/ratings/2026/\d{12}/items/\d+/decide/)', queue.text)
        if decide is None:
            time.sleep(0.5)
            continue
        if (
            browser.post(decide.group(1), {"decision": "endorse"}, kind="certifier endorse").status
            == 302
        ):
            report.writes["endorse"] += 1


def _version(page) -> str:
    found = re.search(r'name="version" value="(\d+)"', page.text)
    return found.group(1) if found else "0"


class Browser:
    """One person: a keep-alive-free HTTP client with cookies, behind the TLS proxy."""

    def __init__(self, url: str, report: Report) -> None:
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname, parsed.port
        self.cookies: dict[str, str] = {}
        self.report = report

    def _send(
        self, method: str, path: str, body: bytes | None, content_type: str | None, kind: str
    ):
        headers = {
            "X-Forwarded-Proto": "https",
            "Host": f"{self.host}:{self.port}",
            "Referer": f"https://{self.host}:{self.port}{path}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if content_type:
            headers["Content-Type"] = content_type
        started = time.monotonic()
        try:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
            status = answer.status
            for name, value in answer.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            connection.close()
        except OSError:
            data, status = b"", 0
        self.report.record(kind, time.monotonic() - started, status)
        return _Answer(status, data.decode("utf-8", errors="replace"))

    def get(self, path: str, *, kind: str):
        return self._send("GET", path, None, None, kind)

    def post(self, path: str, data: dict, *, kind: str):
        body = urllib.parse.urlencode(
            {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        )
        return self._send("POST", path, body.encode(), "application/x-www-form-urlencoded", kind)

    def post_multipart(self, path: str, data: dict, files: dict, *, kind: str):
        boundary = f"----pingan{random.getrandbits(64):x}"
        parts = []
        for name, value in {
            **data,
            "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
        }.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (filename, content) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: application/pdf\r\n\r\n".encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self._send(
            "POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}", kind
        )

    def sign_in(self, username: str, password: str, secret: bytes | None = None) -> None:
        self.get("/accounts/login/", kind="sign in page")
        answer = self.post(
            "/accounts/login/", {"username": username, "password": password}, kind="sign in"
        )
        if secret is not None:
            from django_otp.oath import totp

            self.post("/accounts/login/code/", {"code": f"{totp(secret):06d}"}, kind="sign in code")
        if "sessionid" not in self.cookies:
            sys.exit(f"{username} could not sign in ({answer.status})")


@dataclass
class _Answer:
    status: int
    text: str


# --------------------------------------------------------------------------------------------
# Setting up


def _environment(folder: Path) -> dict[str, str]:
    env = {
        "DEBUG": "False",
        "SECRET_KEY": "load-test-only-" + "k" * 50,
        "SITE_URL": "https://pingan.example.cn",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{folder / 'load.sqlite3'}"),
        "LOGIN_FAILURE_LIMIT": "1000",
        "ACCESS_LOG": "/dev/null",
    }
    return {**{k: v for k, v in os.environ.items() if k not in env}, **env}


def _prepare(env: dict, folder: Path) -> None:
    database = folder / "load.sqlite3"
    if env["DATABASE_URL"].startswith("sqlite"):
        database.unlink(missing_ok=True)
    for command in (
        ["migrate", "--noinput"],
        ["load_reference"],
        ["seed_demo", "--force"],
        ["collectstatic", "--noinput", "--verbosity", "0"],
    ):
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            sys.exit(f"manage.py {' '.join(command)} failed:\n{done.stderr[-3000:]}")


ACCOUNTS = (
    """
import json
from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice
from ratings.choices import CodeSource, RegionKind, RegionLevel
from ratings.models import Plaque, Region, User
town = Region.objects.get(pk="150303104000")
made = [Region(code=f"150303104{n:03d}", name=f"压力测试{n}村", level=RegionLevel.VILLAGE,
               kind=RegionKind.VILLAGE, parent=town, code_source=CodeSource.DEMO, note="load")
        for n in range(600, 999) if not Region.objects.filter(pk=f"150303104{n:03d}").exists()]
Region.objects.bulk_create(made)
for name in ("hainan", "gongan"):
    User.objects.filter(username=name).update(password=make_password("PASSWORD_HERE"))
device = TOTPDevice.objects.filter(user__username="gongan", confirmed=True).first()
plaque = Plaque.objects.filter(revoked_at__isnull=True).first()
print(json.dumps({"secret": device.bin_key.hex(), "plaque": plaque.number,
                  "communities": list(Region.objects.filter(note="load").order_by("code").values_list("code", flat=True))}))
"""
).replace("PASSWORD_HERE", PASSWORD)


def _accounts(env: dict) -> dict:
    import json

    facts = json.loads(_shell(env, ACCOUNTS))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuhai_safety.settings")
    os.environ.setdefault("DEBUG", "True")
    import django

    django.setup()
    return {
        "assessor": "hainan",
        "certifier": ("gongan", bytes.fromhex(facts["secret"])),
        "plaque": facts["plaque"],
        "communities": facts["communities"],
    }


def _last_event(env: dict) -> int:
    return int(
        _shell(
            env,
            "from ratings.models import Event; "
            "print(Event.objects.order_by('-id').values_list('id', flat=True).first() or 0)",
        )
    )


def _check_events(env: dict, report: Report, since: int) -> str:
    """Every write answered as done left exactly its event, and no event is missing or extra:
    as many submit events as submits answered with a redirect, and so on."""
    import json

    counts = json.loads(
        _shell(
            env,
            (
                "import json; from django.db.models import Count; from ratings.models import Event; "
                f"print(json.dumps(dict(Event.objects.filter(id__gt={since})"
                ".values_list('action').annotate(n=Count('id')).order_by())))"
            ),
        )
    )
    lines = ["", "writes answered as done, and the events they left:"]
    for write, action in (("save", "draft_save"), ("submit", "submit"), ("endorse", "endorse")):
        done, events = report.writes.get(write, 0), counts.get(action, 0)
        lines.append(
            f"  {write:<8}{done:>7} answered {events:>7} events  {'ok' if done == events else 'MISMATCH'}"
        )
    return "\n".join(lines) + "\n"


def _shell(env: dict, script: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(done.stderr[-3000:])
    return done.stdout.strip().splitlines()[-1]


def _worker_pids(master: int) -> list[int]:
    done = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return [int(pid) for pid in done.stdout.split()]


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _memory_table(before: dict[int, int], after: dict[int, int]) -> str:
    lines = ["", "gunicorn workers' memory (resident, MB):"]
    for pid in sorted(set(before) | set(after)):
        start, end = before.get(pid), after.get(pid)
        if start and end:
            lines.append(
                f"  worker {pid}: {start / 1024:.1f} → {end / 1024:.1f} ({(end - start) / 1024:+.1f})"
            )
        else:
            lines.append(f"  worker {pid}: replaced during the run (MAX_REQUESTS)")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
