"""The current one-time code of a demo account, for trying the portal without a phone."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from ratings.management.commands.seed_demo import DEMO_DEVICE_NAME
from ratings.services.second_factor import current_code


class Command(BaseCommand):
    help = "Print the current sign-in code of a demo account (seed_demo's devices only)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_code is for the demo; it refuses to run with DEBUG off.")
        # Only the devices seed_demo made: a phone someone enrolled stays theirs alone.
        device = TOTPDevice.objects.filter(
            user__username=username, name=DEMO_DEVICE_NAME, confirmed=True
        ).first()
        if device is None:
            raise CommandError(
                f"{username} has no demo authenticator: seed_demo gives one to the demo "
                "administrator and certifiers; assessors sign in with the password alone."
            )
        self.stdout.write(current_code(device))
