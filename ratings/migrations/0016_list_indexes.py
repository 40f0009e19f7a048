"""Indexes in the order each list is read, and trigram indexes for searching names.

The trigram (GIN, pg_trgm) indexes serve `name LIKE '%…%'`, the lists' `q`, on PostgreSQL
only; SQLite, for development and tests, searches without them. Creating the extension needs a
role allowed to (the owner of the database, on PostgreSQL 13 and later: pg_trgm is trusted);
going back removes the indexes and leaves the extension.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

# (model, field, index name): the names the lists search with `q`.
TRIGRAM_INDEXES = [
    ("region", "name", "region_name_trgm"),
    ("unit", "name", "unit_name_trgm"),
    ("designation", "unit_name", "designation_name_trgm"),
]


def _trigram_index(field: str, name: str) -> GinIndex:
    return GinIndex(fields=[field], opclasses=["gin_trgm_ops"], name=name)


def add_trigram_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for model, field, name in TRIGRAM_INDEXES:
        schema_editor.add_index(apps.get_model("ratings", model), _trigram_index(field, name))


def remove_trigram_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, field, name in TRIGRAM_INDEXES:
        schema_editor.remove_index(apps.get_model("ratings", model), _trigram_index(field, name))


class Migration(migrations.Migration):
    dependencies = [
        ("ratings", "0015_event_and_status_choices_of_both"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(
                condition=models.Q(("status", "submitted")),
                fields=["submitted_at", "id"],
                name="assessment_review_order",
            ),
        ),
        migrations.AddIndex(
            model_name="designation",
            index=models.Index(
                condition=models.Q(("revoked_at__isnull", True)),
                fields=["year", "unit_region", "id"],
                name="designation_roll_order",
            ),
        ),
        migrations.AddIndex(
            model_name="staritem",
            index=models.Index(
                condition=models.Q(("status", "pending")),
                fields=["pending_since", "id"],
                name="item_pending_order",
            ),
        ),
        migrations.RunPython(add_trigram_indexes, remove_trigram_indexes),
    ]
