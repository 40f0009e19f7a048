"""`manage.py backup`: the database and the uploaded files, with a manifest to check a restore."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ratings.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump, or SQLite's online backup) and MEDIA_ROOT."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--to",
            default=str(Path(settings.BASE_DIR) / "var" / "backups"),
            help="folder to put the backup in (a new dated folder is made inside)",
        )

    def handle(self, *args, to: str, **options) -> None:
        try:
            folder = backup(Path(to))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"备份完成：{folder}")
        self.stdout.write(f"恢复：make restore FROM={folder}")
