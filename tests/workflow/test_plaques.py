"""Plaque numbers, issuing and revoking plaques, and the certificate PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from ratings import workflow
from ratings.certificates import certificate_pdf
from ratings.choices import EventAction
from ratings.models import Event, Plaque
from ratings.plaques import check_character, parse_plaque_number, plaque_number
from tests.helpers import decide_all, published_year_with, submitted_rating

pytestmark = pytest.mark.django_db


class TestNumbers:
    def test_format_and_known_check_characters(self):
        assert plaque_number(2026, 1) == f"WH-2026-0001-{check_character('20260001')}"
        # ISO 7064 MOD 11-2 reference values (the resident ID card scheme).
        assert check_character("079") == "X"
        assert check_character("11010519491231002") == "X"

    def test_every_single_digit_typo_is_caught(self):
        digits = "20260042"
        right = check_character(digits)
        for position in range(len(digits)):
            for replacement in "0123456789":
                if replacement == digits[position]:
                    continue
                typo = digits[:position] + replacement + digits[position + 1 :]
                assert check_character(typo) != right, typo

    def test_every_swap_of_neighbours_is_caught(self):
        digits = "20260137"
        right = check_character(digits)
        for position in range(len(digits) - 1):
            a, b = digits[position], digits[position + 1]
            if a == b:
                continue
            swapped = digits[:position] + b + a + digits[position + 2 :]
            assert check_character(swapped) != right, swapped

    @pytest.mark.parametrize(
        "typed",
        [
            "wh-2026-0001-{c}",
            "  WH-2026-0001-{c}  ",
            "WH20260001{c}",
            "ＷＨ－２０２６－０００１－{c}",
            "WH-2026-1-{c}",
            "wh 2026 0001 {c}",
        ],
    )
    def test_forgiving_input_reads_the_same_number(self, typed):
        number = plaque_number(2026, 1)
        parsed = parse_plaque_number(typed.format(c=number[-1].lower()))
        assert parsed is not None and parsed.check_ok
        assert parsed.canonical == number

    def test_wrong_check_character_and_garbage(self):
        number = plaque_number(2026, 1)
        wrong = "0" if number[-1] != "0" else "1"
        parsed = parse_plaque_number(number[:-1] + wrong)
        assert parsed is not None and not parsed.check_ok
        assert parse_plaque_number("hello") is None
        assert parse_plaque_number("") is None
        assert parse_plaque_number("XX-2026-0001-7") is None


class TestIssue:
    def test_issue_needs_a_published_year_and_ten_stars(
        self, assessor, certifiers, admin_user, community, year
    ):
        rating = submitted_rating(assessor, community, year)
        decide_all(rating, certifiers)
        with pytest.raises(workflow.TransitionNotAllowed, match="尚未公布"):
            workflow.plaque_issue(user=admin_user, rating=rating)
        workflow.year_close(user=admin_user, year=year)
        workflow.year_publish(user=admin_user, year=year)
        plaque = workflow.plaque_issue(user=admin_user, rating=rating)
        assert plaque.number == plaque_number(2026, 1)
        assert Event.objects.filter(action=EventAction.PLAQUE_ISSUE, plaque=plaque).count() == 1
        with pytest.raises(workflow.TransitionNotAllowed, match="不能重复授牌"):
            workflow.plaque_issue(user=admin_user, rating=rating)

    def test_nine_stars_get_no_plaque(self, assessor, certifiers, admin_user, community, year):
        rating = published_year_with(
            assessor, certifiers, admin_user, year, [(community, {4: False})]
        )[0]
        with pytest.raises(workflow.TransitionNotAllowed, match="不是十星"):
            workflow.plaque_issue(user=admin_user, rating=rating)

    def test_bulk_issue_numbers_every_ten_star_community_once(
        self, assessor, certifiers, admin_user, year
    ):
        from ratings.models import Region

        towns = Region.objects.filter(parent_id="150303104000").order_by("code")[:4]
        ratings = published_year_with(
            assessor,
            certifiers,
            admin_user,
            year,
            [(towns[0], None), (towns[1], {1: False}), (towns[2], None), (towns[3], None)],
        )
        issued = workflow.plaques_issue_for_year(user=admin_user, year=year)
        assert [p.rating_id for p in issued] == [ratings[0].pk, ratings[2].pk, ratings[3].pk]
        assert [p.sequence for p in issued] == [1, 2, 3]
        assert list(workflow.plaques_issue_for_year(user=admin_user, year=year)) == []

    def test_revoked_plaque_can_be_replaced_by_a_new_number(
        self, assessor, certifiers, admin_user, community, year
    ):
        rating = published_year_with(assessor, certifiers, admin_user, year, [(community, None)])[0]
        first = workflow.plaque_issue(user=admin_user, rating=rating)
        with pytest.raises(workflow.TransitionNotAllowed, match="理由"):
            workflow.plaque_revoke(user=admin_user, plaque=first, reason=" ")
        workflow.plaque_revoke(user=admin_user, plaque=first, reason="牌匾损毁")
        with pytest.raises(workflow.TransitionNotAllowed, match="已于"):
            workflow.plaque_revoke(user=admin_user, plaque=first, reason="再次")
        second = workflow.plaque_issue(user=admin_user, rating=rating)
        assert second.number != first.number
        assert Plaque.objects.filter(rating=rating, revoked_at__isnull=True).get() == second


class TestCertificate:
    @override_settings(SITE_URL="https://pingan.wuhai.example")
    def test_pdf_has_real_chinese_text_and_a_qr_code_of_the_verify_address(
        self, client, assessor, certifiers, admin_user, community, year
    ):
        import zxingcpp
        from PIL import Image
        from pypdf import PdfReader

        rating = published_year_with(assessor, certifiers, admin_user, year, [(community, None)])[0]
        plaque = workflow.plaque_issue(user=admin_user, rating=rating)
        client.force_login(admin_user)

        response = client.get(reverse("plaque_certificate", args=[plaque.number]))

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(response.content))
        [page] = reader.pages
        text = page.extract_text()
        assert "赛汗乌素村" in text and "十星平安社区(村)" in text
        assert plaque.number in text and "乌海市海南区巴音陶亥镇" in text
        # The font travels inside the file, so no Chinese font is needed where it is opened.
        fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
        assert any("/DescendantFonts" in font or "/FontDescriptor" in font for font in fonts)
        assert b"/FontFile2" in response.content

        [image] = page.images
        decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)))
        assert [code.text for code in decoded] == [
            f"https://pingan.wuhai.example/verify/{plaque.number}/"
        ]


class TestFormalCertificate:
    """The certificate is set in a formal typeface where one is installed, keeps a seal area over
    its issuer lines, and prints the office's seal image when one is configured."""

    UKAI = Path("/usr/share/fonts/truetype/arphic/ukai.ttc")

    @pytest.fixture
    def plaque(self, assessor, certifiers, admin_user, community, year):
        rating = published_year_with(assessor, certifiers, admin_user, year, [(community, None)])[0]
        return workflow.plaque_issue(user=admin_user, rating=rating)

    @staticmethod
    def page(plaque):
        from pypdf import PdfReader

        [page] = PdfReader(io.BytesIO(certificate_pdf(plaque))).pages
        return page

    @staticmethod
    def font_names(page) -> set[str]:
        fonts = page["/Resources"]["/Font"].values()
        return {str(font.get_object()["/BaseFont"]) for font in fonts}

    @pytest.mark.skipif(not UKAI.is_file(), reason="needs Debian's fonts-arphic-ukai")
    def test_the_wording_is_in_the_installed_kai_typeface_embedded(self, plaque, settings):
        settings.CERTIFICATE_FONT_FILE = str(self.UKAI)
        page = self.page(plaque)
        assert any("UKai" in name for name in self.font_names(page))
        assert "十星平安社区(村)" in page.extract_text()

    def test_without_it_the_shipped_font_prints_the_same_words(self, plaque, settings, tmp_path):
        settings.CERTIFICATE_FONT_FILE = str(tmp_path / "not-installed.ttc")
        page = self.page(plaque)
        assert not any("UKai" in name for name in self.font_names(page))
        assert "十星平安社区(村)" in page.extract_text()

    def test_issuer_lines_and_the_seal_image_from_settings(self, plaque, settings, tmp_path):
        from PIL import Image, ImageDraw

        seal = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
        ImageDraw.Draw(seal).ellipse((4, 4, 196, 196), outline=(200, 0, 0, 255), width=8)
        seal.save(tmp_path / "seal.png")
        settings.PLAQUE_ISSUER_LINES = ["乌海市平安建设领导小组办公室", "乌海市公安局"]

        without_seal = self.page(plaque)
        assert len(without_seal.images) == 1  # the QR code; the seal area is left to the stamp
        text = without_seal.extract_text()
        assert "乌海市平安建设领导小组办公室" in text and "乌海市公安局" in text

        settings.CERTIFICATE_SEAL_IMAGE = str(tmp_path / "seal.png")
        assert len(self.page(plaque).images) == 2


