"""Two-factor sign-in: who is asked for a code, the code step (expiry, tries, throttling, no
reuse), recovery codes, enrolling an authenticator app, the admin site, resets and the demo."""

from __future__ import annotations

import io
import re
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ratings import signin
from ratings.admin_site import PortalAdminSite
from ratings.choices import Role
from ratings.management.commands.seed_demo import DEMO_DEVICE_NAME
from ratings.management.commands.seed_demo import Command as SeedDemo
from ratings.models import User
from ratings.services.second_factor import current_code
from tests import factories
from tests.helpers import code_step, password_step, sign_in

pytestmark = pytest.mark.django_db


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def page(response) -> str:
    return response.content.decode()


def code_at(device: TOTPDevice, offset_steps: int) -> str:
    """The code the app showed `offset_steps` steps from now (-1: the previous one)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():06d}"


@pytest.fixture
def no_throttle(settings):
    """django-otp waits 1, 2, 4… seconds after each wrong code; tests of wrong-then-right
    codes do not wait."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def enrolled_gongan(gongan) -> TOTPDevice:
    return factories.totp_device(gongan)


class TestWhoIsAsked:
    def test_an_assessor_signs_in_with_the_password_alone(self, assessor):
        client = Client()
        answer = password_step(client, assessor.username, factories.PASSWORD)
        assert answer.status_code == 302 and answer["Location"] == reverse("home")
        assert signed_in(client)

    @pytest.mark.parametrize("who", ["gongan", "admin_user"])
    def test_certifiers_and_administrators_are_held_at_the_code_step(self, request, who):
        user = request.getfixturevalue(who)
        factories.totp_device(user)
        client = Client()
        answer = password_step(client, user.username, factories.PASSWORD)
        assert answer.status_code == 302
        assert answer["Location"] == reverse("login_code")
        assert not signed_in(client)
        # Only who and when (and the wrong codes so far) wait in the session.
        pending = client.session[signin.PENDING]
        assert set(pending) == {"user", "at", "tries"} and pending["user"] == user.pk
        assert client.get(reverse("work")).status_code == 302  # still anonymous

    def test_an_assessor_who_enabled_it_is_asked_too(self, assessor):
        factories.totp_device(assessor)
        answer = password_step(Client(), assessor.username, factories.PASSWORD)
        assert answer["Location"] == reverse("login_code")

    def test_a_wrong_password_reveals_nothing_about_second_factors(self, enrolled_gongan):
        client = Client()
        answer = password_step(client, "cert-gongan", "wrong")
        assert answer.status_code == 200 and signin.PENDING not in client.session


