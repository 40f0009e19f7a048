"""The spreadsheet import engine, shared by the admin and the import commands.

It reads a CSV (UTF-8 with or without BOM, or GB18030/GBK as Chinese Excel writes it) or an
XLSX file within bounds, row by row, checks its columns against the resource, runs the resource
as a dry run or for real, and reports in Chinese: how many rows are new, updated or unchanged,
and each bad row by its line in the file and its column. A file with any bad row writes
nothing. Between the admin's preview and its confirmation the upload waits in the portal's
private storage (ImportUploadStorage), never longer than an hour.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import hashlib
import io
import itertools
import pickle
import re
import secrets
import threading
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePath
from typing import TYPE_CHECKING
from xml.parsers import expat

import tablib
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from import_export.formats.base_formats import CSV, XLSX, Format
from import_export.results import Result, RowResult
from import_export.tmp_storages import MediaStorage

if TYPE_CHECKING:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from . import security_log
from .import_pipeline import PipelineResult
from .resources import ImportProblem, PortalResource
from .spreadsheets import safe_cell, unescape_cell, xlsx_bytes
from .xlsx import XlsxBook, XlsxUnsupported

UPLOADS_FOLDER = "imports"
UPLOAD_NAME = re.compile(r"[0-9a-f]{32}")
UPLOAD_MAX_AGE = timedelta(hours=1)
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
# Blank rows are skipped, but a file of millions of them is not a table anyone typed.
MAX_BLANK_ROWS = 50_000
MAX_COLUMNS = 100
MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DAMAGED_XLSX = "XLSX 文件已损坏或不完整，请重新保存后再导入。"


class ImportFileError(Exception):
    """A file that cannot be read as a table; the message says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SheetDataset(tablib.Dataset):
    """A table read from a file that remembers, for each data row, its line in the file: blank
    rows are dropped, and messages must still name the line the spreadsheet shows."""

    def __init__(self, *rows, line_numbers: Sequence[int] = (), **kwargs) -> None:
        super().__init__(*rows, **kwargs)
        self.line_numbers = list(line_numbers)


def read_table(data: bytes, filename: str = "", *, max_rows: int = MAX_ROWS) -> SheetDataset:
    """The file's one sheet as a SheetDataset, or ImportFileError.

    Rows are read one at a time and reading stops as soon as a limit is passed, so an
    oversized file costs no more memory than an allowed one.
    """
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
    headers: list[str] | None = None
    body: list[list] = []
    lines: list[int] = []
    blank = 0
    with contextlib.closing(
        _xlsx_rows(data, max_rows=max_rows) if is_xlsx else _csv_rows(data)
    ) as rows:
        for line, row in rows:
            if _is_blank(row):
                blank += 1
                if blank > MAX_BLANK_ROWS:
                    raise ImportFileError(
                        f"文件里的空行超过 {MAX_BLANK_ROWS} 行，请删去空行后再导入。"
                    )
                continue
            if headers is None:
                headers = _headers(row)
                continue
            if len(body) == max_rows:
                raise ImportFileError(
                    f"文件的数据超过每次 {max_rows} 行的上限（读到第 {line} 行时停止），"
                    "请分批导入。"
                )
            body.append(_cells(row, len(headers)))
            lines.append(line)
    if headers is None:
        raise ImportFileError("文件里没有任何内容。")
    if not body:
        raise ImportFileError("文件只有表头，没有数据行。")
    return SheetDataset(*body, headers=headers, line_numbers=lines)


def _is_blank(row: Sequence) -> bool:
    return not any(str(cell).strip() for cell in row if cell is not None)


def _headers(row: Sequence) -> list[str]:
    headers = [str(cell).strip() if cell is not None else "" for cell in row]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > MAX_COLUMNS:
        raise ImportFileError(f"表头超过 {MAX_COLUMNS} 列，请删去多余的列后再导入。")
    if "" in headers:
        raise ImportFileError(f"表头第 {headers.index('') + 1} 列是空的，请给每一列写上列名。")
    duplicated = sorted({h for h in headers if headers.count(h) > 1})
    if duplicated:
        raise ImportFileError(f"表头有重复的列：{'、'.join(duplicated)}。")
    return headers


