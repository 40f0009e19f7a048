# The coverage table's figures counted per domain and region at every level (issue 11): a table
# reads its own regions' rows, the same for a town and for the country.

from types import SimpleNamespace

import django.db.models.deletion
from django.db import migrations, models

from ratings.coverage_counts import rebuild_coverage_counts


def count_coverage(apps, schema_editor):
    """The counters of the units, assessments, designations and published figures already
    there, from a grouped count."""
    rebuild_coverage_counts(
        SimpleNamespace(
            **{
                name: apps.get_model("ratings", name)
                for name in (
                    "Unit",
                    "Assessment",
                    "Designation",
                    "CoverageSnapshot",
                    "CoverageCount",
                )
            }
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ratings", "0028_item_community_code"),
    ]

    operations = [
        migrations.CreateModel(
            name="CoverageCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("prefix", models.CharField(blank=True, max_length=12)),
                ("registered", models.PositiveIntegerField(default=0)),
                ("assessed", models.PositiveIntegerField(default=0)),
                ("meeting", models.PositiveIntegerField(default=0)),
                ("named", models.PositiveIntegerField(default=0)),
                (
                    "domain",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="ratings.domain",
                    ),
                ),
                (
                    "year",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="ratings.ratingyear",
                    ),
                ),
            ],
            options={
                "verbose_name": "创建覆盖计数",
                "verbose_name_plural": "创建覆盖计数",
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("year__isnull", False)),
                        fields=("prefix", "domain", "year"),
                        name="coverage_count_unique",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("year__isnull", True)),
                        fields=("prefix", "domain"),
                        name="coverage_count_registered_unique",
                    ),
                ],
            },
        ),
        migrations.RunPython(count_coverage, migrations.RunPython.noop),
    ]
