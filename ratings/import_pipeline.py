"""The import engine's row loop: a file's rows in chunks, written in bulk, every row or none.

For each chunk of rows it looks up what the rows name (regions, domains…) and the stored rows
their keys find, a few queries a chunk; reads and validates each row with the resource's own
fields, widgets and `full_clean()` (the model's rules, in the same words as before); and writes
the chunk's valid rows with `bulk_create` / `bulk_update` inside a savepoint. Uniqueness and the
database's check constraints are left to the database on that path: if it refuses the chunk,
the savepoint is rolled back and the chunk is done again row by row with the full validation
(`validate_unique`, `validate_constraints`), which names the row and the rule as before. A row
that names a parent given earlier in the same file (a town, then its villages) finds it.

The whole import runs in one transaction, rolled back for a preview or when any row is bad. The
result keeps the totals, every error's text, the first `SHOWN_ERRORS` bad rows and a sample of
`SAMPLE_ROWS` rows with their before and after: a preview of 100,000 rows stays a small page.
"""

from __future__ import annotations

from copy import deepcopy
from typing import TYPE_CHECKING

import tablib
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, models, transaction
from import_export.results import Error, Result, RowResult

from .workflow.common import bump_public_version

if TYPE_CHECKING:
    from .resources import PortalResource

CHUNK = 1000
SAMPLE_ROWS = 50
SHOWN_ERRORS = 200


class PipelineResult(Result):
    """import-export's Result, holding only a sample of rows: `messages` has every error's text
    by line, `rows` the first rows (and the first bad ones) for the page."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.messages: list[tuple[int, str]] = []
        self.failed = False

    def has_errors(self) -> bool:
        return bool(self.base_errors or self.error_rows)


def import_rows(
    resource: PortalResource, dataset, lines: list[int], *, dry_run: bool, user=None, log_user=None
) -> PipelineResult:
    """Import (or preview) `dataset`, whose rows are the file's `lines`; all or nothing."""
    result = PipelineResult()
    result.diff_headers = resource.get_diff_headers()
    result.total_rows = len(dataset)
    result.dataset = dataset  # for the admin to keep until the confirmation (keep_table)
    run = _Run(resource, dataset.headers, result, dry_run=dry_run, user=user, log_user=log_user)
    with transaction.atomic():
        resource.before_import(dataset, dry_run=dry_run, user=user)
        for start in range(0, len(dataset), CHUNK):
            run.chunk(dataset[start : start + CHUNK], lines[start : start + CHUNK])
        if dry_run or result.failed:
            transaction.set_rollback(True)
        else:
            # Names, survey results and the like are on public pages: cached ones must refresh.
            bump_public_version()
    result.messages.sort(key=lambda pair: pair[0])
    return result


class _Row:
    __slots__ = ("diff", "instance", "line", "new", "row")

    def __init__(self, line: int, row: dict, instance, new: bool, diff) -> None:
        self.line, self.row, self.instance, self.new, self.diff = line, row, instance, new, diff