def _cells(row: Sequence, width: int) -> list:
    cells = ["" if cell is None else cell for cell in list(row)[:width]]
    cells += [""] * (width - len(cells))
    return [unescape_cell(cell.strip()) if isinstance(cell, str) else cell for cell in cells]


def _csv_encoding(data: bytes) -> str:
    """UTF-8 (with or without a BOM) if the whole file decodes as such, else GB18030, the
    superset of the GBK that Chinese Excel writes; decoded piece by piece, nothing kept."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), 1 << 16):
            decoder.decode(view[start : start + (1 << 16)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    if b"\x00" in data[:8192]:
        raise ImportFileError("文件不是 CSV 或 XLSX 表格（内容是二进制数据）。")
    text = io.TextIOWrapper(io.BytesIO(data), encoding=_csv_encoding(data), newline="")
    reader = csv.reader(text)
    line = 0
    try:
        # A quoted cell may span several physical lines; the spreadsheet shows it as one row.
        for line, row in enumerate(reader, start=1):
            yield line, row
    except csv.Error as error:
        raise ImportFileError(f"CSV 格式有误（第 {line + 1} 行）：{error}。") from None
    except UnicodeDecodeError:
        raise ImportFileError(
            "无法识别文件的文字编码，请另存为 UTF-8 或 GBK 编码的 CSV。"
        ) from None


def _xlsx_rows(data: bytes, *, max_rows: int) -> Iterator[tuple[int, tuple]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            # A small file can inflate to gigabytes; refuse before anything is decompressed.
            if sum(member.file_size for member in members) > MAX_XLSX_UNCOMPRESSED:
                raise ImportFileError("XLSX 文件解压后超过 100 MB，请拆分后再导入。")
            if "xl/workbook.xml" not in names:
                raise ImportFileError("文件是压缩包，但不是 Excel 工作簿（.xlsx）。")
            _count_sheet_rows(archive, limit=max_rows + 1 + MAX_BLANK_ROWS, max_rows=max_rows)
    except zipfile.BadZipFile:
        raise ImportFileError(DAMAGED_XLSX) from None
    given = 0
    try:
        for item in _expat_rows(data):
            yield item
            given += 1
        return
    except XlsxUnsupported:
        pass  # openpyxl reads it: the rows it gives are the same, so those given are skipped
    yield from itertools.islice(_openpyxl_rows(data), given, None)


def _expat_rows(data: bytes) -> Iterator[tuple[int, tuple]]:
    """The one filled sheet's rows read by ratings.xlsx, fast; XlsxUnsupported if it cannot."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        book = XlsxBook(archive)
        if not book.sheets:
            raise XlsxUnsupported("no worksheet")
        sheets = [
            (title, functools.partial(book.rows, name, width=MAX_COLUMNS + 1))
            for title, name in book.sheets
        ]
        chosen = _the_one_sheet(sheets)
        yield from enumerate(sheets[chosen][1](), start=1)


