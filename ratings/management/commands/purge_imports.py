"""Delete spreadsheet uploads that waited more than an hour for a confirmation.

The admin removes an upload once it is confirmed or refused, and purges old ones whenever an
import starts; run this from cron as well, so that nothing lingers when nobody imports.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ratings.imports import purge_stale_uploads


class Command(BaseCommand):
    help = "Delete spreadsheet uploads left unconfirmed for more than an hour (MEDIA_ROOT/imports)."

    def handle(self, *args, **options) -> None:
        deleted = purge_stale_uploads()
        self.stdout.write(f"删除了 {deleted} 个超过一小时未确认的导入文件。")