class TestCodeStep:
    def test_the_right_code_signs_in_verified(self, enrolled_gongan):
        client = Client()
        password_step(client, "cert-gongan", factories.PASSWORD)
        html = page(client.get(reverse("login_code")))
        assert "两步验证" in html and "6 位验证码" in html
        answer = code_step(client, current_code(enrolled_gongan))
        assert answer.status_code == 302 and answer["Location"] == reverse("home")
        assert signed_in(client)
        assert client.session[DEVICE_ID_SESSION_KEY] == enrolled_gongan.persistent_id
        assert signin.PENDING not in client.session
        assert client.get(reverse("queue")).status_code == 200

    def test_next_is_kept_through_both_steps(self, enrolled_gongan):
        client = Client()
        answer = client.post(
            reverse("login"),
            {"username": "cert-gongan", "password": factories.PASSWORD, "next": "/queue/"},
        )
        assert answer["Location"] == reverse("login_code") + "?next=%2Fqueue%2F"
        html = page(client.get(answer["Location"]))
        assert 'name="next" value="/queue/"' in html
        done = client.post(
            reverse("login_code"), {"code": current_code(enrolled_gongan), "next": "/queue/"}
        )
        assert done["Location"] == "/queue/"

    def test_a_next_elsewhere_is_ignored(self, enrolled_gongan):
        client = Client()
        password_step(client, "cert-gongan", factories.PASSWORD)
        done = client.post(
            reverse("login_code"),
            {"code": current_code(enrolled_gongan), "next": "https://evil.example/"},
        )
        assert done["Location"] == reverse("home")

    def test_codes_with_spaces_are_read_as_typed(self, enrolled_gongan):
        client = Client()
        password_step(client, "cert-gongan", factories.PASSWORD)
        code = current_code(enrolled_gongan)
        assert code_step(client, f" {code[:3]} {code[3:]} ").status_code == 302
        assert signed_in(client)

    def test_a_wrong_code_is_refused(self, enrolled_gongan, no_throttle):
        client = Client()
        password_step(client, "cert-gongan", factories.PASSWORD)
        wrong = code_at(enrolled_gongan, 5)
        answer = code_step(client, wrong)
        assert answer.status_code == 200 and not signed_in(client)
        assert "验证码不正确，或已经用过" in page(answer)

    def test_a_malformed_code_is_explained(self, enrolled_gongan):
        client = Client()
        password_step(client, "cert-gongan", factories.PASSWORD)
        answer = code_step(client, "12ab")
        assert "6 位数字" in page(answer) and not signed_in(client)

    def test_five_wrong_codes_send_back_to_the_password(self, enrolled_gongan, no_throttle):
        client = Client()
        password_step(client, "cert-gongan", factories.PASSWORD)
        for _ in range(4):
            assert code_step(client, code_at(enrolled_gongan, 5)).status_code == 200
        answer = code_step(client, code_at(enrolled_gongan, 5))
        assert answer.status_code == 302 and answer["Location"] == reverse("login")
        # The right code is now too late: the password comes first again.
        late = code_step(client, current_code(enrolled_gongan))
        assert late["Location"] == reverse("login") and not signed_in(client)
        assert "验证码错误次数过多" in page(client.get(reverse("login")))

    def test_a_used_code_is_refused(self, enrolled_gongan):
        first = Client()
        password_step(first, "cert-gongan", factories.PASSWORD)
        code = current_code(enrolled_gongan)
        assert code_step(first, code).status_code == 302
        second = Client()
        password_step(second, "cert-gongan", factories.PASSWORD)
        answer = code_step(second, code)
        assert answer.status_code == 200 and not signed_in(second)
        assert "已经用过" in page(answer)

    def test_the_previous_code_is_still_accepted(self, enrolled_gongan):
        """A code typed as the app turned to the next one (one step of tolerance)."""
        client = Client()
        password_step(client, "cert-gongan", factories.PASSWORD)
        assert code_step(client, code_at(enrolled_gongan, -1)).status_code == 302

    def test_guessing_is_throttled(self, enrolled_gongan, settings):
        settings.OTP_TOTP_THROTTLE_FACTOR = 60
        client = Client()
        password_step(client, "cert-gongan", factories.PASSWORD)
        code_step(client, code_at(enrolled_gongan, 5))
        # Even the right code waits after a wrong one, and restarting the sign-in does not
        # reset the wait: it is kept on the device.
        other = Client()
        password_step(other, "cert-gongan", factories.PASSWORD)
        answer = code_step(other, current_code(enrolled_gongan))
        assert answer.status_code == 200 and not signed_in(other)
        assert re.search(r"尝试过于频繁，请 \d+ 秒后再输入", page(answer))

    def test_the_code_step_expires_after_five_minutes(self, enrolled_gongan):
        client = Client()
        password_step(client, "cert-gongan", factories.PASSWORD)
        session = client.session
        session[signin.PENDING] = {**session[signin.PENDING], "at": int(time.time()) - 301}
        session.save()
        answer = code_step(client, current_code(enrolled_gongan))
        assert answer["Location"] == reverse("login") and not signed_in(client)
        assert "输入验证码的时间已过" in page(client.get(reverse("login")))

    def test_an_account_deactivated_between_the_steps_is_not_signed_in(self, enrolled_gongan):
        client = Client()
        password_step(client, "cert-gongan", factories.PASSWORD)
        User.objects.filter(username="cert-gongan").update(is_active=False)
        answer = code_step(client, current_code(enrolled_gongan))
        assert answer.status_code == 302 and not signed_in(client)

    def test_without_a_password_first_there_is_no_code_step(self, client):
        answer = client.get(reverse("login_code"))
        assert answer["Location"] == reverse("login")


