"""How long a signed-in session lasts: a new key at every sign-in, an idle and an absolute
limit (with the reason on the login page), and sessions ended by a new password or a
deactivated account."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from ratings import signin
from ratings.services.second_factor import current_code
from tests import factories
from tests.helpers import code_step, password_step, sign_in
from tests.permissions.test_admin_accounts import change_form, change_password, change_url
from tests.test_settings import settings_under

pytestmark = pytest.mark.django_db


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def backdate(client: Client, **seconds_ago: int) -> None:
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


class TestNewKey:
    def test_signing_in_gives_the_session_a_new_key(self, assessor):
        client = Client()
        # A session from before signing in (one an attacker might have planted).
        session = client.session
        session["planted"] = True
        session.save()
        before = session.session_key
        password_step(client, assessor.username, factories.PASSWORD)
        assert signed_in(client)
        assert client.session.session_key != before

    def test_the_code_step_gives_a_new_key_too(self, gongan):
        device = factories.totp_device(gongan)
        client = Client()
        password_step(client, gongan.username, factories.PASSWORD)
        pending_key = client.session.session_key
        code_step(client, current_code(device))
        assert signed_in(client)
        assert client.session.session_key != pending_key


class TestSignedInUser:
    def test_comes_with_their_scope_in_one_query(self, client, gongan, django_assert_num_queries):
        """Every staff page asks for the user's region or authority."""
        sign_in(client, gongan)
        user_id = client.session["_auth_user_id"]
        with django_assert_num_queries(1):
            user = signin.PortalBackend().get_user(user_id)
            assert (user.region_id, user.authority.code, user.unit) == (None, "gongan", None)

    def test_a_deactivated_user_is_not_loaded(self, assessor):
        assessor.is_active = False
        assessor.save(update_fields=["is_active"])
        assert signin.PortalBackend().get_user(assessor.pk) is None


class TestLimits:
    def test_an_idle_session_ends_with_a_reason(self, client, assessor):
        sign_in(client, assessor)
        backdate(client, seen_at=31 * 60)
        answer = client.get(reverse("work"))
        assert answer.status_code == 302
        assert answer["Location"] == reverse("login") + "?next=/work/"
        assert not signed_in(client)
        html = client.get(answer["Location"]).content.decode()
        assert "您已 30 分钟没有操作，为安全起见已自动退出" in html
        # Said once, not at every visit of the login page.
        assert "没有操作" not in client.get(reverse("login")).content.decode()

    def test_activity_keeps_it_alive(self, client, assessor):
        sign_in(client, assessor)
        backdate(client, seen_at=29 * 60)
        assert client.get(reverse("work")).status_code == 200
        assert time.time() - client.session[signin.SEEN_AT] < 5
        assert client.get(reverse("work")).status_code == 200

    def test_twelve_hours_after_signing_in_it_ends_whatever_the_activity(self, client, assessor):
        sign_in(client, assessor)
        backdate(client, signed_in_at=12 * 3600 + 1, seen_at=10)
        answer = client.get(reverse("work"))
        assert answer.status_code == 302 and not signed_in(client)
        html = client.get(answer["Location"]).content.decode()
        assert "每次登录最长有效 12 小时" in html

    def test_a_form_sent_after_the_limit_goes_to_log_in(self, client, assessor):
        sign_in(client, assessor)
        backdate(client, seen_at=31 * 60)
        answer = client.post(reverse("unit_create"), {"name": "x"})
        assert answer.status_code == 302 and answer["Location"] == reverse("login")

    def test_a_session_from_before_the_limits_ends(self, client, assessor):
        sign_in(client, assessor)
        session = client.session
        del session[signin.SIGNED_IN_AT]
        session.save()
        assert client.get(reverse("work")).status_code == 302
        assert not signed_in(client)

    def test_limits_from_settings(self, client, assessor, settings):
        settings.SESSION_IDLE_SECONDS = 120
        sign_in(client, assessor)
        backdate(client, seen_at=121)
        assert client.get(reverse("work")).status_code == 302
        assert "您已 2 分钟没有操作" in client.get(reverse("login")).content.decode()

    def test_the_cookie_does_not_outlive_the_absolute_limit(self, settings):
        assert settings.SESSION_COOKIE_AGE == settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
        assert settings.SESSION_IDLE_SECONDS == 30 * 60


def test_limits_come_from_the_environment():
    found = settings_under(
        DEBUG="True", SESSION_IDLE_SECONDS="600", SESSION_ABSOLUTE_SECONDS="28800"
    )
    assert found["SESSION_IDLE_SECONDS"] == 600
    assert found["SESSION_ABSOLUTE_SECONDS"] == found["SESSION_COOKIE_AGE"] == 28800


class TestOtherSessionsEnd:
    def test_changing_ones_password_signs_out_the_other_computer(self, assessor):
        here, there = Client(), Client()
        sign_in(here, assessor)
        sign_in(there, assessor)
        assert there.get(reverse("work")).status_code == 200
        answer = here.post(
            reverse("password_change"),
            {
                "old_password": factories.PASSWORD,
                "new_password1": "Qh7!zeta-9",
                "new_password2": "Qh7!zeta-9",
            },
        )
        assert answer.status_code == 302
        assert here.get(reverse("work")).status_code == 200
        refused = there.get(reverse("work"))
        assert refused.status_code == 302 and refused["Location"].startswith(reverse("login"))
        assert not signed_in(there)

    def test_a_password_set_by_an_administrator_signs_the_user_out(
        self, client, admin_user, assessor
    ):
        theirs = Client()
        sign_in(theirs, assessor)
        client.force_login(admin_user)
        assert change_password(client, assessor).status_code == 302
        assert theirs.get(reverse("work")).status_code == 302
        assert not signed_in(theirs)

    def test_deactivating_an_account_signs_it_out(self, client, admin_user, assessor):
        theirs = Client()
        sign_in(theirs, assessor)
        assert theirs.get(reverse("work")).status_code == 200
        client.force_login(admin_user)
        answer = client.post(change_url(assessor), change_form(assessor, is_active=False))
        assert answer.status_code == 302
        assessor.refresh_from_db()
        assert not assessor.is_active
        refused = theirs.get(reverse("work"))
        assert refused.status_code == 302 and refused["Location"].startswith(reverse("login"))
        assert "退出" not in theirs.get(reverse("home")).content.decode()
        # And the password no longer signs in.
        again = Client()
        assert password_step(again, assessor.username, factories.PASSWORD).status_code == 200
        assert not signed_in(again)
