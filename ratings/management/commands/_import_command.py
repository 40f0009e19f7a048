"""What `import_criteria`, `import_regions` and `import_units` share: the admin's engine and
report, on the command line."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ratings.imports import MAX_ROWS, import_bytes, record_import
from ratings.resources import PortalResource


class ImportCommand(BaseCommand):
    resource_class: type[PortalResource]
    what: str

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="an .xlsx or .csv file (UTF-8 or GBK)")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change and write nothing"
        )
        parser.add_argument(
            "--max-rows",
            type=int,
            default=MAX_ROWS,
            help=f"refuse larger files (default {MAX_ROWS})",
        )

    def handle(self, *args, file: str, dry_run: bool, max_rows: int, **options) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        report = import_bytes(
            self.resource_class, path.read_bytes(), path.name, dry_run=dry_run, max_rows=max_rows
        )
        if not dry_run:
            record_import(user=None, what=self.what, report=report)
        first, *rest = report.lines()
        preview = "（预览，未写入）" if dry_run and report.ok else ""
        self.stdout.write(f"{self.what}{preview}：{first}")
        for line in rest:
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"{self.what}导入失败，共 {len(report.errors)} 处错误。")
