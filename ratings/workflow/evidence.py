"""Evidence files attached to a star finding or to an assessment line: adding and withdrawing.

Both run inside the caller's transaction. Files written to storage are listed in `stored`, so
that the caller can delete them if the transaction rolls back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import EventAction
from ..models import EvidenceFile, User
from ..uploads import MAX_EVIDENCE_PER_ITEM, FileKind, display_name
from .common import TransitionNotAllowed, record_event


def evidence_change(
    *,
    user: User,
    active: QuerySet[EvidenceFile],
    owner: dict,
    uploads: list[tuple[UploadedFile, FileKind]],
    withdraw: list[int],
    label: str,
    events: dict,
    stored: list[str],
) -> bool:
    """Withdraw, then add, the files of one owner (`owner` is item=… or line=…); each change is
    an event carrying `events` and naming the file after `label`. Returns whether anything changed."""
    changed = False
    for evidence in active.filter(pk__in=withdraw):
        evidence.withdrawn_by, evidence.withdrawn_at = user, timezone.now()
        evidence.save(update_fields=["withdrawn_by", "withdrawn_at"])
        record_event(
            EventAction.EVIDENCE_WITHDRAW,
            user,
            detail=f"{label}：{evidence.original_name}",
            **events,
        )
        changed = True
    if uploads:
        if active.count() + len(uploads) > MAX_EVIDENCE_PER_ITEM:
            raise TransitionNotAllowed(
                _("%(label)s最多保留 %(max)s 个证明材料，请先撤回不需要的文件。")
                % {"label": label, "max": MAX_EVIDENCE_PER_ITEM}
            )
        for upload, kind in uploads:
            evidence = _store(user=user, owner=owner, upload=upload, kind=kind)
            stored.append(evidence.file.name)
            record_event(
                EventAction.EVIDENCE_ADD,
                user,
                detail=f"{label}：{evidence.original_name}",
                **events,
            )
        changed = True
    return changed


def _store(*, user: User, owner: dict, upload: UploadedFile, kind: FileKind) -> EvidenceFile:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = EvidenceFile(
        **owner,
        original_name=display_name(upload.name, kind),
        content_type=kind.content_type,
        extension=kind.extension,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    storage = EvidenceFile.file.field.storage
    name = EvidenceFile.file.field.generate_filename(evidence, upload.name)
    try:
        evidence.file.name = storage.save(name, upload)
    except OSError as error:
        # A full or read-only disk: whatever part was written goes, and the save is refused
        # (the caller's transaction rolls back every row of it).
        storage.delete(name)
        raise TransitionNotAllowed(
            _(
                "文件“%(name)s”未能保存到服务器（存储空间不足或无法写入），本次保存未生效。"
                "请稍后再试；如果问题持续，请联系管理员。"
            )
            % {"name": evidence.original_name}
        ) from error
    evidence.save()
    return evidence


def discard_stored(stored: list[str]) -> None:
    """Delete files written by a transaction that rolled back."""
    for name in stored:
        EvidenceFile.file.field.storage.delete(name)


@contextmanager
def files_discarded_on_failure() -> Iterator[list[str]]:
    """Collects the names of the files a save writes; if the save fails, its rows are rolled
    back and these files are deleted with them, so no file is left that nothing points at."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        discard_stored(stored)
        raise
