"""The coverage figures counted per region at every level (`CoverageCount`), so that a coverage
table reads the rows of its own regions (one query) instead of grouping every unit, assessment
and designation in scope.

What moves them, each in the change's own transaction (a change rolled back leaves them as they
were), the unit's row locked first so that a concurrent change of the unit or of its assessment
counts against the same region:

- registering and editing units (domain, region, active), in the portal, the admin or an import
  row by row: every save of a unit (`unit_before_save`, `unit_saved`, connected in the app's
  `ready`); an import's bulk statements, once per chunk (`UnitResource.after_bulk_write`): the
  units' figures before and after;
- an assessment's status, or whether it meets the standard (`assessment_moved`);
- a designation granted or revoked (`designation_granted`, `designation_revoked`);
- publication, which writes the published year's rows as published (`keep_published_counts`).

Figures are keyed by (year id, None for `registered`; domain code; community code; figure) and
moved at the community's six regions (the country, its province, city, county, town and
itself), like the ratings' counters (`ratings.counters`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import CharField, Count, F, Q, Sum, Value
from django.db.models.functions import Substr

from .choices import AssessmentStatus, YearStatus
from .counters import PREFIX_LENGTHS, counters_move, prefixes_of

FIGURES = ("registered", "assessed", "meeting", "named")
YEAR_FIGURES = ("assessed", "meeting", "named")
KEPT_FIGURES = ("registered", "assessed", "meeting")
ASSESSED = (
    AssessmentStatus.SUBMITTED,
    AssessmentStatus.RETURNED,
    AssessmentStatus.APPROVED,
    AssessmentStatus.REJECTED,
)
PUBLISHED = YearStatus.PUBLISHED
BATCH = 300  # rows locked and updated by one statement

Figure = tuple[int | None, str, str, str]  # year id (None: registered), domain, code, figure
Row = tuple[str, str, int | None]  # prefix, domain, year id


def _models():
    from . import models

    return SimpleNamespace(
        Unit=models.Unit,
        Assessment=models.Assessment,
        Designation=models.Designation,
        CoverageSnapshot=models.CoverageSnapshot,
        CoverageCount=models.CoverageCount,
    )


def assessment_figures(status: str, meets_standard: bool | None) -> list[str]:
    """The figures an assessment in `status` counts in."""
    figures = []
    if status in ASSESSED:
        figures.append("assessed")
    if status == AssessmentStatus.APPROVED and meets_standard:
        figures.append("meeting")
    return figures


# --------------------------------------------------------------------------------------------
# Moving the counters


def coverage_counts_move(figures: Counter[Figure]) -> None:
    """Add `figures` (negative to take away) to the counters of every region holding each
    community, in the caller's transaction (`counters.counters_move`): rows created, then
    locked in one order, then updated, a few hundred rows a statement."""
    deltas: dict[Row, Counter] = defaultdict(Counter)
    for (year_id, domain, code, figure), delta in figures.items():
        for prefix in prefixes_of(code):
            deltas[(prefix, domain, year_id)][figure] += delta
    counters_move(
        _models().CoverageCount,
        deltas,
        key_fields=("prefix", "domain_id", "year_id"),
        batch=BATCH,
    )


def unit_figures(unit_ids: Iterable[int], *, lock: bool = False) -> Counter[Figure]:
    """What the units count in now: registered (if active) and, for every year not published,
    assessed, meeting and named (three queries). `lock` locks the units' rows first."""
    m = _models()
    ids = sorted(set(unit_ids))
    figures: Counter[Figure] = Counter()
    if not ids:
        return figures
    units = m.Unit.objects.filter(pk__in=ids)
    if lock:
        units = units.select_for_update().order_by("pk")
    active = {}
    for pk, domain, region, is_active in units.values_list(
        "pk", "domain_id", "region_id", "active"
    ):
        if is_active:
            active[pk] = (domain, region)
            figures[(None, domain, region, "registered")] += 1
    if not active:
        return figures
    assessments = (
        m.Assessment.objects.filter(unit_id__in=list(active), status__in=ASSESSED)
        .exclude(year__status=PUBLISHED)
        .values_list("unit_id", "year_id", "status", "meets_standard")
    )
    for unit_id, year_id, status, meets in assessments:
        domain, region = active[unit_id]
        for figure in assessment_figures(status, meets):
            figures[(year_id, domain, region, figure)] += 1
    named = (
        m.Designation.objects.filter(unit_id__in=list(active), revoked_at__isnull=True)
        .exclude(year__status=PUBLISHED)
        .values_list("unit_id", "year_id")
    )
    for unit_id, year_id in named:
        domain, region = active[unit_id]
        figures[(year_id, domain, region, "named")] += 1
    return figures


def figures_moved(before: Counter[Figure], after: Counter[Figure]) -> None:
    """Move the counters from what some units counted in before a change to what they count in
    after it."""
    moved: Counter[Figure] = Counter()
    for key in set(before) | set(after):
        moved[key] = after.get(key, 0) - before.get(key, 0)
    coverage_counts_move(moved)


