"""The restore drill: back up, lose data and files, restore, and find everything as it was.

Runs on the database the suite runs on (SQLite, or PostgreSQL through pg_dump/pg_restore), with
real files in MEDIA_ROOT, and compares row counts, per-table checksums and file hashes."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from ratings import backups, workflow
from ratings.models import Event, EvidenceFile, StarRating
from tests import factories
from tests.helpers import HAINAN, SAIHANWUSU
from tests.world import PDF_BYTES

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def data(reference_data, tmp_path, settings):
    """A rating with a file, committed (pg_dump reads committed data only)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ratings.models import Region
    from ratings.uploads import PDF

    year = workflow.year_open(user=None, year=2026)
    assessor = factories.assessor(HAINAN)
    upload = SimpleUploadedFile("核查表.pdf", PDF_BYTES)
    return workflow.rating_save(
        user=assessor,
        community=Region.objects.get(pk=SAIHANWUSU),
        year=year,
        expected_version=0,
        findings=[workflow.Finding(number=1, met=True, uploads=[(upload, PDF)])],
    )


def test_restore_drill_brings_back_every_row_and_file(data, tmp_path):
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    before = backups.figures()
    assert before.media, "the rating's file is in MEDIA_ROOT"
    out = io.StringIO()
    call_command("backup", "--to", str(tmp_path / "backups"), stdout=out)
    [folder] = (tmp_path / "backups").iterdir()
    assert {p.name for p in folder.iterdir()} >= {"manifest.json", "media.tar"}

    # A bad day: rows and files lost.
    Event.objects.all().delete()
    EvidenceFile.objects.all().delete()
    StarRating.objects.filter(pk=data.pk).update(version=99)
    shutil.rmtree(settings.MEDIA_ROOT)
    assert backups.figures().differences(before)

    call_command("restore", str(folder), "--yes", stdout=out)
    after = backups.figures()
    assert after.differences(before) == []
    assert after.tables == before.tables and after.media == before.media
    assert "恢复完成并已核对" in out.getvalue()
    assert StarRating.objects.get(pk=data.pk).version == data.version
    evidence = EvidenceFile.objects.get()
    assert Path(evidence.file.path).read_bytes() == PDF_BYTES


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="不是备份文件夹"):
        call_command("restore", str(tmp_path), "--yes", stdout=io.StringIO())


def test_a_restore_that_does_not_match_its_manifest_says_so(data, tmp_path):
    folder = backups.backup(tmp_path)
    manifest = folder / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"rows": 1,', '"rows": 2,', 1))
    with pytest.raises(backups.BackupError, match="differ from the backup"):
        backups.restore(folder)
