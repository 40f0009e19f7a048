"""Recount the work lists' counters of ratings per year, region and status from the ratings.

The workflow keeps them in step with every status change; run this after ratings were written
some other way (a restore from an older backup, a benchmark's generated data).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ratings.counters import rebuild_rating_counts


class Command(BaseCommand):
    help = "Recount the ratings per year, region and status (the work lists' summaries)."

    def handle(self, *args, **options) -> None:
        rows = rebuild_rating_counts()
        self.stdout.write(f"重新计数完成：{rows} 行。")
