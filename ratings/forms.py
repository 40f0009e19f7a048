"""Forms validate and clean input; the workflow functions write."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .choices import AssessmentStatus, Decision, RatingStatus, ReviewDecision
from .models import (
    FAMILY_DOMAIN,
    AssessmentLine,
    Criterion,
    Domain,
    Region,
    StarItem,
    StarStandard,
    Unit,
)
from .uploads import MAX_EVIDENCE_PER_ITEM, inspect_evidence
from .workflow import Finding, LineInput, Naming, UnitDetails

MET_CHOICES = [("yes", _("达标")), ("no", _("未达标"))]
ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/jpeg,image/png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(part, initial) for part in data if part]
        return [single(data, initial)] if data else []


ID_PATTERN = re.compile(r"[0-9]{1,18}")


class ModelIdsField(forms.ModelMultipleChoiceField):
    """The ticked rows of a list, as objects of `queryset`. Each value is checked to be a
    primary key before the database sees it (a 40-digit number would overflow the column)."""

    def clean(self, value):
        for part in value or []:
            if not ID_PATTERN.fullmatch(str(part)):
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().clean(value)


def clean_version(data) -> int | None:
    """The version a form was loaded at, or None if it is missing or malformed."""
    value = data.get("version", "") if data is not None else ""
    if isinstance(value, str) and ID_PATTERN.fullmatch(value) and len(value) <= 9:
        return int(value)
    return None


class FindingForm(forms.Form):
    """The assessor's finding for one standard."""

    met = forms.TypedChoiceField(
        label=_("是否达标"),
        choices=MET_CHOICES,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("评定说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    files = MultipleFileField(
        label=_("上传证明材料"),
        required=False,
        help_text=_("PDF、JPEG、PNG、DOCX、XLSX，单个不超过 10 MB，每项最多 %(max)s 个。")
        % {"max": MAX_EVIDENCE_PER_ITEM},
    )
    withdraw = forms.TypedMultipleChoiceField(
        label=_("撤回材料"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args, standard: StarStandard, item: StarItem | None, raw_names: dict, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.standard = standard
        self.item = item
        self.raw_names = raw_names
        active = [e for e in item.evidence.all() if not e.is_withdrawn] if item else []
        self.active_evidence = active
        self.fields["withdraw"].choices = [(e.pk, e.original_name) for e in active]
        if item is not None and not self.is_bound:
            self.initial = {
                "met": {True: "yes", False: "no"}.get(item.met),
                "note": item.note,
            }

    def clean_files(self) -> list:
        files = self.cleaned_data["files"]
        inspected, errors = [], []
        for upload in files:
            try:
                inspected.append((upload, inspect_evidence(upload, raw_names=self.raw_names)))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return inspected

    def clean(self) -> dict:
        cleaned = super().clean()
        keeping = len(self.active_evidence) - len(cleaned.get("withdraw") or [])
        if keeping + len(cleaned.get("files") or []) > MAX_EVIDENCE_PER_ITEM:
            self.add_error(
                "files",
                _("每项最多保留 %(max)s 个证明材料，请先撤回不需要的文件。")
                % {"max": MAX_EVIDENCE_PER_ITEM},
            )
        return cleaned

    def finding(self) -> Finding:
        data = self.cleaned_data
        return Finding(
            number=self.standard.number,
            met=data["met"],
            note=data["note"].strip(),
            uploads=data["files"],
            withdraw=data["withdraw"],
        )


class RatingEditForm:
    """The whole edit page: one finding form per standard still open to the assessor."""

    def __init__(
        self,
        data=None,
        files=None,
        *,
        standards: list[StarStandard],
        items: dict[int, StarItem],
        version: int,
        raw_names: dict | None = None,
    ) -> None:
        self.version_field = forms.IntegerField(widget=forms.HiddenInput, initial=version)
        self.data = data
        self.rows = []
        for standard in standards:
            item = items.get(standard.number)
            editable = item is None or item.is_editable
            form = None
            if editable:
                form = FindingForm(
                    data,
                    files,
                    prefix=f"s{standard.number}",
                    standard=standard,
                    item=item,
                    raw_names=raw_names or {},
                )
            self.rows.append({"standard": standard, "item": item, "form": form})
        self.version = version
        self.errors: list[str] = []

    @property
    def forms(self) -> list[FindingForm]:
        return [row["form"] for row in self.rows if row["form"] is not None]

    def is_valid(self) -> bool:
        valid = all([form.is_valid() for form in self.forms])
        version = clean_version(self.data)
        if version is None:
            self.errors.append(str(_("表单缺少版本信息，请重新加载页面。")))
            return False
        self.version = version
        return valid

    def findings(self) -> list[Finding]:
        return [form.finding() for form in self.forms]


class ReasonedDecisionForm(forms.Form):
    """A decision whose reason is required unless it is the favourable one."""

    favourable: str
    refusal: str
    refusal_message: str

    def clean(self) -> dict:
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision and decision != self.favourable and not cleaned.get("reason", "").strip():
            self.add_error(
                "reason",
                self.refusal_message
                if decision == self.refusal
                else _("退回补充时必须说明需要补充什么。"),
            )
        return cleaned


class DecisionForm(ReasonedDecisionForm):
    favourable, refusal = Decision.ENDORSE, Decision.REJECT
    refusal_message = _("不予认可时必须填写理由。")

    decision = forms.ChoiceField(
        label=_("认定结果"), choices=Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("理由或需补充的内容"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不予认可、退回补充时必填。"),
    )


class BulkDecisionForm(DecisionForm):
    items = ModelIdsField(
        queryset=StarItem.objects.none(),
        error_messages={
            "required": _("请至少勾选一项。"),
            "invalid_choice": _("勾选的项目中有已不在待认定队列中的，请刷新后重试。"),
            "invalid_pk_value": _("勾选的项目中有已不在待认定队列中的，请刷新后重试。"),
        },
    )

    def __init__(self, *args, queue: QuerySet[StarItem], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = queue


# --------------------------------------------------------------------------------------------
# List filters: every value a list reads from its query string goes through one of these.


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
    def problems(self) -> list[str]:
        return [
            _("筛选条件“%(label)s”无效，已忽略：%(error)s")
            % {"label": self.fields[name].label or name, "error": " ".join(errors)}
            for name, errors in self.errors.items()
            if name not in self.NOT_FOUND
        ]


def _domain_choices(queryset=None) -> list[tuple[str, str]]:
    domains = queryset if queryset is not None else Domain.objects.all()
    return [("", _("全部领域"))] + [(d.code, d.name) for d in domains]


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

    def __init__(self, *args, **kwargs) -> None:
        self.base_fields["status"].choices = [("", _("全部")), ("none", _("未开始"))] + list(
            RatingStatus.choices
        )
        super().__init__(*args, **kwargs)


class QueueFilterForm(FilterForm):
    standard = forms.TypedChoiceField(label=_("标准"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, standards: list[StarStandard], **kwargs) -> None:
        self.base_fields["standard"].choices = [("", _("全部"))] + [
            (s.number, str(s)) for s in standards
        ]
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("社区(村)")


class UnitFilterForm(DomainFilterMixin, FilterForm):
    status = forms.ChoiceField(label=_("测评状态"), required=False)

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


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("牌匾编号"), required=False, max_length=40)


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


# --------------------------------------------------------------------------------------------
# The ten creation domains


class UnitForm(forms.ModelForm):
    """Registering or editing a unit; the region must be a town or community in the user's scope."""

    region_code = forms.CharField(label=_("所在区划"), max_length=12)

    class Meta:
        model = Unit
        fields = ["domain", "name", "credit_code", "address", "active"]

    def __init__(self, *args, regions: QuerySet[Region], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.regions = regions
        self.fields["domain"].queryset = Domain.objects.all()
        self.fields["domain"].empty_label = None
        # An assessor's district has a few dozen places: offer them as a list. A national
        # administrator's scope is too large for one list: they type the code.
        choices = list(regions[: REGION_SELECT_LIMIT + 1])
        if len(choices) <= REGION_SELECT_LIMIT:
            self.fields["region_code"].widget = forms.Select(
                choices=[("", "—")]
                + [
                    (r.code, f"{r.parent.name if r.parent else ''} {r.name}".strip())
                    for r in choices
                ]
            )
        if self.instance.pk:
            self.initial["region_code"] = self.instance.region_id
        self.fields["credit_code"].help_text = _("企事业单位填写18位代码；家庭户不填。")

    def clean_credit_code(self) -> str:
        return self.cleaned_data["credit_code"].strip().upper()

    def clean_region_code(self) -> Region:
        code = self.cleaned_data["region_code"].strip()
        region = self.regions.filter(code=code).first()
        if region is None:
            raise ValidationError(
                _("区划代码 %(code)s 不存在或不在您负责的范围内。"), params={"code": code}
            )
        return region

    def clean(self) -> dict:
        cleaned = super().clean()
        domain = cleaned.get("domain")
        if domain and domain.code == FAMILY_DOMAIN and cleaned.get("credit_code"):
            self.add_error("credit_code", _("家庭户不填写统一社会信用代码。"))
        if domain and domain.code == FAMILY_DOMAIN:
            region = cleaned.get("region_code")
            if region is not None and not region.is_village_level:
                self.add_error("region_code", _("家庭户应登记在所在的社区(村)。"))
        code = cleaned.get("credit_code")
        if code:
            clash = Unit.objects.filter(credit_code=code).exclude(pk=self.instance.pk).first()
            if clash is not None:
                self.add_error(
                    "credit_code",
                    _("统一社会信用代码已被“%(name)s”使用。") % {"name": clash.name},
                )
        return cleaned

    def details(self) -> UnitDetails:
        data = self.cleaned_data
        return UnitDetails(
            domain=data["domain"],
            region=data["region_code"],
            name=data["name"],
            credit_code=data["credit_code"],
            address=data["address"],
            active=data["active"],
        )


REGION_SELECT_LIMIT = 500


class LineForm(forms.Form):
    """Points, note and files for one criterion of an assessment."""

    points = forms.IntegerField(label=_("得分"), required=False, min_value=0)
    note = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    files = MultipleFileField(label=_("证明材料"), required=False)
    withdraw = forms.TypedMultipleChoiceField(
        label=_("撤回材料"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args, criterion: Criterion, line: AssessmentLine | None, raw_names: dict, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.criterion, self.line, self.raw_names = criterion, line, raw_names
        self.fields["points"].max_value = criterion.points
        self.fields["points"].validators.append(MaxValueValidator(criterion.points))
        self.fields["points"].widget.attrs.update({"min": 0, "max": criterion.points})
        self.active_evidence = (
            [e for e in line.evidence.all() if not e.is_withdrawn] if line else []
        )
        self.fields["withdraw"].choices = [(e.pk, e.original_name) for e in self.active_evidence]
        if line is not None and not self.is_bound:
            self.initial = {"points": line.points, "note": line.note}

    clean_files = FindingForm.clean_files

    def line_input(self) -> LineInput:
        data = self.cleaned_data
        return LineInput(
            criterion_id=self.criterion.pk,
            points=data["points"],
            note=data["note"].strip(),
            uploads=data["files"],
            withdraw=data["withdraw"],
        )


class AssessmentEditForm:
    """The whole assessment page: one line form per active criterion of the domain."""

    def __init__(self, data=None, files=None, *, criteria, lines, version: int, raw_names=None):
        self.data = data
        self.version = version
        self.forms = [
            LineForm(
                data,
                files,
                prefix=f"c{criterion.pk}",
                criterion=criterion,
                line=lines.get(criterion.pk),
                raw_names=raw_names or {},
            )
            for criterion in criteria
        ]
        self.errors: list[str] = []

    def is_valid(self) -> bool:
        valid = all([form.is_valid() for form in self.forms])
        version = clean_version(self.data)
        if version is None:
            self.errors.append(str(_("表单缺少版本信息，请重新加载页面。")))
            return False
        self.version = version
        return valid

    def line_inputs(self) -> list[LineInput]:
        return [form.line_input() for form in self.forms]

    def groups(self) -> list[tuple]:
        """The line forms grouped by work area, in order."""
        grouped: dict = {}
        for form in self.forms:
            grouped.setdefault(form.criterion.work_area, []).append(form)
        return list(grouped.items())


class ReviewForm(ReasonedDecisionForm):
    favourable, refusal = ReviewDecision.APPROVE, ReviewDecision.REJECT
    refusal_message = _("审核不通过时必须填写理由。")

    decision = forms.ChoiceField(
        label=_("审核结果"), choices=ReviewDecision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不通过、退回补充时必填。"),
    )


class TickedUnitsForm(forms.Form):
    """The units ticked on the naming page."""

    units = ModelIdsField(
        queryset=Unit.objects.select_related("domain", "region__parent"),
        error_messages={
            "required": _("请至少勾选一个单位。"),
            "invalid_choice": _("勾选的单位已不存在，请刷新后重试。"),
            "invalid_pk_value": _("勾选的单位已不存在，请刷新后重试。"),
        },
    )


class NamingForm(forms.Form):
    title = forms.CharField(
        label=_("称号"), max_length=60, help_text=_("例如：平安家庭示范户、平安社区")
    )
    tier = forms.CharField(
        label=_("等次"), max_length=30, required=False, help_text=_("例如：示范户、标兵户")
    )
    batch = forms.CharField(
        label=_("批次"), max_length=30, required=False, help_text=_("例如：首批、第二批")
    )
    document_number = forms.CharField(label=_("文号"), max_length=60)
    designated_on = forms.DateField(
        label=_("命名日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("请输入有效日期，例如 2026-12-31。")},
    )

    def naming(self) -> Naming:
        return Naming(**self.cleaned_data)
