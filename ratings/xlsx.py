"""A streaming reader of XLSX worksheets on the standard library's expat parser.

It gives a worksheet's rows as openpyxl's read-only mode gives them (``values_only=True``, a
fixed ``max_col``: the import engine's way) without a cell object per cell: shared and inline
strings, numbers (integral ones as int), booleans, cached formula results, and dates and times by
the workbook's number formats, 1900 or 1904 system. What it does not understand raises
XlsxUnsupported, and the caller lets openpyxl read the file. Bounds on size and rows are the
caller's.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import IO
from xml.parsers import expat

from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "
RELATIONSHIP_ID = "http://schemas.openxmlformats.org/officeDocument/2006/relationships id"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types "
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships "
WORKBOOK_TYPES = [  # in the order openpyxl looks for them
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
]
SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
ROW, CELL, VALUE, INLINE, TEXT = (MAIN + name for name in ("row", "c", "v", "is", "t"))
STRING_ITEM, PHONETIC = MAIN + "si", MAIN + "rPh"
COLUMN = re.compile("[A-Z]{1,3}")


class XlsxUnsupported(Exception):
    """A workbook or cell this reader does not understand: openpyxl should read the file."""


class XlsxBook:
    """An XLSX workbook opened for reading: its worksheets in order, shared strings and dates."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        try:
            self._read_parts()
        except XlsxUnsupported:
            raise
        except Exception as error:  # any surprise in the workbook's parts: openpyxl decides
            raise XlsxUnsupported(f"{type(error).__name__}: {error}") from error

    def _read_parts(self) -> None:
        overrides: dict[str, list[str]] = {}

        def content_type(tag: str, attributes: dict) -> None:
            if tag == CONTENT_TYPES + "Override":
                overrides.setdefault(attributes["ContentType"], []).append(attributes["PartName"])

        _parse_member(self.archive, "[Content_Types].xml", content_type)
        workbook = next((overrides[t][0] for t in WORKBOOK_TYPES if t in overrides), None)
        if workbook != "/xl/workbook.xml":
            raise XlsxUnsupported(f"the workbook part is {workbook}, not /xl/workbook.xml")
        strings = overrides.get(SHARED_STRINGS)
        self.shared_strings = self._read_shared_strings(strings[0][1:]) if strings else []
        self.date_styles, self.timedelta_styles = self._read_styles()
        self.epoch = WINDOWS_EPOCH
        sheets: list[tuple[str, str]] = []

        def workbook_part(tag: str, attributes: dict) -> None:
            if tag == MAIN + "workbookPr":
                if attributes.get("date1904", "") not in ("", "false", "f", "0"):
                    self.epoch = CALENDAR_MAC_1904
            elif tag == MAIN + "sheet":
                if not attributes.get(RELATIONSHIP_ID):
                    raise XlsxUnsupported("a sheet without a relationship id")
                sheets.append((attributes["name"], attributes[RELATIONSHIP_ID]))

        _parse_member(self.archive, "xl/workbook.xml", workbook_part)
        targets: dict[str, tuple[str, str]] = {}

        def relationship(tag: str, attributes: dict) -> None:
            if tag == PACKAGE_RELATIONSHIPS + "Relationship":
                target = attributes["Target"]
                if attributes.get("TargetMode") != "External":
                    target = target[1:] if target[:1] == "/" else posixpath.normpath("xl/" + target)
                targets[attributes["Id"]] = (target, attributes.get("Type", ""))

        _parse_member(self.archive, "xl/_rels/workbook.xml.rels", relationship)
        names = set(self.archive.namelist())
        # As openpyxl: a part the archive lacks is no sheet, and chart sheets hold no rows.
        self.sheets = [
            (title, targets[rid][0])
            for title, rid in sheets
            if targets[rid][0] in names and "chartsheet" not in targets[rid][1]
        ]

    def _read_shared_strings(self, name: str) -> list[str]:
        """The shared strings as openpyxl's read_string_table gives them: the text of each
        item's <t> and rich-text runs' <t>, phonetic guides left out."""
        strings: list[str] = []
        parts: list[str] = []
        collecting = in_phonetic = False

        def start(tag: str, _attributes: dict) -> None:
            nonlocal collecting, in_phonetic
            if tag == TEXT:
                collecting = not in_phonetic
            elif tag == STRING_ITEM:
                parts.clear()
            elif tag == PHONETIC:
                in_phonetic = True

        def end(tag: str) -> None:
            nonlocal collecting, in_phonetic
            if tag == TEXT:
                collecting = False
            elif tag == STRING_ITEM:
                strings.append("".join(parts).replace("x005F_", ""))
            elif tag == PHONETIC:
                in_phonetic = False

        def text(data: str) -> None:
            if collecting:
                parts.append(data)

        _parse_member(self.archive, name, start, end, text)
        return strings

    def _read_styles(self) -> tuple[set[int], set[int]]:
        """The cell styles (indexes into cellXfs) whose number format is a date or a duration."""
        if "xl/styles.xml" not in self.archive.namelist():
            return set(), set()
        custom: dict[int, str] = {}
        formats: list[int] = []
        in_cell_xfs = False  # <xf> is also in <cellStyleXfs>, which comes before <cellXfs>

        def start(tag: str, attributes: dict) -> None:
            nonlocal in_cell_xfs
            if tag == MAIN + "numFmt":
                custom[int(attributes["numFmtId"])] = attributes.get("formatCode")
            elif tag == MAIN + "cellXfs" or tag == MAIN + "cellStyleXfs":
                in_cell_xfs = tag == MAIN + "cellXfs"
            elif tag == MAIN + "xf" and in_cell_xfs:
                formats.append(int(attributes.get("numFmtId", 0)))

        _parse_member(self.archive, "xl/styles.xml", start)
        codes = [custom[i] if i in custom else builtin_format_code(i) for i in formats]
        dates = {index for index, code in enumerate(codes) if is_date_format(code)}
        durations = {index for index, code in enumerate(codes) if is_timedelta_format(code)}
        return dates, durations

    def rows(self, name: str, *, width: int) -> Iterator[tuple]:
        """The rows of the worksheet `name`, each a tuple of `width` values (None for an empty
        cell), missing rows given as empty ones, read piece by piece."""
        try:
            yield from self._rows(name, width)
        except XlsxUnsupported:
            raise
        except Exception as error:  # a damaged or unusual sheet: openpyxl decides
            raise XlsxUnsupported(f"{type(error).__name__}: {error}") from error

    def _rows(self, name: str, width: int) -> Iterator[tuple]:
        strings, epoch = self.shared_strings, self.epoch
        dates, durations = self.date_styles, self.timedelta_styles
        empty = (None,) * width
        ready: list[tuple] = []
        columns: dict[str, int] = {}
        values: list = []
        parts: list[str] = []
        expected, row, column = 1, 0, 0
        kind = style = value = None
        collecting = inline = in_phonetic = False

        def start(tag: str, attributes: dict) -> None:
            nonlocal row, column, kind, style, value, collecting, inline, in_phonetic
            if tag == CELL:
                reference = attributes.get("r")
                column = _column(reference, columns) if reference else column + 1
                kind, style = attributes.get("t", "n"), attributes.get("s")
                value, inline = None, False
            elif tag == VALUE:
                collecting = value is None and kind != "inlineStr"
                if collecting:
                    parts.clear()
            elif tag == ROW:
                number = attributes.get("r")
                row = row + 1 if number is None else _row_number(number)
                column = 0
                values[:] = empty
            elif tag == INLINE:
                inline, in_phonetic = True, False
                parts.clear()
            elif tag == TEXT:
                collecting = inline and not in_phonetic
            elif tag == PHONETIC:
                in_phonetic = True

        def end(tag: str) -> None:
            nonlocal expected, value, collecting, in_phonetic
            if tag == CELL:
                if kind == "inlineStr":
                    cell = "".join(parts) if inline else None
                elif not value:
                    cell = None
                elif kind == "n":
                    cell = (
                        float(value) if "." in value or "E" in value or "e" in value else int(value)
                    )
                    if style and dates and int(style) in dates:  # out of range: openpyxl warns
                        cell = from_excel(cell, epoch, timedelta=int(style) in durations)
                elif kind == "s":
                    cell = strings[int(value)]
                elif kind == "str" or kind == "e":
                    cell = value
                elif kind == "b":
                    cell = bool(int(value))
                elif kind == "d":
                    cell = from_ISO8601(value)
                else:
                    raise XlsxUnsupported(f"a cell of type {kind!r}")
                if column <= width:
                    values[column - 1] = cell
            elif tag == VALUE and collecting:
                value, collecting = "".join(parts), False
            elif tag == TEXT:
                collecting = False
            elif tag == PHONETIC:
                in_phonetic = False
            elif tag == ROW:
                # As openpyxl: rows the sheet skips come out empty, a repeated or earlier one not.
                if expected <= row:
                    ready.extend([empty] * (row - expected))
                    ready.append(tuple(values))
                    expected = row + 1

        def text(data: str) -> None:
            if collecting:
                parts.append(data)

        with self.archive.open(name) as source:
            for _ in _feed(source, start, end, text):
                yield from ready
                ready.clear()


