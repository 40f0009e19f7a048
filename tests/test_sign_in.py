"""The password step: locking out guessers (django-axes), the lock-out page, unlocking."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.helpers import password_step
from tests.test_pages import switch_to_english
from tests.test_settings import manage

pytestmark = pytest.mark.django_db

HERE = {"REMOTE_ADDR": "203.0.113.5"}
ELSEWHERE = {"REMOTE_ADDR": "198.51.100.7"}


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(client: Client, username: str, times: int, url: str | None = None, **extra) -> list:
    return [
        client.post(
            url or reverse("login"), {"username": username, "password": "wrong-guess"}, **extra
        )
        for _ in range(times)
    ]


class TestLockOut:
    def test_the_sixth_try_is_refused_even_with_the_right_password(self, assessor):
        client = Client()
        answers = fail(client, assessor.username, 5, **HERE)
        assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
        right = password_step(client, assessor.username, factories.PASSWORD, **HERE)
        assert right.status_code == 429
        assert not signed_in(client)
        html = right.content.decode()
        assert "登录已暂时锁定" in html
        assert "连续 5 次登录失败" in html and "15 分钟后" in html
        assert "联系市平安办管理员解除锁定" in html
        assert int(right["Retry-After"]) > 14 * 60

    def test_the_lock_out_page_in_english(self, client, assessor):
        switch_to_english(client)
        answers = fail(client, assessor.username, 5, **HERE)
        html = answers[-1].content.decode()
        assert "Sign-in temporarily locked" in html
        assert "登录已暂时锁定" not in html

    def test_support_contact_is_shown(self, assessor, settings):
        settings.SUPPORT_CONTACT = "0473-1234567"
        answers = fail(Client(), assessor.username, 5, **HERE)
        assert "0473-1234567" in answers[-1].content.decode()

    def test_another_address_is_not_locked(self, assessor):
        fail(Client(), assessor.username, 5, **HERE)
        client = Client()
        answer = password_step(client, assessor.username, factories.PASSWORD, **ELSEWHERE)
        assert answer.status_code == 302 and signed_in(client)

    def test_other_users_at_the_same_address_are_not_locked(self, assessor, assessor_out):
        fail(Client(), assessor.username, 5, **HERE)
        client = Client()
        answer = password_step(client, assessor_out.username, factories.PASSWORD, **HERE)
        assert answer.status_code == 302 and signed_in(client)

    def test_behind_a_proxy_a_forged_address_does_not_escape_the_lock(self, assessor, settings):
        settings.CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
        settings.TRUSTED_PROXY_COUNT = 1
        client = Client()
        for n in range(5):
            fail(client, assessor.username, 1, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.9")
        answer = password_step(
            client,
            assessor.username,
            factories.PASSWORD,
            HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.9",
        )
        assert answer.status_code == 429
        attempt = AccessAttempt.objects.get(username=assessor.username)
        assert attempt.ip_address == "203.0.113.9"

    def test_the_admin_login_is_covered_too(self, admin_user):
        client = Client()
        answers = fail(client, admin_user.username, 5, url=reverse("admin:login"), **HERE)
        assert answers[-1].status_code == 429
        right = client.post(
            reverse("admin:login"),
            {"username": admin_user.username, "password": factories.PASSWORD},
            **HERE,
        )
        assert right.status_code == 429 and not signed_in(client)
        assert AccessAttempt.objects.get(username=admin_user.username).path_info == "/admin/login/"
        # The same lock holds on the portal's login page: it is one lock per user and address.
        portal = password_step(client, admin_user.username, factories.PASSWORD, **HERE)
        assert portal.status_code == 429

    def test_an_overlong_user_name_is_a_wrong_sign_in_not_a_record(self, client):
        """django-axes would store it, and PostgreSQL refuses names over 255 characters."""
        answer = password_step(client, "长" * 5000, "x")
        assert answer.status_code == 200
        assert "用户名或密码不正确" in answer.content.decode()
        assert not AccessAttempt.objects.exists()

    def test_the_password_never_reaches_the_attempt_record(self, assessor):
        fail(Client(), assessor.username, 2, **HERE)
        attempt = AccessAttempt.objects.get(username=assessor.username)
        assert "wrong-guess" not in attempt.post_data

    def test_a_success_clears_earlier_failures(self, assessor):
        client = Client()
        fail(client, assessor.username, 4, **HERE)
        assert (
            password_step(client, assessor.username, factories.PASSWORD, **HERE).status_code == 302
        )
        client.post(reverse("logout"))
        assert fail(client, assessor.username, 1, **HERE)[0].status_code == 200


class TestUnlock:
    def lock(self, user) -> None:
        fail(Client(), user.username, 5, **HERE)
        assert AccessAttempt.objects.filter(username=user.username).exists()

    def test_an_administrator_unlocks_from_the_admin(self, client, admin_user, assessor):
        self.lock(assessor)
        client.force_login(admin_user)
        listing = client.get(reverse("admin:axes_accessattempt_changelist"))
        assert listing.status_code == 200
        html = listing.content.decode()
        assert assessor.username in html and "203.0.113.5" in html
        attempt = AccessAttempt.objects.get(username=assessor.username)
        answer = client.post(
            reverse("admin:axes_accessattempt_changelist"),
            {"action": "unlock", "_selected_action": [attempt.pk]},
        )
        assert answer.status_code == 302
        assert not AccessAttempt.objects.filter(username=assessor.username).exists()
        person = Client()
        assert (
            password_step(person, assessor.username, factories.PASSWORD, **HERE).status_code == 302
        )
        assert signed_in(person)

    def test_deleting_the_row_unlocks_too(self, client, admin_user, assessor):
        self.lock(assessor)
        client.force_login(admin_user)
        attempt = AccessAttempt.objects.get(username=assessor.username)
        url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
        assert client.get(url).status_code == 200
        assert client.post(url, {"post": "yes"}).status_code == 302
        assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()

    def test_only_administrators_see_the_list(self, client, assessor, gongan):
        for user in (assessor, gongan):
            client.force_login(user)
            answer = client.get(reverse("admin:axes_accessattempt_changelist"))
            assert answer.status_code in (302, 403)

    def test_the_command_unlocks(self, assessor):
        self.lock(assessor)
        call_command("axes_reset_username", assessor.username, stdout=None)
        client = Client()
        assert (
            password_step(client, assessor.username, factories.PASSWORD, **HERE).status_code == 302
        )


def test_limits_come_from_the_environment():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds())",
        DEBUG="True",
        LOGIN_FAILURE_LIMIT="3",
        LOGIN_LOCKOUT_MINUTES="60",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "3 3600.0"


def test_a_lower_limit_locks_sooner(assessor, settings):
    settings.AXES_FAILURE_LIMIT = 3
    answers = fail(Client(), assessor.username, 3, **HERE)
    assert [a.status_code for a in answers] == [200, 200, 429]
