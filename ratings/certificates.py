"""Plaque certificates: an A4 PDF in a formal typeface (embedded), with the issuer lines under a
seal and a QR code of the plaque's public verification address; a revoked plaque's copy is
overprinted 已撤销 for the archive."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

import segno
from django.conf import settings
from django.utils import timezone
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from . import selectors
from .models import Plaque
from .plaques import verification_url

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
SANS = "WQY"  # numbers, codes and the address: plain and legible
FORMAL = "Formal"  # the title, the name, the wording and the issuers
SEAL_RADIUS = 48  # an official round seal is 4.2 cm across: 48 pt is its radius, near enough


def certificate_pdf(plaque: Plaque) -> bytes:
    """An A4 certificate of a plaque, with embedded Chinese text and a QR code of its public
    verification address."""
    buffer = io.BytesIO()
    pdf = _canvas(buffer)
    # The certificate is an official document in Chinese, whatever the interface language.
    revoked_mark = "（已撤销）" if plaque.revoked_at is not None else ""
    pdf.setTitle(f"十星平安社区(村)证书 {plaque.number}{revoked_mark}")
    _draw(pdf, plaque, full_name=_full_name(plaque))
    pdf.save()
    return buffer.getvalue()


def certificates_pdf(
    plaques: Iterable[Plaque], out: BinaryIO, *, title: str, progress: Callable[[int], None]
) -> int:
    """Many certificates, one a page, into `out` (a file: memory stays flat however many);
    `progress` is told how many are done every so often. Returns how many were drawn."""
    pdf = _canvas(out)
    pdf.setTitle(title)
    names: dict[str, str] = {}
    count = 0
    for plaque in plaques:
        town = plaque.rating.community.parent_id
        if town not in names:  # one query per town, not per certificate
            names[town] = "".join(
                r.name for r in selectors.region_ancestors(region=plaque.rating.community.parent)
            )
        _draw(pdf, plaque, full_name=names[town] + plaque.rating.community.name)
        count += 1
        if count % 20 == 0:
            progress(count)
    pdf.save()
    progress(count)
    return count


def _canvas(out: BinaryIO) -> canvas.Canvas:
    register_fonts()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setAuthor("、".join(settings.PLAQUE_ISSUER_LINES))
    return pdf


def register_fonts() -> None:
    """The typefaces the portal's PDFs embed (certificates, the statistics report), once per
    process."""
    registered = pdfmetrics.getRegisteredFontNames()
    if SANS not in registered:
        pdfmetrics.registerFont(TTFont(SANS, str(FONT_PATH), subfontIndex=0))
    name, path = _formal_font()
    if name not in registered:
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))


def _formal_font() -> tuple[str, Path]:
    """CERTIFICATE_FONT_FILE where it is installed, else the shipped font: the certificate must
    print on any machine."""
    installed = Path(settings.CERTIFICATE_FONT_FILE)
    path = installed if installed.is_file() else FONT_PATH
    return f"{FORMAL}:{path}", path


def _full_name(plaque: Plaque) -> str:
    """乌海市海南区巴音陶亥镇赛汗乌素村: the community with every region above it."""
    return "".join(r.name for r in selectors.region_ancestors(region=plaque.rating.community))


def _draw(pdf: canvas.Canvas, plaque: Plaque, *, full_name: str) -> None:
    """One certificate on one page."""
    rating = plaque.rating
    community = rating.community
    red, gold, ink = HexColor("#b3261e"), HexColor("#b8860b"), HexColor("#1d2733")
    width, height = A4

    # Frame
    pdf.setStrokeColor(red)
    pdf.setLineWidth(6)
    pdf.rect(28, 28, width - 56, height - 56)
    pdf.setStrokeColor(gold)
    pdf.setLineWidth(1.5)
    pdf.rect(40, 40, width - 80, height - 80)

    formal, _ = _formal_font()

    def centred(text: str, y: float, size: float, color=ink) -> None:
        pdf.setFillColor(color)
        pdf.setFont(formal, size)
        pdf.drawCentredString(width / 2, y, text)

    centred("证　书", height - 150, 40, red)
    centred(full_name, height - 250, 22)
    centred(
        f"在{rating.year_id}年度十星平安社区(村)评定中十项标准全部获得认定，",
        height - 300,
        15,
    )
    centred("特授予", height - 330, 15)
    centred("十星平安社区(村)", height - 400, 36, red)
    centred("称号。", height - 445, 15)
    centred("★ ★ ★ ★ ★ ★ ★ ★ ★ ★", height - 490, 18, gold)

    pdf.setFillColor(ink)
    pdf.setFont(SANS, 12)
    issued = timezone.localtime(plaque.issued_at)
    left = 80
    pdf.drawString(left, 250, f"牌匾编号：{plaque.number}")
    pdf.drawString(left, 228, f"评定年度：{rating.year_id}年度")
    pdf.drawString(left, 206, f"授牌日期：{issued:%Y年%m月%d日}")
    pdf.drawString(left, 184, f"区划代码：{community.code}")

    url = verification_url(plaque.number)
    qr = segno.make(url, error="m")
    image = io.BytesIO()
    qr.save(image, kind="png", scale=6, border=2)
    image.seek(0)
    size = 110
    pdf.drawImage(ImageReader(image), width - 80 - size, 200, size, size)
    pdf.setFont(SANS, 8)
    pdf.drawRightString(width - 80, 190, "扫码查验真伪")
    pdf.drawString(left, 160, url)

    _issuers_and_seal(pdf, right=width - 80, date=f"{issued:%Y年%m月%d日}", font=formal)

    if plaque.revoked_at is not None:
        _overprint_revoked(pdf, plaque, width, height, red)

    pdf.showPage()


def _issuers_and_seal(pdf: canvas.Canvas, *, right: float, date: str, font: str) -> None:
    """The issuer lines and the date, right-aligned, with the seal over them: the configured
    seal image, or an empty dashed circle where the office stamps the printed copy."""
    lines = settings.PLAQUE_ISSUER_LINES
    pdf.setFillColor(HexColor("#1d2733"))
    pdf.setFont(font, 16)
    top = 108 + 24 * len(lines)
    for n, line in enumerate(lines):
        pdf.drawRightString(right, top - 24 * n, line)
    pdf.setFont(font, 13)
    pdf.drawRightString(right, 108, date)

    widest = max(pdfmetrics.stringWidth(line, font, 16) for line in lines)
    centre_x, centre_y = right - widest / 2, (top + 16 + 108) / 2
    seal = Path(settings.CERTIFICATE_SEAL_IMAGE) if settings.CERTIFICATE_SEAL_IMAGE else None
    if seal is not None and seal.is_file():
        side = 2 * SEAL_RADIUS
        pdf.drawImage(
            ImageReader(str(seal)),
            centre_x - SEAL_RADIUS,
            centre_y - SEAL_RADIUS,
            side,
            side,
            mask="auto",
            preserveAspectRatio=True,
        )
        return
    pdf.saveState()
    pdf.setStrokeColor(HexColor("#e8b4b0"))
    pdf.setLineWidth(0.8)
    pdf.setDash(3, 3)
    pdf.circle(centre_x, centre_y, SEAL_RADIUS)
    pdf.restoreState()


def _overprint_revoked(pdf, plaque, width: float, height: float, red) -> None:
    """Mark the certificate of a revoked plaque across its face. The archive keeps a copy, but a
    printout must never pass for a valid certificate: a large diagonal 已撤销 and the date."""
    revoked = timezone.localtime(plaque.revoked_at)
    pdf.saveState()
    pdf.setFillColor(red)
    pdf.setFillAlpha(0.35)
    pdf.translate(width / 2, height / 2)
    pdf.rotate(40)
    pdf.setFont(SANS, 150)
    pdf.drawCentredString(0, -50, "已撤销")
    pdf.restoreState()

    pdf.saveState()
    pdf.setFillColor(red)
    pdf.setFont(SANS, 16)
    pdf.drawCentredString(width / 2, height - 200, f"本牌匾已于 {revoked:%Y年%m月%d日}撤销")
    pdf.restoreState()