class TestRecoveryCodes:
    def enrol(self, client: Client, user: User) -> list[str]:
        """Through the pages: password, then the enrolment page and its first code."""
        password_step(client, user.username, factories.PASSWORD)
        client.get(reverse("two_factor_setup"))
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        answer = client.post(reverse("two_factor_setup"), {"code": current_code(device)})
        return re.findall(r"<code>(\w{4}) (\w{4})</code>", page(answer))

    def test_a_recovery_code_signs_in_once(self, gongan):
        codes = ["".join(pair) for pair in self.enrol(Client(), gongan)]
        assert len(codes) == 10
        client = Client()
        password_step(client, gongan.username, factories.PASSWORD)
        answer = code_step(client, codes[0].upper())
        assert answer.status_code == 302 and signed_in(client)
        assert "还剩 9 个" in page(client.get(reverse("home")))
        again = Client()
        password_step(again, gongan.username, factories.PASSWORD)
        assert code_step(again, codes[0]).status_code == 200 and not signed_in(again)

    def test_after_a_recovery_code_a_new_phone_can_be_bound(self, gongan):
        codes = ["".join(pair) for pair in self.enrol(Client(), gongan)]
        lost = TOTPDevice.objects.get(user=gongan, confirmed=True)
        client = Client()
        password_step(client, gongan.username, factories.PASSWORD)
        code_step(client, codes[0])
        account = page(client.get(reverse("account")))
        assert "绑定新手机" in account
        setup = page(client.get(reverse("two_factor_setup")))
        assert "您是用恢复码登录的" in setup
        new = TOTPDevice.objects.get(user=gongan, confirmed=False)
        done = client.post(reverse("two_factor_setup"), {"code": current_code(new)})
        fresh = re.findall(r"<code>(\w{4}) (\w{4})</code>", page(done))
        assert len(fresh) == 10
        assert list(TOTPDevice.objects.filter(user=gongan)) == [new]
        assert not TOTPDevice.objects.filter(pk=lost.pk).exists()
        # The recovery codes left from before stop working too.
        tokens = set(
            StaticToken.objects.filter(device__user=gongan).values_list("token", flat=True)
        )
        assert tokens == {"".join(pair) for pair in fresh} and codes[1] not in tokens
        assert client.session[DEVICE_ID_SESSION_KEY] == new.persistent_id
        assert client.get(reverse("queue")).status_code == 200

    def test_with_the_phone_at_hand_the_phone_is_not_replaced_here(self, client, gongan):
        factories.totp_device(gongan)
        client.force_login(gongan)  # verified by the app
        assert "绑定新手机" not in page(client.get(reverse("account")))
        assert client.get(reverse("two_factor_setup"))["Location"] == reverse("account")

    def test_new_codes_replace_the_old_ones(self, gongan):
        client = Client()
        old = ["".join(pair) for pair in self.enrol(client, gongan)]
        device = TOTPDevice.objects.get(user=gongan, confirmed=True)
        form = client.get(reverse("recovery_codes"))
        assert "还有 10 个未用的恢复码" in page(form)
        answer = client.post(reverse("recovery_codes"), {"code": current_code(device)})
        new = ["".join(pair) for pair in re.findall(r"<code>(\w{4}) (\w{4})</code>", page(answer))]
        assert len(new) == 10 and not set(new) & set(old)
        assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)

    def test_new_codes_need_a_code_from_the_app(self, client, gongan, no_throttle):
        client.force_login(gongan)
        factories.totp_device(gongan)
        answer = client.post(reverse("recovery_codes"), {"code": "000000"})
        assert answer.status_code == 200 and "验证码不正确" in page(answer)
        assert not StaticDevice.objects.filter(user=gongan).exists()


