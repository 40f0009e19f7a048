"""The daily digest (每日待办提醒): its content is the 待办 counts and the deadlines due within
three days; it lands in the inbox and goes by e-mail unless turned off; twice a day sends once."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from ratings import selectors, workflow
from ratings.choices import EventAction
from ratings.models import Event, Reminder
from ratings.services import reminders
from tests import factories
from tests.helpers import BAYINTAOHAI, answers, application_led, applied_rating

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 28)


@pytest.fixture
def people(db, year, admin_user, community, settings, today):
    """海南区 application-led, the apply deadline in two days, the town's in twenty: the filer
    has a draft, the town one application waiting, each user with an e-mail address."""
    settings.EMAIL_URL = "consolemail://"
    today(TODAY)
    application_led(admin_user, year)
    workflow.year_deadlines_set(
        user=admin_user,
        year=year,
        dues={"apply": date(2026, 6, 30), "prereview": date(2026, 7, 18)},
    )
    filer = factories.filer(community.code, email="filer@example.cn")
    workflow.application_save(
        user=filer, community=community, year=year, expected_version=0, answers=answers()
    )
    town = factories.prereviewer(BAYINTAOHAI, email="town@example.cn")
    other = factories.communities(BAYINTAOHAI, 1, start=500)[0]
    applied_rating(factories.filer(other.code), other, year)
    return {"filer": filer, "town": town, "admin": admin_user}


def send(django_capture_on_commit_callbacks) -> tuple[int, int]:
    with django_capture_on_commit_callbacks(execute=True):
        return reminders.reminders_send(today=TODAY)


def test_the_digest_tells_the_todo_counts_and_what_is_due_soon(
    people, django_capture_on_commit_callbacks, mailoutbox
):
    filer, town = people["filer"], people["town"]
    send(django_capture_on_commit_callbacks)

    for user in (filer, town):
        reminder = Reminder.objects.get(user=user, day=TODAY)
        todos = selectors.todo_list_for_user(user=user)
        assert sum(t.count for t in todos) >= 1
        for todo in todos:
            if todo.count:
                assert f"{todo.label}：{todo.count}" in reminder.event.reason
    filer_text = Reminder.objects.get(user=filer).event.reason
    assert "自评申报截止：2026-06-30（还有 2 天）" in filer_text
    # The town's deadline is twenty days off: not due soon.
    assert "截止" not in Reminder.objects.get(user=town).event.reason
    # The inbox shows each user their own digest, and no one else's.
    assert list(selectors.event_list_for_inbox(user=filer).filter(action=EventAction.DIGEST)) == [
        Reminder.objects.get(user=filer).event
    ]
    mails = {m.to[0]: m for m in mailoutbox}
    assert "自评申报截止：2026-06-30" in mails["filer@example.cn"].body
    assert "town@example.cn" in mails
    assert Reminder.objects.get(user=filer).emailed_at is not None


def test_running_twice_sends_once(people, django_capture_on_commit_callbacks, mailoutbox):
    sent, _looked = send(django_capture_on_commit_callbacks)
    assert sent >= 2
    events = Event.objects.filter(action=EventAction.DIGEST).count()
    mails = len(mailoutbox)
    assert send(django_capture_on_commit_callbacks)[0] == 0
    call_command("send_reminders", "--date", TODAY.isoformat())
    assert Event.objects.filter(action=EventAction.DIGEST).count() == events
    assert len(mailoutbox) == mails
    assert Reminder.objects.filter(user=people["filer"]).count() == 1


def test_a_user_who_turned_email_off_gets_the_inbox_only(
    client, people, django_capture_on_commit_callbacks, mailoutbox
):
    filer = people["filer"]
    client.force_login(filer)
    assert "接收每日提醒邮件" in client.get(reverse("account")).content.decode()
    response = client.post(reverse("reminder_settings"), {})
    assert response.status_code == 302
    filer.refresh_from_db()
    assert filer.reminder_email is False
    send(django_capture_on_commit_callbacks)
    assert Reminder.objects.get(user=filer).emailed_at is None
    assert "filer@example.cn" not in {m.to[0] for m in mailoutbox}
    assert "town@example.cn" in {m.to[0] for m in mailoutbox}
    inbox = client.get(reverse("inbox")).content.decode()
    assert "每日待办提醒" in inbox and "自评申报截止" in inbox


def test_no_mail_without_a_backend_and_nothing_when_nothing_awaits(
    people, settings, django_capture_on_commit_callbacks, mailoutbox, assessor_out
):
    settings.EMAIL_URL = ""
    send(django_capture_on_commit_callbacks)
    assert not mailoutbox
    assert Reminder.objects.filter(user=people["filer"]).exists()
    # 乌达区's assessor has nothing waiting: no digest at all.
    assert not Reminder.objects.filter(user=assessor_out).exists()


def test_the_command_rejects_a_bad_date(people):
    with pytest.raises(Exception, match="not a date"):
        call_command("send_reminders", "--date", "昨天")