def _column(reference: str, columns: dict[str, int]) -> int:
    """The column number of a reference such as "B7", letters remembered once read."""
    letters = reference.rstrip("0123456789")
    number = columns.get(letters)
    if number is None:
        if not COLUMN.fullmatch(letters) or letters == reference:
            raise XlsxUnsupported(f"a cell reference {reference!r}")
        number = 0
        for letter in letters:
            number = number * 26 + ord(letter) - 64
        columns[letters] = number
    return number


def _row_number(text: str) -> int:
    """A row's number; openpyxl also accepts "7.0"."""
    number = float(text)
    if not number.is_integer():
        raise XlsxUnsupported(f"a row number {text!r}")
    return int(number)


def _refuse_entities(*_args) -> None:
    raise XlsxUnsupported("entity declarations are not read")


def _feed(
    source: IO[bytes], start: Callable, end: Callable | None = None, text: Callable | None = None
) -> Iterator[None]:
    """Parse `source` with expat (namespaces resolved, entity declarations refused), pausing
    after each piece of 64 KiB so that a caller can hand out what was read."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _refuse_entities
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    while piece := source.read(1 << 16):
        parser.Parse(piece, False)
        yield
    parser.Parse(b"", True)
    yield


def _parse_member(archive: zipfile.ZipFile, name: str, *handlers: Callable) -> None:
    with archive.open(name) as source:
        for _ in _feed(source, *handlers):
            pass
