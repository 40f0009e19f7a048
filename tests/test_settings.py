"""Settings: production refuses an insecure key, and passes Django's deployment checks."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys

import pytest
from django.conf import global_settings, settings
from django.core.exceptions import ImproperlyConfigured

GOOD_KEY = "x7#Qv9!pL2@wR5$tY8^uI1&oP4*aS6(dF3)gH0_jK9+lZ2-xC5=vB8nM1"
# DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests for their own process; a deployment
# must not have it (check --deploy warns), and neither should a process started here.
HIDDEN = {"DEBUG", "SECRET_KEY", "SITE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _environment(env: dict[str, str]) -> dict[str, str]:
    """The tests' environment less what the test run sets for itself, plus `env`."""
    return {**{k: v for k, v in os.environ.items() if k not in HIDDEN}, **env}


def settings_under(**env: str) -> dict:
    """The settings a process started with `env` would read, Django's defaults under the
    module's: `settings.py` run afresh in this process (what it raises, it raises here). A new
    process would cost half a second; tests that need Django itself to start use `manage`."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(_environment(env))
    try:
        module = runpy.run_path(str(settings.BASE_DIR / "wuhai_safety" / "settings.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {
        name: module.get(name, getattr(global_settings, name, None))
        for name in {*dir(global_settings), *module}
        if name.isupper()
    }


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = _environment(env)
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
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        settings_under(DEBUG="False", SITE_URL=PUBLIC)
    # And a process that starts with them stops, saying why.
    result = manage("check", DEBUG="False", SITE_URL=PUBLIC)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_asked_for():
    """A deployment that forgets DEBUG gets production behaviour, not tracebacks."""
    assert settings_under(SECRET_KEY=GOOD_KEY, SITE_URL=PUBLIC)["DEBUG"] is False


@pytest.mark.parametrize("site_url", [None, "http://127.0.0.1:8000", "http://localhost"])
def test_production_refuses_a_site_url_nobody_else_can_open(site_url):
    """Certificates print SITE_URL as a QR code: a loopback address would be useless on paper."""
    extra = {"SITE_URL": site_url} if site_url else {}
    with pytest.raises(ImproperlyConfigured, match="SITE_URL must be set"):
        settings_under(DEBUG="False", SECRET_KEY=GOOD_KEY, **extra)


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
