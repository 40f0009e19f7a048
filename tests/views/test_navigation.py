"""The header offers each person the pages they work in, and only pages they may open.

The header's links (includes/main_nav.html and base.html) are chosen by role, and each page
they lead to is guarded by its view's decorator: the two must agree for every kind of user.
"""

from __future__ import annotations

import re

import pytest
from django.urls import resolve, reverse

from ratings import permissions
from ratings.models import User
from tests import factories
from tests.world import World

pytestmark = pytest.mark.django_db

# Offered to everyone, signed in or not.
PUBLIC = {"home", "honours", "stats", "verify", "notice_list", "account", "login"}
# The pages of a person's work the header may offer.
WORK_PAGES = [
    "queue",
    "review_queue",
    "objection_list",
    "work",
    "guidance_list",
    "unit_list",
    "coverage",
    "manage_years",
    "designation_list",
    "manage_notices",
    "todo",
    "inbox",
]
# Pages a role may open that the header leaves out on purpose: a certifier's work list sends
# them to their queue; an administrator reaches objections from 公示与异议; a unit's filer
# works on one assessment, reached from 待办, not on the lists of communities.
NOT_OFFERED = {
    "certifier": {"work"},
    "admin": {"objection_list"},
    "superuser": {"objection_list"},
    "superuser_certifier": {"objection_list"},
    "unit_filer": {"work"},
}


@pytest.fixture
def world(module_world, db) -> World:
    return module_world


# One person of every kind the header tells apart.
PEOPLE = {
    "assessor": lambda world: world.users["assessor_in"],
    "certifier": lambda world: world.users["certifier_right"],
    "admin": lambda world: world.users["admin"],
    "filer": lambda world: next(iter(world.filers.values())),
    "prereviewer": lambda world: next(iter(world.prereviewers.values())),
    "unit_filer": lambda world: world.other_unit_filer,
    "superuser": lambda world: factories.UserFactory(is_superuser=True, is_staff=True),
    "superuser_certifier": lambda world: factories.certifier("gongan", is_superuser=True),
}


def offered(client) -> set[str]:
    """The URL names the header links to, on the home page."""
    html = client.get(reverse("home")).content.decode()
    header = re.search(r'<header class="site-header">.*?</header>', html, re.DOTALL)[0]
    names = {
        resolve(href.split("?")[0]).url_name for href in re.findall(r'href="(/[^"]*)"', header)
    }
    return names - PUBLIC


@pytest.mark.parametrize("kind", PEOPLE)
def test_the_header_offers_what_each_person_may_open_and_works_in(client, world, kind):
    client.force_login(PEOPLE[kind](world))
    links = offered(client)
    answers = {name: client.get(reverse(name)).status_code for name in WORK_PAGES}
    refused = {name for name in links if answers.get(name, 200) != 200}
    assert not refused, f"offered but not open to a {kind}: {sorted(refused)}"
    open_to_them = {name for name, status in answers.items() if status == 200}
    missing = open_to_them - links - NOT_OFFERED.get(kind, set())
    assert not missing, f"open to a {kind} but not offered: {sorted(missing)}"


def test_the_header_of_a_person_without_a_role_offers_no_work(client, world):
    client.force_login(factories.UserFactory())
    assert offered(client) == set()


def test_an_assessments_way_back_leads_where_each_person_works(client, world):
    """Its breadcrumbs: the review queue, the units' list or 待办."""
    page = reverse("assessment_detail", args=[world.hotel.pk, 2026])
    for person in (
        world.users["assessor_in"],
        world.certifiers["wenlv"],
        world.users["admin"],
        world.unit_filers[world.hotel.pk],
        factories.certifier("wenlv", is_superuser=True),
    ):
        client.force_login(person)
        html = client.get(page).content.decode()
        crumbs = re.search(r'<p class="breadcrumbs">.*?</p>', html, re.DOTALL)[0]
        for href in re.findall(r'href="(/[^"]*)"', crumbs):
            assert client.get(href).status_code == 200, (person, href)


def test_the_accounts_with_a_portal_role_are_those_offered_todo(world):
    """`portal_roles_q` (whom the reminders go to) in the database, `navigation` in Python."""
    for kind in ("superuser", "superuser_certifier"):
        PEOPLE[kind](world)
    factories.UserFactory()  # no role
    everyone = list(User.objects.all())
    with_role = set(User.objects.filter(permissions.portal_roles_q()))
    assert with_role == {user for user in everyone if permissions.navigation(user).todo}
    assert 0 < len(with_role) < len(everyone)
