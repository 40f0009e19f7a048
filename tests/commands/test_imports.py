"""Spreadsheet import and export: one engine for the admin and the commands, all or nothing."""

from __future__ import annotations

import io
import os
import re
import time
import tracemalloc
import zipfile
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from ratings import workflow
from ratings.choices import RegionKind, RegionLevel
from ratings.imports import import_bytes
from ratings.models import Authority, Criterion, Region, StarStandard, Unit, User
from ratings.resources import (
    AuthorityResource,
    CriterionResource,
    RegionResource,
    StarStandardResource,
    UnitResource,
    UserResource,
)
from ratings.spreadsheets import safe_cell, unescape_cell
from tests import factories
from tests.helpers import BAYINTAOHAI, HAINAN, SAIHANWUSU

pytestmark = pytest.mark.django_db

REGION_HEADER = ["区划代码", "名称", "层级", "类别", "上级区划代码", "代码来源", "有效", "备注"]
CRITERIA_HEADER = ["编号", "创建领域", "重点工作", "排序", "标准内容", "分值", "一票否决", "启用"]
GOOD_ROWS = [
    [
        "school-v2-01",
        "school",
        "leadership",
        "1",
        "学校每学期召开平安校园专题会议不少于2次。",
        "8",
        "否",
        "是",
    ],
    [
        "school-v2-02",
        "平安学校",
        "制度机制",
        "2",
        "落实门卫登记和校外人员入校审批制度。",
        "6",
        "否",
        "是",
    ],
]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8", header=CRITERIA_HEADER) -> bytes:
    text = "\n".join(",".join(row) for row in [header, *rows]) + "\n"
    return text.encode(encoding)


def xlsx_bytes(rows: list[list], header=CRITERIA_HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def criteria(data: bytes, name: str = "criteria.csv", dry_run: bool = False):
    return import_bytes(CriterionResource, data, name, dry_run=dry_run)


class TestFiles:
    @pytest.mark.parametrize(
        ("encoding", "prefix"),
        [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b""), ("gbk", b"")],
        ids=["utf8", "utf8-bom", "gb18030", "gbk"],
    )
    def test_csv_encodings_chinese_excel_writes(self, encoding, prefix):
        report = criteria(prefix + csv_bytes(GOOD_ROWS, encoding))
        assert report.ok, report.errors
        assert report.new == 2
        assert Criterion.objects.get(code="school-v2-02").domain_id == "school"
        assert Criterion.objects.get(code="school-v2-02").work_area_id == "mechanism"
        assert not Criterion.objects.get(code="school-v2-01").is_sample

    def test_xlsx(self):
        report = criteria(xlsx_bytes(GOOD_ROWS), "criteria.xlsx")
        assert (report.ok, report.new) == (True, 2)

    @pytest.mark.parametrize(
        ("data", "name", "message"),
        [
            (b"", "a.csv", "文件是空的"),
            (xlsx_bytes(GOOD_ROWS)[:700], "a.xlsx", "XLSX 文件已损坏或不完整"),
            (b"MZ\x90\x00" + bytes(range(256)) * 4, "a.csv", "不是 CSV 或 XLSX"),
            (b"MZ\x90\x00" + bytes(range(256)) * 4, "a.xlsx", "内容不是 Excel 工作簿"),
            (csv_bytes([]), "a.csv", "只有表头"),
            (csv_bytes(GOOD_ROWS), "a.xlsx", "内容不是 Excel 工作簿"),
            (xlsx_bytes(GOOD_ROWS), "a.csv", "内容是 Excel 工作簿"),
            (csv_bytes(GOOD_ROWS), "a.pdf", "只接受 .xlsx 和 .csv"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "a.xls", "旧版 Excel"),
            (csv_bytes(GOOD_ROWS, header=["区划代码", "名称"]), "a.csv", "缺少列：编号"),
            (
                csv_bytes([r + ["x"] for r in GOOD_ROWS], header=[*CRITERIA_HEADER, "备注"]),
                "a.csv",
                "无法识别的列：备注",
            ),
        ],
        ids=[
            "empty",
            "truncated-xlsx",
            "binary-as-csv",
            "binary-as-xlsx",
            "header-only",
            "csv-named-xlsx",
            "xlsx-named-csv",
            "wrong-extension",
            "old-xls",
            "other-file",
            "extra-column",
        ],
    )
    def test_bad_files_are_refused_with_a_clear_message(self, data, name, message):
        before = Criterion.objects.count()
        report = criteria(data, name)
        assert not report.ok
        assert message in " ".join(report.errors)
        assert Criterion.objects.count() == before

    def test_row_limit(self):
        report = import_bytes(
            CriterionResource, csv_bytes(GOOD_ROWS), "a.csv", dry_run=True, max_rows=1
        )
        assert "超过每次 1 行的上限" in report.errors[0]

    def test_a_workbook_with_two_filled_sheets_is_refused(self):
        workbook = Workbook()
        workbook.active.title = "标准"
        for row in [CRITERIA_HEADER, *GOOD_ROWS]:
            workbook.active.append(row)
        workbook.create_sheet("空白")  # an empty sheet is no question
        workbook.create_sheet("补充").append(CRITERIA_HEADER)
        buffer = io.BytesIO()
        workbook.save(buffer)
        report = criteria(buffer.getvalue(), "two.xlsx")
        assert report.errors == [
            "工作簿里有 2 个有内容的工作表（“标准”、“补充”），一次只能导入一个。"
            "请只保留要导入的工作表（其他的删去或另存为单独的文件）后再导入。"
        ]
        del workbook["补充"]
        buffer = io.BytesIO()
        workbook.save(buffer)
        assert criteria(buffer.getvalue(), "one.xlsx").new == 2


