"""The bad-input crawl of tests/views/test_bad_input.py on the sign-in pages in the states the
permission matrix cannot reach: half-way through signing in, enrolling, holding an app, and
holding a password-reset link. Malformed values are refused, never a server error."""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ratings.models import User
from tests import factories
from tests.helpers import password_step
from tests.views import test_bad_input
from tests.views.test_bad_input import Target, crawl
from tests.world import World

pytestmark = pytest.mark.django_db

# The crawl's fixture: the shared world, with the middleware that notes which keys a view reads.
world = test_bad_input.world


def start_signing_in(client: Client, user) -> None:
    answer = password_step(client, user.username, factories.PASSWORD)
    assert answer.status_code == 302


def test_the_code_step(client, world: World):
    gongan = world.certifiers["gongan"]
    factories.totp_device(gongan)
    start_signing_in(client, gongan)
    crawl(
        client,
        world,
        Target(
            "login_code",
            "post",
            lambda w: reverse("login_code") + "?next=/queue/",
            "anonymous",
            data=lambda w: {"code": "123456", "next": "/queue/"},
        ),
    )


def test_enrolment_while_signing_in(client, world: World):
    start_signing_in(client, world.certifiers["jindu"])  # no app yet
    crawl(
        client,
        world,
        Target(
            "two_factor_setup",
            "post",
            lambda w: reverse("two_factor_setup"),
            "anonymous",
            data=lambda w: {"code": "123456", "next": "/"},
        ),
    )


@pytest.mark.parametrize("name", ["recovery_codes", "two_factor_disable"])
def test_pages_of_someone_with_an_app(client, world: World, name):
    factories.totp_device(world.users["assessor_in"])
    crawl(
        client,
        world,
        Target(name, "post", lambda w: reverse(name), "assessor_in", data=lambda w: {"code": "1"}),
    )


def test_changing_ones_password(client, world: World):
    crawl(
        client,
        world,
        Target(
            "password_change",
            "post",
            lambda w: reverse("password_change"),
            "assessor_in",
            data=lambda w: {
                "old_password": factories.PASSWORD,
                "new_password1": "Qh7!zeta-9",
                "new_password2": "Qh7!zeta-9",
            },
        ),
    )


def test_asking_for_a_reset(client, world: World, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": 10_000}
    cache.clear()
    crawl(
        client,
        world,
        Target(
            "password_reset",
            "post",
            lambda w: reverse("password_reset"),
            "anonymous",
            data=lambda w: {"email": "someone@example.cn"},
        ),
    )


def test_setting_a_new_password_from_a_link(client, world: World):
    # As stored: an earlier test's sign-in may have changed last_login on the shared object.
    user = User.objects.get(pk=world.users["assessor_in"].pk)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    form = client.get(link)
    assert form.status_code == 302  # to the same page, its token now in the session
    crawl(
        client,
        world,
        Target(
            "password_reset_confirm",
            "post",
            lambda w: form["Location"],
            "anonymous",
            data=lambda w: {"new_password1": "Wh8#river-2", "new_password2": "Wh8#river-2"},
        ),
    )