class TestEnrolment:
    def test_a_certifier_without_an_app_enrols_while_signing_in(self, gongan):
        client = Client()
        answer = password_step(client, gongan.username, factories.PASSWORD)
        assert answer["Location"] == reverse("two_factor_setup")
        assert not signed_in(client)
        setup = client.get(reverse("two_factor_setup"))
        html = page(setup)
        assert "管理员和认定机关账号必须启用两步验证" in html
        assert 'src="data:image/svg+xml;charset=utf-8,' in html
        device = TOTPDevice.objects.get(user=gongan, confirmed=False)
        assert re.search(r'<code class="secret">([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>', html)
        # The policy allows data: images, and the page needs no inline script or style.
        policy = setup["Content-Security-Policy"]
        assert "img-src 'self' data:" in policy and "unsafe-inline" not in policy
        # Reloading shows the same secret: the app scanned a minute ago keeps working.
        client.get(reverse("two_factor_setup"))
        assert TOTPDevice.objects.filter(user=gongan).count() == 1
        done = client.post(reverse("two_factor_setup"), {"code": current_code(device)})
        assert done.status_code == 200 and signed_in(client)
        assert "两步验证已启用" in page(done)
        assert len(re.findall(r"<code>\w{4} \w{4}</code>", page(done))) == 10
        device.refresh_from_db()
        assert device.confirmed
        assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
        assert StaticToken.objects.filter(device__user=gongan).count() == 10
        assert client.get(reverse("queue")).status_code == 200

    def test_a_wrong_code_does_not_enrol(self, gongan, no_throttle):
        client = Client()
        password_step(client, gongan.username, factories.PASSWORD)
        client.get(reverse("two_factor_setup"))
        device = TOTPDevice.objects.get(user=gongan)
        answer = client.post(reverse("two_factor_setup"), {"code": code_at(device, 5)})
        assert answer.status_code == 200 and not signed_in(client)
        device.refresh_from_db()
        assert not device.confirmed

    def test_a_superuser_made_with_createsuperuser_is_sent_to_enrolment(self, monkeypatch):
        monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Ops!first-2026")
        call_command(
            "createsuperuser",
            "--noinput",
            "--username=ops",
            "--email=ops@example.cn",
            stdout=io.StringIO(),
        )
        client = Client()
        answer = password_step(client, "ops", "Ops!first-2026")
        assert answer["Location"] == reverse("two_factor_setup")
        assert not signed_in(client)
        assert client.get(reverse("admin:index"))["Location"].startswith(reverse("admin:login"))

    def test_an_assessor_enables_it_from_the_account_page(self, client, assessor):
        client.force_login(assessor)
        account = page(client.get(reverse("account")))
        assert "未启用" in account and reverse("two_factor_setup") in account
        setup = page(client.get(reverse("two_factor_setup")))
        assert "启用后，登录时除密码外" in setup
        device = TOTPDevice.objects.get(user=assessor, confirmed=False)
        done = client.post(reverse("two_factor_setup"), {"code": current_code(device)})
        assert "两步验证已启用" in page(done)
        assert "已启用" in page(client.get(reverse("account")))
        # From now on the password alone is not enough.
        answer = password_step(Client(), assessor.username, factories.PASSWORD)
        assert answer["Location"] == reverse("login_code")

    def test_an_assessor_turns_it_off_with_a_code(self, client, assessor):
        device = factories.totp_device(assessor)
        client.force_login(assessor)
        assert "关闭两步验证" in page(client.get(reverse("account")))
        answer = client.post(reverse("two_factor_disable"), {"code": current_code(device)})
        assert answer["Location"] == reverse("account")
        assert not TOTPDevice.objects.filter(user=assessor).exists()
        assert password_step(Client(), assessor.username, factories.PASSWORD)["Location"] == "/"

    def test_certifiers_and_administrators_cannot_turn_it_off(self, client, gongan, admin_user):
        for user in (gongan, admin_user):
            client.force_login(user)
            assert "关闭两步验证" not in page(client.get(reverse("account")))
            assert client.get(reverse("two_factor_disable")).status_code == 403
            code = current_code(factories.totp_device(user))
            assert client.post(reverse("two_factor_disable"), {"code": code}).status_code == 403
            assert TOTPDevice.objects.filter(user=user).exists()


