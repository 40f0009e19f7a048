"""Keyset (seek) paging, shared by the portal's lists (`views.common.paginate`) and the back
office's changelists (`admin.paging`): a page deep in a list costs what the first one does.

A list ordered by keys that end in a unique one is read a page at a time. The first pages are
numbered (an OFFSET, which the index on the ordering keeps short up to `MAX_NUMBERED_PAGE`);
every other page is reached from its neighbour by seeking past the last (first) row shown, a
range condition on the ordering keys carried by a cursor; the last page is read backwards."""

from __future__ import annotations

import base64
import binascii
import datetime
import functools
import json
import math
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan, LessThan
from django.utils.functional import cached_property

from .counting import count_rows

# Numbered pages are read with an OFFSET, which the index keeps short up to here; beyond it a
# page is reached from its neighbour (a cursor), whatever its depth.
MAX_NUMBERED_PAGE = 50
# The largest integer both databases hold in a column (a cursor edited beyond it is refused).
_INT_LIMIT = 2**63


def order_keys(rows: QuerySet) -> list[tuple[str, bool]]:
    """The ordering of `rows` as (field path or annotation, descending) pairs."""
    keys = []
    for entry in rows.query.order_by:
        if not isinstance(entry, str):
            raise ValueError("keyset paging needs an ordering by field or annotation names")
        keys.append((entry.lstrip("-"), entry.startswith("-")))
    if not keys:
        raise ValueError("keyset paging needs an explicit ordering")
    return keys


class Row(models.Func):
    """A row value, `(a, b, c)`: compared as a whole, it is one range on an index whose
    columns are in the same order (PostgreSQL and SQLite both)."""

    template = "(%(expressions)s)"
    arg_joiner = ", "
    output_field = models.Field()


def seek_q(keys: list[tuple[str, bool]], values: list, *, forward: bool) -> Q:
    """The rows after (`forward`) or before the row whose ordering keys hold `values`.

    When every key goes the same way it is one row comparison, which the index on the ordering
    serves as a range: a page deep in the list costs what the first one does. Mixed directions
    fall back to "the first key that differs lies beyond it"."""
    directions = {descending for _name, descending in keys}
    if len(directions) == 1:
        descending = directions.pop()
        lookup = LessThan if descending == forward else GreaterThan
        left = Row(*(F(name) for name, _descending in keys))
        right = Row(*(Value(value) for value in values))
        return Q(lookup(left, right))
    beyond = []
    equal = Q()
    for (name, descending), value in zip(keys, values, strict=True):
        step = "lt" if descending == forward else "gt"
        beyond.append(equal & Q(**{f"{name}__{step}": value}))
        equal &= Q(**{name: value})
    return functools.reduce(operator.or_, beyond)


def key_value(row: Any, path: str) -> Any:
    """The value of one ordering key on a row: `region__code` is read as `region_id` (no query
    for the related row), and a related row stands for its primary key."""
    value = row
    parts = path.split("__")
    for index, part in enumerate(parts):
        if isinstance(value, models.Model) and index + 1 == len(parts) - 1:
            # "fk__pk": the foreign key's own column holds it.
            try:
                relation = value._meta.get_field(part)
            except FieldDoesNotExist:
                relation = None
            if (
                relation is not None
                and relation.is_relation
                and (relation.many_to_one or relation.one_to_one)
                and relation.concrete
                and relation.target_field.name == parts[-1]
            ):
                return getattr(value, relation.attname)
        value = getattr(value, part)
    return value.pk if isinstance(value, models.Model) else value


_ENCODERS: dict[type, tuple[str, Callable]] = {
    bool: ("b", bool),
    int: ("i", int),
    str: ("s", str),
    datetime.datetime: ("t", datetime.datetime.isoformat),
    datetime.date: ("d", datetime.date.isoformat),
}
_DECODERS: dict[str, Callable] = {
    "b": bool,
    "i": int,
    "s": str,
    "t": datetime.datetime.fromisoformat,
    "d": datetime.date.fromisoformat,
}

# The Python value of each kind of column a cursor can carry (anything else is not sought on).
_FIELD_TYPES: dict[str, type] = {
    **dict.fromkeys(
        ["CharField", "SlugField", "EmailField", "TextField", "URLField", "FilePathField"], str
    ),
    **dict.fromkeys(
        [
            "AutoField",
            "BigAutoField",
            "SmallAutoField",
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "PositiveIntegerField",
            "PositiveSmallIntegerField",
            "PositiveBigIntegerField",
        ],
        int,
    ),
    "BooleanField": bool,
    "DateTimeField": datetime.datetime,
    "DateField": datetime.date,
}


def field_type(model_field: models.Field) -> type | None:
    """The Python type a cursor holds for this column, or None if a cursor cannot hold it."""
    if model_field.is_relation:
        model_field = model_field.target_field
    return _FIELD_TYPES.get(model_field.get_internal_type())


