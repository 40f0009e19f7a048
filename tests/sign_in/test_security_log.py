"""The security log: each kind of event is written, as one JSON object a line, and no
password, code or secret ever is."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from ratings import security_log
from ratings.services.second_factor import current_code
from tests import factories
from tests.commands.test_imports import GOOD_ROWS, confirm, csv_bytes, preview
from tests.helpers import code_step, password_step, sign_in
from tests.permissions.test_admin_accounts import (
    NEW_PASSWORD,
    change_form,
    change_password,
    change_url,
)
from tests.test_settings import manage
from wuhai_safety.jsonlog import JsonLinesFormatter

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(caplog):
    """The security events written during the test, as the JSON lines the file holds."""
    caplog.set_level("INFO", logger="security")
    formatter = JsonLinesFormatter()

    def events(kind: str | None = None) -> list[dict]:
        lines = [formatter.format(r) for r in caplog.records if r.name == "security"]
        entries = [json.loads(line) for line in lines]
        return [e for e in entries if kind is None or e["event"] == kind]

    events.text = lambda: "\n".join(
        formatter.format(r) for r in caplog.records if r.name == "security"
    )
    return events


def test_a_sign_in_with_a_code(log, gongan):
    device = factories.totp_device(gongan)
    client = Client()
    password_step(client, gongan.username, factories.PASSWORD, REMOTE_ADDR="203.0.113.5")
    code = current_code(device)
    code_step(client, code, REMOTE_ADDR="203.0.113.5")
    [entry] = log("sign_in")
    assert entry["user"] == "cert-gongan" and entry["second_factor"] == "totp"
    assert entry["address"] == "203.0.113.5" and entry["path"] == reverse("login_code")
    assert entry["level"] == "INFO" and re.fullmatch(r"\d{4}-\d\d-\d\dT.*\+00:00", entry["time"])
    assert factories.PASSWORD not in log.text() and code not in log.text()


def test_failures_and_the_lock_out(log, assessor):
    client = Client()
    for _ in range(5):
        password_step(client, assessor.username, "hunter2-guess", REMOTE_ADDR="203.0.113.5")
    failures = log("sign_in_failed")
    assert len(failures) == 5
    assert failures[0]["attempted_username"] == assessor.username
    assert failures[0]["address"] == "203.0.113.5" and failures[0]["level"] == "WARNING"
    [locked] = log("locked_out")
    assert locked["attempted_username"] == assessor.username
    assert "hunter2-guess" not in log.text()


def test_second_factor_failures_and_enrolment(log, gongan, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = Client()
    password_step(client, gongan.username, factories.PASSWORD)
    setup = client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=gongan)
    client.post(reverse("two_factor_setup"), {"code": "000000"})
    code = current_code(device)
    done = client.post(reverse("two_factor_setup"), {"code": code})
    [failed] = log("second_factor_failed")
    assert failed["user"] == "cert-gongan" and failed["reason"] == "wrong"
    [enrolled] = log("second_factor_enrolled")
    assert enrolled["user"] == "cert-gongan"
    # Neither the secret, nor the codes, nor the recovery codes shown once.
    text = log.text()
    secret = re.search(r'<code class="secret">([^<]+)</code>', setup.content.decode())[1]
    assert secret.replace(" ", "") not in text.replace(" ", "")
    assert device.key not in text and code not in text and "000000" not in text
    for recovery in re.findall(r"<code>(\w{4}) (\w{4})</code>", done.content.decode()):
        assert "".join(recovery) not in text


def test_a_wrong_code_at_sign_in(log, gongan, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    factories.totp_device(gongan)
    client = Client()
    password_step(client, gongan.username, factories.PASSWORD)
    code_step(client, "135791")
    [entry] = log("second_factor_failed")
    assert entry["user"] == "cert-gongan" and entry["level"] == "WARNING"
    assert "135791" not in log.text()


def test_refusals_to_signed_in_users(log, client, assessor, assessor_out, year, community):
    client.force_login(assessor_out)
    client.get(reverse("rating_detail", args=[2026, community.code]))
    client.get(reverse("manage_years"))
    [not_found] = log("not_found")
    assert not_found["user"] == assessor_out.username
    assert not_found["path"] == f"/ratings/2026/{community.code}/"
    assert not_found["address"] == "127.0.0.1" and not_found["status"] == 404
    [forbidden] = log("forbidden")
    assert forbidden["path"] == "/manage/years/" and forbidden["method"] == "GET"


def test_anonymous_404s_are_not_written(log, client):
    client.get("/no-such-page/")
    assert log("not_found") == []


def test_account_changes_in_the_admin(log, client, admin_user, assessor):
    client.force_login(admin_user)
    # The date the change page shows, as a browser would send it back.
    page = client.get(change_url(assessor)).content.decode()
    shown = dict(re.findall(r'name="(date_joined_[01])" value="([^"]*)"', page))
    form = change_form(assessor, display_name="新名字", is_active=False, **shown)
    client.post(change_url(assessor), form)
    [changed] = log("account_changed")
    assert changed["user"] == admin_user.username and changed["account"] == assessor.username
    assert changed["fields"] == ["display_name", "is_active"]
    change_password(client, assessor)
    [password] = log("account_password_set")
    assert password["account"] == assessor.username and password["user"] == admin_user.username
    assert NEW_PASSWORD not in log.text()


def test_a_second_factor_reset_and_an_unlock(log, client, admin_user, gongan):
    factories.totp_device(gongan)
    for _ in range(5):
        password_step(Client(), gongan.username, "wrong", REMOTE_ADDR="203.0.113.5")
    client.force_login(admin_user)
    client.post(
        reverse("admin:ratings_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [gongan.pk]},
    )
    [reset] = log("second_factor_reset")
    assert reset["account"] == gongan.username and reset["user"] == admin_user.username
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get(username=gongan.username)
    client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock", "_selected_action": [attempt.pk]},
    )
    [unlocked] = log("lockout_cleared")
    assert unlocked["account"] == gongan.username and unlocked["locked_address"] == "203.0.113.5"


def test_password_changes_and_resets(log, client, assessor):
    sign_in(client, assessor)
    client.post(
        reverse("password_change"),
        {
            "old_password": factories.PASSWORD,
            "new_password1": "Qh7!zeta-9",
            "new_password2": "Qh7!zeta-9",
        },
    )
    [changed] = log("password_changed")
    assert changed["user"] == assessor.username
    assessor.email = "a@example.cn"
    assessor.save()
    Client().post(reverse("password_reset"), {"email": "a@example.cn"})
    [requested] = log("password_reset_requested")
    assert requested["accounts"] == 1
    text = log.text()
    assert "Qh7!zeta-9" not in text and factories.PASSWORD not in text


def test_session_ends_are_written(log, client, assessor):
    sign_in(client, assessor)
    session = client.session
    session["seen_at"] -= 3600
    session.save()
    client.get(reverse("work"))
    [ended] = log("session_ended")
    assert ended["user"] == assessor.username and ended["reason"] == "idle"


def test_spreadsheet_imports_from_the_admin_and_the_command(log, client, admin_user, tmp_path):
    client.force_login(admin_user)
    confirm(client, preview(client, csv_bytes(GOOD_ROWS)))
    [entry] = log("spreadsheet_import")
    assert entry["user"] == admin_user.username and entry["source"] == "admin"
    assert entry["what"] == "创建标准条目" and entry["written"] is True
    assert (entry["new"], entry["updated"], entry["unchanged"], entry["errors"]) == (2, 0, 0, 0)
    path = tmp_path / "criteria.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS))
    call_command("import_criteria", str(path), stdout=None)
    command = log("spreadsheet_import")[1]
    assert command["source"] == "command" and command["unchanged"] == 2
    assert "user" not in command
    # A preview writes nothing and is not an import.
    preview(client, csv_bytes(GOOD_ROWS))
    assert len(log("spreadsheet_import")) == 2


def test_secret_named_facts_are_never_written(log):
    security_log.record(
        "probe", password="p4ss", code="123456", otp_token="x", secret="s3", key="k", ok=1
    )
    [entry] = log("probe")
    assert entry == {**entry, "ok": 1}
    assert not {"password", "code", "otp_token", "secret", "key"} & set(entry)


def test_a_reset_links_token_is_masked(log, client, assessor, settings):
    settings.PASSWORD_RESET_BY_EMAIL = False  # the page is then a 404, written for signed-in
    client.force_login(assessor)
    client.get(reverse("password_reset_confirm", args=["MQ", "abc-0123456789abcdef"]))
    [entry] = log("not_found")
    assert "abc-0123456789abcdef" not in json.dumps(entry)
    assert entry["path"] == "/accounts/password/reset/MQ/********/"


def test_security_log_file(tmp_path):
    target = tmp_path / "security.log"
    result = manage(
        "shell",
        "-c",
        "from ratings import security_log; security_log.record('probe', what='文件', password='x')",
        DEBUG="True",
        SECURITY_LOG_FILE=str(target),
    )
    assert result.returncode == 0, result.stderr
    [line] = target.read_text(encoding="utf-8").splitlines()
    entry = json.loads(line)
    assert entry["event"] == "probe" and entry["what"] == "文件" and "password" not in entry
    # And on stderr, the same line.
    assert json.loads(result.stderr.strip().splitlines()[-1])["event"] == "probe"