def _openpyxl_rows(data: bytes) -> Iterator[tuple[int, tuple]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged workbook
        raise ImportFileError(DAMAGED_XLSX) from None
    try:
        sheets = workbook.worksheets
        chosen = _the_one_sheet([(s.title, functools.partial(_sheet_rows, s)) for s in sheets])
        yield from enumerate(_sheet_rows(sheets[chosen]), start=1)
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(DAMAGED_XLSX) from None
    finally:
        workbook.close()


def _count_sheet_rows(archive: zipfile.ZipFile, *, limit: int, max_rows: int) -> None:
    """Refuse a sheet with more than `limit` rows, counting them one by one and stopping there.

    openpyxl reads every row of a sheet that does not declare its size before it hands out
    the first one, keeping a little of each: two million tiny rows cost minutes and hundreds
    of megabytes. Counting first, with nothing kept, keeps that for files within the limit.
    The count is expat's own start-tag callback, nothing built per element; a sheet that
    declares entities is left to openpyxl (which refuses them) to read and report.
    """
    for name in sorted(names for names in archive.namelist() if _is_worksheet(names)):
        rows = 0

        def start(tag: str, _attributes) -> None:
            nonlocal rows
            if tag == "row" or tag.endswith(":row"):
                rows += 1
                if rows > limit:
                    raise ImportFileError(
                        f"文件的行数超过上限（每次最多 {max_rows} 行数据，空行不超过 "
                        f"{MAX_BLANK_ROWS} 行；读到第 {rows} 行时停止），请分批导入。"
                    )

        def no_entities(*_args) -> None:
            raise ValueError("entity declarations are not read")

        parser = expat.ParserCreate()
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.EntityDeclHandler = no_entities
        parser.StartElementHandler = start
        with archive.open(name) as source:
            try:
                while piece := source.read(1 << 16):
                    parser.Parse(piece, False)
                parser.Parse(b"", True)
            except ImportFileError:
                raise
            except Exception:  # a damaged sheet: let openpyxl say so as it reads
                continue


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _sheet_rows(sheet: ReadOnlyWorksheet) -> Iterator[tuple]:
    # The size a workbook declares may be wrong: trusting it would cut rows off or pad every
    # row to 16,384 columns. One column past the limit shows a header that is too wide.
    sheet.reset_dimensions()
    return sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)


def _the_one_sheet(sheets: Sequence[tuple[str, Callable[[], Iterator[tuple]]]]) -> int:
    """The index of the workbook's only sheet with content, given as (title, its rows): with
    two, which one was meant is a guess, and the rows of the other would silently stay behind."""
    filled = []
    for index, (title, rows) in enumerate(sheets):
        blank = 0
        with contextlib.closing(iter(rows())) as sheet_rows:
            for row in sheet_rows:
                if not _is_blank(row):
                    filled.append((index, title))
                    break
                blank += 1
                if blank > MAX_BLANK_ROWS:
                    break
    if len(filled) > 1:
        names = "、".join(f"“{title}”" for _index, title in filled)
        raise ImportFileError(
            f"工作簿里有 {len(filled)} 个有内容的工作表（{names}），一次只能导入一个。"
            "请只保留要导入的工作表（其他的删去或另存为单独的文件）后再导入。"
        )
    return filled[0][0] if filled else 0


def check_columns(resource: PortalResource, dataset: tablib.Dataset) -> None:
    """The file must have exactly the resource's columns (in any order); an optional column
    (the English names, added later) may be left out, and its values are then kept."""
    expected = [field.column_name for field in resource.get_import_fields()]
    unknown = [header for header in dataset.headers if header not in expected]
    missing = [
        name
        for name in expected
        if name not in dataset.headers and name not in resource.optional_columns
    ]
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
    """What an import did or would do, or why it wrote nothing, in the words both the admin
    and the commands show."""

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
    return report_for(result, dry_run=dry_run)


def report_for(result: Result, *, dry_run: bool) -> ImportReport:
    """The engine's report of an import_data result: counts, or every error by its line."""
    report = ImportReport(dry_run=dry_run)
    for error in result.base_errors:
        if isinstance(error.error, ImportProblem):
            report.errors.append(str(error.error))
        else:
            report.errors.append(f"文件：{error.error}")
    # Rows are numbered as spreadsheet lines already (PortalResource.import_data); the
    # pipeline's result keeps every error's text, and only the first bad rows themselves.
    if isinstance(result, PipelineResult):
        report.errors.extend(text for _line, text in result.messages)
        return _totals(report, result)
    by_line: list[tuple[int, str]] = []
    for error_row in result.error_rows:
        for error in error_row.errors:
            by_line.append((error_row.number, f"第 {error_row.number} 行：{error.error}"))
    for invalid in result.invalid_rows:
        for column, messages in invalid.error_dict.items():
            for message in messages:
                if column == NON_FIELD_ERRORS:
                    text = f"第 {invalid.number} 行：{message}"
                else:
                    text = f"第 {invalid.number} 行，“{column}”列：{message}"
                by_line.append((invalid.number, text))
    report.errors.extend(text for _line, text in sorted(by_line, key=lambda pair: pair[0]))
    return _totals(report, result)


