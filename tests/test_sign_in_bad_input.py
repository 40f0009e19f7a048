"""The bad-input crawl of tests/test_bad_input.py on the sign-in pages in the states the
permission matrix cannot reach: half-way through signing in, enrolling, and holding an app.
Malformed values are refused, never a server error."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories, test_bad_input
from tests.helpers import password_step
from tests.test_bad_input import Target
from tests.test_bad_input import test_no_server_error_on_bad_input as crawl
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