def rows_with_a_bad_value_on_line_77() -> list[list]:
    """Data for lines 2–80 with line 20 left blank and a bad 分值 on line 77."""
    rows = []
    for line in range(2, 81):
        if line == 20:
            rows.append([""] * len(CRITERIA_HEADER))
            continue
        points = "abc" if line == 77 else "5"
        rows.append(
            [f"school-v3-{line}", "school", "leadership", "1", f"第{line}行", points, "否", "是"]
        )
    return rows


class TestLineNumbers:
    """A line is reported as the spreadsheet shows it, whatever blank rows come before."""

    MESSAGE = "第 77 行，“分值”列：应为 1–100 的整数，实际为“abc”"

    def test_csv_with_a_blank_line(self):
        report = criteria(csv_bytes(rows_with_a_bad_value_on_line_77()))
        assert report.errors == [self.MESSAGE]

    def test_xlsx_with_an_empty_row(self):
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(CRITERIA_HEADER)
        for line, row in enumerate(rows_with_a_bad_value_on_line_77(), start=2):
            if line != 20:  # row 20 is never written: a gap, as Excel leaves it
                for column, value in enumerate(row, start=1):
                    sheet.cell(line, column, value)
        buffer = io.BytesIO()
        workbook.save(buffer)
        report = criteria(buffer.getvalue(), "gap.xlsx")
        assert report.errors == [self.MESSAGE]

    def test_blank_lines_before_the_header(self):
        data = b"\n\n" + csv_bytes([GOOD_ROWS[0], TestAllOrNothing.BAD])
        assert criteria(data).errors == ["第 5 行，“分值”列：应为 1–100 的整数，实际为“abc”"]

    def test_the_admin_preview_numbers_lines_the_same_way(self, client, admin_user):
        client.force_login(admin_user)
        upload = SimpleUploadedFile("c.csv", csv_bytes(rows_with_a_bad_value_on_line_77()))
        response = client.post(
            TestAdmin.URL, {"resource": "0", "format": "0", "import_file": upload}
        )
        (invalid,) = response.context["result"].invalid_rows
        assert invalid.number == 77


def tiny_rows_xlsx(count: int) -> bytes:
    """A workbook whose sheet has a header and `count` one-cell rows and, as some programs
    write it, no declared size: a few hundred kilobytes that unpack to many rows."""
    workbook = Workbook()
    workbook.active.append(["编号"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, count + 2))
    sheet = source.read("xl/worksheets/sheet1.xml").decode()
    sheet = re.sub(r"<dimension [^>]*/>", "", sheet)
    sheet = re.sub(r"<sheetData>.*</sheetData>", lambda _: f"<sheetData>{rows}</sheetData>", sheet)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = sheet.encode() if item.filename == "xl/worksheets/sheet1.xml" else None
            target.writestr(item.filename, data or source.read(item.filename))
    return output.getvalue()


def peak_memory_reading(data: bytes, name: str, *, max_rows: int) -> tuple[int, list[str]]:
    """Bytes allocated at the most while the engine reads `data` (already in memory)."""
    tracemalloc.start()
    try:
        report = import_bytes(CriterionResource, data, name, dry_run=True, max_rows=max_rows)
        return tracemalloc.get_traced_memory()[1], report.errors
    finally:
        tracemalloc.stop()


class TestLimitsWhileReading:
    """Rows are read one at a time and reading stops at the limit: an oversized file costs
    no more memory than an allowed one."""

    BOUND = 5 * 1024 * 1024

    def test_a_csv_of_blank_lines(self):
        data = csv_bytes(GOOD_ROWS) + b"\n" * 1_000_000
        peak, errors = peak_memory_reading(data, "blank.csv", max_rows=100)
        assert errors == ["文件里的空行超过 50000 行，请删去空行后再导入。"]
        assert peak < self.BOUND

    def test_a_csv_with_too_many_rows(self):
        data = csv_bytes(
            [["school-x", "school", "leadership", "1", "x", "5", "否", "是"]] * 200_000
        )
        peak, errors = peak_memory_reading(data, "many.csv", max_rows=100)
        assert errors == ["文件的数据超过每次 100 行的上限（读到第 102 行时停止），请分批导入。"]
        assert peak < self.BOUND

    def test_an_xlsx_with_very_many_tiny_rows(self):
        data = tiny_rows_xlsx(200_000)
        assert len(data) < 2 * 1024 * 1024  # a small upload
        peak, errors = peak_memory_reading(data, "many.xlsx", max_rows=100)
        # Counting stops at the limit: 100 rows of data, the header and 50,000 blank rows.
        assert errors == [
            "文件的行数超过上限（每次最多 100 行数据，空行不超过 50000 行；"
            "读到第 50102 行时停止），请分批导入。"
        ]
        assert peak < self.BOUND

    def test_an_xlsx_that_declares_its_size_stops_at_the_row_limit(self):
        workbook = Workbook()
        for row in [CRITERIA_HEADER, *([GOOD_ROWS[0]] * 300)]:
            workbook.active.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        report = import_bytes(
            CriterionResource, buffer.getvalue(), "a.xlsx", dry_run=True, max_rows=100
        )
        assert report.errors == [
            "文件的数据超过每次 100 行的上限（读到第 102 行时停止），请分批导入。"
        ]


