"""The sign-in's own forms."""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Django's login form, refusing an over-long user name before it reaches authentication
    (django-axes would try to store it, and PostgreSQL refuses more than 255 characters)."""

    def clean(self) -> dict:
        username = self.cleaned_data.get("username") or ""
        if len(username) > self.fields["username"].max_length:
            raise self.get_invalid_login_error()
        return super().clean()
