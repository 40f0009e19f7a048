"""Writes that are not state changes of the workflow: registering and editing units.

Like the workflow, each function runs in one transaction, checks what it may do through
`permissions`, and records an event with what changed.
"""

from .units import UnitDetails, unit_create, unit_update

__all__ = ["UnitDetails", "unit_create", "unit_update"]