class TestAllOrNothing:
    BAD = ["school-v2-03", "school", "leadership", "3", "第三条", "abc", "否", "是"]

    @pytest.mark.parametrize("dry_run", [True, False], ids=["preview", "confirm"])
    def test_one_bad_row_among_good_ones_writes_nothing(self, dry_run):
        report = criteria(
            csv_bytes(
                [
                    *GOOD_ROWS,
                    self.BAD,
                    ["school-v2-04", "nowhere", "leadership", "4", "第四条", "5", "否", "是"],
                ]
            ),
            dry_run=dry_run,
        )
        assert not report.ok
        assert "第 4 行，“分值”列：应为 1–100 的整数，实际为“abc”" in report.errors
        assert "第 5 行，“创建领域”列：找不到创建领域“nowhere”" in report.errors
        assert not Criterion.objects.filter(code__startswith="school-v2").exists()

    def test_importing_twice_changes_nothing(self):
        data = csv_bytes(GOOD_ROWS)
        criteria(data)
        before = list(Criterion.objects.filter(code__startswith="school-v2").values())
        again = criteria(data)
        assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
        assert list(Criterion.objects.filter(code__startswith="school-v2").values()) == before

    def test_changed_row_is_an_update(self):
        criteria(csv_bytes(GOOD_ROWS))
        changed = [GOOD_ROWS[0][:5] + ["9", "否", "是"], GOOD_ROWS[1]]
        report = criteria(csv_bytes(changed))
        assert (report.new, report.updated, report.unchanged) == (0, 1, 1)
        assert Criterion.objects.get(code="school-v2-01").points == 9

    def test_retiring_the_sample_keeps_its_flag(self):
        sample = Criterion.objects.get(code="hotel-01")
        assert sample.is_sample and sample.active
        row = [
            sample.code,
            sample.domain_id,
            sample.work_area_id,
            str(sample.order),
            sample.text,
            str(sample.points),
            "是" if sample.is_veto else "否",
            "否",
        ]
        report = criteria(csv_bytes([row, GOOD_ROWS[0]]))
        assert (report.ok, report.updated, report.new) == (True, 1, 1), report.errors
        sample.refresh_from_db()
        assert (sample.active, sample.is_sample) == (False, True)
        assert not Criterion.objects.get(code="school-v2-01").is_sample

    def test_a_criterion_used_by_a_submitted_assessment_cannot_be_changed(self, assessor, year):
        wenlv = factories.certifier("wenlv")
        unit = Unit.objects.create(domain_id="hotel", region_id=BAYINTAOHAI, name="黄河宾馆")
        lines = [
            workflow.LineInput(criterion_id=c.pk, points=c.points)
            for c in Criterion.objects.filter(domain="hotel")
        ]
        assessment = workflow.assessment_save(
            user=assessor, unit=unit, year=year, expected_version=0, lines=lines
        )
        workflow.assessment_submit(user=assessor, assessment=assessment)
        assert wenlv  # the lead department exists; the rule needs only the submission
        row = ["hotel-01", "hotel", "leadership", "1", "改写后的条文", "6", "否", "是"]
        report = criteria(csv_bytes([row]))
        assert not report.ok
        assert "hotel-01 已被提交的测评使用" in report.errors[0]
        assert Criterion.objects.get(code="hotel-01").text != "改写后的条文"


class TestOtherResources:
    def test_regions(self):
        header = ["区划代码", "名称", "层级", "类别", "上级区划代码", "代码来源", "有效", "备注"]
        rows = [["150303104801", "新建社区", "村级", "社区", "150303104000", "assigned", "是", ""]]
        report = import_bytes(
            RegionResource, csv_bytes(rows, header=header), "r.csv", dry_run=False
        )
        assert report.ok, report.errors
        assert Region.objects.get(pk="150303104801").parent_id == BAYINTAOHAI
        bad = [["15030310480", "短代码", "5", "community", "150399000000", "nbs", "是", ""]]
        report = import_bytes(RegionResource, csv_bytes(bad, header=header), "r.csv", dry_run=True)
        assert "第 2 行，“上级区划代码”列：找不到区划“150399000000”" in report.errors

    def test_a_region_code_typed_as_a_number_in_excel_updates_its_region(self):
        header = ["区划代码", "名称", "层级", "类别", "上级区划代码", "代码来源", "有效", "备注"]
        row = [150303104707, "赛汗乌素村", "村级", "村", 150303104000, "nbs", "是", "改了备注"]
        report = import_bytes(
            RegionResource, xlsx_bytes([row], header=header), "r.xlsx", dry_run=False
        )
        assert report.ok and (report.new, report.updated) == (0, 1), report.errors
        assert Region.objects.get(pk=SAIHANWUSU).note == "改了备注"

    def test_users_get_no_password_and_need_their_scope(self):
        header = ["用户名", "姓名", "邮箱", "角色", "负责区域代码", "认定机关代码", "有效"]
        good = [["newbie", "新评定员", "", "assessor", HAINAN, "", "是"]]
        report = import_bytes(UserResource, csv_bytes(good, header=header), "u.csv", dry_run=False)
        assert report.ok, report.errors
        user = User.objects.get(username="newbie")
        assert user.region_id == HAINAN and not user.has_usable_password()
        bad = [["lost", "没有区域", "", "评定员", "", "", "是"]]
        report = import_bytes(UserResource, csv_bytes(bad, header=header), "u.csv", dry_run=False)
        assert "第 2 行，“负责区域代码”列：评定员必须指定负责区域。" in report.errors
        assert not User.objects.filter(username="lost").exists()

    def test_units_with_credit_codes(self):
        header = ["创建领域", "所在区划代码", "名称", "统一社会信用代码", "地址", "有效"]
        rows = [
            ["hotel", BAYINTAOHAI, "黄河宾馆", "91330100799655058b", "", "是"],
            ["family", "150303104707", "张建国", "", "", "是"],
        ]
        report = import_bytes(UnitResource, csv_bytes(rows, header=header), "u.csv", dry_run=False)
        assert report.ok, report.errors
        assert Unit.objects.get(name="黄河宾馆").credit_code == "91330100799655058B"
        bad = [["school", BAYINTAOHAI, "错码学校", "91330100799655058C", "", "是"]]
        report = import_bytes(UnitResource, csv_bytes(bad, header=header), "u.csv", dry_run=False)
        assert any("校验位不正确" in error for error in report.errors)

    def test_each_region_and_domain_is_looked_up_once_per_file(self):
        """A file of households names the same village and domain on every row: the lookups of
        the region and domain columns do not grow with the rows."""
        header = ["创建领域", "所在区划代码", "名称", "统一社会信用代码", "地址", "有效"]

        def lookups(count: int) -> int:
            rows = [["平安家庭", SAIHANWUSU, f"住户{n}", "", "", "是"] for n in range(count)]
            with CaptureQueriesContext(connection) as captured:
                report = import_bytes(
                    UnitResource, csv_bytes(rows, header=header), "u.csv", dry_run=True
                )
            assert report.ok and report.new == count, report.errors
            return sum(
                1
                for query in captured
                if re.search(r'FROM "ratings_(region|domain)" WHERE .*"code" IN', query["sql"])
            )

        assert lookups(3) == lookups(30) == 2

    def test_stored_units_are_found_a_few_hundred_a_query(self):
        """Re-importing a file of stored units finds them in one query per 500, not one a row."""
        header = ["创建领域", "所在区划代码", "名称", "统一社会信用代码", "地址", "有效"]
        rows = [["平安家庭", SAIHANWUSU, f"住户{n}", "", "", "是"] for n in range(40)]
        data = csv_bytes(rows, header=header)
        assert import_bytes(UnitResource, data, "u.csv", dry_run=False).new == 40
        with CaptureQueriesContext(connection) as captured:
            report = import_bytes(UnitResource, data, "u.csv", dry_run=True)
        assert report.ok and report.unchanged == 40, report.errors
        finds = [
            q for q in captured if 'FROM "ratings_unit"' in q["sql"] and "SAVEPOINT" not in q["sql"]
        ]
        assert len(finds) <= 2, [q["sql"][:120] for q in finds]


