"""Counting rows that may be many: exact while it is cheap, the planner's estimate beyond."""

from __future__ import annotations

import json

from django.db import connections
from django.db.models import QuerySet

ESTIMATE_ABOVE = 5_000


def planner_estimate(rows: QuerySet) -> int:
    """How many rows PostgreSQL's planner expects `rows` to hold (one EXPLAIN, no scan)."""
    output = rows.order_by().explain(format="json")
    if not output:
        # A filter that can match nothing (such as a scope holding no region) is never sent to
        # the database, so there is no plan either.
        return 0
    plan = json.loads(output)
    if isinstance(plan, list):  # the driver may hand over EXPLAIN's output as text
        plan = plan[0]
    return int(plan["Plan"]["Plan Rows"])


def count_rows(rows: QuerySet) -> tuple[int, bool]:
    """The number of rows and whether it is an estimate: on PostgreSQL the planner's estimate
    when it is large (counting would read every row of a city or a country), else exact."""
    if connections[rows.db].vendor == "postgresql":
        estimate = planner_estimate(rows)
        if estimate > ESTIMATE_ABOVE:
            return estimate, True
    return rows.count(), False
