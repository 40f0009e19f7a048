"""Printing every certificate of a year, a district or a town as one PDF, in the background.

Asking makes a PrintJob and enqueues its task once the request's transaction has committed;
the task draws the certificates page by page into a temporary file, telling the job how far it
got (the page shows a progress bar), and keeps the file in the portal's storage."""

from __future__ import annotations

import tempfile

from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..certificates import certificates_pdf
from ..choices import PrintJobStatus, YearStatus
from ..models import Plaque, PrintJob, RatingYear, Region, User, within_q
from ..workflow.common import TransitionNotAllowed


def plaques_to_print(*, year: RatingYear, region: Region | None):
    """The valid plaques of `year` inside `region` (all of them without one), in number order."""
    plaques = (
        Plaque.objects.filter(year=year, revoked_at__isnull=True)
        .select_related("rating__community__parent", "rating__year")
        .order_by("sequence")
    )
    if region is not None:
        plaques = plaques.filter(within_q(region.prefix, "rating__community_id"))
    return plaques


def print_job_request(*, user: User, year: RatingYear, region: Region | None) -> PrintJob:
    """Ask for the certificates of a published year (or of one of its regions) as one PDF."""
    if not permissions.can_administer(user):
        raise TransitionNotAllowed(_("只有管理员可以批量打印证书。"))
    year = RatingYear.objects.get(pk=year.pk)
    if year.status != YearStatus.PUBLISHED:
        raise TransitionNotAllowed(
            _("%(year)s年度结果尚未公布，不能打印证书。") % {"year": year.year}
        )
    total = plaques_to_print(year=year, region=region).count()
    if not total:
        raise TransitionNotAllowed(_("所选范围内没有有效的牌匾，无需打印。"))
    job = PrintJob.objects.create(year=year, region=region, requested_by=user, total=total)
    from ..tasks import certificates_print  # the task calls back into this module

    transaction.on_commit(lambda: certificates_print.delay(job.pk))
    return job


def print_job_run(*, job_id: int) -> PrintJob:
    """Draw the job's certificates into one PDF and keep it. A job is run once: a second
    delivery of the same task (a worker restarted) finds it no longer queued and stops."""
    claimed = PrintJob.objects.filter(pk=job_id, status=PrintJobStatus.QUEUED).update(
        status=PrintJobStatus.RUNNING
    )
    job = PrintJob.objects.select_related("year", "region").get(pk=job_id)
    if not claimed:
        return job
    plaques = plaques_to_print(year=job.year, region=job.region)
    total = plaques.count()
    PrintJob.objects.filter(pk=job.pk).update(total=total, done=0)

    def progress(done: int) -> None:
        PrintJob.objects.filter(pk=job.pk).update(done=min(done, total))

    title = f"{job.year_id}年度十星平安社区(村)证书" + (f" {job.region.name}" if job.region else "")
    try:
        with tempfile.TemporaryFile() as out:
            certificates_pdf(plaques.iterator(chunk_size=200), out, title=title, progress=progress)
            out.seek(0)
            job.file.save(f"{job.pk}.pdf", File(out), save=False)
    except Exception as error:
        PrintJob.objects.filter(pk=job.pk).update(
            status=PrintJobStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    PrintJob.objects.filter(pk=job.pk).update(
        status=PrintJobStatus.DONE, file=job.file.name, done=F("total"), finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job