def criteria_rows(count: int) -> list[list[str]]:
    return [
        [f"school-v4-{n:03d}", "school", "leadership", str(n), f"第{n}条", "5", "否", "是"]
        for n in range(1, count + 1)
    ]


class TestRepeatedKeys:
    """A key repeated in one file would let the later row overwrite the earlier one."""

    def rows_with_line_95_repeating_line_30(self) -> list[list[str]]:
        rows = criteria_rows(140)
        rows[93][0] = rows[28][0]  # line 95 (the 94th data row) takes line 30's code
        return rows

    MESSAGE = (
        "第 30 行和第 95 行的编号都是“school-v4-029”：一个文件里同一编号只能出现一次，"
        "否则后一行会覆盖前一行。请删去或合并重复的行后再导入。"
    )

    @pytest.mark.parametrize("dry_run", [True, False], ids=["preview", "confirm"])
    def test_the_engine_refuses_and_names_both_lines(self, dry_run):
        report = criteria(csv_bytes(self.rows_with_line_95_repeating_line_30()), dry_run=dry_run)
        assert report.errors == [self.MESSAGE]
        assert not Criterion.objects.filter(code__startswith="school-v4").exists()

    def test_the_command_refuses(self, tmp_path):
        path = tmp_path / "criteria.csv"
        path.write_bytes(csv_bytes(self.rows_with_line_95_repeating_line_30()))
        out = io.StringIO()
        with pytest.raises(CommandError, match="1 处错误"):
            call_command("import_criteria", str(path), stdout=out)
        assert self.MESSAGE in out.getvalue()
        assert not Criterion.objects.filter(code__startswith="school-v4").exists()

    def test_the_admin_refuses(self, client, admin_user):
        client.force_login(admin_user)
        upload = SimpleUploadedFile("c.csv", csv_bytes(self.rows_with_line_95_repeating_line_30()))
        response = client.post(
            TestAdmin.URL, {"resource": "0", "format": "0", "import_file": upload}
        )
        assert self.MESSAGE in response.content.decode()
        assert response.context.get("confirm_form") is None
        assert not Criterion.objects.filter(code__startswith="school-v4").exists()

    @pytest.mark.parametrize(
        ("resource", "header", "rows", "message"),
        [
            (
                RegionResource,
                REGION_HEADER,
                [
                    ["150303104801", "新社区", "村级", "社区", BAYINTAOHAI, "assigned", "是", ""],
                    ["150303104801", "重复", "村级", "社区", BAYINTAOHAI, "assigned", "是", ""],
                ],
                "第 2 行和第 3 行的区划代码都是“150303104801”",
            ),
            (
                AuthorityResource,
                ["代码", "名称", "简称", "辖区代码", "有效"],
                [
                    ["newauth", "新机关", "新", "150300000000", "是"],
                    ["newauth", "另一个名字", "另", "150300000000", "是"],
                ],
                "第 2 行和第 3 行的代码都是“newauth”",
            ),
            (
                StarStandardResource,
                ["序号", "标准", "说明", "认定机关代码"],
                [["1", "无涉违法行为", "", "gongan"], ["1.0", "改名", "", "gongan"]],
                "第 2 行和第 3 行的序号都是“1”：",
            ),
            (
                UserResource,
                ["用户名", "姓名", "邮箱", "角色", "负责区域代码", "认定机关代码", "有效"],
                [
                    ["twin", "甲", "", "assessor", HAINAN, "", "是"],
                    ["newbie", "乙", "", "assessor", HAINAN, "", "是"],
                    ["twin", "丙", "", "assessor", HAINAN, "", "是"],
                ],
                "第 2 行和第 4 行的用户名都是“twin”",
            ),
            (
                UnitResource,
                ["创建领域", "所在区划代码", "名称", "统一社会信用代码", "地址", "有效"],
                [
                    ["hotel", BAYINTAOHAI, "黄河宾馆", "", "", "是"],
                    ["平安宾馆(旅店)", BAYINTAOHAI, "黄河宾馆", "", "二号楼", "是"],
                    ["hotel", BAYINTAOHAI, "黄河宾馆", "", "三号楼", "是"],
                ],
                "第 2、3、4 行的创建领域、所在区划代码、名称都相同"
                "（“hotel”、“150303104000”、“黄河宾馆”）",
            ),
        ],
        ids=["regions", "authorities", "standards", "users", "units"],
    )
    def test_every_resource_refuses_a_repeated_key(self, resource, header, rows, message):
        model = resource._meta.model
        before = list(model.objects.values())
        report = import_bytes(resource, csv_bytes(rows, header=header), "a.csv", dry_run=False)
        assert len(report.errors) == 1 and report.errors[0].startswith(message), report.errors
        assert list(model.objects.values()) == before


