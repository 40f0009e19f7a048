"""The Celery application. With CELERY_BROKER_URL set (Redis), long jobs go to workers:
`celery -A wuhai_safety worker`. Without it they run in the request that asked for them, so
`make run` needs nothing more."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuhai_safety.settings")

app = Celery("wuhai_safety")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["ratings"])
