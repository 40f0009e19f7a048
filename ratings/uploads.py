"""Checking uploaded evidence: what a file is, judged by its bytes, never by its name."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParser
from django.utils.translation import gettext as _

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_PER_ITEM = 20


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str
    label: str


PDF = FileKind("application/pdf", ".pdf", "PDF")
JPEG = FileKind("image/jpeg", ".jpg", "JPEG")
PNG = FileKind("image/png", ".png", "PNG")
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "DOCX"
)
XLSX = FileKind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "XLSX"
)
ALLOWED_LABEL = "PDF、JPEG、PNG、DOCX、XLSX"


def sniff(upload: UploadedFile) -> FileKind | None:
    """The allowed kind the file's content shows, or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        # Office files are ZIP archives; only the member names tell a document from a workbook
        # (or from any other archive). Listing names reads the central directory, inflating nothing.
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    return None


def inspect_evidence(upload: UploadedFile, *, raw_names: dict[str, str]) -> FileKind:
    """Return the kind of an acceptable evidence file, or raise ValidationError saying why not."""
    raw = raw_names.get(upload.name)
    if raw is not None:
        raise ValidationError(
            _("文件名“%(name)s”包含路径，请只上传文件本身。"), params={"name": raw}
        )
    if ":" in upload.name or upload.name.startswith("."):
        raise ValidationError(
            _("文件名“%(name)s”不合规，请改名后再上传。"), params={"name": upload.name}
        )
    if upload.size == 0:
        raise ValidationError(_("文件“%(name)s”是空文件。"), params={"name": upload.name})
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("文件“%(name)s”大小为 %(size).1f MB，超过 10 MB 的上限。"),
            params={"name": upload.name, "size": upload.size / 1024 / 1024},
        )
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(
            _("文件“%(name)s”的内容不是允许的类型（%(allowed)s），无论其扩展名是什么。"),
            params={"name": upload.name, "allowed": ALLOWED_LABEL},
        )
    return kind


def display_name(original: str, kind: FileKind) -> str:
    """The name a download gets: what the uploader called it, with the extension its content has."""
    stem = PurePath(original).stem or "evidence"
    return f"{stem[:150]}{kind.extension}"


class _NameRecordingParser(MultiPartParser):
    """Django strips directories from upload names silently; remember which names had them."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.raw_names: dict[str, str] = {}

    def sanitize_file_name(self, file_name: str) -> str | None:
        clean = super().sanitize_file_name(file_name)
        if clean is not None and ("/" in file_name or "\\" in file_name):
            self.raw_names[clean] = file_name
        return clean


def _parse_recording_names(request: HttpRequest, META, post_data):
    parser = _NameRecordingParser(META, post_data, request.upload_handlers, request.encoding)
    result = parser.parse()
    request.upload_raw_names = parser.raw_names
    return result


def upload_name_middleware(get_response: Callable[[HttpRequest], HttpResponse]):
    """Install the name-recording parser before anything (the CSRF check) reads the body."""

    def middleware(request: HttpRequest) -> HttpResponse:
        request.upload_raw_names = {}
        request.parse_file_upload = partial(_parse_recording_names, request)
        return get_response(request)

    return middleware
