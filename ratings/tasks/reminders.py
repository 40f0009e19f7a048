"""The daily digest, run by Celery beat where a broker is configured (settings
CELERY_BEAT_SCHEDULE); `manage.py send_reminders` does the same from cron."""

from __future__ import annotations

from celery import shared_task

from ..services.reminders import reminders_send


@shared_task
def reminders_send_daily() -> None:
    """Today's digest for every user; sending twice on a day sends once."""
    reminders_send()