def _totals(report: ImportReport, result: Result) -> ImportReport:
    totals = result.totals
    report.new = totals.get(RowResult.IMPORT_TYPE_NEW, 0)
    report.updated = totals.get(RowResult.IMPORT_TYPE_UPDATE, 0)
    report.unchanged = totals.get(RowResult.IMPORT_TYPE_SKIP, 0)
    return report


def record_import(*, user, what: str, report: ImportReport, request=None) -> None:
    """Write a confirmed import (or one refused at confirmation) to the security log: who, what,
    how many rows of each kind. A preview writes nothing and is not recorded."""
    security_log.record(
        "spreadsheet_import",
        request=request,
        user=user if user is not None and user.is_authenticated else None,
        what=what,
        written=report.ok,
        new=report.new,
        updated=report.updated,
        unchanged=report.unchanged,
        errors=len(report.errors),
        source="admin" if request is not None else "command",
    )


def import_bytes(
    resource_class: type[PortalResource],
    data: bytes,
    filename: str,
    *,
    dry_run: bool,
    max_rows: int = MAX_ROWS,
    user=None,
) -> ImportReport:
    """Read `data` as a table and import (or preview) it; a file that cannot be read is
    reported like a bad row, and nothing is written."""
    try:
        dataset = read_table(data, filename, max_rows=max_rows)
    except ImportFileError as error:
        return ImportReport(errors=[error.message], dry_run=dry_run)
    return run_import(resource_class, dataset, dry_run=dry_run, user=user)


def read_table_once(data: bytes, filename: str = "", *, max_rows: int = MAX_ROWS) -> SheetDataset:
    """read_table, once per file: the admin's form and its preview read the same bytes within
    one request, and its confirmation reads the table that the preview kept (keep_table) if
    the file has not changed since, found by the SHA-256 of its bytes. A changed file is read
    (and, like every confirmation, validated) again."""
    digest = hashlib.sha256(data).hexdigest()
    recent = getattr(_recent, "table", None)
    _recent.table = None
    if recent is not None and recent[0] == (digest, max_rows):
        return recent[1]
    kept = _kept_table(digest, max_rows)
    if kept is not None:
        return kept
    dataset = read_table(data, filename, max_rows=max_rows)
    _recent.table = ((digest, max_rows), dataset)
    return dataset


_recent = threading.local()  # the table the current request read last, taken by its next read


def forget_table() -> None:
    """Drop the table kept for the next read (the form refused the file: there is none)."""
    _recent.table = None


TABLES_FOLDER = "import-tables"


def keep_table(data: bytes, dataset: SheetDataset, *, max_rows: int = MAX_ROWS) -> None:
    """Keep a previewed file's table for its confirmation (at most an hour, like the upload),
    signed so that only a table this portal wrote is ever read back."""
    digest = hashlib.sha256(data).hexdigest()
    payload = pickle.dumps(
        (max_rows, list(dataset.headers), [list(row) for row in dataset], dataset.line_numbers),
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    signature = salted_hmac(TABLES_FOLDER, payload, algorithm="sha256").hexdigest().encode()
    storage = ImportUploadStorage()._storage
    name = f"{TABLES_FOLDER}/{digest}"
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, ContentFile(signature + b"\n" + payload))


def _kept_table(digest: str, max_rows: int) -> SheetDataset | None:
    name = f"{TABLES_FOLDER}/{digest}"
    storage = ImportUploadStorage()._storage
    try:
        with storage.open(name, "rb") as stored:
            content = stored.read()
    except (FileNotFoundError, OSError):
        return None
    with contextlib.suppress(FileNotFoundError):
        storage.delete(name)  # a table serves one confirmation
    signature, _, payload = content.partition(b"\n")
    expected = salted_hmac(TABLES_FOLDER, payload, algorithm="sha256").hexdigest().encode()
    if not constant_time_compare(signature, expected):
        return None
    kept_max_rows, headers, rows, lines = pickle.loads(payload)
    if kept_max_rows != max_rows:
        return None
    return SheetDataset(*rows, headers=headers, line_numbers=lines)


