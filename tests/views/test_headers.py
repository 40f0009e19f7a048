"""Headers on every response: strict browsers, no inline scripts, nothing signed-in cached."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from tests.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(module_world, db) -> World:
    return module_world


def csp(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_every_response_carries_the_security_headers(client, world):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    policy = csp(response)
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]


def test_hsts_is_configurable():
    with override_settings(
        SECURE_HSTS_SECONDS=3600, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=False
    ):
        response = Client().get("/verify/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"


def test_public_pages_may_be_cached_but_signed_in_pages_never(client, world):
    assert "no-store" not in client.get("/honours/").get("Cache-Control", "")
    client.force_login(world.users["assessor_in"])
    for url in (reverse("work"), reverse("home"), reverse("unit_list")):
        assert "no-store" in client.get(url)["Cache-Control"], url


def test_evidence_and_certificates_are_never_cached(client, world):
    client.force_login(world.users["admin"])
    evidence = client.get(reverse("evidence_download", args=[world.submitted_file.pk]))
    b"".join(evidence.streaming_content)
    assert "no-store" in evidence["Cache-Control"]
    certificate = client.get(reverse("plaque_certificate", args=[world.plaque.number]))
    assert certificate.status_code == 200 and "no-store" in certificate["Cache-Control"]


TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.name))
def test_templates_have_no_inline_script_or_style(path):
    """The policy forbids them; a page that used one would silently lose it in the browser."""
    html = path.read_text()
    inline_scripts = [tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag]
    assert not inline_scripts, inline_scripts
    assert not re.search(r"\son[a-z]+=", html), "event handler attribute"
    assert not re.search(r"\sstyle=", html), "style attribute"


def test_a_refused_form_is_a_page_of_the_portal_not_djangos(world):
    """Django's own CSRF page is English and styled inline (which the policy blocks)."""
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期" in page and "<style" not in page
