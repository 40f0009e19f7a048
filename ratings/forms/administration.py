"""The administrator's forms: opening a year, the reason of a destructive action."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class EligibilityRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写理由，它将记入操作记录。")},
    )
    bar_years = forms.IntegerField(
        label=_("此后不得参评的年数"),
        required=False,
        min_value=0,
        max_value=10,
        initial=0,
        help_text=_("0 表示下一年度可以正常参评。"),
    )


class YearOpenForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)


class StarRemoveForm(forms.Form):
    """摘星, on a certifying authority's request: why, and the document that asks for it."""

    document_number = forms.CharField(
        label=_("认定机关文号"), max_length=60, help_text=_("提出摘星的认定机关文件的文号。")
    )
    reason = forms.CharField(
        label=_("理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写理由，它将记入操作记录。")},
    )


class TakeBackForm(forms.Form):
    """收回: the day a revoked plaque was collected, and who collected it."""

    taken_back_on = forms.DateField(
        label=_("收回日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("请输入有效日期，例如 2026-12-31。")},
    )
    taken_back_by = forms.CharField(
        label=_("收回人"), max_length=60, help_text=_("实际收回牌匾的工作人员姓名及单位。")
    )


class ReasonForm(forms.Form):
    """The reason a destructive action asks for; it is recorded in the history."""

    reason = forms.CharField(
        label=_("理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写理由，它将记入操作记录。")},
    )
