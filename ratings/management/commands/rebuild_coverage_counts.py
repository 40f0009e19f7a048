"""Recount the coverage counters per domain and region from the units, assessments,
designations and published figures.

The workflow keeps them in step with every change; run this after units, assessments or
designations were written some other way (a restore from an older backup, a benchmark's
generated data).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ratings.coverage_counts import rebuild_coverage_counts


class Command(BaseCommand):
    help = "Recount the coverage figures per domain and region (the coverage tables)."

    def handle(self, *args, **options) -> None:
        rows = rebuild_coverage_counts()
        self.stdout.write(f"重新计数完成：{rows} 行。")
