"""The administrator's forms: opening a year, the reason of a destructive action."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class YearOpenForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)


class ReasonForm(forms.Form):
    """The reason a destructive action asks for; it is recorded in the history."""

    reason = forms.CharField(
        label=_("理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写理由，它将记入操作记录。")},
    )
