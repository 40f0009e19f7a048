"""Accounts in the admin site and the accounts import: nobody changes an account with more power
than their own, and only a superuser grants staff or superuser status."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client

from ratings.choices import Role
from ratings.imports import import_bytes
from ratings.models import User
from ratings.resources import UserResource
from tests import factories
from tests.helpers import HAINAN

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Wuhai-Safety-2026!"
USERS_HEADER = ["用户名", "姓名", "邮箱", "角色", "负责区域代码", "认定机关代码", "有效"]


@pytest.fixture
def superuser(db) -> User:
    return factories.UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def other_superuser(db) -> User:
    return factories.UserFactory(username="root2", is_superuser=True, is_staff=True)


@pytest.fixture
def other_admin(db) -> User:
    return factories.administrator(username="other-admin")


def change_url(user: User) -> str:
    return f"/admin/ratings/user/{user.pk}/change/"


def password_url(user: User) -> str:
    return f"/admin/ratings/user/{user.pk}/password/"


def change_form(user: User, **changes) -> dict:
    """What the admin's change form posts for `user`, with `changes` applied."""
    values = {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "role": user.role,
        "region": user.region_id or "",
        "authority": user.authority_id or "",
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
    }
    values.update(changes)
    # A checkbox that is not ticked is not posted at all.
    return {
        name: ("on" if value is True else value)
        for name, value in values.items()
        if value is not False
    }


def change_password(client: Client, user: User):
    return client.post(
        password_url(user),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )


def can_edit(client: Client, actor: User, target: User) -> bool:
    """Whether `actor` changes `target`'s name, activity and password through the admin."""
    client.force_login(actor)
    renamed = client.post(change_url(target), change_form(target, display_name="改过的名字"))
    password = change_password(client, target)
    target.refresh_from_db()
    changed = (
        target.display_name == "改过的名字",
        check_password(NEW_PASSWORD, target.password),
    )
    if all(changed):
        assert renamed.status_code == 302 and password.status_code == 302
        return True
    assert changed == (False, False), "a refused change must change nothing"
    assert renamed.status_code == 403 and password.status_code == 403
    return False


class TestWhoEditsWhom:
    def test_superuser_edits_another_superuser(self, client, superuser, other_superuser):
        assert can_edit(client, superuser, other_superuser)

    def test_superuser_edits_an_administrator(self, client, superuser, admin_user):
        assert can_edit(client, superuser, admin_user)

    def test_administrator_cannot_take_over_a_superuser(self, client, admin_user, superuser):
        before = superuser.password
        assert not can_edit(client, admin_user, superuser)
        # The password page is refused outright, not only its form.
        assert client.get(password_url(superuser)).status_code == 403
        client.post(
            change_url(superuser),
            change_form(superuser, username="hijacked", is_active=False, is_staff=False),
        )
        superuser.refresh_from_db()
        assert (superuser.username, superuser.is_active, superuser.is_staff) == ("root", True, True)
        assert superuser.password == before
        # The account can still be looked at, read-only: no save button.
        page = client.get(change_url(superuser))
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()

    def test_administrator_edits_another_administrator(self, client, admin_user, other_admin):
        assert can_edit(client, admin_user, other_admin)

    def test_administrator_edits_an_assessor(self, client, admin_user, assessor):
        assert can_edit(client, admin_user, assessor)

    @pytest.mark.parametrize("target_name", ["assessor", "other_admin", "admin_user"])
    def test_administrator_cannot_grant_staff_or_superuser(
        self, client, request, admin_user, target_name
    ):
        target = request.getfixturevalue(target_name)
        was_staff = target.is_staff
        client.force_login(admin_user)
        response = client.post(
            change_url(target),
            change_form(target, display_name="新名字", is_staff=not was_staff, is_superuser=True),
        )
        assert response.status_code == 302
        target.refresh_from_db()
        assert target.display_name == "新名字"  # the rest of the form was saved
        assert (target.is_staff, target.is_superuser) == (was_staff, False)

    def test_superuser_grants_staff(self, client, superuser, assessor):
        client.force_login(superuser)
        client.post(change_url(assessor), change_form(assessor, is_staff=True))
        assessor.refresh_from_db()
        assert assessor.is_staff

    def test_an_administrators_change_form_shows_the_flags_read_only(
        self, client, admin_user, assessor
    ):
        client.force_login(admin_user)
        html = client.get(change_url(assessor)).content.decode()
        assert 'name="is_staff"' not in html and 'name="is_superuser"' not in html
        assert 'name="is_active"' in html


