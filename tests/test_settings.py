"""Settings: production refuses an insecure key, and passes Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

GOOD_KEY = "x7#Qv9!pL2@wR5$tY8^uI1&oP4*aS6(dF3)gH0_jK9+lZ2-xC5=vB8nM1"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests for their own process; a deployment
    # must not have it (check --deploy warns), and neither should this child process.
    hidden = {"DEBUG", "SECRET_KEY", "SITE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in hidden}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


PUBLIC = "https://pingan.example.cn"


def test_production_refuses_to_start_without_a_real_secret_key():
    result = manage("check", DEBUG="False", SITE_URL=PUBLIC)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_asked_for():
    """A deployment that forgets DEBUG gets production behaviour, not tracebacks."""
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        SECRET_KEY=GOOD_KEY,
        SITE_URL=PUBLIC,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("site_url", [None, "http://127.0.0.1:8000", "http://localhost"])
def test_production_refuses_a_site_url_nobody_else_can_open(site_url):
    """Certificates print SITE_URL as a QR code: a loopback address would be useless on paper."""
    extra = {"SITE_URL": site_url} if site_url else {}
    result = manage("check", DEBUG="False", SECRET_KEY=GOOD_KEY, **extra)
    assert result.returncode != 0
    assert "SITE_URL must be set" in result.stderr


def test_check_deploy_reports_no_errors_or_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="False",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="pingan.example.cn",
        SITE_URL=PUBLIC,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_defaults():
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.AUTH_USER_MODEL == "ratings.User"
