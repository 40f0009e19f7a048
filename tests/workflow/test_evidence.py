"""Evidence uploads: judged by content, bounded, stored privately, downloaded as attachments."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ratings.models import Event, EvidenceFile, StarRating
from ratings.uploads import MAX_EVIDENCE_BYTES
from tests.helpers import SAIHANWUSU, save_rating

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def office(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a document")
    return buffer.getvalue()


def edit_url(year=2026, code=SAIHANWUSU) -> str:
    return reverse("rating_edit", args=[year, code])


def post_edit(client, files: dict, **fields):
    data = {"version": 0, "s1-met": "yes", "s1-note": "已核实", **fields, **files}
    return client.post(edit_url(), data)


@pytest.fixture
def logged_in(client, assessor, year):
    client.force_login(assessor)
    return client


@pytest.mark.parametrize(
    ("name", "content", "stored_name", "content_type"),
    [
        ("核查表.pdf", PDF, "核查表.pdf", "application/pdf"),
        ("现场照片.png", PNG, "现场照片.png", "image/png"),
        ("照片.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "照片.jpg", "image/jpeg"),
        ("说明.docx", office("docx"), "说明.docx", None),
        ("台账.xlsx", office("xlsx"), "台账.xlsx", None),
        # Judged by content: a PNG named .pdf is kept as what it is.
        ("截图.pdf", PNG, "截图.png", "image/png"),
    ],
)
def test_allowed_files_are_stored_privately(
    logged_in, settings, name, content, stored_name, content_type
):
    response = post_edit(logged_in, {"s1-files": SimpleUploadedFile(name, content)})
    assert response.status_code == 302

    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == stored_name
    assert evidence.size == len(content)
    if content_type:
        assert evidence.content_type == content_type
    stored = Path(evidence.file.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT) / "evidence")
    assert Path(name).stem not in stored.name  # a random name, nothing the uploader chose
    assert not str(stored).startswith(str(settings.STATIC_ROOT))
    assert Event.objects.filter(action="evidence_add").count() == 1


def post_raw(client, filename: str, content: bytes, fields: dict[str, str]):
    """Post one file with exactly this file name; Django's test client would strip a path."""
    boundary = "pingan-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="s1-files"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return client.post(
        edit_url(), b"".join(parts), content_type=f"multipart/form-data; boundary={boundary}"
    )


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("通知.pdf", EXE, "内容不是允许的类型"),
        ("空白.pdf", b"", "是空文件"),
        ("超大.pdf", PDF + b"0" * MAX_EVIDENCE_BYTES, "超过 10 MB"),
        ("../../etc/报告.pdf", PDF, "包含路径"),
        ("..\\..\\报告.pdf", PDF, "包含路径"),
        ("C:报告.pdf", PDF, "不合规"),
        ("压缩包.docx", plain_zip(), "内容不是允许的类型"),
    ],
    ids=["exe-as-pdf", "empty", "oversized", "unix-path", "windows-path", "drive", "plain-zip"],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(
    logged_in, settings, filename, content, message
):
    fields = {"version": "0", "s1-met": "yes", "s2-note": "保留的内容"}
    response = post_raw(logged_in, filename, content, fields)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    # The rest of the form is kept for the user…
    assert "保留的内容" in html
    # …and nothing is written: no rating, no file row, no file on disk.
    assert not StarRating.objects.exists()
    assert not EvidenceFile.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_one_bad_file_among_good_ones_refuses_all(logged_in):
    response = post_edit(
        logged_in,
        {"s1-files": [SimpleUploadedFile("好.pdf", PDF), SimpleUploadedFile("坏.pdf", EXE)]},
    )
    assert "坏.pdf" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_at_most_twenty_files_per_item(logged_in):
    files = [SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(21)]
    response = post_edit(logged_in, {"s1-files": files})
    assert "最多保留 20 个" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_withdrawn_file_stays_in_history(logged_in, assessor, community, year):
    post_edit(logged_in, {"s1-files": SimpleUploadedFile("旧.pdf", PDF)})
    evidence = EvidenceFile.objects.get()
    rating = StarRating.objects.get()

    response = logged_in.post(
        edit_url(), {"version": rating.version, "s1-met": "yes", "s1-withdraw": [evidence.pk]}
    )
    assert response.status_code == 302

    evidence.refresh_from_db()
    assert evidence.withdrawn_by == assessor
    assert Path(evidence.file.path).exists()
    assert Event.objects.filter(action="evidence_withdraw", detail__contains="旧.pdf").exists()
    page = logged_in.get(reverse("rating_detail", args=[2026, SAIHANWUSU])).content.decode()
    assert "撤回" in page and "旧.pdf" in page


def test_download_is_an_attachment_with_the_original_name(logged_in):
    post_edit(logged_in, {"s1-files": SimpleUploadedFile("核查表.pdf", PDF)})
    evidence = EvidenceFile.objects.get()

    response = logged_in.get(reverse("evidence_download", args=[evidence.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%E6%A0%B8%E6%9F%A5%E8%A1%A8.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_media_is_not_served_at_any_public_path(client, assessor, community, year):
    save_rating(assessor, community, year)
    assert client.get("/media/").status_code == 404
    assert client.get("/static/../var/media/").status_code == 404
