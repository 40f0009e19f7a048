"""A certifier's first sign-in in a browser: the password, then enrolling a phone from the QR
code (drawn under the site's Content-Security-Policy), the recovery codes, and the queue."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from ratings.services.second_factor import current_code
from tests import factories
from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_first_sign_in_enrols_a_phone(live_server, reference_data, browser, screenshot):
    gongan = factories.certifier("gongan", username="gongan", display_name="公安认定员")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text))
    page.goto(f"{live_server.url}/accounts/login/?next=/queue/")
    page.fill("#id_username", "gongan")
    page.fill("#id_password", factories.PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/accounts/two-factor/" in page.url
    # The QR code is a data: image the policy allows: the browser drew it.
    width = page.eval_on_selector("img.qr", "image => image.complete && image.naturalWidth")
    assert width and width > 100
    assert page.inner_text("code.secret").replace(" ", "").isalnum()
    screenshot(page, "two-factor-setup-phone")
    device = TOTPDevice.objects.get(user=gongan, confirmed=False)
    page.fill("#id_code", current_code(device))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("ul.codes li").count() == 10
    screenshot(page, "recovery-codes-phone")
    with page.expect_navigation():
        page.click("text=我已保存，继续")
    assert page.url.endswith("/queue/")
    assert not [text for text in refused if "Content Security Policy" in text], refused
    context.close()