ERROR_REPORT = re.compile(r"errors-[0-9a-f]{32}")


def keep_error_report(errors: list[str]) -> str:
    """Every error of a refused preview as a CSV (UTF-8 with a BOM, for Chinese Excel) that the
    page links to instead of listing them all; its name, kept for an hour like an upload."""
    name = f"errors-{secrets.token_hex(16)}"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["错误"])
    writer.writerows([safe_cell(error)] for error in errors)
    ImportUploadStorage()._storage.save(
        f"{TABLES_FOLDER}/{name}", ContentFile(buffer.getvalue().encode("utf-8-sig"))
    )
    return name


def error_report(name: str) -> bytes | None:
    """The error report `name` (keep_error_report), or None if there is none by that name."""
    if not ERROR_REPORT.fullmatch(name):
        return None
    try:
        with ImportUploadStorage()._storage.open(f"{TABLES_FOLDER}/{name}", "rb") as stored:
            return stored.read()
    except (FileNotFoundError, OSError):
        return None


class ImportUploadStorage(MediaStorage):
    """Where an uploaded file waits between the admin's preview and its confirmation: in the
    portal's private storage (MEDIA_ROOT/imports/) under a random name, not in the system's
    temporary folder, since an accounts file holds names and e-mail addresses. It is removed
    after the confirmation or the refusal, and by `purge_stale_uploads` an hour later at most."""

    def __init__(self, **kwargs) -> None:
        kwargs["MEDIA_FOLDER"] = UPLOADS_FOLDER
        super().__init__(**kwargs)
        if self.name is not None and not UPLOAD_NAME.fullmatch(self.name):
            self.name = ""  # a name this class did not make points nowhere

    def save(self, data: bytes) -> None:
        if not self.name:
            self.name = secrets.token_hex(16)
        super().save(data)

    def exists(self) -> bool:
        return bool(self.name) and self._storage.exists(self.get_full_path())

    def remove(self) -> None:
        if self.exists():
            super().remove()


def purge_stale_uploads(*, older_than: timedelta = UPLOAD_MAX_AGE) -> int:
    """Delete uploads left unconfirmed for longer than `older_than`; how many were deleted."""
    storage = ImportUploadStorage()._storage
    cutoff = timezone.now() - older_than
    deleted = 0
    for folder in (UPLOADS_FOLDER, TABLES_FOLDER):
        try:
            names = storage.listdir(folder)[1]
        except FileNotFoundError:
            continue
        for name in names:
            path = f"{folder}/{name}"
            try:
                if storage.get_modified_time(path) < cutoff:
                    storage.delete(path)
                    deleted += folder == UPLOADS_FOLDER  # the kept tables go silently
            except FileNotFoundError:
                continue  # another request removed it first
    return deleted


class SafeXLSX(XLSX):
    """XLSX export whose formula-like text is written as text cells (spreadsheets.xlsx_bytes)."""

    def export_data(self, dataset: tablib.Dataset, **kwargs) -> bytes:
        return xlsx_bytes(dataset.title or "Sheet1", dataset.headers, dataset)


class SafeCSV(CSV):
    """CSV export whose formula-like text gets the apostrophe the import takes off again."""

    def export_data(self, dataset: tablib.Dataset, **kwargs) -> str:
        escaped = tablib.Dataset(
            *([safe_cell(cell) for cell in row] for row in dataset), headers=dataset.headers
        )
        return super().export_data(escaped, **kwargs)


class SpreadsheetFormat(Format):
    """The admin's one import format: CSV or XLSX, told apart by content, read by read_table."""

    def __init__(self, encoding: str | None = None, **kwargs) -> None:
        # The encoding is found from the content; the admin's choice is not needed.
        self.encoding = encoding

    def get_title(self) -> str:
        return "CSV / XLSX"

    def create_dataset(self, in_stream, **kwargs) -> tablib.Dataset:
        data = in_stream if isinstance(in_stream, bytes) else in_stream.encode("utf-8")
        return read_table_once(data)

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def can_import(self) -> bool:
        return True

    def get_extension(self) -> str:
        return "csv"