def _path(model, name: str) -> list[models.Field] | None:
    """The fields an ordering key goes through (`region__code`: the relation, then the
    column; `pk` for a primary key), or None when it names no column of `model`."""
    fields, current = [], model
    for part in name.split("__"):
        if current is None:
            return None
        try:
            found = current._meta.get_field(current._meta.pk.name if part == "pk" else part)
        except FieldDoesNotExist:
            return None
        fields.append(found)
        current = found.related_model if found.is_relation else None
    return fields


def key_kinds(rows: QuerySet, keys: list[tuple[str, bool]]) -> list[type | None]:
    """The Python type of each ordering key that names a column (None for an annotation, or
    a column a cursor cannot hold): a cursor holding another type was edited."""
    kinds = []
    for name, _descending in keys:
        fields = _path(rows.model, name)
        kinds.append(field_type(fields[-1]) if fields else None)
    return kinds


def _acceptable(value: Any, kind: type | None) -> bool:
    """Whether a value read from a cursor can be compared with its column without the database
    refusing the query (a cursor may have been edited by hand)."""
    if kind is not None and type(value) is not kind:
        return False
    if isinstance(value, int) and not isinstance(value, bool):
        return -_INT_LIMIT < value < _INT_LIMIT
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, datetime.datetime):
        return (value.tzinfo is not None) == settings.USE_TZ
    return True


@dataclass
class Cursor:
    """Where a page starts: after or before the row holding `values`, or at the end; with the
    number the page will show (None when the total is an estimate and it cannot be known)."""

    direction: str  # "after", "before" or "last"
    number: int | None = None
    values: list = field(default_factory=list)

    def token(self) -> str:
        values = [[_ENCODERS[type(v)][0], _ENCODERS[type(v)][1](v)] for v in self.values]
        raw = json.dumps([self.direction, self.number, values], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def read(cls, token: str, length: int, kinds: list[type | None] | None = None) -> Cursor | None:
        """The cursor a link carried; anything else (edited by hand, from another list) is
        None, and the list starts at its first page. `kinds`, where known, are the Python
        types of the ordering keys: a value of another type is refused too."""
        if not token or len(token) > 600:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            direction, number, values = json.loads(raw)
            values = [_DECODERS[kind](value) for kind, value in values]
        except (binascii.Error, ValueError, TypeError, KeyError):
            return None
        if direction == "last" and not values:
            return cls("last")
        if direction not in ("after", "before") or len(values) != length:
            return None
        kinds = kinds or [None] * length
        if not all(_acceptable(v, kind) for v, kind in zip(values, kinds, strict=True)):
            return None
        if number is not None and (type(number) is not int or not 1 <= number < _INT_LIMIT):
            number = None
        return cls(direction, number, values)


@dataclass
class ListPage:
    """One page of a list, with the links to its neighbours and a total that may be an
    estimate. It stands in for Django's Page and its Paginator in the templates."""

    per_page: int
    count: int
    estimated: bool
    keys: list[tuple[str, bool]]
    object_list: list = field(default_factory=list)
    number: int | None = 1
    has_next: bool = False
    has_previous: bool = False
    # A cursor was given but could not be read: the page is the first one.
    cursor_refused: bool = False

    def fill(self, rows: list, *, number: int | None) -> None:
        self.object_list, self.number = rows, number

    def __iter__(self) -> Iterator:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def paginator(self) -> ListPage:
        return self

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))

    def _cursor(self, direction: str, row: Any, number: int | None) -> str:
        values = [key_value(row, name) for name, _descending in self.keys]
        return Cursor(direction, number, values).token()

    @property
    def next_cursor(self) -> str:
        number = self.number + 1 if self.number else None
        return self._cursor("after", self.object_list[-1], number) if self.object_list else ""

    @property
    def previous_cursor(self) -> str:
        number = self.number - 1 if self.number and self.number > 1 else None
        return self._cursor("before", self.object_list[0], number) if self.object_list else ""

    @property
    def last_cursor(self) -> str:
        return Cursor("last").token()


class EstimatedPaginator(Paginator):
    """Django's paginator (the admin's lists) with the count of `count_rows`: a large table is
    not counted row by row for every page of its changelist."""

    @cached_property
    def counted(self) -> tuple[int, bool]:
        if isinstance(self.object_list, QuerySet):
            return count_rows(self.object_list)
        return super().count, False

    @property
    def count(self) -> int:
        return self.counted[0]

    @property
    def estimated(self) -> bool:
        """Whether `count` is the planner's estimate (shown as "约 N")."""
        return self.counted[1]


def page_number(value: str | None) -> int:
    """A page number from the query string: anything that is not one is the first page."""
    try:
        return max(1, int(value or 1))
    except (TypeError, ValueError):
        return 1


