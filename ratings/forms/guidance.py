"""Supervised guidance: measures, follow-up notes, closing a case."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class GuidanceForm(forms.Form):
    measures = forms.CharField(
        label=_("整改措施"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    responsible_person = forms.CharField(label=_("责任人"), required=False, max_length=60)
    due_date = forms.DateField(
        label=_("整改期限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("请输入有效日期，例如 2026-12-31。")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class GuidanceNoteForm(forms.Form):
    text = forms.CharField(
        label=_("跟进情况"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写跟进情况。")},
    )


class GuidanceCloseForm(forms.Form):
    outcome = forms.CharField(
        label=_("整改结果"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("结案时必须填写整改结果。")},
    )
