"""The administrator's deadline forms: the last day of each stage, and an extension."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..choices import Stage
from ..models import Region

DATE_ERRORS = {"invalid": _("请输入有效日期，例如 2026-12-31。")}


def _date_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=DATE_ERRORS,
    )


class DeadlinesForm(forms.Form):
    """The last day (inclusive) of each stage; an empty field means no deadline."""

    apply_due = _date_field(Stage.APPLY.label)
    prereview_due = _date_field(Stage.PREREVIEW.label)
    review_due = _date_field(Stage.REVIEW.label)
    certify_due = _date_field(Stage.CERTIFY.label)

    def dues(self) -> dict:
        return {stage: self.cleaned_data.get(f"{stage}_due") for stage in Stage}


class ExtensionForm(forms.Form):
    """The apply deadline extended for one community, to a date, with a reason."""

    community = forms.RegexField(
        label=_("社区(村)区划代码"),
        regex=r"^\d{12}$",
        max_length=12,
        error_messages={"invalid": _("请输入12位区划代码。")},
    )
    until = forms.DateField(
        label=_("延长至"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=DATE_ERRORS,
    )
    reason = forms.CharField(
        label=_("延期理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写理由，它将记入操作记录。")},
    )

    def clean_community(self) -> Region:
        code = self.cleaned_data["community"]
        community = Region.objects.villages().filter(pk=code, active=True).first()
        if community is None:
            raise forms.ValidationError(_("没有区划代码为 %(code)s 的社区(村)。") % {"code": code})
        return community