class TestAdminSite:
    def test_a_verified_administrator_uses_it(self, client, admin_user):
        client.force_login(admin_user)
        assert client.get(reverse("admin:index")).status_code == 200

    def test_an_unverified_session_never_reaches_it(self, admin_user):
        client = Client()  # force_login without the second step
        client.force_login(admin_user)
        answer = client.get(reverse("admin:index"))
        assert answer.status_code == 302 and not signed_in(client)
        assert "需要两步验证" in page(client.get(reverse("login")))

    def test_the_site_itself_asks_for_a_verified_session(self, rf, admin_user):
        site = PortalAdminSite()
        request = rf.get("/admin/")
        request.user = admin_user
        admin_user.is_verified = lambda: False
        assert not site.has_permission(request)
        admin_user.is_verified = lambda: True
        assert site.has_permission(request)
        request.user = AnonymousUser()
        assert not site.has_permission(request)

    def test_its_login_page_is_the_two_step_sign_in(self, admin_user):
        device = factories.totp_device(admin_user)
        client = Client()
        login = client.get(reverse("admin:login") + "?next=/admin/")
        assert "工作人员登录" in page(login)
        answer = client.post(
            reverse("admin:login") + "?next=/admin/",
            {"username": admin_user.username, "password": factories.PASSWORD, "next": "/admin/"},
        )
        assert answer["Location"] == reverse("login_code") + "?next=%2Fadmin%2F"
        assert not signed_in(client)
        done = client.post(reverse("login_code"), {"code": current_code(device), "next": "/admin/"})
        assert done["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200

    def test_someone_signed_in_without_admin_rights_is_told_so(self, client, assessor):
        client.force_login(assessor)
        assert client.get(reverse("admin:login")).status_code == 403

    def test_a_signed_in_administrator_goes_straight_in(self, client, admin_user):
        client.force_login(admin_user)
        assert client.get(reverse("admin:login"))["Location"] == reverse("admin:index")


class TestReset:
    def test_an_administrator_resets_a_lost_phone(self, client, admin_user, gongan):
        factories.totp_device(gongan)
        theirs = Client()
        sign_in(theirs, gongan)
        assert theirs.get(reverse("queue")).status_code == 200
        client.force_login(admin_user)
        answer = client.post(
            reverse("admin:ratings_user_changelist"),
            {"action": "reset_second_factor", "_selected_action": [gongan.pk]},
            follow=True,
        )
        assert "已重置两步验证" in page(answer)
        assert not TOTPDevice.objects.filter(user=gongan).exists()
        # The session the lost phone verified ends at its next request…
        assert theirs.get(reverse("queue")).status_code == 302
        assert not signed_in(theirs)
        # …and the next sign-in enrols a new phone.
        again = password_step(Client(), gongan.username, factories.PASSWORD)
        assert again["Location"] == reverse("two_factor_setup")

    def test_the_user_list_shows_who_has_a_second_factor(self, client, admin_user, gongan):
        factories.totp_device(gongan)
        client.force_login(admin_user)
        html = page(client.get(reverse("admin:ratings_user_changelist")))
        assert "两步验证" in html and "重置两步验证" in html

    def test_an_administrator_cannot_reset_a_superusers(self, client, admin_user):
        boss = factories.administrator(username="boss", is_superuser=True)
        factories.totp_device(boss)
        client.force_login(admin_user)
        answer = client.post(
            reverse("admin:ratings_user_changelist"),
            {"action": "reset_second_factor", "_selected_action": [boss.pk]},
            follow=True,
        )
        assert "无权重置超级用户的两步验证" in page(answer)
        assert TOTPDevice.objects.filter(user=boss).exists()

    def test_the_device_admins_that_show_secrets_are_gone(self, client, admin_user):
        from django.contrib import admin

        assert not admin.site.is_registered(TOTPDevice)
        assert not admin.site.is_registered(StaticDevice)

    def test_made_a_certifier_mid_session_means_signing_in_again(self, assessor):
        client = Client()
        sign_in(client, assessor)
        assert client.get(reverse("work")).status_code == 200
        User.objects.filter(pk=assessor.pk).update(
            role=Role.CERTIFIER, authority_id="gongan", region=None
        )
        answer = client.get(reverse("queue"))
        assert answer.status_code == 302 and not signed_in(client)
        assert "需要两步验证" in page(client.get(reverse("login")))


class TestDemo:
    def test_demo_administrator_and_certifiers_get_an_app_whose_secret_is_printed(self):
        command = SeedDemo(stdout=io.StringIO())
        admin, assessors, certifiers = command._users()
        for _ in range(2):  # idempotent
            for user in [admin, *certifiers.values()]:
                command._demo_device(user)
        assert TOTPDevice.objects.filter(name=DEMO_DEVICE_NAME).count() == 1 + len(certifiers)
        assert not TOTPDevice.objects.filter(user__in=assessors.values()).exists()
        command._print_accounts()
        out = command.stdout.getvalue()
        secret = re.search(r"admin\s+TOTP secret ([A-Z2-7]{32})", out)[1]
        device = TOTPDevice.objects.get(user=admin)
        assert secret == device.config_url.split("secret=")[1].split("&")[0]
        assert re.search(r"gongan\s+TOTP secret [A-Z2-7]{32}", out)
        assert not re.search(r"hainan\s+TOTP", out)

    def test_demo_code_prints_a_code_that_signs_in(self, settings):
        command = SeedDemo(stdout=io.StringIO())
        admin, _assessors, _certifiers = command._users()
        command._demo_device(admin)
        settings.DEBUG = True
        out = io.StringIO()
        call_command("demo_code", "admin", stdout=out)
        code = out.getvalue().strip()
        client = Client()
        password_step(client, "admin", "pingan2026")
        assert code_step(client, code).status_code == 302 and signed_in(client)

    def test_demo_code_is_for_the_demo_only(self, settings, admin_user):
        factories.totp_device(admin_user)  # a real phone, not seed_demo's
        settings.DEBUG = True
        with pytest.raises(CommandError, match="no demo authenticator"):
            call_command("demo_code", admin_user.username, stdout=io.StringIO())
        settings.DEBUG = False
        with pytest.raises(CommandError, match="DEBUG off"):
            call_command("demo_code", "admin", stdout=io.StringIO())