class TestRevokedCertificate:
    """A revoked plaque's certificate is kept for the archive, but can never pass for a valid one."""

    @pytest.fixture
    def plaques(self, assessor, certifiers, admin_user, year):
        from ratings.models import Region

        ratings = published_year_with(
            assessor,
            certifiers,
            admin_user,
            year,
            [(Region.objects.get(name=name), None) for name in ("赛汗乌素村", "曙光村")],
        )
        valid, revoked = (workflow.plaque_issue(user=admin_user, rating=r) for r in ratings)
        revoked = workflow.plaque_revoke(user=admin_user, plaque=revoked, reason="牌匾损毁")
        return valid, revoked

    @staticmethod
    def text_of(client, plaque: Plaque) -> str:
        from pypdf import PdfReader

        response = client.get(reverse("plaque_certificate", args=[plaque.number]))
        assert response.status_code == 200
        [page] = PdfReader(io.BytesIO(response.content)).pages
        return page.extract_text().replace("\n", "")

    def test_revoked_certificate_is_overprinted_with_the_date(self, client, admin_user, plaques):
        from django.utils import timezone

        valid, revoked = plaques
        client.force_login(admin_user)

        revoked_text = self.text_of(client, revoked)
        revoked_on = timezone.localtime(revoked.revoked_at)
        assert "已撤销" in revoked_text
        assert f"本牌匾已于 {revoked_on:%Y年%m月%d日}撤销" in revoked_text
        assert revoked.number in revoked_text  # still the same certificate, for the archive

        valid_text = self.text_of(client, valid)
        assert "撤销" not in valid_text
        assert valid.number in valid_text

    def test_pages_offer_the_revoked_certificate_only_as_an_archive_copy(
        self, client, admin_user, plaques
    ):
        valid, revoked = plaques
        client.force_login(admin_user)
        html = client.get(reverse("year_plaques", args=[2026])).content.decode()
        rows = {
            plaque.number: html.split(f"<code>{plaque.number}</code>")[1].split("</tr>")[0]
            for plaque in plaques
        }
        assert "证书 PDF" in rows[valid.number] and "存档（已撤销）" not in rows[valid.number]
        assert "存档（已撤销）" in rows[revoked.number] and "证书 PDF" not in rows[revoked.number]

        rating = revoked.rating
        detail = client.get(
            reverse("rating_detail", args=[rating.year_id, rating.community_id])
        ).content.decode()
        assert "存档（已撤销）" in detail and "证书 PDF" not in detail
