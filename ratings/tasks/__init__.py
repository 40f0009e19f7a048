"""Celery tasks. Each takes ids, loads what it needs and calls a service or workflow function;
each is enqueued only after the transaction that asked for it has committed."""

from .certificates import certificates_print
from .reminders import reminders_send_daily

__all__ = ["certificates_print", "reminders_send_daily"]
