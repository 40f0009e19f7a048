"""Evidence read in the browser: PDF and images judged by their bytes open inline in a viewer
page, everything else downloads, and a file outside the reader's scope is a 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ratings import workflow
from ratings.models import EvidenceFile
from ratings.uploads import DOCX, PDF, PNG

pytestmark = pytest.mark.django_db

FILES = {
    "核查表.pdf": (b"%PDF-1.4\n%%EOF\n", PDF),
    "现场.png": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, PNG),
    "说明.docx": (b"PK\x03\x04" + b"\x00" * 32, DOCX),
}


@pytest.fixture
def files(assessor, community, year) -> dict[str, EvidenceFile]:
    workflow.rating_save(
        user=assessor,
        community=community,
        year=year,
        expected_version=0,
        findings=[
            workflow.Finding(
                number=1,
                met=True,
                uploads=[(SimpleUploadedFile(n, c), k) for n, (c, k) in FILES.items()],
            )
        ],
    )
    return {e.original_name: e for e in EvidenceFile.objects.all()}


@pytest.mark.parametrize(
    ("name", "content_type"), [("核查表.pdf", "application/pdf"), ("现场.png", "image/png")]
)
def test_pdf_and_images_open_inline(client, assessor, files, name, content_type):
    client.force_login(assessor)
    evidence = files[name]
    page = client.get(reverse("evidence_view", args=[evidence.pk]))
    assert page.status_code == 200
    assert reverse("evidence_inline", args=[evidence.pk]) in page.content.decode()
    response = client.get(reverse("evidence_inline", args=[evidence.pk]))
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    # Only this site's viewer page may frame the file.
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    b"".join(response.streaming_content)


def test_other_files_download(client, assessor, files):
    client.force_login(assessor)
    evidence = files["说明.docx"]
    view = client.get(reverse("evidence_view", args=[evidence.pk]))
    assert view.status_code == 302
    assert view["Location"] == reverse("evidence_download", args=[evidence.pk])
    response = client.get(reverse("evidence_inline", args=[evidence.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    b"".join(response.streaming_content)


def test_a_file_whose_bytes_are_not_what_its_record_says_downloads(client, assessor, files):
    """The type recorded at upload is not trusted on the way out: the bytes are read again."""
    client.force_login(assessor)
    evidence = files["核查表.pdf"]
    with evidence.file.open("wb") as stored:
        stored.write(b"<html><script>alert(1)</script></html>")
    response = client.get(reverse("evidence_inline", args=[evidence.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    b"".join(response.streaming_content)


@pytest.mark.parametrize("name", ["evidence_view", "evidence_inline"])
def test_out_of_scope_is_not_found(client, assessor_out, files, name):
    client.force_login(assessor_out)
    assert client.get(reverse(name, args=[files["现场.png"].pk])).status_code == 404