class _Run:
    def __init__(self, resource, headers, result, *, dry_run, user, log_user) -> None:
        from .resources import CodeForeignKey, PreloadedInstanceLoader

        self.resource, self.headers, self.result = resource, list(headers), result
        self.dry_run, self.user, self.log_user = dry_run, user, log_user
        self.loader_class = PreloadedInstanceLoader
        self.model = resource._meta.model
        self.fields = resource.get_import_fields()
        self.references = [
            field
            for field in self.fields
            if isinstance(field.widget, CodeForeignKey) and field.column_name in self.headers
        ]
        # A parent given by an earlier row of the file (a town before its villages) is found
        # among the rows read so far, as it was when every row was saved before the next.
        for field in self.references:
            field.widget.pending = {} if field.widget.model is self.model else None
        self.update_fields = [
            self.model._meta.get_field(field.attribute).name
            for field in self.fields
            if field.column_name in self.headers
            and not self.model._meta.get_field(field.attribute).primary_key
        ]
        self.attnames = [
            self.model._meta.get_field(field.attribute).attname for field in self.fields
        ]
        # A model that saves itself in its own way is saved row by row, as before.
        self.bulk = self.model.save is models.Model.save
        self.diffs = 0
        self.kwargs = {"dry_run": dry_run, "user": user, "using_transactions": True}

    # -- one chunk ---------------------------------------------------------------------------

    def chunk(self, values: list, lines: list[int]) -> None:
        rows = [dict(zip(self.headers, cells, strict=True)) for cells in values]
        for field in self.references:
            field.widget.prefetch(str(row[field.column_name]).strip() for row in rows)
        loader = self.loader_class(self.resource, tablib.Dataset(*values, headers=self.headers))
        ready: list[_Row] = []
        for line, row in zip(lines, rows, strict=True):
            item = self.read(loader, line, row)
            if item is not None:
                ready.append(item)
        if not ready:
            return
        if self.bulk and self.write_in_bulk(ready):
            return
        for item in ready:
            self.write_one(item)

    def read(self, loader, line: int, row: dict) -> _Row | None:
        """The row as a validated instance ready to write, or None (unchanged, or bad)."""
        resource = self.resource
        try:
            resource.before_import_row(row, **self.kwargs)
            instance = loader.get_instance(row)
            new = instance is None
            if new:
                instance = resource.init_instance(row)
            resource.after_init_instance(instance, new, row, **self.kwargs)
            diff = None
            if self.diffs < SAMPLE_ROWS:
                self.diffs += 1
                diff = resource.get_diff_class()(resource, deepcopy(instance), new)
            before = None if new else self.values(instance)
            errors: dict = {}
            try:
                resource.import_instance(instance, row, **self.kwargs)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
            if before is not None and not errors:
                if self.values(instance) == before:
                    self.result.totals[RowResult.IMPORT_TYPE_SKIP] += 1
                    self.sample(RowResult.IMPORT_TYPE_SKIP, instance, diff)
                    return None
            resource.validate_instance(instance, errors, in_bulk=self.bulk)
        except ValidationError as error:
            self.invalid(line, row, error)
            return None
        except Exception as error:  # a widget's or a hook's refusal: that row's error
            self.error(line, row, error)
            return None
        self.remember(instance)
        return _Row(line, row, instance, new, diff)

    def values(self, instance) -> list:
        """What the row's columns set, to tell an unchanged row: a reference by its key, so
        that a stored row's region is not fetched to be compared."""
        return [getattr(instance, name) for name in self.attnames]

    def remember(self, instance) -> None:
        for field in self.references:
            pending = field.widget.pending
            if pending is not None:
                pending[str(getattr(instance, field.widget.field))] = instance

    def write_in_bulk(self, ready: list[_Row]) -> bool:
        """Write the chunk in a few statements; False (nothing written) if the database refuses
        any row, so that the chunk is written row by row and the row is named."""
        new = [item.instance for item in ready if item.new]
        changed = [item.instance for item in ready if not item.new]
        # What a save would do beyond writing the row, the resource does once for the chunk
        # (a refused chunk is saved row by row, and each save does it).
        before = self.resource.before_bulk_write(changed)
        try:
            with transaction.atomic():  # a savepoint: a refusal undoes the chunk only
                if new:
                    self.model.objects.bulk_create(new, batch_size=CHUNK)
                if changed:
                    self.model.objects.bulk_update(changed, self.update_fields, batch_size=CHUNK)
        except DatabaseError:
            return False
        self.resource.after_bulk_write(before, new + changed)
        for item in ready:
            self.done(item)
        self.log(new, ADDITION, RowResult.IMPORT_TYPE_NEW)
        self.log(changed, CHANGE, RowResult.IMPORT_TYPE_UPDATE)
        return True

    def write_one(self, item: _Row) -> None:
        """The row validated in full (uniqueness, the database's rules) and saved on its own."""
        resource = self.resource
        if item.new and item.instance._state.adding is False:
            # Written by the refused bulk statement, then rolled back: new again.
            item.instance._state.adding = True
            if self.model._meta.pk.db_returning:  # an id the database gave
                item.instance.pk = None
        try:
            if self.bulk:  # read() left uniqueness and the constraints to the bulk write
                resource.validate_instance(item.instance, {})
            with transaction.atomic():
                item.instance.save(force_insert=item.new)
        except ValidationError as error:
            self.invalid(item.line, item.row, error)
            return
        except Exception as error:
            self.error(item.line, item.row, error)
            return
        self.done(item)
        if item.new:
            self.log([item.instance], ADDITION, RowResult.IMPORT_TYPE_NEW)
        else:
            self.log([item.instance], CHANGE, RowResult.IMPORT_TYPE_UPDATE)

    # -- what is reported ----------------------------------------------------------------------

    def done(self, item: _Row) -> None:
        kind = RowResult.IMPORT_TYPE_NEW if item.new else RowResult.IMPORT_TYPE_UPDATE
        self.result.totals[kind] += 1
        self.sample(kind, item.instance, item.diff)

    def sample(self, kind: str, instance, diff) -> None:
        if diff is None:
            return
        row_result = RowResult()
        row_result.import_type = kind
        diff.compare_with(self.resource, instance)
        row_result.diff = diff.as_html()
        row_result.add_instance_info(instance)
        self.result.append_row_result(row_result)

    def invalid(self, line: int, row: dict, error: ValidationError) -> None:
        self.result.failed = True
        self.result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
        try:
            by_column = error.message_dict
        except AttributeError:  # a message about the whole row
            by_column = {NON_FIELD_ERRORS: error.messages}
        for column, messages in by_column.items():
            for message in messages:
                if column == NON_FIELD_ERRORS:
                    text = f"第 {line} 行：{message}"
                else:
                    text = f"第 {line} 行，“{column}”列：{message}"
                self.result.messages.append((line, text))
        if len(self.result.invalid_rows) < SHOWN_ERRORS:
            self.result.append_invalid_row(line, row, error)

    def error(self, line: int, row: dict, error: Exception) -> None:
        self.result.failed = True
        self.result.totals[RowResult.IMPORT_TYPE_ERROR] += 1
        self.result.messages.append((line, f"第 {line} 行：{error}"))
        if len(self.result.error_rows) < SHOWN_ERRORS:
            self.result.append_error_row(line, row, [Error(error, row=row, number=line)])

    def log(self, instances: list, flag: int, kind: str) -> None:
        """The admin's change history, as the library writes it, a statement per chunk."""
        if self.log_user is None or self.dry_run or not instances:
            return
        LogEntry.objects.log_actions(
            self.log_user.pk,
            instances,
            flag,
            change_message=f"{kind} through import_export",
            single_object=len(instances) == 1,
        )
