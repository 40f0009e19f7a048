"""Re-review (复查): opening one, an assessor's finding, the stars taken away after it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..choices import RereviewStatus, YearStatus
from ..models import RatingYear, StarStandard
from .filters import FilterForm

ALL, SAMPLE = "all", "sample"


class RereviewOpenForm(forms.Form):
    """Which published year, and all of its ten-star communities or a random sample."""

    year = forms.TypedChoiceField(label=_("复查年度"), coerce=int)
    title = forms.CharField(label=_("复查名称"), max_length=100)
    scope = forms.ChoiceField(
        label=_("复查范围"),
        choices=[(ALL, _("全部十星社区(村)")), (SAMPLE, _("随机抽查（双随机）"))],
        widget=forms.RadioSelect,
        initial=ALL,
    )
    size = forms.IntegerField(
        label=_("抽查数量"),
        required=False,
        min_value=1,
        max_value=100_000,
        help_text=_("随机抽查时必填。"),
    )
    seed = forms.RegexField(
        label=_("随机种子"),
        regex=r"^[0-9A-Za-z-]{1,40}$",
        required=False,
        max_length=40,
        help_text=_("留空则自动生成并记录；用同一种子可重现同一抽查名单。"),
        error_messages={"invalid": _("随机种子只能由字母、数字和连字符组成。")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [
            (y.year, str(y.year)) for y in RatingYear.objects.filter(status=YearStatus.PUBLISHED)
        ]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("scope") == SAMPLE and not data.get("size"):
            self.add_error("size", _("随机抽查时请填写抽查数量。"))
        return data

    def sample_size(self) -> int | None:
        """How many to draw; None for every ten-star community."""
        return self.cleaned_data["size"] if self.cleaned_data["scope"] == SAMPLE else None


class RereviewFindForm(forms.Form):
    """An assessor's finding: passed, or failed with the standards no longer met."""

    finding = forms.ChoiceField(
        label=_("复查结论"),
        choices=[
            (RereviewStatus.PASSED, _("复查通过")),
            (RereviewStatus.FAILED, _("复查未通过")),
        ],
        widget=forms.RadioSelect,
    )
    standards = forms.TypedMultipleChoiceField(
        label=_("不再达标的标准"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("复查未通过时必选，认定机关将据此摘星。"),
    )
    reason = forms.CharField(
        label=_("复查意见"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写复查意见，它将记入操作记录。")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["standards"].choices = [(s.number, str(s)) for s in StarStandard.objects.all()]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("finding") == RereviewStatus.FAILED and not data.get("standards"):
            self.add_error("standards", _("复查未通过时，请选择不再达标的标准。"))
        if data.get("finding") == RereviewStatus.PASSED and data.get("standards"):
            raise ValidationError(_("复查通过时不应选择不再达标的标准。"))
        return data

    @property
    def passed(self) -> bool:
        return self.cleaned_data["finding"] == RereviewStatus.PASSED


class RereviewStarsForm(forms.Form):
    """摘星 after a failed re-review: the certifying authority's document asking for it."""

    document_number = forms.CharField(
        label=_("认定机关文号"), max_length=60, help_text=_("提出摘星的认定机关文件的文号。")
    )


class RereviewFilterForm(FilterForm):
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部"))]
        + list(RereviewStatus.choices)
        + [("to_remove", _("未通过待摘星"))],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("社区(村)")