COUNTED_FIELDS = {"domain", "domain_id", "region", "region_id", "active"}


def unit_before_save(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    """A unit about to be saved (registered, edited in the portal or the admin, imported row by
    row): what it counts in now, its row locked (`pre_save`). Loading a backup (`raw`) writes
    the counters' own rows instead."""
    instance._coverage_before = None
    if raw or (update_fields is not None and not COUNTED_FIELDS & set(update_fields)):
        return
    locked = connection.in_atomic_block
    instance._coverage_before = (
        unit_figures([instance.pk], lock=locked) if instance.pk else Counter()
    )


def unit_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    """The unit saved: the counters move from what it counted in to what it counts in now."""
    before = getattr(instance, "_coverage_before", None)
    instance._coverage_before = None
    if before is not None:
        figures_moved(before, unit_figures([instance.pk]))


def _unit_locked(unit_id: int) -> tuple[str, str, bool]:
    """The unit's domain, region and whether it is active, its row locked (see the module)."""
    return (
        _models()
        .Unit.objects.select_for_update()
        .filter(pk=unit_id)
        .values_list("domain_id", "region_id", "active")
        .get()
    )


def assessment_moved(assessment, before_status: str, before_meets: bool | None) -> None:
    """Count an assessment (of a year not published) that went from `before_status` to its
    present status (saved or about to be, in the caller's transaction)."""
    before = assessment_figures(before_status, before_meets)
    after = assessment_figures(assessment.status, assessment.meets_standard)
    if before == after:
        return
    domain, region, active = _unit_locked(assessment.unit_id)
    if not active:
        return
    moved: Counter[Figure] = Counter()
    for figure in before:
        moved[(assessment.year_id, domain, region, figure)] -= 1
    for figure in after:
        moved[(assessment.year_id, domain, region, figure)] += 1
    coverage_counts_move(moved)


def designation_granted(designation, year) -> None:
    """Count a naming just made. In a year not published it is named by the unit as it is now
    (if active); in a published year, by the region it was named in, unless the unit already
    counts (a naming revoked after publication stays counted, see `coverage`)."""
    domain, region, active = _unit_locked(designation.unit_id)
    if year.status == PUBLISHED:
        counted = (
            _models()
            .Designation.objects.filter(unit_id=designation.unit_id, year_id=year.pk)
            .exclude(pk=designation.pk)
            .filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=year.published_at))
        )
        if counted.exists():
            return
        coverage_counts_move(Counter({(year.pk, domain, designation.unit_region_id, "named"): 1}))
    elif active:
        coverage_counts_move(Counter({(year.pk, domain, region, "named"): 1}))


def designation_revoked(designation, year) -> None:
    """Count a naming just revoked: a published year's figure keeps it (revoked after
    publication), a year not published no longer counts it."""
    if year.status == PUBLISHED:
        return
    domain, region, active = _unit_locked(designation.unit_id)
    if active:
        coverage_counts_move(Counter({(year.pk, domain, region, "named"): -1}))


# --------------------------------------------------------------------------------------------
# Publication


def _prefix(field: str, length: int):
    return Substr(field, 1, length) if length else Value("", CharField())


def keep_published_counts(year) -> int:
    """Write the published year's rows: registered, assessed and meeting summed from its
    `CoverageSnapshot` rows at each level (one INSERT … SELECT a level), named from its
    designations. Replaces the year's open rows; part of `keep_as_published`. How many rows."""
    m = _models()
    m.CoverageCount.objects.filter(year=year).delete()
    written = 0
    for length in PREFIX_LENGTHS:
        grouped = (
            m.CoverageSnapshot.objects.filter(year=year)
            .annotate(p=_prefix("region_id", length))
            .values("domain_id", "p")
            .annotate(**{f"n_{f}": Sum(f) for f in KEPT_FIGURES}, nothing_named=Value(0))
            .values_list("domain_id", "p", *(f"n_{f}" for f in KEPT_FIGURES), "nothing_named")
            .order_by()
        )
        columns = ("year_id", "domain_id", "prefix", *KEPT_FIGURES, "named")
        written += insert_from(m.CoverageCount, columns, grouped, year.pk)
    named = Counter(
        (year.pk, domain, region, "named")
        for domain, region in m.Designation.objects.filter(year=year, revoked_at__isnull=True)
        .values_list("unit__domain_id", "unit_region_id")
        .iterator(chunk_size=5000)
    )
    coverage_counts_move(named)
    return written


def insert_from(model, columns: tuple[str, ...], rows, *leading) -> int:
    """INSERT INTO `model`'s table `columns`: the values `leading`, then the columns of the
    query `rows` in its order (a `values_list`), row by row in the database without passing
    through Python. How many rows were written."""
    quote = connection.ops.quote_name
    select, params = rows.query.sql_with_params()
    marks = "".join("%s, " for _value in leading)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "
            f"SELECT {marks}kept.* FROM ({select}) kept",
            (*leading, *params),
        )
        return cursor.rowcount


# --------------------------------------------------------------------------------------------
# Counting afresh


