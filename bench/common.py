"""What the benchmarks share: where they keep their files, the production settings their Django
runs with, a process's peak memory, and writing a table to bench/results/."""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
FOLDER = ROOT / "var" / "bench"


def environment(sqlite_file: str) -> dict[str, str]:
    """The production settings a benchmark's Django runs with (DEBUG off), on `DATABASE_URL` or
    else a SQLite file of its own in var/bench/."""
    database = os.environ.get("DATABASE_URL", f"sqlite:///{FOLDER / sqlite_file}")
    return {
        "DEBUG": "False",  # DEBUG keeps every query in memory: not what production does
        "DJANGO_SETTINGS_MODULE": "wuhai_safety.settings",
        "SECRET_KEY": "bench-only-" + "b" * 50,
        "SITE_URL": "https://pingan.example.cn",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MEDIA_ROOT": str(FOLDER / "media"),
        "STATIC_ROOT": str(FOLDER / "static"),
        "DATABASE_URL": database,
    }


def setup(sqlite_file: str) -> None:
    """Django, set up with `environment(sqlite_file)`."""
    os.environ.update(environment(sqlite_file))
    import django

    django.setup()


def peak_kb() -> int:
    """This process's peak resident memory in KiB: VmHWM, which starts afresh with the
    process (ru_maxrss keeps the parent's peak across fork and exec), or ru_maxrss elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def save_table(name: str, text: str) -> Path:
    """Write a run's table to bench/results/<name>-<time>.txt and say where."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.txt"
    path.write_text(text)
    print(f"written to {path}")
    return path
