"""List filters: every value a list reads from its query string goes through one of these."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from ..choices import AssessmentStatus, RatingStatus
from ..models import (
    Domain,
    StarStandard,
)


class FilterForm(forms.Form):
    """The filters of one list, bound to the query string.

    A filter the form cannot use is left out of `filters` (the list is shown without it) and
    reported in `problems`; a year or region that cannot exist is a 404, as an unknown one is.
    Nothing malformed ever reaches a query.
    """

    NOT_FOUND = ("year", "region")

    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    region = forms.RegexField(
        regex=r"^[0-9]{12}$", required=False, max_length=12, widget=forms.HiddenInput
    )
    q = forms.CharField(label=_("名称"), required=False, max_length=40)

    def __init__(self, data, **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.is_valid()

    @property
    def not_found(self) -> bool:
        return any(name in self.errors for name in self.NOT_FOUND)

    @property
    def filters(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}

    @property
    def query(self) -> str:
        """The usable filters as a query string (to come back to the same list)."""
        return urlencode({k: v for k, v in self.filters.items() if v not in (None, "")})

    @property
    def problems(self) -> list[str]:
        return [
            _("筛选条件“%(label)s”无效，已忽略：%(error)s")
            % {"label": self.fields[name].label or name, "error": " ".join(errors)}
            for name, errors in self.errors.items()
            if name not in self.NOT_FOUND
        ]


def _domain_choices(queryset=None) -> list[tuple[str, str]]:
    domains = queryset if queryset is not None else Domain.objects.all()
    return [("", _("全部领域"))] + [(d.code, d.label) for d in domains]


class DomainFilterMixin(forms.Form):
    domain = forms.ChoiceField(label=_("创建领域"), required=False)

    def __init__(self, *args, domains=None, **kwargs) -> None:
        self.base_fields["domain"].choices = _domain_choices(domains)
        super().__init__(*args, **kwargs)


class WorkFilterForm(FilterForm):
    """Filters of the assessor's list of communities."""

    status = forms.ChoiceField(label=_("状态"), required=False)
    stars = forms.TypedChoiceField(
        label=_("星数"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("全部"))] + [(n, n) for n in range(10, -1, -1)],
    )
    mine = forms.BooleanField(label=_("待我处理"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        self.base_fields["status"].choices = [("", _("全部")), ("none", _("未开始"))] + list(
            RatingStatus.choices
        )
        super().__init__(*args, **kwargs)


class InboxFilterForm(FilterForm):
    """The inbox: searched by community name."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("社区(村)")


class QueueFilterForm(FilterForm):
    standard = forms.TypedChoiceField(label=_("标准"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, standards: list[StarStandard], **kwargs) -> None:
        self.base_fields["standard"].choices = [("", _("全部"))] + [
            (s.number, f"{s.number}. {s.label}") for s in standards
        ]
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("社区(村)")


class UnitFilterForm(DomainFilterMixin, FilterForm):
    status = forms.ChoiceField(label=_("测评状态"), required=False)
    mine = forms.BooleanField(label=_("待我处理"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        self.base_fields["status"].choices = [("", _("全部")), ("none", _("未开始"))] + list(
            AssessmentStatus.choices
        )
        super().__init__(*args, **kwargs)


class DomainListFilterForm(DomainFilterMixin, FilterForm):
    """Designations, review queue and coverage: year, region, domain, name."""


class GuidanceFilterForm(FilterForm):
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[
            ("open", _("指导中")),
            ("overdue", _("已逾期")),
            ("closed", _("已结案")),
            ("all", _("全部")),
        ],
    )


class HonoursFilterForm(DomainFilterMixin, FilterForm):
    """The public honour rolls."""

    kind = forms.ChoiceField(
        label=_("名单"),
        required=False,
        choices=[("stars", _("十星平安社区(村)")), ("domains", _("十小平安创建命名"))],
    )
    tier = forms.CharField(label=_("等次"), required=False, max_length=30)
    batch = forms.CharField(label=_("批次"), required=False, max_length=30)


class OutstandingFilterForm(FilterForm):
    """The publish page's lists: undecided ratings, or communities with no rating."""

    show = forms.ChoiceField(
        label=_("名单"),
        required=False,
        choices=[("undecided", _("尚未认定完成")), ("unrated", _("未参评"))],
    )


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("牌匾编号"), required=False, max_length=40)
