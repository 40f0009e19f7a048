"""Printing many certificates at once."""

from __future__ import annotations

from celery import shared_task

from ..services import printing


@shared_task(acks_late=True)
def certificates_print(job_id: int) -> None:
    """Make the PDF of a print job (see `services.printing`)."""
    printing.print_job_run(job_id=job_id)
