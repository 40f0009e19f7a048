"""The password step: locking out guessers (django-axes), the lock-out page, unlocking, and the
passwords themselves (changing one's own, resetting by e-mail where e-mail is configured)."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ratings.services.second_factor import current_code
from tests import factories
from tests.helpers import code_step, password_step, sign_in
from tests.test_settings import GOOD_KEY, PUBLIC, settings_under
from tests.views.test_pages import switch_to_english

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
    found = settings_under(DEBUG="True", LOGIN_FAILURE_LIMIT="3", LOGIN_LOCKOUT_MINUTES="60")
    assert found["AXES_FAILURE_LIMIT"] == 3
    assert found["AXES_COOLOFF_TIME"].total_seconds() == 3600


def test_a_lower_limit_locks_sooner(assessor, settings):
    settings.AXES_FAILURE_LIMIT = 3
    answers = fail(Client(), assessor.username, 3, **HERE)
    assert [a.status_code for a in answers] == [200, 200, 429]


# -- passwords ----------------------------------------------------------------------------------


class TestPasswordChange:
    def test_page_explains_the_rules(self, client, assessor):
        client.force_login(assessor)
        html = client.get(reverse("password_change")).content.decode()
        assert "修改密码" in html and "至少 8 位" in html

    @pytest.mark.parametrize(
        ("new", "complaint"),
        [
            ("short1", "密码太短，至少需要 8 个字符"),
            ("password123", "这个密码太常见了"),
            ("3141592653589", "密码只包含数字"),
            ("hainan-assessor", "太相似"),
        ],
    )
    def test_djangos_validators_apply(self, client, assessor, new, complaint):
        client.force_login(assessor)
        answer = client.post(
            reverse("password_change"),
            {"old_password": factories.PASSWORD, "new_password1": new, "new_password2": new},
        )
        assert answer.status_code == 200
        assert complaint in answer.content.decode()
        assessor.refresh_from_db()
        assert assessor.check_password(factories.PASSWORD)

    def test_the_old_password_is_required(self, client, assessor):
        client.force_login(assessor)
        answer = client.post(
            reverse("password_change"),
            {"old_password": "wrong", "new_password1": "Qh7!zeta-9", "new_password2": "Qh7!zeta-9"},
        )
        assert answer.status_code == 200
        assessor.refresh_from_db()
        assert assessor.check_password(factories.PASSWORD)

    def test_a_new_password_works_and_this_session_stays(self, client, assessor):
        client.force_login(assessor)
        answer = client.post(
            reverse("password_change"),
            {
                "old_password": factories.PASSWORD,
                "new_password1": "Qh7!zeta-9",
                "new_password2": "Qh7!zeta-9",
            },
            follow=True,
        )
        assert "密码已修改" in answer.content.decode()
        assert client.get(reverse("work")).status_code == 200
        assessor.refresh_from_db()
        assert assessor.check_password("Qh7!zeta-9")

    def test_the_admin_sends_its_password_page_here(self, client, admin_user):
        client.force_login(admin_user)
        answer = client.get(reverse("admin:password_change"))
        assert answer.status_code == 302 and answer["Location"] == reverse("password_change")


class TestPasswordReset:
    @pytest.fixture(autouse=True)
    def _fresh_limits(self):
        cache.clear()
        yield
        cache.clear()

    def test_the_login_page_links_to_it(self, client):
        assert reverse("password_reset") in client.get(reverse("login")).content.decode()

    def test_a_link_by_mail_sets_a_new_password(self, client, gongan, settings):
        settings.SITE_URL = "https://pingan.example.cn"
        device = factories.totp_device(gongan)
        gongan.email = "gongan@example.cn"
        gongan.save()
        answer = client.post(reverse("password_reset"), {"email": "GONGAN@example.cn"})
        assert answer.status_code == 302 and answer["Location"] == reverse("password_reset_done")
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.subject == "平安乌海：重置密码" and message.to == ["gongan@example.cn"]
        link = re.search(
            r"https://pingan\.example\.cn(/accounts/password/reset/\S+/)", message.body
        )
        assert link, message.body
        # Django swaps the token for a session value before showing the form.
        form = client.get(link[1], follow=True)
        assert "设置新密码" in form.content.decode()
        done = client.post(
            form.redirect_chain[-1][0],
            {"new_password1": "Wh8#river-2", "new_password2": "Wh8#river-2"},
        )
        assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
        gongan.refresh_from_db()
        assert gongan.check_password("Wh8#river-2")
        # Not signed in by the reset, and the second factor is still asked.
        assert not signed_in(client)
        step = password_step(client, gongan.username, "Wh8#river-2")
        assert step["Location"].startswith(reverse("login_code"))
        assert code_step(client, current_code(device)).status_code == 302
        assert signed_in(client)

    def test_the_link_is_built_on_site_url_not_on_the_host_header(self, client, assessor, settings):
        settings.SITE_URL = "https://pingan.example.cn"
        settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
        assessor.email = "a@example.cn"
        assessor.save()
        client.post(reverse("password_reset"), {"email": "a@example.cn"}, HTTP_HOST="evil.example")
        assert "evil.example" not in mail.outbox[0].body
        assert "https://pingan.example.cn/accounts/password/reset/" in mail.outbox[0].body

    def test_unknown_address_sends_nothing_and_says_the_same(self, client):
        answer = client.post(reverse("password_reset"), {"email": "nobody@example.cn"})
        assert answer["Location"] == reverse("password_reset_done")
        assert mail.outbox == []

    def test_a_used_link_is_refused(self, client, assessor):
        assessor.email = "a@example.cn"
        assessor.save()
        client.post(reverse("password_reset"), {"email": "a@example.cn"})
        path = re.search(r"(/accounts/password/reset/\S+/)", mail.outbox[0].body)[1]
        form = client.get(path, follow=True)
        client.post(
            form.redirect_chain[-1][0],
            {"new_password1": "Wh8#river-2", "new_password2": "Wh8#river-2"},
        )
        again = Client().get(path, follow=True)
        assert "链接已失效" in again.content.decode()

    def test_requests_are_limited_per_address(self, client):
        answers = [
            client.post(reverse("password_reset"), {"email": f"n{n}@example.cn"}) for n in range(6)
        ]
        assert [a.status_code for a in answers] == [302] * 5 + [429]
        assert "请求过于频繁" in answers[-1].content.decode()

    def test_without_email_the_link_is_hidden_and_the_pages_are_404(self, client, settings):
        settings.PASSWORD_RESET_BY_EMAIL = False
        login = client.get(reverse("login")).content.decode()
        assert reverse("password_reset") not in login
        assert "忘记密码请联系市平安办管理员重置" in login
        for url in (
            reverse("password_reset"),
            reverse("password_reset_done"),
            reverse("password_reset_confirm", args=["MQ", "set-password"]),
            reverse("password_reset_complete"),
        ):
            assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    ("env", "enabled", "backend"),
    [
        ({}, "False", "smtp.EmailBackend"),
        ({"EMAIL_URL": "smtp+tls://pingan:pw@smtp.example.cn:587"}, "True", "smtp.EmailBackend"),
    ],
)
def test_production_resets_by_mail_only_with_email_url(env, enabled, backend):
    found = settings_under(DEBUG="False", SECRET_KEY=GOOD_KEY, SITE_URL=PUBLIC, **env)
    assert str(found["PASSWORD_RESET_BY_EMAIL"]) == enabled
    assert found["EMAIL_BACKEND"].endswith(backend)
    if env:
        assert found["EMAIL_HOST"] == "smtp.example.cn"


def test_development_prints_mail_on_the_console():
    found = settings_under(DEBUG="True")
    assert found["PASSWORD_RESET_BY_EMAIL"] is True
    assert found["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_the_whole_sign_in_still_works_for_an_assessor(client, assessor):
    answer = sign_in(client, assessor)
    assert answer.status_code == 302 and signed_in(client)