def users_csv(rows: list[list[str]], header: list[str] = USERS_HEADER) -> bytes:
    return ("\n".join(",".join(row) for row in [header, *rows]) + "\n").encode()


class TestAccountsImport:
    def test_a_new_row_is_never_staff_or_superuser(self, admin_user):
        rows = [["boss", "新管理员", "", "admin", "", "", "是"]]
        report = import_bytes(
            UserResource, users_csv(rows), "u.csv", dry_run=False, user=admin_user
        )
        assert report.ok, report.errors
        boss = User.objects.get(username="boss")
        assert boss.role == Role.ADMIN
        assert (boss.is_staff, boss.is_superuser) == (False, False)

    @pytest.mark.parametrize("column", ["is_superuser", "is_staff", "超级用户"])
    def test_a_file_cannot_carry_the_flags(self, admin_user, assessor, column):
        rows = [[assessor.username, "评定员", "", "assessor", HAINAN, "", "是", "是"]]
        report = import_bytes(
            UserResource,
            users_csv(rows, [*USERS_HEADER, column]),
            "u.csv",
            dry_run=False,
            user=admin_user,
        )
        assert f"无法识别的列：{column}" in report.errors[0]
        assessor.refresh_from_db()
        assert (assessor.is_staff, assessor.is_superuser) == (False, False)

    def test_an_administrator_cannot_change_a_superuser_by_import(self, admin_user, superuser):
        rows = [
            ["newbie", "新评定员", "", "assessor", HAINAN, "", "是"],
            ["root", "改名", "evil@example.com", "assessor", HAINAN, "", "否"],
        ]
        report = import_bytes(
            UserResource, users_csv(rows), "u.csv", dry_run=False, user=admin_user
        )
        assert report.errors == [
            "第 3 行：账号“root”是超级用户，只有超级用户可以修改它；请从文件中删去这一行后再导入。"
        ]
        superuser.refresh_from_db()
        assert (superuser.is_active, superuser.is_superuser, superuser.role) == (True, True, "")
        assert not User.objects.filter(username="newbie").exists()

    def test_an_unchanged_superuser_row_is_left_alone(self, admin_user, superuser):
        # An exported list re-imported: the superuser's row changes nothing, so it passes.
        rows = [["root", superuser.display_name, "", "", "", "", "是"]]
        report = import_bytes(
            UserResource, users_csv(rows), "u.csv", dry_run=False, user=admin_user
        )
        assert (report.ok, report.unchanged) == (True, 1)

    def test_a_superuser_changes_a_superuser_by_import(self, superuser, other_superuser):
        rows = [["root2", "第二超级用户", "", "", "", "", "是"]]
        report = import_bytes(UserResource, users_csv(rows), "u.csv", dry_run=False, user=superuser)
        assert (report.ok, report.updated) == (True, 1), report.errors
        other_superuser.refresh_from_db()
        assert other_superuser.display_name == "第二超级用户" and other_superuser.is_superuser

    def test_the_admin_import_refuses_it_too(self, client, admin_user, superuser):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client.force_login(admin_user)
        upload = SimpleUploadedFile(
            "u.csv", users_csv([["root", "改名", "", "admin", "", "", "是"]])
        )
        response = client.post(
            "/admin/ratings/user/import/",
            {"resource": "0", "format": "0", "import_file": upload},
        )
        html = response.content.decode()
        assert "只有超级用户可以修改它" in html
        assert response.context.get("confirm_form") is None
        superuser.refresh_from_db()
        assert superuser.display_name != "改名"
