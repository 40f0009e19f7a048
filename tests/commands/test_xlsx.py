"""The expat sheet reader (ratings.xlsx) gives the import engine the rows openpyxl gives it."""

from __future__ import annotations

import datetime
import io
import re
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from ratings.imports import ImportFileError, _expat_rows, _openpyxl_rows, read_table
from ratings.xlsx import XlsxBook, XlsxUnsupported


def saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def part(data: bytes, name: str) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(name).decode()


def rewritten(data: bytes, parts: dict[str, str], rename: dict[str, str] | None = None) -> bytes:
    """The workbook `data` with some parts given new text and some renamed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = parts.get(name) or source.read(name)
            target.writestr((rename or {}).get(name, name), content)
        for name in parts.keys() - set(source.namelist()):
            target.writestr(name, parts[name])
    return output.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
TYPES = "[Content_Types].xml"


def typed(rows: list[tuple[int, tuple]]) -> list:
    """Rows with each value's type, so that 1 and True or 1 and 1.0 are told apart."""
    return [(line, [(type(value), value) for value in row]) for line, row in rows]


def assert_same_rows(data: bytes) -> list[tuple[int, tuple]]:
    fast = list(_expat_rows(data))
    assert typed(fast) == typed(list(_openpyxl_rows(data)))
    return fast


def every_cell_type() -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["名称", "整数", "小数", "是否", "日期", "时刻", "空"])
    sheet.append(
        ["甲", 1, 1.5, True, datetime.date(2024, 2, 29), datetime.datetime(2024, 3, 1, 13, 45, 30)]
    )
    sheet.append(["乙", -3, 1e20, False, datetime.datetime(1900, 1, 1), datetime.time(12, 30), ""])
    sheet["C9"] = "隔行的单元格"
    sheet["F9"] = 7
    sheet["B11"] = CellRichText(["普通 ", TextBlock(InlineFont(b=True), "加粗")])  # inline
    sheet["C11"] = datetime.timedelta(hours=30)
    sheet["D11"] = 3.0
    sheet["E12"] = "  前后有空格 "
    sheet["A13"] = datetime.datetime(1900, 2, 28, 6)
    sheet["B13"].value, sheet["B13"].number_format = 45000.25, 'yyyy"年"m"月"d"日" hh:mm'
    sheet["C13"].value, sheet["C13"].number_format = 12.5, "0.00%"
    sheet["CW14"] = "第 101 列"
    sheet["CX14"] = "第 102 列，读不到"
    return workbook


