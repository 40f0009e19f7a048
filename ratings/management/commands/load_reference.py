"""Load the reference data in `fixtures/`, adding what is missing and never changing what is there;
and the official calendar of working days for the years chinese-calendar covers that the table
lacks (a year already there, perhaps edited by an administrator, is left alone).

`loaddata` would overwrite rows an administrator has since edited (a standard given to another
authority, a criterion deactivated); this command only inserts, so running it on every start-up
is safe.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand
from django.core.management.color import no_style
from django.db import connection, transaction

from ratings.workdays import calendar_add_missing_years

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
REFERENCE_FIXTURES = ["regions.json", "programme.json", "criteria.json"]


class Command(BaseCommand):
    help = "Add the missing reference data (regions, domains, standards, criteria) from fixtures/."

    def handle(self, *args, **options) -> None:
        added = kept = 0
        touched: set[type] = set()
        with transaction.atomic():
            for name in REFERENCE_FIXTURES:
                with open(FIXTURES_DIR / name, encoding="utf-8") as stream:
                    objects = list(serializers.deserialize("json", stream))
                existing: dict[type, set] = {}
                for deserialized in objects:
                    model = type(deserialized.object)
                    if model not in existing:
                        existing[model] = set(model.objects.values_list("pk", flat=True))
                    if deserialized.object.pk in existing[model]:
                        kept += 1
                        continue
                    deserialized.save()
                    added += 1
                    touched.add(model)
            # Rows saved with explicit ids leave PostgreSQL's id sequences behind; move them on,
            # as loaddata does, or the next row an administrator adds collides.
            if touched:
                with connection.cursor() as cursor:
                    for statement in connection.ops.sequence_reset_sql(no_style(), list(touched)):
                        cursor.execute(statement)
            calendar_years = calendar_add_missing_years()
        self.stdout.write(f"reference data: {added} added, {kept} already present")
        if calendar_years:
            self.stdout.write(f"official calendar: added {calendar_years[0]}–{calendar_years[-1]}")
