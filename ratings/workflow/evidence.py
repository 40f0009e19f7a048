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
from ..selectors.assessments import assessment_reusable
from ..selectors.ratings import evidence_reusable
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
    reuse: list[int] | None = None,
) -> bool:
    """Withdraw, then add, the files of one owner (`owner` is item=… or line=…); each change is
    an event carrying `events` and naming the file after `label`. `reuse` links last year's
    evidence of the same item (沿用) without copying it. Returns whether anything changed."""
    if not (uploads or withdraw or reuse):
        return False  # most saves touch no file: no query is built for them
    reused = _reusable_chosen(active=active, owner=owner, reuse=reuse or [], label=label)
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
    if uploads or reused:
        if active.count() + len(uploads) + len(reused) > MAX_EVIDENCE_PER_ITEM:
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
        for source in reused:
            # The same stored name: nothing is copied, and nothing goes into `stored`, so a
            # rolled-back save never deletes last year's file.
            EvidenceFile.objects.create(
                **owner,
                file=source.file.name,
                original_name=source.original_name,
                content_type=source.content_type,
                extension=source.extension,
                size=source.size,
                sha256=source.sha256,
                uploaded_by=user,
                reused_from=source,
            )
            record_event(
                EventAction.EVIDENCE_ADD,
                user,
                detail=f"{label}："
                + _("沿用%(year)s年度材料：%(name)s")
                % {"year": source.year, "name": source.original_name},
                **events,
            )
        changed = True
    return changed


def _reusable_chosen(
    *, active: QuerySet[EvidenceFile], owner: dict, reuse: list[int], label: str
) -> list[EvidenceFile]:
    """The files of last year's same item (or the same unit's line of the same criterion) that
    `reuse` names, or a refusal if any of them is not one (another community's or unit's,
    another standard's or criterion's, withdrawn, unknown, or already reused here)."""
    if not reuse:
        return []
    item, line = owner.get("item"), owner.get("line")
    if item is not None:
        candidates = evidence_reusable(
            community_id=item.rating.community_id, year_id=item.rating.year_id
        ).get(item.standard_id, [])
        refusal = _(
            "%(label)s只能沿用本社区(村)上一年度同一项、未撤回且尚未沿用的材料，本次保存未生效。"
        )
    else:
        _lines, files = assessment_reusable(
            unit_id=line.assessment.unit_id, year_id=line.assessment.year_id
        )
        candidates = files.get(line.criterion_id, [])
        refusal = _(
            "%(label)s只能沿用本单位上一年度同一条目、未撤回且尚未沿用的材料，本次保存未生效。"
        )
    already = set(active.exclude(reused_from=None).values_list("reused_from_id", flat=True))
    by_pk = {evidence.pk: evidence for evidence in candidates if evidence.pk not in already}
    chosen = list(dict.fromkeys(reuse))
    if any(pk not in by_pk for pk in chosen):
        raise TransitionNotAllowed(refusal % {"label": label})
    return [by_pk[pk] for pk in chosen]


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
