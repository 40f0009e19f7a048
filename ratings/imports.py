"""The spreadsheet import engine, shared by the admin and the import commands.

It reads a CSV (UTF-8 with or without BOM, or GB18030/GBK as Chinese Excel writes it) or an
XLSX file within bounds, checks its columns against the resource, runs the resource as a dry
run or for real, and reports in Chinese: how many rows are new, updated or unchanged, and each
bad row by its line in the file and its column. A file with any bad row writes nothing.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

import tablib
from django.core.exceptions import NON_FIELD_ERRORS
from import_export.formats.base_formats import Format
from import_export.results import RowResult

from .resources import PortalResource

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ImportFileError(Exception):
    """A file that cannot be read as a table; the message says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_table(data: bytes, filename: str = "", *, max_rows: int = MAX_ROWS) -> tablib.Dataset:
    """The file's first sheet as a Dataset, or ImportFileError."""
    if not data:
        raise ImportFileError("文件是空的。")
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"文件大小 {len(data) / 1024 / 1024:.1f} MB，超过 10 MB 的上限。")
    is_xlsx = data.startswith(b"PK\x03\x04")
    if data.startswith(OLE_SIGNATURE):
        raise ImportFileError(
            "这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入。"
        )
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx" and not is_xlsx:
        raise ImportFileError(
            "文件扩展名是 .xlsx，但内容不是 Excel 工作簿。请确认文件格式后重新导出。"
        )
    if suffix == ".csv" and is_xlsx:
        raise ImportFileError("文件扩展名是 .csv，但内容是 Excel 工作簿。请把扩展名改为 .xlsx。")
    if suffix not in ("", ".xlsx", ".csv"):
        raise ImportFileError(f"只接受 .xlsx 和 .csv 文件，收到的是 {suffix} 文件。")
    rows = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    rows = [row for row in rows if any(str(cell).strip() for cell in row if cell is not None)]
    if not rows:
        raise ImportFileError("文件里没有任何内容。")
    if len(rows) == 1:
        raise ImportFileError("文件只有表头，没有数据行。")
    if len(rows) - 1 > max_rows:
        raise ImportFileError(
            f"文件有 {len(rows) - 1} 行数据，超过每次 {max_rows} 行的上限，请分批导入。"
        )
    headers = [str(cell).strip() if cell is not None else "" for cell in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    if "" in headers:
        raise ImportFileError(f"表头第 {headers.index('') + 1} 列是空的，请给每一列写上列名。")
    duplicated = sorted({h for h in headers if headers.count(h) > 1})
    if duplicated:
        raise ImportFileError(f"表头有重复的列：{'、'.join(duplicated)}。")
    width = len(headers)
    body = [_cells(row, width) for row in rows[1:]]
    return tablib.Dataset(*body, headers=headers)


def _cells(row, width: int) -> list:
    cells = ["" if cell is None else cell for cell in list(row)[:width]]
    cells += [""] * (width - len(cells))
    return [cell.strip() if isinstance(cell, str) else cell for cell in cells]


def _csv_rows(data: bytes) -> list[list[str]]:
    if b"\x00" in data[:8192]:
        raise ImportFileError("文件不是 CSV 或 XLSX 表格（内容是二进制数据）。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes every byte sequence but a few
        raise ImportFileError("无法识别文件的文字编码，请另存为 UTF-8 或 GBK 编码的 CSV。")
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise ImportFileError(f"CSV 格式有误：{error}。") from None


def _xlsx_rows(data: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            # A small file can inflate to gigabytes; refuse before anything is decompressed.
            if sum(member.file_size for member in members) > MAX_XLSX_UNCOMPRESSED:
                raise ImportFileError("XLSX 文件解压后超过 100 MB，请拆分后再导入。")
    except zipfile.BadZipFile:
        raise ImportFileError("XLSX 文件已损坏或不完整，请重新保存后再导入。") from None
    if "xl/workbook.xml" not in names:
        raise ImportFileError("文件是压缩包，但不是 Excel 工作簿（.xlsx）。")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        workbook.close()
    except Exception:  # openpyxl raises many kinds on a damaged workbook
        raise ImportFileError("XLSX 文件已损坏或不完整，请重新保存后再导入。") from None
    return rows


def check_columns(resource: PortalResource, dataset: tablib.Dataset) -> None:
    """The file must have exactly the resource's columns (in any order)."""
    expected = [field.column_name for field in resource.get_import_fields()]
    unknown = [header for header in dataset.headers if header not in expected]
    missing = [name for name in expected if name not in dataset.headers]
    problems = []
    if missing:
        problems.append(f"缺少列：{'、'.join(missing)}")
    if unknown:
        problems.append(f"无法识别的列：{'、'.join(unknown)}")
    if problems:
        raise ImportFileError(
            "；".join(problems) + f"。这份文件应有的列是：{'、'.join(expected)}。"
        )


@dataclass
class ImportReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        if self.errors:
            head = f"有 {len(self.errors)} 处错误，未写入任何数据："
            return [head, *(f"  {error}" for error in self.errors)]
        verb = "将新增" if self.dry_run else "新增"
        return [f"{verb} {self.new} 行，更新 {self.updated} 行，{self.unchanged} 行没有变化。"]


def run_import(
    resource_class: type[PortalResource], dataset: tablib.Dataset, *, dry_run: bool, user=None
) -> ImportReport:
    """Import (or preview) `dataset`; every row or none."""
    resource = resource_class()
    report = ImportReport(dry_run=dry_run)
    try:
        check_columns(resource, dataset)
    except ImportFileError as error:
        report.errors.append(error.message)
        return report
    result = resource.import_data(dataset, dry_run=dry_run, raise_errors=False, user=user)
    for error in result.base_errors:
        report.errors.append(f"文件：{error.error}")
    for number, errors in result.row_errors():
        for error in errors:
            report.errors.append(f"第 {number + 1} 行：{error.error}")
    # Invalid rows are numbered as spreadsheet lines already, their errors keyed by column.
    for invalid in result.invalid_rows:
        for column, messages in invalid.error_dict.items():
            for message in messages:
                if column == NON_FIELD_ERRORS:
                    report.errors.append(f"第 {invalid.number} 行：{message}")
                else:
                    report.errors.append(f"第 {invalid.number} 行，“{column}”列：{message}")
    totals = result.totals
    report.new = totals.get(RowResult.IMPORT_TYPE_NEW, 0)
    report.updated = totals.get(RowResult.IMPORT_TYPE_UPDATE, 0)
    report.unchanged = totals.get(RowResult.IMPORT_TYPE_SKIP, 0)
    return report


def import_bytes(
    resource_class: type[PortalResource],
    data: bytes,
    filename: str,
    *,
    dry_run: bool,
    max_rows: int = MAX_ROWS,
    user=None,
) -> ImportReport:
    try:
        dataset = read_table(data, filename, max_rows=max_rows)
    except ImportFileError as error:
        return ImportReport(errors=[error.message], dry_run=dry_run)
    return run_import(resource_class, dataset, dry_run=dry_run, user=user)


class SpreadsheetFormat(Format):
    """The admin's one import format: CSV or XLSX, told apart by content, read by read_table."""

    def __init__(self, encoding: str | None = None, **kwargs) -> None:
        # The encoding is found from the content; the admin's choice is not needed.
        self.encoding = encoding

    def get_title(self) -> str:
        return "CSV / XLSX"

    def create_dataset(self, in_stream, **kwargs) -> tablib.Dataset:
        data = in_stream if isinstance(in_stream, bytes) else in_stream.encode("utf-8")
        return read_table(data)

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def can_import(self) -> bool:
        return True

    def get_extension(self) -> str:
        return "csv"
