"""The security log: who signed in, failed, was locked out, enrolled a second factor, was
refused a page, changed an account or imported a spreadsheet — one JSON object a line.

Everything goes through `record()`, which takes named facts and drops any whose name says it
could hold a password, a code or a secret, so that none is ever written whatever a caller
passes. The logger is "security"; settings.LOGGING sends it to stderr and, with
SECURITY_LOG_FILE, to a file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from .ratelimit import client_address

logger = logging.getLogger("security")

# Facts never written, whatever their value: the names of everything secret.
SECRET_NAMES = ("password", "code", "token", "secret", "key", "otp")


def _is_secret(name: str) -> bool:
    lowered = name.lower()
    return any(part in lowered for part in SECRET_NAMES)


def _loggable_path(request: HttpRequest) -> str:
    """The path, with a password-reset link's token masked: the token is a key to the account."""
    match = getattr(request, "resolver_match", None)
    token = match.kwargs.get("token") if match is not None else None
    if token:
        return request.path.replace(str(token), "********")
    return request.path


def record(
    event: str,
    *,
    request: HttpRequest | None = None,
    user=None,
    level: int = logging.INFO,
    **facts,
) -> None:
    """Write one security event. `user` is who acted (default: the request's signed-in user);
    the request adds the path and the client's address. Secret-named facts are dropped."""
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    entry: dict = {}
    if user is not None:
        entry["user"] = user.get_username()
    if request is not None:
        entry["address"] = client_address(request)
        entry["path"] = _loggable_path(request)
    for name, value in facts.items():
        if _is_secret(name):
            continue
        if isinstance(value, (list, tuple, set)):
            value = sorted(str(item) for item in value if not _is_secret(str(item)))
        entry[name] = value
    logger.log(level, event, extra={"event": event, "facts": entry})


# --------------------------------------------------------------------------------------------
# Signing in and out


@receiver(user_logged_in, dispatch_uid="security_log_sign_in")
def _signed_in(sender, request: HttpRequest, user, **kwargs) -> None:
    device = getattr(user, "otp_device", None)
    factor = "none"
    if device is not None:
        factor = "recovery_code" if device._meta.model_name == "staticdevice" else "totp"
    record("sign_in", request=request, user=user, second_factor=factor)


@receiver(user_login_failed, dispatch_uid="security_log_sign_in_failed")
def _sign_in_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    # Django has already masked the password in `credentials`; only the name is kept.
    record(
        "sign_in_failed",
        request=request,
        attempted_username=str(credentials.get("username", ""))[:150],
        level=logging.WARNING,
    )


@receiver(user_locked_out, dispatch_uid="security_log_locked_out")
def _locked_out(sender, request: HttpRequest, username: str, ip_address: str, **kwargs) -> None:
    record(
        "locked_out",
        request=request,
        attempted_username=str(username or "")[:150],
        level=logging.WARNING,
    )


@receiver(user_logged_out, dispatch_uid="security_log_sign_out")
def _signed_out(sender, request: HttpRequest, user, **kwargs) -> None:
    if user is not None:
        record("sign_out", request=request, user=user)


# --------------------------------------------------------------------------------------------
# Refusals


def refusals_middleware(get_response: Callable) -> Callable:
    """Write the 403s and 404s answered to signed-in users: someone probing what lies outside
    their scope looks like this. Anonymous 404s are the internet's background noise."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if response.status_code in (403, 404):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                record(
                    "forbidden" if response.status_code == 403 else "not_found",
                    request=request,
                    method=request.method,
                    status=response.status_code,
                    level=logging.WARNING,
                )
        return response

    return middleware
