"""The daily digest (每日待办提醒): for each user, what awaits them (the 待办 counts, as the
header shows them) and which deadlines of their stages fall within three days; put in the
inbox and, where the user has an address, wants it and the portal has a mail backend, sent by
e-mail. One row per user and day: running it twice sends once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions, selectors
from ..choices import EventAction
from ..models import Reminder, User
from ..workflow.common import record_event

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 3


@dataclass
class Digest:
    """What one user is told today."""

    todos: list[selectors.Todo] = field(default_factory=list)
    due_soon: list[selectors.Deadline] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(todo.count for todo in self.todos)

    @property
    def is_empty(self) -> bool:
        return not self.total and not self.due_soon

    def summary(self) -> str:
        parts = [_("待办 %(count)s 项") % {"count": self.total}]
        if self.due_soon:
            parts.append(_("%(count)s 个截止日期三天内到期") % {"count": len(self.due_soon)})
        return "，".join(parts)

    def text(self, today: date) -> str:
        lines = [
            _("%(label)s：%(count)s%(estimated)s")
            % {
                "label": todo.label,
                "count": todo.count,
                "estimated": _("（约）") if todo.estimated else "",
            }
            for todo in self.todos
            if todo.count
        ]
        lines += [
            _("%(stage)s截止：%(due)s（还有 %(days)s 天）")
            % {
                "stage": deadline.stage.label,
                "due": deadline.last_day,
                "days": (deadline.last_day - today).days,
            }
            for deadline in self.due_soon
        ]
        return "\n".join(lines)


def digest_for_user(*, user: User, today: date) -> Digest:
    """The user's digest of `today`: the 待办 counts (`todo_list_for_user`, the one counting)
    and the deadlines of the user's stages due from today to three days on. A deadline is
    told to those who still have work waiting, and to administrators."""
    todos = selectors.todo_list_for_user(user=user)
    digest = Digest(todos=todos)
    year = selectors.year_current()
    told = permissions.is_told_of_deadlines(user, has_work_waiting=bool(digest.total))
    if year is None or not year.is_open or not told:
        return digest
    deadlines = selectors.deadline_list_for_user(user=user, year=year)
    last = today + timedelta(days=DUE_SOON_DAYS)
    digest.due_soon = [d for d in deadlines if today <= d.last_day <= last]
    return digest


def mail_configured() -> bool:
    """Whether the portal sends e-mail at all (EMAIL_URL; the console in development)."""
    return bool(getattr(settings, "EMAIL_URL", ""))


def reminder_send(*, user: User, today: date | None = None) -> Reminder | None:
    """Put the user's digest of `today` in their inbox and e-mail it; None when there is
    nothing to tell or it was sent already today (the unique row decides)."""
    today = today or timezone.localdate()
    if Reminder.objects.filter(user=user, day=today).exists():
        return None
    digest = digest_for_user(user=user, today=today)
    if digest.is_empty:
        return None
    try:
        with transaction.atomic():
            event = record_event(
                EventAction.DIGEST, None, detail=digest.summary(), reason=digest.text(today)
            )
            reminder = Reminder.objects.create(user=user, day=today, event=event)
    except IntegrityError:
        return None  # another run sent it a moment ago
    if user.email and user.reminder_email and mail_configured():
        transaction.on_commit(lambda: _email(reminder, digest, today))
    return reminder


def _email(reminder: Reminder, digest: Digest, today: date) -> None:
    user = reminder.user
    subject = _("平安乌海 · %(day)s 待办提醒（%(summary)s）") % {
        "day": today,
        "summary": digest.summary(),
    }
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    body = _(
        "%(name)s，您好：\n\n%(text)s\n\n查看待办：%(url)s\n（不想收到邮件，可在“我的账号”中关闭。）"
    ) % {
        "name": user,
        "text": digest.text(today),
        "url": f"{site}/todo/",
    }
    try:
        send_mail(subject, body, None, [user.email])
    except OSError:
        logger.exception("reminder e-mail to user %s failed", user.pk)
        return
    Reminder.objects.filter(pk=reminder.pk).update(emailed_at=timezone.now())


def reminders_send(*, today: date | None = None) -> tuple[int, int]:
    """Every active user's digest of `today`: how many were put in inboxes, and how many users
    were looked at."""
    today = today or timezone.localdate()
    users = (
        User.objects.filter(is_active=True)
        .filter(permissions.portal_roles_q())
        .select_related("region", "authority")
    )
    sent = looked = 0
    for user in users.order_by("pk").iterator(chunk_size=500):
        looked += 1
        if reminder_send(user=user, today=today) is not None:
            sent += 1
    return sent, looked


def reminder_email_set(*, user: User, enabled: bool) -> bool:
    """Turn the user's digest e-mail on or off; whether it changed."""
    if user.reminder_email == enabled:
        return False
    user.reminder_email = enabled
    user.save(update_fields=["reminder_email"])
    return True