class TestEnglishNames:
    """The English names of authorities and standards import and export like the other columns;
    a file made before they existed (without their columns) still imports and keeps them."""

    HEADER = ["代码", "名称", "简称", "英文名称", "英文简称", "辖区代码", "有效"]

    def test_english_columns_import(self):
        rows = [["newauth", "新机关", "新", "New office", "New", "150300000000", "是"]]
        report = import_bytes(
            AuthorityResource, csv_bytes(rows, header=self.HEADER), "a.csv", dry_run=False
        )
        assert not report.errors, report.errors
        assert Authority.objects.get(pk="newauth").short_name_en == "New"

    def test_a_file_without_them_keeps_them(self):
        header = ["代码", "名称", "简称", "辖区代码", "有效"]
        rows = [["gongan", "乌海市公安局", "公安局", "150300000000", "是"]]
        report = import_bytes(
            AuthorityResource, csv_bytes(rows, header=header), "a.csv", dry_run=False
        )
        assert not report.errors, report.errors
        gongan = Authority.objects.get(pk="gongan")
        assert (gongan.short_name, gongan.name_en) == ("公安局", "Wuhai Public Security Bureau")

    def test_export_has_them(self):
        dataset = StarStandardResource().export()
        assert "英文名称" in dataset.headers and "英文说明" in dataset.headers
        assert "No cult activity" in dataset.get_col(dataset.headers.index("英文名称"))


