"""Plaque numbers: printing one, and reading what someone typed.

A plaque number reads `WH-2026-0001-7`: a prefix, the year, the plaque's sequence in that year and
a check character. The check character is ISO 7064 MOD 11-2 over the year and sequence digits
(the scheme of the Chinese resident ID card, so `X` stands for ten): it catches every single
mistyped digit and every swap of two neighbouring digits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings

_NUMBER = re.compile(r"^([A-Z]{2})-?(\d{4})-?(\d{1,6})-?([0-9X])$")


def check_character(digits: str) -> str:
    """ISO 7064 MOD 11-2 check character of a string of digits."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2 % 11
    value = (12 - total) % 11
    return "X" if value == 10 else str(value)


def plaque_number(year: int, sequence: int) -> str:
    """The number printed on the `sequence`-th plaque of `year`, with its check character."""
    digits = f"{year:04d}{sequence:04d}"
    return f"{settings.PLAQUE_PREFIX}-{year:04d}-{sequence:04d}-{check_character(digits)}"


@dataclass(frozen=True)
class ParsedNumber:
    canonical: str  # the number as printed, if the check character is right
    check_ok: bool


def parse_plaque_number(text: str) -> ParsedNumber | None:
    """Read what someone typed: case, spaces, full-width characters and missing zeros are
    forgiven; None when it does not have the shape of a plaque number at all."""
    cleaned = unicodedata.normalize("NFKC", text or "").upper()
    cleaned = re.sub(r"[\u2010-\u2015\u2212]", "-", cleaned)
    cleaned = re.sub(r"\s+", "", cleaned)
    match = _NUMBER.match(cleaned)
    if match is None or match.group(1) != settings.PLAQUE_PREFIX:
        return None
    year, sequence, check = int(match.group(2)), int(match.group(3)), match.group(4)
    canonical = plaque_number(year, sequence)
    return ParsedNumber(canonical=canonical, check_ok=canonical.endswith(f"-{check}"))


def verification_url(number: str) -> str:
    """The permanent public address of a plaque, printed as its QR code."""
    return f"{settings.SITE_URL}/verify/{number}/"