class TestTheSameRowsAsOpenpyxl:
    def test_every_cell_type_openpyxl_writes(self):
        rows = assert_same_rows(saved(every_cell_type()))
        assert [len(row) for _line, row in rows] == [101] * 14
        line, row = rows[1]
        assert (line, row[:6]) == (
            2,
            (
                "甲",
                1,
                1.5,
                True,
                datetime.datetime(2024, 2, 29),
                datetime.datetime(2024, 3, 1, 13, 45, 30),
            ),
        )
        assert rows[10][1][1:3] == ("普通 加粗", datetime.timedelta(hours=30))
        assert rows[8][1][:6] == (None, None, "隔行的单元格", None, None, 7)
        assert rows[13][1][-1] == "第 101 列"

    def test_what_other_programs_write(self):
        """Shared strings with rich-text runs and a phonetic guide, inline strings, cached
        formula results (number, text, error, boolean), dates by style, cells and rows without
        references."""
        data = saved(every_cell_type())
        # openpyxl writes every string inline; Excel and WPS write a shared-strings part.
        strings = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>共享</t>'
            '</si><si><r><t>富</t></r><r><rPr><b/></rPr><t xml:space="preserve">文本 </t></r>'
            '<rPh sb="0" eb="1"><t>フ</t></rPh></si><si><t/></si><si><t>_x005F_x000D_</t></si></sst>'
        )
        types = part(data, TYPES).replace(
            "</Types>",
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
        extra = (
            '<row r="20"><c r="A20" t="s"><v>1</v></c><c r="B20" t="s"><v>2</v></c>'
            '<c r="C20"><f>1+2</f><v>3</v></c><c r="D20" t="str"><f>"a"&amp;"b"</f><v>ab</v>'
            '</c><c r="E20" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="F20" t="b"><f>TRUE()</f>'
            '<v>1</v></c><c r="G20" t="inlineStr"><is><t>内</t><r><t>联</t></r></is></c>'
            '<c r="H20" t="s"><v>0</v></c><c r="I20" t="s"><v>3</v></c>'
            '<c r="J20" t="inlineStr"><v>7</v></c>'
            '<c r="K20" t="inlineStr"><is><t>注</t><rPh sb="0" eb="1"><t>ちゅう</t></rPh></is></c>'
            '<c r="L20" s="1"><v></v></c><c r="M20" s="1"><v>60.5</v></c>'
            '<c r="N20" s="1"><v>61</v></c><c r="O20" s="2"><v>0.25</v></c>'
            '<c r="P20" t="d"><v>2024-05-06T07:08:09</v></c></row>'
            '<row><c t="n"><v>2.50</v></c><c><v>1E3</v></c><c t="s"><v></v></c></row>'
            '<row r="20"><c r="A20"><v>9</v></c></row><row r="25" spans="1:1"/>'
        )
        sheet = part(data, SHEET).replace("</sheetData>", extra + "</sheetData>")
        data = rewritten(data, {"xl/sharedStrings.xml": strings, SHEET: sheet, TYPES: types})
        rows = assert_same_rows(data)
        assert rows[19][1][:11] == (
            *("富文本 ", "", 3, "ab", "#DIV/0!", True, "内联", "共享", "_x000D_", None, "注"),
        )
        assert rows[20][1][:3] == (2.5, 1000.0, None)
        assert len(rows) == 25  # the repeated row 20 is left out, as openpyxl leaves it

    def test_the_1904_date_system(self):
        workbook = every_cell_type()
        workbook.epoch = CALENDAR_MAC_1904
        rows = assert_same_rows(saved(workbook))
        assert rows[1][1][4] == datetime.datetime(2024, 2, 29)

    def test_a_first_sheet_that_is_not_sheet1_xml(self):
        workbook = Workbook()
        workbook.active.title = "说明"
        workbook.create_sheet("数据").append(["编号", "名称"])
        workbook["数据"].append([1, "甲"])
        data = saved(workbook)
        source = zipfile.ZipFile(io.BytesIO(data))
        # The filled sheet's part is renamed and listed first; the part called sheet1.xml is
        # the empty one, listed second.
        rels = source.read("xl/_rels/workbook.xml.rels").decode()
        rels = rels.replace("/xl/worksheets/sheet2.xml", "worksheets/数据表.xml")
        book = source.read("xl/workbook.xml").decode()
        book = re.sub(r"(<sheet [^>]*/>)(<sheet [^>]*/>)", r"\2\1", book)
        types = source.read("[Content_Types].xml").decode().replace("sheet2.xml", "数据表.xml")
        data = rewritten(
            data,
            {"xl/workbook.xml": book, "xl/_rels/workbook.xml.rels": rels, TYPES: types},
            rename={"xl/worksheets/sheet2.xml": "xl/worksheets/数据表.xml"},
        )
        book = XlsxBook(zipfile.ZipFile(io.BytesIO(data)))
        assert book.sheets == [("数据", "xl/worksheets/数据表.xml"), ("说明", SHEET)]
        rows = assert_same_rows(data)
        assert [row[:2] for _line, row in rows] == [("编号", "名称"), (1, "甲")]


class TestFallback:
    """What the reader does not understand, it says so, and openpyxl reads the file."""

    def unknown_cell_type_on_line_3(self) -> bytes:
        workbook = Workbook()
        for row in [["编号", "名称"], [1, "甲"], [2, "乙"], [3, "丙"]]:
            workbook.active.append(row)
        data = saved(workbook)
        sheet = part(data, SHEET)
        cell = '<c r="B3" t="inlineStr"><is><t>乙</t></is></c>'
        assert cell in sheet
        sheet = sheet.replace(cell, '<c r="B3" t="x-new"><v>2</v></c>')
        return rewritten(data, {SHEET: sheet})

    def test_an_unknown_cell_type_raises_a_clear_error(self):
        archive = zipfile.ZipFile(io.BytesIO(self.unknown_cell_type_on_line_3()))
        book = XlsxBook(archive)
        with pytest.raises(XlsxUnsupported, match="a cell of type 'x-new'"):
            list(book.rows(SHEET, width=2))

    def test_the_rows_after_it_are_read_by_openpyxl(self):
        table = read_table(self.unknown_cell_type_on_line_3(), "a.xlsx")
        # openpyxl keeps an unknown type's text: the shared string's index, "2".
        assert [list(row) for row in table] == [[1, "甲"], [2, "2"], [3, "丙"]]
        assert table.line_numbers == [2, 3, 4]

    def test_a_date_out_of_range_is_left_to_openpyxl(self):
        """openpyxl warns and reads it as "#VALUE!"; this reader does not guess."""
        workbook = Workbook()
        workbook.active["A1"] = datetime.date(2024, 1, 1)
        data = saved(workbook)
        sheet = re.sub(r"<v>\d+</v>", "<v>99999999</v>", part(data, SHEET))
        book = XlsxBook(zipfile.ZipFile(io.BytesIO(rewritten(data, {SHEET: sheet}))))
        with pytest.raises(XlsxUnsupported, match="OverflowError|ValueError"):
            list(book.rows(SHEET, width=1))

    def test_a_workbook_part_elsewhere_is_left_to_openpyxl(self):
        data = saved(every_cell_type())
        types = part(data, TYPES)
        types = types.replace('PartName="/xl/workbook.xml"', 'PartName="/xl/book.xml"')
        data = rewritten(data, {TYPES: types})
        with pytest.raises(XlsxUnsupported, match="/xl/book.xml"):
            XlsxBook(zipfile.ZipFile(io.BytesIO(data)))
        with pytest.raises(ImportFileError, match="XLSX 文件已损坏"):  # as openpyxl reads it
            read_table(data, "a.xlsx")

    def test_entity_declarations_are_not_read(self):
        data = saved(every_cell_type())
        sheet = part(data, SHEET)
        sheet = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>' + sheet
        data = rewritten(data, {SHEET: sheet})
        with pytest.raises(XlsxUnsupported, match="entity"):
            list(XlsxBook(zipfile.ZipFile(io.BytesIO(data))).rows(SHEET, width=1))
        with pytest.raises(ImportFileError, match="XLSX 文件已损坏"):
            read_table(data, "a.xlsx")


def with_a_sheet_of(size: int, *, declared: int | None = None) -> bytes:
    """A small workbook whose sheet inflates to `size` bytes of whitespace inside its rows;
    `declared` makes the zip's headers claim another size, as a crafted file may."""
    output = io.BytesIO()
    data = saved(every_cell_type())
    source = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            if name != SHEET:
                target.writestr(name, source.read(name))
                continue
            head, tail = source.read(name).split(b"<sheetData>")
            with target.open(name, "w") as member:
                member.write(head + b"<sheetData>")
                chunk = b" " * (1 << 20)
                for _ in range(size // len(chunk)):
                    member.write(chunk)
                member.write(tail)
    data = output.getvalue()
    if declared is not None:
        # zipfile trusts the uncompressed size in the sheet's central directory entry.
        data = bytearray(data)
        entry = data.rindex(b"PK\x01\x02", 0, data.rindex(SHEET.encode()))
        data[entry + 24 : entry + 28] = declared.to_bytes(4, "little")
        data = bytes(data)
    return data


class TestLimits:
    def test_a_sheet_that_inflates_past_100_mb_is_refused_before_reading(self):
        data = with_a_sheet_of(101 * 1024 * 1024)
        assert len(data) < 1024 * 1024
        with pytest.raises(ImportFileError, match="XLSX 文件解压后超过 100 MB"):
            read_table(data, "bomb.xlsx")

    def test_a_sheet_that_lies_about_its_size_is_read_no_further_than_it_claims(self):
        data = with_a_sheet_of(150 * 1024 * 1024, declared=1024 * 1024)
        tracemalloc.start()
        try:
            with pytest.raises(ImportFileError, match="XLSX 文件已损坏"):
                read_table(data, "bomb.xlsx")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 20 * 1024 * 1024

    def test_a_header_too_wide(self):
        workbook = Workbook()
        workbook.active.append([f"列{n}" for n in range(1, 102)])
        workbook.active.append(["x"] * 101)
        with pytest.raises(ImportFileError, match="表头超过 100 列"):
            read_table(saved(workbook), "wide.xlsx")

    def test_too_many_blank_rows(self):
        workbook = Workbook()
        workbook.active.append(["编号"])
        data = saved(workbook)
        sheet = part(data, SHEET)
        blank = "".join(
            f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t> </t></is></c></row>'
            for n in range(2, 50_003)
        )
        sheet = re.sub(r"</row>.*</sheetData>", f"</row>{blank}</sheetData>", sheet)
        data = rewritten(data, {SHEET: sheet})
        with pytest.raises(ImportFileError, match="空行超过 50000 行"):
            read_table(data, "blank.xlsx", max_rows=100)

    def test_the_row_limit(self):
        workbook = Workbook()
        for n in range(30):
            workbook.active.append([n])
        with pytest.raises(ImportFileError, match="超过每次 20 行的上限（读到第 22 行时停止）"):
            read_table(saved(workbook), "many.xlsx", max_rows=20)
