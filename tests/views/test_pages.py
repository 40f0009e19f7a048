"""The pages anyone sees first: Chinese by default, English after switching."""

from __future__ import annotations

import shutil

import polib
import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def switch_to_english(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("path", "status", "chinese", "english"),
    [
        ("/", 200, "十星平安社区(村)的十项标准", "The ten standards of a ten-star safe community"),
        ("/accounts/login/", 200, "工作人员登录", "Staff sign-in"),
        ("/no-such-page/", 404, "找不到这个页面", "Page not found"),
    ],
)
def test_page_in_chinese_then_english(client, path, status, chinese, english):
    response = client.get(path)
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert chinese in html

    switch_to_english(client)
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == status
    assert '<html lang="en">' in html
    assert english in html
    assert chinese not in html


def test_home_lists_domains_and_standards(client):
    html = client.get("/").content.decode()
    assert "平安宾馆(旅店)" in html
    assert "青少年零受害" in html
    assert "工作人员登录" in html


def test_login_with_wrong_password_says_so(client, assessor):
    response = client.post("/accounts/login/", {"username": assessor.username, "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_login_lands_on_home_with_a_link_to_work(client, assessor):
    from tests.factories import PASSWORD

    response = client.post(
        "/accounts/login/", {"username": assessor.username, "password": PASSWORD}, follow=True
    )
    html = response.content.decode()
    assert "进入我的工作" in html
    assert "退出" in html


def test_logout_is_a_post(client, assessor):
    client.force_login(assessor)
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_pages_use_no_external_assets(client):
    html = client.get("/").content.decode()
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html


@pytest.mark.django_db(databases=[])
def test_every_interface_message_has_an_english_translation(tmp_path, settings, monkeypatch):
    """Extract the messages from the code as `make messages` does, into a copy of the catalogue:
    a message added without its English (or left fuzzy) fails here, not in front of a user."""
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext is not installed (Debian package gettext)")
    # makemessages writes beside the sources it reads, so it runs on a copy of them.
    for folder in ("locale", "ratings", "templates", "wuhai_safety"):
        shutil.copytree(
            settings.BASE_DIR / folder,
            tmp_path / folder,
            ignore=shutil.ignore_patterns("__pycache__", "*.mo"),
        )
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)

    catalogue = polib.pofile(str(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]
    assert not missing, f"{len(missing)} messages lack English (run `make messages`): {missing[:5]}"


def test_reference_data_is_named_in_english_when_the_interface_is(client, assessor, year):
    switch_to_english(client)
    page = client.get("/").content.decode()
    assert "Safe school" in page and "No cult activity" in page
    assert "平安学校" not in page and "无邪教" not in page
    client.force_login(assessor)
    switch_to_english(client)
    edit = client.get("/ratings/2026/150303104707/edit/").content.decode()
    assert "3. No cult activity" in edit and "Anti-cult office" in edit
    assert "No cult organisation active in the area" in edit
    assert "辖区无邪教组织活动" not in edit
