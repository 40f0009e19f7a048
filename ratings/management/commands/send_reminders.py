"""Send today's daily digest (每日待办提醒) to every user: into the inbox, and by e-mail where an
address and a mail backend exist. Running it twice on a day sends once. For cron:

    30 7 * * *  cd /srv/pingan && .venv/bin/python manage.py send_reminders
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from ratings.services.reminders import reminders_send


class Command(BaseCommand):
    help = "Send today's digest of what awaits each user and what falls due within three days."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--date", help="the day to send for, YYYY-MM-DD (default: today, local time)"
        )

    def handle(self, *args, **options) -> None:
        day = None
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"not a date: {options['date']!r} (YYYY-MM-DD)") from None
        sent, looked = reminders_send(today=day)
        self.stdout.write(f"reminders: {sent} sent, {looked} users looked at")
