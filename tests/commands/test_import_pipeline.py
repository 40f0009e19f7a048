"""The import engine at scale: chunks written in bulk, a small preview, and a confirmation that
reads the table the preview kept instead of the file, unless the file changed."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ratings import imports
from ratings.import_pipeline import SAMPLE_ROWS, SHOWN_ERRORS
from ratings.imports import import_bytes
from ratings.models import Criterion, Region, Unit
from ratings.resources import RegionResource, UnitResource
from tests.commands.test_imports import (
    GOOD_ROWS,
    REGION_HEADER,
    confirm,
    csv_bytes,
    preview,
    uploads,
)
from tests.commands.test_imports import TestAllOrNothing as AllOrNothing
from tests.helpers import BAYINTAOHAI, SAIHANWUSU

pytestmark = pytest.mark.django_db

UNIT_HEADER = ["创建领域", "所在区划代码", "名称", "统一社会信用代码", "地址", "有效"]


def households(count: int, start: int = 0) -> bytes:
    rows = [["平安家庭", SAIHANWUSU, f"住户{n}", "", "", "是"] for n in range(start, start + count)]
    return csv_bytes(rows, header=UNIT_HEADER)


class TestBulk:
    def test_queries_do_not_grow_with_the_rows_of_a_chunk(self):
        """Reading, looking up and writing a chunk takes the same statements for 10 rows as for
        100: nothing is done one row at a time."""

        def statements(count: int, start: int) -> int:
            with CaptureQueriesContext(connection) as captured:
                report = import_bytes(
                    UnitResource, households(count, start), "u.csv", dry_run=False
                )
            assert report.ok and report.new == count, report.errors
            return len(captured)

        assert statements(10, 0) == statements(100, 1000)
        assert Unit.objects.filter(name__startswith="住户").count() == 110

    def test_a_town_and_its_villages_in_one_file(self):
        """A parent given earlier in the same file is found, though the chunk is written at once."""
        rows = [
            ["150303105000", "新镇", "乡级", "镇", "150303000000", "assigned", "是", ""],
            ["150303105001", "新镇一村", "村级", "村", "150303105000", "assigned", "是", ""],
            ["150303105002", "新镇二村", "村级", "村", "150303105000", "assigned", "是", ""],
        ]
        report = import_bytes(
            RegionResource, csv_bytes(rows, header=REGION_HEADER), "r.csv", dry_run=False
        )
        assert report.ok and report.new == 3, report.errors
        assert Region.objects.get(pk="150303105002").parent_id == "150303105000"

    def test_a_rule_the_database_keeps_names_its_row(self):
        """Two rows with one credit code: the database refuses the chunk, which is then done row
        by row, so the error names the second row and the rule, and nothing is written."""
        rows = [
            ["hotel", BAYINTAOHAI, "黄河宾馆", "91330100799655058B", "", "是"],
            ["hotel", BAYINTAOHAI, "黄河饭店", "91330100799655058B", "", "是"],
        ]
        report = import_bytes(
            UnitResource, csv_bytes(rows, header=UNIT_HEADER), "u.csv", dry_run=False
        )
        assert len(report.errors) == 1 and report.errors[0].startswith("第 3 行"), report.errors
        assert not Unit.objects.filter(name__startswith="黄河").exists()

    def test_the_admin_history_records_every_row(self, client, admin_user):
        client.force_login(admin_user)
        shown = preview(client, households(120), name="u.csv", model="unit")
        confirm(client, shown, model="unit")
        assert Unit.objects.filter(name__startswith="住户").count() == 120
        assert LogEntry.objects.filter(user=admin_user, action_flag=ADDITION).count() == 120


class TestSmallPreview:
    def test_a_sample_of_rows_and_the_totals(self, client, admin_user):
        client.force_login(admin_user)
        response = preview(client, households(SAMPLE_ROWS + 70), name="u.csv", model="unit")
        html = response.content.decode()
        assert f"将新增 {SAMPLE_ROWS + 70} 行" in html
        assert len(response.context["result"].rows) == SAMPLE_ROWS
        assert len(re.findall(r'<tr class="new">', html)) == SAMPLE_ROWS
        assert response.context["confirm_form"] is not None

    def test_the_first_errors_and_their_number(self, client, admin_user):
        client.force_login(admin_user)
        bad = [
            ["平安家庭", "150399999999", f"住户{n}", "", "", "是"] for n in range(SHOWN_ERRORS + 30)
        ]
        response = preview(client, csv_bytes(bad, header=UNIT_HEADER), name="u.csv", model="unit")
        assert len(response.context["result"].error_rows) == SHOWN_ERRORS  # not found: an error
        assert response.context["report"].errors[-1].startswith(f"第 {SHOWN_ERRORS + 31} 行")
        assert f"有 {SHOWN_ERRORS + 30} 处错误" in response.content.decode()
        assert response.context.get("confirm_form") is None
        # Every error, to download; only for those who may import.
        url = response.context["error_report_url"]
        assert url in response.content.decode()
        download = client.get(url)
        assert download.status_code == 200
        header, *errors = csv.reader(io.StringIO(download.content.decode("utf-8-sig")))
        assert header == ["错误"] and len(errors) == SHOWN_ERRORS + 30
        assert errors[-1] == [response.context["report"].errors[-1]]
        assert client.get(url.replace(url.split("/")[-2], "errors-" + "0" * 32)).status_code == 404
        client.logout()
        assert client.get(url).status_code == 302


class TestConfirmation:
    @pytest.fixture
    def reads(self, monkeypatch):
        """How many times a file is read as a table."""
        counted = []
        read = imports.read_table

        def counting(*args, **kwargs):
            counted.append(1)
            return read(*args, **kwargs)

        monkeypatch.setattr(imports, "read_table", counting)
        return counted

    def test_an_unchanged_file_is_not_read_again(self, client, admin_user, settings, reads):
        client.force_login(admin_user)
        shown = preview(client, csv_bytes(GOOD_ROWS))
        assert len(reads) == 1  # the form's check and the preview share one reading
        confirm(client, shown)
        assert len(reads) == 1
        assert Criterion.objects.filter(code__startswith="school-v2").count() == 2
        assert uploads(settings) == []
        assert not list((settings.MEDIA_ROOT / imports.TABLES_FOLDER).iterdir())

    def test_a_changed_file_is_read_and_validated_again(self, client, admin_user, settings, reads):
        client.force_login(admin_user)
        shown = preview(client, csv_bytes(GOOD_ROWS))
        (stored,) = uploads(settings)
        (settings.MEDIA_ROOT / "imports" / stored).write_bytes(
            csv_bytes([*GOOD_ROWS, AllOrNothing.BAD])
        )
        response = confirm(client, shown)
        assert len(reads) == 2
        assert "第 4 行，“分值”列" in response.content.decode()
        assert not Criterion.objects.filter(code__startswith="school-v2").exists()
