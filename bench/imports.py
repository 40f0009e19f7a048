"""Benchmark: spreadsheet imports against a plain `bulk_create` of the same rows, in the same run.

    make bench-imports                         # ROWS=10000, SQLite in var/bench/imports.sqlite3
    make bench-imports ROWS=100000
    DATABASE_URL=postgres://… .venv/bin/python bench/imports.py --rows 100000 --only units

Generates N community-level regions and N household units, each as an XLSX file and as a GBK
CSV (what Chinese Excel saves), and imports each file through the import command's own code
path (`import_regions` / `import_units`, as `manage.py` runs them). Every measurement runs in a
fresh process, so that its peak resident memory (VmHWM) is its own; the process's peak before
the import (Django loaded, connected) is given in brackets. The floor is `bulk_create` of the same rows (model instances
built from the same values, 1,000 a batch), measured in the same run on the same database.
The table is printed and written to bench/results/.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import FOLDER, environment, peak_kb, save_table, setup

SQLITE_FILE = "imports.sqlite3"
FILES = FOLDER / "imports"

CITY = "159000000000"  # a generated city of 内蒙古 (Wuhai is 1503): nothing real lives there
COUNTY = "159001000000"
UNIT_TOWN = "159001999000"  # the units' communities; the imported regions go under towns 001…
UNIT_VILLAGES = 500
REGION_COLUMNS = ["区划代码", "名称", "层级", "类别", "上级区划代码", "代码来源", "有效", "备注"]
UNIT_COLUMNS = ["创建领域", "所在区划代码", "名称", "统一社会信用代码", "地址", "有效"]


# --------------------------------------------------------------------------------------------
# The rows


def region_rows(count: int):
    """N community-level regions under generated towns (999 to a town), as a person types them:
    levels, kinds and sources by their Chinese labels."""
    for index in range(count):
        town, village = divmod(index, 999)
        code = f"{COUNTY[:6]}{town + 1:03d}{village + 1:03d}"
        parent = f"{COUNTY[:6]}{town + 1:03d}000"
        kind = "社区" if index % 2 else "村"
        yield [code, f"基准导入{code}社区", "村级", kind, parent, "本系统暂编", "是", "导入基准"]


def unit_rows(count: int):
    """N households of the family domain (平安家庭, by its name) spread over 500 communities."""
    for index in range(count):
        village = f"{UNIT_TOWN[:9]}{index % UNIT_VILLAGES + 1:03d}"
        yield ["平安家庭", village, f"基准户{index:07d}", "", f"第{index}号", "是"]


def write_files(kind: str, count: int) -> dict[str, Path]:
    from ratings.spreadsheets import xlsx_bytes

    FILES.mkdir(parents=True, exist_ok=True)
    header, rows = (REGION_COLUMNS, region_rows) if kind == "regions" else (UNIT_COLUMNS, unit_rows)
    csv_path = FILES / f"{kind}-{count}.csv"
    with open(csv_path, "w", encoding="gbk", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows(count))
    xlsx_path = FILES / f"{kind}-{count}.xlsx"
    xlsx_path.write_bytes(xlsx_bytes(kind, header, rows(count)))
    return {"GBK CSV": csv_path, "XLSX": xlsx_path}


# --------------------------------------------------------------------------------------------
# The database


def prepare() -> None:
    """Migrate, load the reference data, and make the bench's city, county, towns and the
    units' communities (once)."""
    from django.core.management import call_command

    from ratings.choices import CodeSource, RegionKind, RegionLevel
    from ratings.models import Region

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0, stdout=open(os.devnull, "w"))

    def region(code, name, level, kind, parent):
        return Region(
            code=code,
            name=name,
            level=level,
            kind=kind,
            parent_id=parent,
            code_source=CodeSource.DEMO,
            note="导入基准",
        )

    made = [
        region(CITY, "基准导入市", RegionLevel.CITY, RegionKind.CITY, None),
        region(COUNTY, "基准导入区", RegionLevel.COUNTY, RegionKind.DISTRICT, CITY),
        *(
            region(
                f"{COUNTY[:6]}{t:03d}000",
                f"基准导入{t}镇",
                RegionLevel.TOWN,
                RegionKind.TOWN,
                COUNTY,
            )
            for t in range(1, 1000)
        ),
        *(
            region(
                f"{UNIT_TOWN[:9]}{v:03d}",
                f"基准户区{v}",
                RegionLevel.VILLAGE,
                RegionKind.COMMUNITY,
                UNIT_TOWN,
            )
            for v in range(1, UNIT_VILLAGES + 1)
        ),
    ]
    Region.objects.bulk_create(made, ignore_conflicts=True, batch_size=1000)


