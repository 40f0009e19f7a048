"""Writes that are not state changes of the workflow: registering and editing units, print jobs.

Like the workflow, each function runs in one transaction, checks what it may do through
`permissions`, and records an event with what changed.
"""

from .printing import plaques_to_print, print_job_request, print_job_run
from .units import UnitDetails, unit_create, unit_update

__all__ = [
    "UnitDetails",
    "plaques_to_print",
    "print_job_request",
    "print_job_run",
    "unit_create",
    "unit_update",
]
