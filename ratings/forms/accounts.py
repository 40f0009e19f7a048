"""The sign-in's own forms; Django's password forms are used as they are."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from ..services.second_factor import RECOVERY_SHAPE, TOTP_SHAPE, normalise


class SignInForm(AuthenticationForm):
    """Django's login form, refusing an over-long user name before it reaches authentication
    (django-axes would try to store it, and PostgreSQL refuses more than 255 characters)."""

    def clean(self) -> dict:
        username = self.cleaned_data.get("username") or ""
        if len(username) > self.fields["username"].max_length:
            raise self.get_invalid_login_error()
        return super().clean()


class CodeForm(forms.Form):
    """A code from the authenticator app or, unless `app_only`, a recovery code."""

    code = forms.CharField(
        label=_("验证码"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
                "size": 12,
            }
        ),
    )

    def __init__(self, *args, app_only: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.app_only = app_only
        if app_only:
            self.fields["code"].widget.attrs["inputmode"] = "numeric"

    def clean_code(self) -> str:
        code = normalise(self.cleaned_data["code"])
        if TOTP_SHAPE.fullmatch(code) or (not self.app_only and RECOVERY_SHAPE.fullmatch(code)):
            return code
        if self.app_only:
            raise forms.ValidationError(_("请输入身份验证器上显示的 6 位数字。"))
        raise forms.ValidationError(_("请输入身份验证器上显示的 6 位数字，或一个 8 位恢复码。"))


class ReminderEmailForm(forms.Form):
    """Whether the daily digest is also sent by e-mail."""

    reminder_email = forms.BooleanField(label=_("接收每日提醒邮件"), required=False)
