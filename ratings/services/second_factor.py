"""Second factors (django-otp): an authenticator app's time-based codes (one TOTP device per
user) and ten one-time recovery codes (one static device).

Checking a code goes through the device's own `verify_token`, which refuses a time-based code
at or before the last one accepted (a code is good once), consumes a recovery code, and
throttles: after each wrong code the device refuses any code for 1, 2, 4, 8… seconds.
"""

from __future__ import annotations

import math
import re
import time
from base64 import b32encode
from dataclasses import dataclass, field

from django.db import transaction
from django_otp.models import Device
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..models import User

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "身份验证器"
RECOVERY_DEVICE_NAME = "恢复码"
TOTP_SHAPE = re.compile(r"[0-9]{6}")
# StaticToken.random_token: eight characters of base32, lower-cased.
RECOVERY_SHAPE = re.compile(r"[a-z2-7]{8}")


def normalise(code: str) -> str:
    """A code as typed — "123 456", "ABCD-EFGH" — as the devices store it."""
    return re.sub(r"[\s-]", "", code).lower()


def has_second_factor(user: User) -> bool:
    """Whether the user has confirmed an authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    """How many unused recovery codes the user's confirmed second factor still has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret_for_display(device: TOTPDevice) -> str:
    """The secret as authenticator apps ask for it when typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@dataclass
class Verification:
    """What came of a code: the device that accepted it, or why not."""

    device: Device | None = None
    refused: str = ""  # "wrong" (or used before) | "throttled"
    wait_seconds: int = 0
    recovery_codes: list[str] = field(default_factory=list)  # when enrolment issued them

    @property
    def used_recovery_code(self) -> bool:
        return isinstance(self.device, StaticDevice)


def _check(device: Device, code: str) -> Verification:
    allowed, details = device.verify_is_allowed()
    if not allowed:
        until = (details or {}).get("locked_until")
        wait = until.timestamp() - time.time() if until is not None else 1
        return Verification(refused="throttled", wait_seconds=max(1, math.ceil(wait)))
    if device.verify_token(code):
        return Verification(device=device)
    return Verification(refused="wrong")


def verify(*, user: User, code: str, app_only: bool = False) -> Verification:
    """Check a code from the user's app or, unless `app_only`, one of their recovery codes
    (which is then used up). Under a row lock, so two requests cannot both use one code."""
    code = normalise(code)
    if TOTP_SHAPE.fullmatch(code):
        model = TOTPDevice
    elif RECOVERY_SHAPE.fullmatch(code) and not app_only:
        model = StaticDevice
    else:
        return Verification(refused="wrong")
    with transaction.atomic():
        devices = list(model.objects.select_for_update().filter(user=user, confirmed=True))
        result = Verification(refused="wrong")
        for device in devices:
            result = _check(device, code)
            if result.device is not None or result.refused == "throttled":
                break
    return result


def enrolment_device(*, user: User) -> TOTPDevice:
    """The unconfirmed device whose secret the enrolment page shows: the same one each time
    the page is opened, until a code from it confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def enrolment_confirm(*, user: User, device: TOTPDevice, code: str) -> Verification:
    """A code from the new app confirms it: it replaces any earlier app, and ten new recovery
    codes replace any earlier ones (returned once, to be shown once)."""
    code = normalise(code)
    if not TOTP_SHAPE.fullmatch(code):
        return Verification(refused="wrong")
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(pk=device.pk, user=user, confirmed=False)
            .first()
        )
        if device is None:  # confirmed meanwhile, in another tab
            return Verification(refused="wrong")
        result = _check(device, code)
        if result.device is None:
            return result
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        result.recovery_codes = recovery_codes_issue(user=user)
    return result


def recovery_codes_issue(*, user: User) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes: set[str] = set()
        while len(codes) < RECOVERY_CODE_COUNT:
            codes.add(StaticToken.random_token())
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return sorted(codes)


def second_factor_remove(*, user: User) -> int:
    """Remove the user's app and recovery codes (a lost phone, or an assessor turning the
    second factor off); how many devices went. Sessions verified by them stop being so."""
    with transaction.atomic():
        apps = TOTPDevice.objects.filter(user=user)
        recovery = StaticDevice.objects.filter(user=user)
        removed = apps.count() + recovery.count()
        apps.delete()
        recovery.delete()
    return removed


def current_code(device: TOTPDevice) -> str:
    """The code the user's app shows now — or, if that one was just used, the next one, which
    is accepted too (one step of tolerance). For the demo command and the tests only."""
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    step = max(now, device.last_t + 1)
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"
