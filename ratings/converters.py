"""Path converters: a URL whose parts cannot name anything is a 404 before any view runs.

Django's `int` accepts any number of digits, which reaches the database as an integer too
large for its columns; `str` accepts control characters that PostgreSQL refuses.
"""

from __future__ import annotations

from django.urls import register_converter


class IdConverter:
    """A primary key: at most 18 digits, inside a 64-bit integer."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class YearConverter(IdConverter):
    regex = "[0-9]{4}"


class StandardConverter(IdConverter):
    """The number of a star standard, 1–10."""

    regex = "[0-9]{1,2}"


class RegionCodeConverter:
    """A 12-digit statistical division code."""

    regex = "[0-9]{12}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


class PlaqueNumberConverter(RegionCodeConverter):
    """A plaque number exactly as printed (WH-2026-0001-7). The public verification page takes
    any text instead, to forgive what people type."""

    regex = "[A-Z]{2}-[0-9]{4}-[0-9]{4,6}-[0-9X]"


class ReceiptConverter(RegionCodeConverter):
    """An objection's receipt number (YY-2026-7K3M9QX2P4)."""

    regex = "YY-[0-9]{4}-[2-9A-HJKMNP-Z]{10}"


class ReportReceiptConverter(RegionCodeConverter):
    """A resident's report's receipt number (FY-2026-7K3M9QX2P4)."""

    regex = "FY-[0-9]{4}-[2-9A-HJKMNP-Z]{10}"


class DownloadFormatConverter(RegionCodeConverter):
    regex = "csv|json"


register_converter(IdConverter, "id")
register_converter(YearConverter, "year")
register_converter(StandardConverter, "standard")
register_converter(RegionCodeConverter, "code")
register_converter(PlaqueNumberConverter, "plaque")
register_converter(DownloadFormatConverter, "fmt")
register_converter(ReceiptConverter, "receipt")
register_converter(ReportReceiptConverter, "report_receipt")
