"""The queue of a small authority in a large country (issue 11): an item carries its rating's
community code, and the pending items of each level of region are one range of an index in the
queue's order (`item_pending_<n>`, on the code's first n digits).

PostgreSQL keeps no statistics for the expression of a partial index that its planner would
use, so that without more the queue's count took every region for 0.5 % of the items: on
PostgreSQL, extended statistics on each prefix (PostgreSQL 14 and later) give the planner each
region's share, as the count's estimate of a long queue needs. SQLite has neither.
"""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_community_codes(apps, schema_editor):
    """Each item takes its rating's community: one statement for every item there is."""
    if schema_editor.connection.vendor == "postgresql":
        # A join, not a subquery per item: at national scale (ten million items) it is one
        # hash join over both tables.
        schema_editor.execute(
            "UPDATE ratings_staritem AS item SET community_code = rating.community_id "
            "FROM ratings_starrating AS rating WHERE rating.id = item.rating_id"
        )
        return
    StarItem = apps.get_model("ratings", "StarItem")
    StarRating = apps.get_model("ratings", "StarRating")
    StarItem.objects.update(
        community_code=Subquery(
            StarRating.objects.filter(pk=OuterRef("rating_id")).values("community_id")[:1]
        )
    )


PREFIX_LENGTHS = (2, 4, 6, 9, 12)


def add_prefix_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for length in PREFIX_LENGTHS:
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS item_community_{length} "
            f"ON (substring(community_code, 1, {length})) FROM ratings_staritem"
        )
    schema_editor.execute("ANALYZE ratings_staritem")


def remove_prefix_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for length in PREFIX_LENGTHS:
        schema_editor.execute(f"DROP STATISTICS IF EXISTS item_community_{length}")


def pending_index(length):
    return models.Index(
        django.db.models.functions.text.Substr("community_code", 1, length),
        models.F("pending_since"),
        models.F("id"),
        condition=models.Q(("status", "pending")),
        name=f"item_pending_{length}",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ratings", "0027_guidance_list_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="staritem",
            name="community_code",
            field=models.CharField(
                default="", editable=False, max_length=12, verbose_name="社区(村)代码"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(copy_community_codes, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="staritem",
            constraint=models.CheckConstraint(
                condition=models.Q(("community_code", ""), _negated=True),
                name="item_community_code_set",
            ),
        ),
        *(
            migrations.AddIndex(model_name="staritem", index=pending_index(length))
            for length in PREFIX_LENGTHS
        ),
        migrations.RunPython(add_prefix_statistics, remove_prefix_statistics),
    ]