def grouped_coverage(models=None) -> Counter:
    """The counters as a fresh grouped count gives them: {(year id or None, domain, prefix,
    figure): n}, zeros left out; a few grouped queries per level. `models` may be a
    migration's (a namespace with Unit, Assessment, Designation, CoverageSnapshot)."""
    m = models or _models()
    counts: Counter = Counter()

    def add(rows, year_field: str | None, domain_field: str, figures: dict) -> None:
        for row in rows:
            year_id = row[year_field] if year_field else None
            for figure, name in figures.items():
                if row[name]:
                    counts[(year_id, row[domain_field], row["p"], figure)] += row[name]

    open_assessments = m.Assessment.objects.filter(unit__active=True, status__in=ASSESSED).exclude(
        year__status=PUBLISHED
    )
    open_named = m.Designation.objects.filter(unit__active=True, revoked_at__isnull=True).exclude(
        year__status=PUBLISHED
    )
    published_named = m.Designation.objects.filter(year__status=PUBLISHED).filter(
        Q(revoked_at__isnull=True) | Q(revoked_at__gt=F("year__published_at"))
    )
    for length in PREFIX_LENGTHS:
        units = (
            m.Unit.objects.filter(active=True)
            .annotate(p=_prefix("region_id", length))
            .values("domain_id", "p")
            .annotate(n=Count("pk"))
            .order_by()
        )
        add(units, None, "domain_id", {"registered": "n"})
        assessed = (
            open_assessments.annotate(p=_prefix("unit__region_id", length))
            .values("year_id", "unit__domain_id", "p")
            .annotate(
                a=Count("pk"),
                m=Count("pk", filter=Q(status=AssessmentStatus.APPROVED, meets_standard=True)),
            )
            .order_by()
        )
        add(assessed, "year_id", "unit__domain_id", {"assessed": "a", "meeting": "m"})
        named = (
            open_named.annotate(p=_prefix("unit__region_id", length))
            .values("year_id", "unit__domain_id", "p")
            .annotate(n=Count("pk"))
            .order_by()
        )
        add(named, "year_id", "unit__domain_id", {"named": "n"})
        kept = (
            m.CoverageSnapshot.objects.filter(year__status=PUBLISHED)
            .annotate(p=_prefix("region_id", length))
            .values("year_id", "domain_id", "p")
            .annotate(**{f"n_{f}": Sum(f) for f in KEPT_FIGURES})
            .order_by()
        )
        add(kept, "year_id", "domain_id", {f: f"n_{f}" for f in KEPT_FIGURES})
        named = (
            published_named.annotate(p=_prefix("unit_region_id", length))
            .values("year_id", "unit__domain_id", "p")
            .annotate(n=Count("unit_id", distinct=True))
            .order_by()
        )
        add(named, "year_id", "unit__domain_id", {"named": "n"})
    return counts


def stored_coverage(count_model=None) -> Counter:
    """The counters as stored, in the shape of `grouped_coverage` (zeros left out)."""
    count_model = count_model or _models().CoverageCount
    counts: Counter = Counter()
    for row in count_model.objects.all():
        for figure in FIGURES:
            value = getattr(row, figure)
            if value:
                counts[(row.year_id, row.domain_id, row.prefix, figure)] = value
    return counts


def rebuild_coverage_counts(models=None) -> int:
    """Recount every counter, in one transaction; how many rows were written. The models
    default to the current ones; a data migration passes its own (with CoverageCount)."""
    m = models or _models()
    rows: dict[Row, dict] = defaultdict(dict)
    for (year_id, domain, prefix, figure), n in grouped_coverage(m).items():
        rows[(prefix, domain, year_id)][figure] = n
    with transaction.atomic():
        m.CoverageCount.objects.all().delete()
        m.CoverageCount.objects.bulk_create(
            (
                m.CoverageCount(year_id=year_id, domain_id=domain, prefix=prefix, **figures)
                for (prefix, domain, year_id), figures in rows.items()
            ),
            batch_size=2000,
        )
    return len(rows)


def coverage_rows(year, prefixes: list[str], domain: str | None = None) -> dict[tuple, dict]:
    """The figures of `year` for regions `prefixes`: {(domain, prefix): {figure: n}}, one
    query on the counters' unique indexes whatever the regions' size. A published year's rows
    are its own; another year's add the registered units (the rows without a year)."""
    count_model = _models().CoverageCount
    rows = count_model.objects.filter(prefix__in=prefixes)
    if domain is not None:
        rows = rows.filter(domain_id=domain)
    fields = ("domain_id", "prefix", *FIGURES)
    read = rows.filter(year=year).values_list(*fields)
    if year.status != PUBLISHED:
        # A union rather than OR: each half is a range of the prefix-first unique indexes.
        read = read.union(rows.filter(year__isnull=True).values_list(*fields), all=True)
    figures: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for row in read:
        counted = figures[(row[0], row[1])]
        for figure, value in zip(FIGURES, row[2:], strict=True):
            counted[figure] += value
    return figures