def clear(kind: str) -> None:
    """Remove what a measurement wrote, without measuring it."""
    from ratings.models import Region, Unit

    if kind == "regions":
        rows = Region.objects.filter(code__startswith=COUNTY[:6], level=5).exclude(
            code__startswith=UNIT_TOWN[:9]
        )
    else:
        rows = Unit.objects.filter(region__code__startswith=UNIT_TOWN[:9])
    rows._raw_delete(rows.db)


def count(kind: str) -> int:
    from ratings.models import Region, Unit

    if kind == "regions":
        return (
            Region.objects.filter(code__startswith=COUNTY[:6], note="导入基准", level=5)
            .exclude(code__startswith=UNIT_TOWN[:9])
            .count()
        )
    return Unit.objects.filter(region__code__startswith=UNIT_TOWN[:9]).count()


# --------------------------------------------------------------------------------------------
# One measurement, in its own process


def measure_child(mode: str, kind: str, rows: int, path: str) -> dict:
    setup(SQLITE_FILE)
    from django.core.management import call_command
    from django.db import connection

    from ratings.models import Domain, Region, Unit

    connection.ensure_connection()
    before = peak_kb()
    output = io.StringIO()
    started = time.perf_counter()
    if mode == "import":
        command = "import_regions" if kind == "regions" else "import_units"
        call_command(command, path, "--max-rows", str(rows), stdout=output)
    elif kind == "regions":
        # What the import ends with, for the same rows: model instances from the typed values.
        levels = {"村级": 5}
        kinds = {"社区": "community", "村": "village"}
        Region.objects.bulk_create(
            (
                Region(
                    code=code,
                    name=name,
                    level=levels[level],
                    kind=kinds[kind_],
                    parent_id=parent,
                    code_source="assigned",
                    active=active == "是",
                    note=note,
                )
                for code, name, level, kind_, parent, source, active, note in region_rows(rows)
            ),
            batch_size=1000,
        )
    else:
        family = Domain.objects.get(name="平安家庭")
        Unit.objects.bulk_create(
            (
                Unit(
                    domain=family,
                    region_id=region,
                    name=name,
                    credit_code=code,
                    address=address,
                    active=active == "是",
                )
                for _domain, region, name, code, address, active in unit_rows(rows)
            ),
            batch_size=1000,
        )
    seconds = time.perf_counter() - started
    peak = peak_kb()
    return {
        "seconds": seconds,
        "rss_before_mb": before / 1024,
        "rss_peak_mb": peak / 1024,
        "output": output.getvalue().strip()[:300],
    }


def run_child(mode: str, kind: str, rows: int, path: Path | str = "") -> dict:
    completed = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            mode,
            "--kind",
            kind,
            "--rows",
            str(rows),
            "--file",
            str(path),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **environment(SQLITE_FILE)},
    )
    if completed.returncode:
        sys.exit(f"{mode} {kind} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=int(os.environ.get("ROWS", 10_000)))
    parser.add_argument("--only", default="", help="regions or units")
    parser.add_argument("--format", default="", help="csv or xlsx")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    parser.add_argument("--kind", default="", help=argparse.SUPPRESS)
    parser.add_argument("--file", default="", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(measure_child(options.child, options.kind, options.rows, options.file)))
        return

    FOLDER.mkdir(parents=True, exist_ok=True)
    setup(SQLITE_FILE)
    from django.db import connection

    prepare()
    lines = [
        f"imports, {options.rows:,} rows, {connection.vendor}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        "| rows | format | import s | rows/s | bulk_create rows/s | ÷ bulk_create | peak MB (before) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    print("\n".join(lines), flush=True)
    for kind in ("regions", "units"):
        if options.only and options.only != kind:
            continue
        files = write_files(kind, options.rows)
        clear(kind)
        floor = run_child("bulk", kind, options.rows)
        assert count(kind) == options.rows, "bulk_create wrote a different number of rows"
        floor_rate = options.rows / floor["seconds"]
        clear(kind)
        for label, path in files.items():
            if options.format and options.format not in label.lower():
                continue
            result = run_child("import", kind, options.rows, path)
            written = count(kind)
            if written != options.rows:
                sys.exit(f"{kind} {label}: wrote {written} of {options.rows}: {result['output']}")
            clear(kind)
            rate = options.rows / result["seconds"]
            line = (
                f"| {kind} | {label} | {result['seconds']:.1f} | {rate:,.0f} | {floor_rate:,.0f} "
                f"| {rate / floor_rate:.3f} | {result['rss_peak_mb']:.0f} "
                f"({result['rss_before_mb']:.0f}) |"
            )
            lines.append(line)
            print(line, flush=True)
    save_table(f"imports-{options.rows}", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
