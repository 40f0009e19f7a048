"""Writing spreadsheets that are safe to open, and reading back what they escaped.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula
by Excel, WPS and LibreOffice. In an XLSX file such text is written as a text cell, which no
spreadsheet runs, and keeps its value. A CSV file has no cell types, so such text gets a leading
apostrophe (the OWASP advice), and the import takes that apostrophe off again: an exported file
imports back unchanged.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

# A cell starting with one of these is run as a formula by Excel, WPS and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _escaped(text: str) -> bool:
    """Whether `text` starts with apostrophes before a formula start: what `safe_cell` made."""
    return text.lstrip("'").startswith(FORMULA_STARTS)


def safe_cell(value):
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe, which
    spreadsheets show as plain text; so is text that already looks escaped, so that
    `unescape_cell` gives back exactly what was written. Every other value passes unchanged."""
    if isinstance(value, str) and _escaped(value):
        return "'" + value
    return value


def unescape_cell(value):
    """The inverse of `safe_cell`, for a cell read from an imported file."""
    if isinstance(value, str) and value.startswith("'") and _escaped(value[1:]):
        return value[1:]
    return value


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """One worksheet with a bold header row; text a spreadsheet would run as a formula is
    written as a text cell, shown and kept as typed."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    widths: dict[int, int] = {}
    for number, row in enumerate([header, *rows], start=1):
        for column, value in enumerate(row, start=1):
            if isinstance(value, str):
                # Control characters are not allowed in the file format at all.
                value = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
                if value.startswith("'") and _escaped(value[1:]):
                    value = "'" + value  # so that the import's unescape gives it back
            cell = sheet.cell(number, column, value)
            if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                cell.data_type = "s"  # a string, never a formula
                cell.quotePrefix = True  # and it stays text when someone edits it
            if number == 1:
                cell.font = Font(bold=True)
            widths[column] = max(widths.get(column, 0), len(str(value or "")))
    for column, width in widths.items():
        letter = sheet.cell(1, column).column_letter
        sheet.column_dimensions[letter].width = min(60, max(10, width * 2))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
