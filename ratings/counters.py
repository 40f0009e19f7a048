"""The ratings counted per year, region and status (`RatingStatusCount`), so that a work list's
summary reads one region's rows instead of counting every rating in scope.

Every status change of a rating goes through `workflow.rating_status_set` (a new rating, and a
set-based change such as a batch of 未完成评定, through `rating_counts_move` directly), which
moves the counters of the community's six regions (the country, its province, city, county,
town and itself) in the caller's transaction: a change rolled back leaves them as they were.
How counter rows are made, locked and moved (`counters_move`) is shared with the coverage
table's counters (`coverage_counts`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.db.models import Case, CharField, Count, F, Model, Q, QuerySet, Value, When
from django.db.models.functions import Substr

from .models import RatingStatusCount, StarRating

# The prefix lengths of the levels a scope can be: the whole country, then each level's.
PREFIX_LENGTHS = (0, 2, 4, 6, 9, 12)
# Counters changed a statement: a year end's batch of ratings moves thousands.
BATCH = 500

Move = tuple[str, str | None, str | None]  # a community's code, the status before and after


def prefixes_of(code: str) -> list[str]:
    """The code prefixes of the regions that hold community `code`, the country ("") first."""
    return [code[:length] for length in PREFIX_LENGTHS]


def rating_counts_move(*, year_id: int, moves: Iterable[Move]) -> None:
    """Count ratings of `year_id` moved from one status to another (None: not there before, or
    no longer), in the caller's transaction: three queries for a change of one rating, and two
    more for each further `BATCH` counters a batch of changes touches."""
    deltas: Counter[tuple[str, str]] = Counter()
    for code, before, after in moves:
        if before == after:
            continue
        for prefix in prefixes_of(code):
            if before:
                deltas[(prefix, before)] -= 1
            if after:
                deltas[(prefix, after)] += 1
    counters_move(
        RatingStatusCount,
        {key: {"count": delta} for key, delta in deltas.items()},
        key_fields=("prefix", "status"),
        batch=BATCH,
        year_id=year_id,
    )


def counters_move(
    model: type[Model],
    deltas: dict[tuple, dict[str, int]],
    *,
    key_fields: tuple[str, ...],
    batch: int,
    **shared,
) -> None:
    """Add `deltas`, {key: {field: amount}}, to the counter rows of `model` whose `key_fields`
    (the region's prefix first) hold each key and whose other columns hold `shared`, in the
    caller's transaction; the rows missing are made first.

    Rows are locked in one order, batch after batch, so that two changes never each hold a row
    the other waits for (the country's rows are in every change). A batch of about `batch`
    keys is found through the unique index by the values of each key field (OR-ed keys would
    be read against every counter of the country) and changed by primary key; no prefix is
    split between batches, so what a batch reads beyond its own keys (the same prefixes with
    another status or domain) is never another's, and still comes in that order."""
    keys = sorted((key for key, amounts in deltas.items() if any(amounts.values())), key=_prefix)
    if not keys:
        return
    with transaction.atomic():
        model.objects.bulk_create(
            [model(**shared, **dict(zip(key_fields, key, strict=True))) for key in keys],
            ignore_conflicts=True,
            batch_size=batch,
        )
        for keys_of_batch in batches_by_prefix(keys, batch):
            rows = model.objects.filter(**shared)
            for position, name in enumerate(key_fields):
                values = {key[position] for key in keys_of_batch}
                held = Q(**{f"{name}__in": values - {None}})
                if None in values:  # the coverage counters of units registered, of no year
                    held |= Q(**{f"{name}__isnull": True})
                rows = rows.filter(held)
            wanted = set(keys_of_batch)
            locked = rows.select_for_update().order_by(*key_fields).values_list("pk", *key_fields)
            add_by_pk(
                model.objects,
                {pk: deltas[tuple(key)] for pk, *key in locked if tuple(key) in wanted},
            )


def _prefix(key: tuple) -> str:
    return key[0]


def add_by_pk(rows: QuerySet, deltas: dict[int, dict[str, int]]) -> None:
    """Add to each row (by primary key) its amounts, {field: amount}: one plain UPDATE for each
    set of amounts when there are two at most (a change of one record moves every counter by
    +1 or −1), else one UPDATE with a CASE per field (a batch's amounts differ by region)."""
    by_amounts: dict[tuple, list[int]] = defaultdict(list)
    for pk, amounts in deltas.items():
        nonzero = tuple(sorted((field, n) for field, n in amounts.items() if n))
        if nonzero:
            by_amounts[nonzero].append(pk)
    if len(by_amounts) <= 2:
        for amounts, pks in by_amounts.items():
            rows.filter(pk__in=pks).update(**{field: F(field) + n for field, n in amounts})
        return
    fields = {field for amounts in deltas.values() for field in amounts}
    changes = {}
    for field in sorted(fields):
        whens = [
            When(pk=pk, then=Value(amounts[field]))
            for pk, amounts in deltas.items()
            if amounts.get(field)
        ]
        if whens:
            changes[field] = F(field) + Case(*whens, default=Value(0))
    rows.filter(pk__in=list(deltas)).update(**changes)


def batches_by_prefix(keys: list, size: int) -> Iterator[list]:
    """Keys sorted by their region's prefix (their first value), in batches of about `size`
    that never split a prefix."""
    batch: list = []
    for key in keys:
        if len(batch) >= size and _prefix(key) != _prefix(batch[-1]):
            yield batch
            batch = []
        batch.append(key)
    yield batch


def rating_counts_for(*, year_id: int, prefix: str) -> dict[str, int]:
    """How many ratings of the year are in each status within the region of `prefix` (one
    query on the counters' unique index)."""
    rows = RatingStatusCount.objects.filter(year_id=year_id, prefix=prefix, count__gt=0)
    return dict(rows.values_list("status", "count"))


def grouped_counts(rating_model, *, year_id: int | None = None) -> Counter:
    """The counters as a fresh grouped count of the ratings would give them: {(year, prefix,
    status): count}, one query per level. `rating_model` may be a migration's."""
    counts: Counter = Counter()
    ratings = rating_model.objects.all()
    if year_id is not None:
        ratings = ratings.filter(year_id=year_id)
    for length in PREFIX_LENGTHS:
        grouped = (
            ratings.annotate(
                prefix=Substr("community_id", 1, length) if length else Value("", CharField())
            )
            .values("year_id", "prefix", "status")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in grouped:
            counts[(row["year_id"], row["prefix"], row["status"])] = row["n"]
    return counts


def stored_counts(count_model, *, year_id: int | None = None) -> Counter:
    """The counters as stored, in the shape of `grouped_counts` (zeros left out)."""
    rows = count_model.objects.filter(count__gt=0)
    if year_id is not None:
        rows = rows.filter(year_id=year_id)
    return Counter({(r.year_id, r.prefix, r.status): r.count for r in rows})


def rebuild_rating_counts(rating_model=None, count_model=None) -> int:
    """Recount every counter from the ratings, in one transaction; how many rows were written.
    The models default to the current ones; a data migration passes its own."""
    if rating_model is None or count_model is None:
        rating_model, count_model = StarRating, RatingStatusCount
    counts = grouped_counts(rating_model)
    with transaction.atomic():
        count_model.objects.all().delete()
        count_model.objects.bulk_create(
            [
                count_model(year_id=year, prefix=prefix, status=status, count=n)
                for (year, prefix, status), n in counts.items()
            ],
            batch_size=2000,
        )
    return len(counts)