class TestRegionTree:
    """A region's code lies in its parent's range, one level below it, with a kind that fits."""

    @pytest.mark.parametrize(
        ("row", "message"),
        [
            (
                # 海勃湾区's range (150302…) under a town of 海南区.
                ["150302104801", "越界社区", "村级", "社区", BAYINTAOHAI, "assigned", "是", ""],
                "第 2 行，“区划代码”列：区划代码 150302104801 不在上级区划“巴音陶亥镇”的代码范围"
                "（150303104 开头）内。",
            ),
            (
                ["150303104802", "错类社区", "村级", "市辖区", BAYINTAOHAI, "assigned", "是", ""],
                "第 2 行，“类别”列：村级区划的类别应为社区、村、嘎查，不能是市辖区。",
            ),
            (
                # A community hung directly under a district, skipping the town level.
                ["150303000803", "跳级社区", "村级", "社区", HAINAN, "assigned", "是", ""],
                "第 2 行，“上级区划代码”列：上级区划“海南区”是县级，村级区划的上级应为乡级。",
            ),
            (
                ["150303104804", "无主社区", "村级", "社区", "", "assigned", "是", ""],
                "第 2 行，“上级区划代码”列：村级区划必须有上级区划。",
            ),
            (
                ["150303104805", "长码镇", "乡级", "镇", HAINAN, "assigned", "是", ""],
                "第 2 行，“区划代码”列：乡级区划的代码只有前 9 位有内容，其余各位应为 0"
                "（收到 150303104805）。",
            ),
        ],
        ids=["code-outside-parent", "kind-not-of-level", "level-skipped", "no-parent", "long-code"],
    )
    def test_the_import_refuses_a_region_that_breaks_the_tree(self, row, message):
        report = import_bytes(
            RegionResource, csv_bytes([row], header=REGION_HEADER), "r.csv", dry_run=False
        )
        assert message in report.errors, report.errors
        assert not Region.objects.filter(pk=row[0]).exists()

    def test_the_city_is_a_root(self):
        assert Region.objects.get(pk="150300000000").parent is None
        Region.objects.get(pk="150300000000").full_clean()

    def test_the_admin_refuses_it_too(self, client, admin_user):
        client.force_login(admin_user)
        response = client.post(
            "/admin/ratings/region/add/",
            {
                "code": "150302104801",
                "name": "越界社区",
                "level": "5",
                "kind": "district",
                "parent": BAYINTAOHAI,
                "code_source": "assigned",
                "active": "on",
                "note": "",
            },
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "村级区划的类别应为社区、村、嘎查，不能是市辖区。" in html
        assert not Region.objects.filter(pk="150302104801").exists()

    def test_a_region_with_children_keeps_its_level(self):
        district = Region.objects.get(pk=HAINAN)
        district.level, district.kind = RegionLevel.TOWN, RegionKind.TOWN
        with pytest.raises(ValidationError) as refused:
            district.full_clean()
        assert refused.value.message_dict["level"] == ["这个区划已有下级区划，不能改变它的层级。"]

    def test_the_database_refuses_a_kind_that_does_not_fit(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            Region.objects.create(
                code="150303104899",
                name="错类",
                level=RegionLevel.VILLAGE,
                kind=RegionKind.DISTRICT,
                parent_id=BAYINTAOHAI,
            )

    def test_every_shipped_region_fits(self):
        for region in Region.objects.select_related("parent"):
            region.full_clean()


XLSX, CSV = "0", "1"  # the admin's export formats, in the order it offers them


def admin_export(client: Client, model: str, file_format: str):
    """The admin's export of `model`, every column ticked."""
    url = f"/admin/ratings/{model}/export/"
    form = client.get(url).context["form"]
    data = {"format": file_format, "resource": "0"}
    data.update(
        {
            name: "on"
            for name, field in form.fields.items()
            if getattr(field, "is_selectable_field", False)
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    return response


class TestRoundTrip:
    """A file the admin exports imports back as it is: every row unchanged."""

    @pytest.fixture
    def awkward_values(self, admin_user):
        """Text a spreadsheet would run as a formula, or that looks escaped already."""
        Criterion.objects.create(
            code="evil-01",
            domain_id="hotel",
            work_area_id="mechanism",
            text='=HYPERLINK("http://x")',
            points=5,
        )
        Criterion.objects.create(
            code="evil-02", domain_id="hotel", work_area_id="mechanism", text="'=1+1", points=5
        )
        Criterion.objects.create(
            code="evil-03", domain_id="hotel", work_area_id="mechanism", text="'引文", points=5
        )
        Region.objects.filter(pk=BAYINTAOHAI).update(note="-由旧乡合并")
        Unit.objects.create(
            domain_id="hotel", region_id=BAYINTAOHAI, name="+8 宾馆", address="@二号楼"
        )
        Unit.objects.create(domain_id="family", region_id=SAIHANWUSU, name="张建国")
        factories.assessor(HAINAN, username="=cmd", display_name="-评定员", email="a@b.cn")
        User.objects.filter(pk=admin_user.pk).update(display_name="+管理员")
        Authority.objects.filter(pk="gongan").update(short_name="=公安")
        StarStandard.objects.filter(pk=1).update(description="-不含治安处罚")

    @pytest.mark.parametrize("file_format", [XLSX, CSV], ids=["xlsx", "csv"])
    @pytest.mark.parametrize(
        ("model", "resource"),
        [
            ("region", RegionResource),
            ("criterion", CriterionResource),
            ("authority", AuthorityResource),
            ("starstandard", StarStandardResource),
            ("user", UserResource),
            ("unit", UnitResource),
        ],
    )
    def test_export_then_import_changes_nothing(
        self, client, admin_user, awkward_values, model, resource, file_format
    ):
        client.force_login(admin_user)
        before = list(resource._meta.model.objects.order_by("pk").values())
        content = admin_export(client, model, file_format).content
        name = "export.xlsx" if file_format == XLSX else "export.csv"
        report = import_bytes(resource, content, name, dry_run=False, user=admin_user)
        assert report.ok, report.errors
        assert (report.new, report.updated, report.unchanged) == (0, 0, len(before))
        assert list(resource._meta.model.objects.order_by("pk").values()) == before


class TestExport:
    @pytest.mark.parametrize(
        ("stored", "in_csv"),
        [
            ("=1+1", "'=1+1"),
            ("-3", "'-3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("'=1+1", "''=1+1"),  # looks escaped already: escaped once more
            ("'引文", "'引文"),
            ("普通", "普通"),
        ],
    )
    def test_csv_escaping_is_undone_by_the_import(self, stored, in_csv):
        assert safe_cell(stored) == in_csv
        assert unescape_cell(in_csv) == stored

    def test_formula_cells_are_safe_in_both_formats(self, client, admin_user):
        Criterion.objects.create(
            code="evil-01",
            domain_id="hotel",
            work_area_id="mechanism",
            text='=HYPERLINK("http://x")',
            points=5,
        )
        client.force_login(admin_user)
        xlsx = load_workbook(io.BytesIO(admin_export(client, "criterion", XLSX).content)).active
        (cell,) = [row[4] for row in xlsx.iter_rows() if row[0].value == "evil-01"]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (
            '=HYPERLINK("http://x")',
            "s",
            True,
        )
        text = admin_export(client, "criterion", CSV).content.decode("utf-8-sig")
        assert '"\'=HYPERLINK(""http://x"")"' in text

    def test_admin_csv_starts_with_a_byte_order_mark(self, client, admin_user):
        client.force_login(admin_user)
        content = admin_export(client, "criterion", CSV).content
        assert content.startswith(b"\xef\xbb\xbf")
        assert content.decode("utf-8-sig").startswith("编号,创建领域,重点工作")

    def test_admin_export_xlsx(self, client, admin_user):
        client.force_login(admin_user)
        form = client.get("/admin/ratings/criterion/export/").context["form"]
        data = {"format": "0", "resource": "0"}
        data.update(
            {
                name: "on"
                for name, field in form.fields.items()
                if getattr(field, "is_selectable_field", False)
            }
        )
        response = client.post("/admin/ratings/criterion/export/", data)
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("编号", "创建领域", "重点工作")
        assert len(rows) == 141


class TestAdmin:
    URL = "/admin/ratings/criterion/import/"

    def test_preview_then_confirm(self, client, admin_user):
        client.force_login(admin_user)
        upload = SimpleUploadedFile("criteria.csv", csv_bytes(GOOD_ROWS, "gbk"))
        preview = client.post(self.URL, {"resource": "0", "format": "0", "import_file": upload})
        html = preview.content.decode()
        assert preview.status_code == 200
        assert "school-v2-01" in html
        assert not Criterion.objects.filter(code__startswith="school-v2").exists()
        form = preview.context["confirm_form"]
        done = client.post("/admin/ratings/criterion/process_import/", form.initial)
        assert done.status_code == 302
        assert Criterion.objects.filter(code__startswith="school-v2").count() == 2

    def test_bad_file_gets_the_engines_message(self, client, admin_user):
        client.force_login(admin_user)
        upload = SimpleUploadedFile("criteria.csv", csv_bytes([]))
        response = client.post(self.URL, {"resource": "0", "format": "0", "import_file": upload})
        assert "文件只有表头，没有数据行。" in response.content.decode()

    def test_bad_row_shows_line_and_column_and_offers_no_confirm(self, client, admin_user):
        client.force_login(admin_user)
        upload = SimpleUploadedFile("criteria.csv", csv_bytes([*GOOD_ROWS, TestAllOrNothing.BAD]))
        response = client.post(self.URL, {"resource": "0", "format": "0", "import_file": upload})
        html = response.content.decode()
        assert "分值" in html and "应为 1–100 的整数" in html
        assert response.context.get("confirm_form") is None
        assert not Criterion.objects.filter(code__startswith="school-v2").exists()

    @pytest.mark.parametrize(
        "model", ["criterion", "region", "starstandard", "authority", "user", "unit"]
    )
    def test_only_administrators_import_and_export(
        self, client, admin_user, assessor, gongan, model
    ):
        for path in (f"/admin/ratings/{model}/import/", f"/admin/ratings/{model}/export/"):
            assert client.get(path).status_code == 302  # anonymous: to the admin login
            for outsider in (assessor, gongan):
                client.force_login(outsider)
                response = client.get(path)
                assert response.status_code == 302 and "/admin/login/" in response["Location"]
            staff_without_role = factories.UserFactory(is_staff=True)
            client.force_login(staff_without_role)
            assert client.get(path).status_code == 403
            client.force_login(admin_user)
            assert client.get(path).status_code == 200
            client.logout()


def preview(client: Client, data: bytes, name: str = "criteria.csv", model: str = "criterion"):
    upload = SimpleUploadedFile(name, data)
    return client.post(
        f"/admin/ratings/{model}/import/",
        {"resource": "0", "format": "0", "import_file": upload},
    )


def confirm(client: Client, preview_response, model: str = "criterion"):
    return client.post(
        f"/admin/ratings/{model}/process_import/",
        preview_response.context["confirm_form"].initial,
        follow=True,
    )


def submit_a_hotel_assessment(assessor, year) -> None:
    """Put the hotel criteria in use: a submitted assessment scored against them."""
    factories.certifier("wenlv")
    unit = Unit.objects.create(domain_id="hotel", region_id=BAYINTAOHAI, name="黄河宾馆")
    lines = [
        workflow.LineInput(criterion_id=c.pk, points=c.points)
        for c in Criterion.objects.filter(domain="hotel")
    ]
    assessment = workflow.assessment_save(
        user=assessor, unit=unit, year=year, expected_version=0, lines=lines
    )
    workflow.assessment_submit(user=assessor, assessment=assessment)


def uploads(settings) -> list[str]:
    folder = settings.MEDIA_ROOT / "imports"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


class TestReadingNames:
    """Names are read as people type them and shown as people read them."""

    def test_full_width_brackets_and_digits_are_recognised(self):
        rows = [["market-v2-01", "平安商场（市场）", "组织领导", "１", "条文", "５", "否", "是"]]
        report = criteria(csv_bytes(rows))
        assert report.ok, report.errors
        made = Criterion.objects.get(code="market-v2-01")
        assert (made.domain_id, made.order, made.points) == ("market", 1, 5)
        header = ["创建领域", "所在区划代码", "名称", "统一社会信用代码", "地址", "有效"]
        units = [["平安社区（村）", "１５０３０３１０４７０７", "赛汗乌素村", "", "", "是"]]
        report = import_bytes(UnitResource, csv_bytes(units, header=header), "u.csv", dry_run=False)
        assert report.ok, report.errors
        assert Unit.objects.get(name="赛汗乌素村").region_id == SAIHANWUSU
        regions = [["150303104806", "新社区", "５", "社区", BAYINTAOHAI, "assigned", "是", ""]]
        report = import_bytes(
            RegionResource, csv_bytes(regions, header=REGION_HEADER), "r.csv", dry_run=False
        )
        assert report.ok, report.errors

    def test_the_preview_names_domains_and_work_areas(self, client, admin_user):
        client.force_login(admin_user)
        html = preview(client, csv_bytes(GOOD_ROWS)).content.decode()
        assert ">平安学校</ins>" in html and ">组织领导</ins>" in html
        assert ">school</ins>" not in html and ">leadership</ins>" not in html


class TestAdminPages:
    """The admin's import and export pages say what the commands say, in Chinese."""

    HOTEL_01 = ["hotel-01", "hotel", "leadership", "1", "改写后的条文", "6", "否", "是"]

    def test_a_refused_confirmation_shows_the_errors_and_claims_no_success(
        self, client, admin_user, assessor, year, settings
    ):
        client.force_login(admin_user)
        shown = preview(client, csv_bytes([self.HOTEL_01, GOOD_ROWS[0]]))
        assert shown.context["confirm_form"] is not None
        # Between the preview and the confirmation the criterion comes into use.
        submit_a_hotel_assessment(assessor, year)
        response = confirm(client, shown)
        html = response.content.decode()
        assert response.status_code == 200
        assert "确认导入时发现以下错误，未写入任何数据" in html
        assert "第 2 行：标准条目 hotel-01 已被提交的测评使用" in html
        assert "导入成功" not in html and "导入完成" not in html
        assert not [m for m in response.context["messages"] if m.level_tag == "success"]
        assert Criterion.objects.get(code="hotel-01").text != "改写后的条文"
        assert not Criterion.objects.filter(code="school-v2-01").exists()
        assert uploads(settings) == []

    def test_the_confirmation_reports_as_the_command_does(self, client, admin_user):
        client.force_login(admin_user)
        criteria(csv_bytes(GOOD_ROWS))
        changed = GOOD_ROWS[0][:5] + ["9", "否", "是"]
        added = ["school-v2-03", "school", "leadership", "3", "第三条", "5", "否", "是"]
        shown = preview(client, csv_bytes([changed, GOOD_ROWS[1], added]))
        assert "将新增 1 行，更新 1 行，1 行没有变化。" in shown.content.decode()
        done = confirm(client, shown)
        messages = [str(m) for m in done.context["messages"]]
        assert "创建标准条目导入完成：新增 1 行，更新 1 行，1 行没有变化。" in messages
        assert not any("删除" in m or "忽略" in m for m in messages)

    def test_unchanged_rows_are_called_unchanged(self, client, admin_user):
        client.force_login(admin_user)
        criteria(csv_bytes(GOOD_ROWS))
        html = preview(client, csv_bytes(GOOD_ROWS)).content.decode()
        assert "将新增 0 行，更新 0 行，2 行没有变化。" in html
        assert "没有变化" in html and "忽略" not in html

    def test_the_preview_heading_and_whole_row_errors_are_in_plain_chinese(
        self, client, admin_user, assessor, year
    ):
        submit_a_hotel_assessment(assessor, year)
        client.force_login(admin_user)
        html = preview(client, csv_bytes([GOOD_ROWS[0], self.HOTEL_01])).content.decode()
        assert "以下行未通过校验，未写入任何数据" in html
        assert "某些行验数据证失败" not in html
        assert "整行" in html and "没有指定的字段" not in html
        assert "第 3 行：标准条目 hotel-01 已被提交的测评使用" in html

    def test_the_import_page_states_the_rules(self, client, admin_user):
        client.force_login(admin_user)
        html = client.get(TestAdmin.URL).content.decode()
        for words in ("GB18030/GBK", "10 MB", "50000 行", "100 MB", "一个有内容的工作表"):
            assert words in html
        assert "全部或全不" in html and "最多保留 1 小时" in html

    def test_the_export_page_and_file_name_are_chinese(self, client, admin_user):
        client.force_login(admin_user)
        html = client.get("/admin/ratings/criterion/export/").content.decode()
        assert "全选" in html and "Select all" not in html
        assert ">编号</label>" in html and "Code (编号)" not in html
        assert "十星评定与十小平安" in html and ">Ratings<" not in html
        response = admin_export(client, "criterion", XLSX)
        day = timezone.localdate().isoformat()
        assert response["Content-Disposition"] == (
            f'attachment; filename="criterion-{day}.xlsx"; '
            f"filename*=UTF-8''{quote(f'创建标准条目-{day}.xlsx')}"
        )


class TestUploadedFiles:
    """An upload waits in the portal's own storage under a random name, and only until it is
    confirmed, refused, or an hour old."""

    def test_kept_opaquely_until_confirmed(self, client, admin_user, settings):
        client.force_login(admin_user)
        shown = preview(client, csv_bytes(GOOD_ROWS))
        (stored,) = uploads(settings)
        assert re.fullmatch(r"[0-9a-f]{32}", stored)
        hidden = shown.context["confirm_form"].initial["import_file_name"]
        assert hidden == stored  # no path of the server's in the page
        assert confirm(client, shown).status_code == 200
        assert uploads(settings) == []
        assert Criterion.objects.filter(code__startswith="school-v2").count() == 2

    def test_removed_when_the_preview_refuses_it(self, client, admin_user, settings):
        client.force_login(admin_user)
        preview(client, csv_bytes(GOOD_ROWS))  # waits for its confirmation
        waiting = uploads(settings)
        assert len(waiting) == 1
        response = preview(client, csv_bytes([*GOOD_ROWS, TestAllOrNothing.BAD]))
        assert response.context.get("confirm_form") is None
        repeated = TestRepeatedKeys().rows_with_line_95_repeating_line_30()
        assert preview(client, csv_bytes(repeated)).context.get("confirm_form") is None
        assert uploads(settings) == waiting

    def test_a_second_confirmation_finds_nothing_to_import(self, client, admin_user, settings):
        client.force_login(admin_user)
        shown = preview(client, csv_bytes(GOOD_ROWS))
        confirm(client, shown)
        again = confirm(client, shown)
        assert "找不到待确认的文件" in again.content.decode()
        assert Criterion.objects.filter(code__startswith="school-v2").count() == 2

    def test_a_stale_upload_is_removed_when_an_import_starts(self, client, admin_user, settings):
        folder = settings.MEDIA_ROOT / "imports"
        folder.mkdir(parents=True)
        stale, fresh = folder / ("a" * 32), folder / ("b" * 32)
        stale.write_bytes(b"old")
        fresh.write_bytes(b"new")
        two_hours_ago = time.time() - 2 * 3600
        os.utime(stale, (two_hours_ago, two_hours_ago))
        client.force_login(admin_user)
        client.get(TestAdmin.URL)
        assert uploads(settings) == ["b" * 32]

    def test_the_purge_command(self, settings):
        folder = settings.MEDIA_ROOT / "imports"
        folder.mkdir(parents=True)
        stale = folder / ("c" * 32)
        stale.write_bytes(b"old")
        os.utime(stale, (time.time() - 3601, time.time() - 3601))
        out = io.StringIO()
        call_command("purge_imports", stdout=out)
        assert "删除了 1 个" in out.getvalue()
        assert uploads(settings) == []


class TestCommands:
    def test_dry_run_then_import(self, tmp_path):
        path = tmp_path / "criteria.csv"
        path.write_bytes(csv_bytes(GOOD_ROWS, "gb18030"))
        out = io.StringIO()
        call_command("import_criteria", str(path), "--dry-run", stdout=out)
        assert "（预览，未写入）：将新增 2 行" in out.getvalue()
        assert not Criterion.objects.filter(code__startswith="school-v2").exists()
        call_command("import_criteria", str(path), stdout=out)
        assert Criterion.objects.filter(code__startswith="school-v2").count() == 2

    def test_errors_exit_non_zero_and_write_nothing(self, tmp_path):
        path = tmp_path / "criteria.csv"
        path.write_bytes(csv_bytes([*GOOD_ROWS, TestAllOrNothing.BAD]))
        out = io.StringIO()
        with pytest.raises(CommandError, match="1 处错误"):
            call_command("import_criteria", str(path), stdout=out)
        assert "第 4 行，“分值”列" in out.getvalue()
        assert not Criterion.objects.filter(code__startswith="school-v2").exists()

    def test_regions_command_and_missing_file(self, tmp_path):
        with pytest.raises(CommandError, match="找不到文件"):
            call_command("import_regions", str(tmp_path / "none.csv"), stdout=io.StringIO())

    def test_the_shipped_example_imports_cleanly(self):
        from django.conf import settings

        data = (settings.BASE_DIR / "fixtures" / "criteria_example.xlsx").read_bytes()
        report = criteria(data, "criteria_example.xlsx", dry_run=True)
        assert report.ok and report.unchanged == 14
