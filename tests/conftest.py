"""Shared fixtures: the reference data, one user per role, years, and rating helpers."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from pytest_django.plugin import blocking_manager_key

from ratings import permissions, workflow
from ratings.models import RatingYear, Region, User
from tests import factories
from tests.helpers import HAINAN, SAIHANWUSU, WUDA, built_once_per_module
from tests.world import World, build_world


def load_reference() -> None:
    call_command("load_reference", stdout=io.StringIO())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data is loaded once; each test's changes are rolled back around it."""
    with django_db_blocker.unblock():
        load_reference()


@pytest.fixture
def reference_data(transactional_db):
    """For transactional tests, which empty the database after each test."""
    load_reference()


def _transactional(item: pytest.Item | None) -> bool:
    marker = item.get_closest_marker("django_db") if item else None
    return bool(marker and marker.kwargs.get("transaction")) or (
        item is not None and "transactional_db" in item.fixturenames
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """A transactional test empties every table when it ends. pytest-django runs those after
    all the others, but pytest-xdist hands tests out in its own order: put the reference data
    back for the next test on this worker."""
    yield
    if _transactional(item) and nextitem is not None and not _transactional(nextitem):
        with item.config.stash[blocking_manager_key].unblock():
            load_reference()


@pytest.fixture(scope="module")
def world_media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("world-media")


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker, world_media) -> World:
    """The world of `tests.world`, built once for the whole module."""
    yield from built_once_per_module(django_db_blocker, world_media, build_world)


@pytest.fixture(autouse=True)
def _private_media(request, settings, tmp_path):
    """Evidence goes to a folder of the test's own (the module's, for the shared world)."""
    if "world_media" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("world_media")
    else:
        settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: public pages and statistics are cached by the
    public data version, which a rolled-back test leaves where it was for the next one, and
    the rate limiter counts in it."""
    cache.clear()


@pytest.fixture(autouse=True)
def _chinese_first():
    """Each test starts in the default language: a request in English leaves English active in
    the thread, and a later test's workflow messages would come out in it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def one_minute(monkeypatch):
    """The rate limiter counts per minute: its clock stands still in the middle of one, so that
    a test's requests never straddle two windows (and start counting afresh)."""
    monkeypatch.setattr("ratings.ratelimit.time", SimpleNamespace(time=lambda: 1_800_000_030.0))


@pytest.fixture(autouse=True, scope="session")
def _fast_passwords():
    """Hashing a password properly takes a third of a second; tests make hundreds."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


# -- people --------------------------------------------------------------------------------------


class SignedInClient(Client):
    """The test client, whose `force_login` stands for a whole sign-in: a user who needs a
    second factor gets a session verified by their authenticator app, as the code step leaves
    it. Tests of the sign-in itself use django.test.Client or go through the pages."""

    def force_login(self, user, backend=None) -> None:
        super().force_login(user, backend)
        if permissions.must_use_second_factor(user):
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = factories.totp_device(user).persistent_id
            session.save()


@pytest.fixture
def client() -> Client:
    return SignedInClient()


@pytest.fixture(scope="module")
def module_sessions(module_world, django_db_blocker) -> dict[int, str]:
    """A signed-in session for every user of the module's world, made once: tests that go
    through many users (the permission matrix, the crawl) present its cookie instead of
    signing in anew for each request. Each test's changes to a session are rolled back."""
    keys = {}
    with django_db_blocker.unblock():
        for user in User.objects.all():
            signed_in = SignedInClient()
            signed_in.force_login(user)
            keys[user.pk] = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


@pytest.fixture
def as_user(client, module_sessions):
    """`as_user(user)` makes the client's next requests those of `user` (None: anonymous)."""

    def present(user: User | None) -> None:
        if user is None:
            client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = module_sessions[user.pk]

    return present


@pytest.fixture
def assessor(db) -> User:
    """An assessor of 海南区."""
    return factories.assessor(HAINAN, username="hainan-assessor")


@pytest.fixture
def assessor_out(db) -> User:
    """An assessor of 乌达区: every 海南区 community is outside their scope."""
    return factories.assessor(WUDA, username="wuda-assessor")


@pytest.fixture
def certifiers(db) -> dict[str, User]:
    """One certifier per authority, keyed by authority code."""
    from ratings.models import Authority

    return {
        a.code: factories.certifier(a.code, username=f"cert-{a.code}")
        for a in Authority.objects.all()
    }


@pytest.fixture
def gongan(certifiers) -> User:
    """Public security certifies standards 1, 2 and 8."""
    return certifiers["gongan"]


@pytest.fixture
def jindu(certifiers) -> User:
    """The narcotics-control office certifies standard 6 only."""
    return certifiers["jindu"]


@pytest.fixture
def admin_user(db) -> User:
    return factories.administrator(username="city-admin")


# -- years and ratings ---------------------------------------------------------------------------


@pytest.fixture
def year(db) -> RatingYear:
    return workflow.year_open(user=None, year=2026)


@pytest.fixture
def community(db) -> Region:
    return Region.objects.get(pk=SAIHANWUSU)


@pytest.fixture
def today(monkeypatch):
    """Set the portal's today (what `timezone.localdate()` answers): `today(date(…))`."""
    from django.utils import timezone

    def set_today(day) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args: day)

    return set_today
