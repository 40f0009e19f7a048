"""Evidence files: downloaded, or read in the browser when they are PDF or images.

Whoever may see the rating or assessment a file supports may read it (the selector decides;
outside scope it is a 404). Only a file whose bytes show it is a PDF, JPEG or PNG is ever sent
`inline`, whatever its name or recorded type; everything else is a download.
"""

from __future__ import annotations

from csp.decorators import csp_replace
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin

from .. import selectors
from ..models import EvidenceFile
from ..permissions import rating_roles_required
from ..uploads import JPEG, PDF, PNG, FileKind

VIEWABLE = (PDF, JPEG, PNG)


def viewable_kind(evidence: EvidenceFile) -> FileKind | None:
    """The kind the stored file's first bytes show, if a browser may display it."""
    with evidence.file.open("rb") as stored:
        head = stored.read(8)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def attachment(file, *, name: str, content_type: str) -> FileResponse:
    """A stored file sent as a download under the name it was uploaded with; 404 if none."""
    if not file:
        raise Http404
    return FileResponse(
        file.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )


def _download(evidence: EvidenceFile) -> FileResponse:
    return attachment(
        evidence.file, name=evidence.original_name, content_type=evidence.content_type
    )


@rating_roles_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """A file, to whoever may see the rating or assessment it supports."""
    return _download(selectors.evidence_get_for_user(user=request.user, pk=pk))


@rating_roles_required
def evidence_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A page showing a PDF or image in the browser; any other file is downloaded."""
    evidence = selectors.evidence_get_for_user(user=request.user, pk=pk)
    kind = viewable_kind(evidence)
    if kind is None:
        return redirect("evidence_download", pk)
    return render(
        request,
        "ratings/evidence_view.html",
        {"evidence": evidence, "kind": kind, "back": _owner_url(evidence)},
    )


# The viewer page frames the PDF: this response alone may be framed, by this site only.
@csp_replace({"frame-ancestors": ["'self'"]})
@xframe_options_sameorigin
@rating_roles_required
def evidence_inline(request: HttpRequest, pk: int) -> FileResponse:
    """The file itself for the viewer page (and thumbnails), inline only when it is viewable."""
    evidence = selectors.evidence_get_for_user(user=request.user, pk=pk)
    kind = viewable_kind(evidence)
    if kind is None:
        return _download(evidence)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=False,
        filename=evidence.original_name,
        content_type=kind.content_type,
    )


def _owner_url(evidence: EvidenceFile) -> str:
    if evidence.item is not None:
        rating = evidence.item.rating
        return (
            reverse("rating_detail", args=[rating.year_id, rating.community_id])
            + f"#item-{evidence.item.standard_id}"
        )
    assessment = evidence.line.assessment
    return reverse("assessment_detail", args=[assessment.unit_id, assessment.year_id])