def read_page(
    rows: QuerySet,
    *,
    keys: list[tuple[str, bool]],
    per_page: int,
    total: int,
    estimated: bool,
    token: str = "",
    number: int = 1,
    kinds: list[type | None] | None = None,
) -> ListPage:
    """One page of `rows` (ordered by `keys`, of which `total` rows, perhaps an estimate): the
    page the cursor `token` points at, else the numbered page `number` (at most
    `MAX_NUMBERED_PAGE`, and at most the last page when the total is exact)."""
    cursor = Cursor.read(token, len(keys), kinds)
    page = ListPage(per_page=per_page, count=total, estimated=estimated, keys=keys)
    page.cursor_refused = bool(token) and cursor is None
    if cursor is None:
        number = min(number, MAX_NUMBERED_PAGE, page.num_pages if not estimated else number)
        offset = (number - 1) * per_page
        fetched = list(rows[offset : offset + per_page + 1])
        page.fill(fetched[:per_page], number=number)
        page.has_next, page.has_previous = len(fetched) > per_page, number > 1
    elif cursor.direction == "after":
        fetched = list(rows.filter(seek_q(keys, cursor.values, forward=True))[: per_page + 1])
        page.fill(fetched[:per_page], number=cursor.number)
        page.has_next, page.has_previous = len(fetched) > per_page, True
    elif cursor.direction == "before":
        backwards = rows.filter(seek_q(keys, cursor.values, forward=False)).reverse()
        fetched = list(backwards[: per_page + 1])
        page.has_previous, page.has_next = len(fetched) > per_page, True
        page.fill(fetched[:per_page][::-1], number=cursor.number if page.has_previous else 1)
    else:  # the last page: the order read backwards, as many rows as the numbering leaves
        size = per_page if estimated or not total else total - (page.num_pages - 1) * per_page
        fetched = list(rows.reverse()[: size + 1])
        page.has_previous, page.has_next = len(fetched) > size, False
        page.fill(fetched[:size][::-1], number=None if estimated else page.num_pages)
    return page


# --------------------------------------------------------------------------------------------
# Orderings chosen by someone else (the admin's column headers): which can be sought on


def _never_null_annotation(expression) -> type | None:
    """The type of an annotation that can never be null (a Coalesce ending in a constant, as
    the guidance list's due date), or None."""
    if isinstance(expression, Coalesce):
        last = expression.get_source_expressions()[-1]
        if isinstance(last, Value) and last.value is not None:
            kind = type(last.value)
            return kind if kind in _ENCODERS else None
    return None


def _expand(model, name: str, descending: bool, depth: int = 0) -> list[tuple[str, bool]] | None:
    """`name` as the columns it orders by: a relation named by itself orders by its model's
    own ordering (as Django does), which is followed down to columns."""
    if depth > 3:
        return None
    fields = _path(model, name)
    if fields is None or any(
        field.is_relation and not (field.concrete and (field.many_to_one or field.one_to_one))
        for field in fields
    ):
        return None  # no column, or a reverse or many-to-many relation: rows would repeat
    last = fields[-1]
    if not last.is_relation or name.split("__")[-1] == last.attname:
        return [(name, descending)]
    ordering = last.related_model._meta.ordering or [last.related_model._meta.pk.name]
    expanded = []
    for entry in ordering:
        if not isinstance(entry, str):
            return None
        inner = _expand(
            model,
            f"{name}__{entry.lstrip('-')}",
            descending != entry.startswith("-"),
            depth + 1,
        )
        if inner is None:
            return None
        expanded += inner
    return expanded


def _key_field(model, name: str) -> tuple[models.Field, bool] | None:
    """The column a key orders by and whether it names one of the model's own columns; None
    if a row may have no value for it (a nullable column, or one reached through a nullable
    relation)."""
    fields = _path(model, name)
    if not fields or any(field.null for field in fields):
        return None
    return fields[-1], len(fields) == 1


def seekable_keys(rows: QuerySet) -> tuple[list[tuple[str, bool]], list[type]] | None:
    """The ordering of `rows` as keys a cursor can seek on, with their Python types; None when
    it cannot be sought on: an ordering by an expression, by a column that may be null, by a
    value a cursor cannot carry, or one that does not tell every row from the next (it must
    hold a unique key, as Django's changelist makes sure)."""
    model, annotations = rows.model, rows.query.annotations
    keys: list[tuple[str, bool]] = []
    for entry in rows.query.order_by:
        if not isinstance(entry, str) or entry == "?":
            return None
        name, descending = entry.lstrip("-"), entry.startswith("-")
        expanded = [(name, descending)] if name in annotations else _expand(model, name, descending)
        if expanded is None:
            return None
        keys += [key for key in expanded if key[0] not in {k[0] for k in keys}]
    kinds, own = [], set()
    for name, _descending in keys:
        if name in annotations:
            kind = _never_null_annotation(annotations[name])
        else:
            resolved = _key_field(model, name)
            if resolved is None:
                return None
            column, is_own = resolved
            kind = field_type(column)
            if is_own:
                own.add(column.attname)
        if kind is None:
            return None
        kinds.append(kind)
    opts = model._meta
    unique = {opts.pk.attname} | {
        f.attname for f in opts.concrete_fields if f.unique and not f.null
    }
    together = [
        {opts.get_field(name).attname for name in names}
        for names in (
            *opts.unique_together,
            *(constraint.fields for constraint in opts.total_unique_constraints),
        )
    ]
    if not (own & unique or any(names <= own for names in together)):
        return None
    return keys, kinds
