"""`manage.py restore <folder>`: put a backup back and check it against its manifest."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ratings.backups import BackupError, restore


class Command(BaseCommand):
    help = "Replace the database and MEDIA_ROOT with a backup made by `manage.py backup`."

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", help="a folder made by `manage.py backup`")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask: everything now stored is replaced"
        )

    def handle(self, *args, folder: str, yes: bool, **options) -> None:
        source = Path(folder)
        if not (source / "manifest.json").is_file():
            raise CommandError(f"{source} 不是备份文件夹（没有 manifest.json）。")
        if not yes:
            answer = input(f"用 {source} 替换现在的全部数据和上传文件？输入 yes 确认：")
            if answer.strip() != "yes":
                raise CommandError("未恢复。")
        try:
            figures = restore(source)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(table["rows"] for table in figures.tables.values())
        self.stdout.write(
            f"恢复完成并已核对：{len(figures.tables)} 张表共 {rows} 行、"
            f"{len(figures.media)} 个文件与备份一致。"
        )
