"""Public notices: opening one, objecting to it, handling an objection, naming a batch."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import NoticeKind, ObjectionStatus, ReportStatus
from ..models import Authority, Domain, NoticeEntry
from ..uploads import inspect_evidence
from ..workflow import NoticeText, ObjectionInput
from .fields import ACCEPT, ID_PATTERN
from .filters import FilterForm

DATE_ERRORS = {"invalid": _("请输入有效日期，例如 2026-12-31。")}


class NoticeForm(forms.Form):
    """The text and window of a notice."""

    title = forms.CharField(label=_("公示标题"), max_length=100)
    body = forms.CharField(
        label=_("公示说明"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("公示的依据、范围和异议的提出方式。"),
    )
    contact = forms.CharField(
        label=_("异议受理联系方式"),
        max_length=200,
        required=False,
        help_text=_("例如：市平安办 0473-1234567，乌海市海勃湾区……"),
    )
    starts_on = forms.DateField(
        label=_("公示开始日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=DATE_ERRORS,
    )
    working_days = forms.IntegerField(
        label=_("公示期（工作日）"),
        min_value=1,
        max_value=60,
        initial=5,
        help_text=_("按国家法定节假日和调休安排计算工作日。"),
    )

    def clean_starts_on(self):
        starts_on = self.cleaned_data["starts_on"]
        if starts_on < timezone.localdate():
            raise ValidationError(_("公示开始日期不能早于今天。"))
        return starts_on

    def text(self) -> NoticeText:
        data = self.cleaned_data
        return NoticeText(
            title=data["title"],
            body=data["body"],
            contact=data["contact"],
            starts_on=data["starts_on"],
            working_days=data["working_days"],
        )


class BatchNoticeForm(NoticeForm):
    """A naming batch: the domain whose assessed units are proposed, and the title proposed."""

    domain = forms.ChoiceField(label=_("创建领域"))
    naming_title = forms.CharField(
        label=_("拟命名称号"), max_length=60, help_text=_("例如：平安宾馆(旅店)")
    )
    naming_tier = forms.CharField(label=_("等次"), max_length=30, required=False)
    naming_batch = forms.CharField(
        label=_("批次"), max_length=30, required=False, help_text=_("例如：首批、第二批")
    )

    field_order = ["domain", "naming_title", "naming_tier", "naming_batch"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [(d.code, d.name) for d in Domain.objects.all()]

    def clean_domain(self) -> Domain:
        return Domain.objects.get(pk=self.cleaned_data["domain"])


# A mainland mobile number, or a landline with its area code (0473-1234567, extension allowed).
MOBILE = re.compile(r"(?:\+?86)?1[3-9][0-9]{9}")
LANDLINE = re.compile(r"0[1-9][0-9]{1,2}-?[1-9][0-9]{6,7}(?:-[0-9]{1,6})?")


def clean_phone(value: str) -> str:
    """A phone number as stored: spaces and brackets dropped; refused unless it is a mainland
    mobile or landline number."""
    compact = re.sub(r"[\s()（）]", "", value)
    if MOBILE.fullmatch(compact):
        return compact.removeprefix("+").removeprefix("86") if len(compact) > 11 else compact
    if LANDLINE.fullmatch(compact):
        return compact
    raise ValidationError(
        _("请填写有效的大陆手机号码（11位，1开头）或带区号的固定电话（例如 0473-1234567）。")
    )


class RealNameForm(forms.Form):
    """What a member of the public sends with their real name: the facts, a name and a phone,
    optional evidence. Objections to a notice and residents' reports share it; each names its
    facts field its own way."""

    facts = forms.CharField(
        label=_("反映的问题"),
        min_length=20,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("请写明反映问题的具体事实。"),
            "min_length": _(
                "请写明具体事实（时间、地点、经过），至少 20 个字，目前 %(show_value)s 个字。"
            ),
        },
    )
    name = forms.CharField(label=_("真实姓名"), min_length=2, max_length=30)
    phone = forms.CharField(label=_("联系电话"), max_length=20)
    evidence = forms.FileField(
        label=_("证明材料（可选）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("PDF、JPEG、PNG、DOCX 或 XLSX，不超过 10 MB。"),
    )

    def __init__(self, *args, raw_names: dict | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.raw_names = raw_names or {}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if re.search(r"[0-9@/\\<>]", name):
            raise ValidationError(_("请填写真实姓名。"))
        return name

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if not upload:
            return None
        return upload, inspect_evidence(upload, raw_names=self.raw_names)

    def submission(self) -> ObjectionInput:
        data = self.cleaned_data
        return ObjectionInput(
            facts=data["facts"], name=data["name"], phone=data["phone"], evidence=data["evidence"]
        )


class ObjectionForm(RealNameForm):
    """An objection: which entry, the facts, a real name and phone, optional evidence."""

    entry = forms.CharField(label=_("异议对象"), max_length=18)
    facts = forms.CharField(
        label=_("异议事实和理由"),
        min_length=20,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("请写明异议的具体事实和理由。"),
            "min_length": _(
                "请写明具体事实（时间、地点、经过），至少 20 个字，目前 %(show_value)s 个字。"
            ),
        },
    )

    field_order = ["entry", "facts", "name", "phone", "evidence"]

    def __init__(self, *args, notice, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.notice = notice

    def clean_entry(self) -> NoticeEntry:
        value = self.cleaned_data["entry"]
        entry = None
        if ID_PATTERN.fullmatch(value):
            entry = NoticeEntry.objects.filter(
                notice=self.notice, pk=int(value), removed_at__isnull=True
            ).first()
        if entry is None:
            raise ValidationError(_("请从公示名单中选择异议对象。"))
        return entry

    def objection(self) -> ObjectionInput:
        return self.submission()


class ObjectionAssignForm(forms.Form):
    authority = forms.ChoiceField(label=_("交由核查的单位"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authority"].choices = [
            (a.code, a.name) for a in Authority.objects.filter(active=True)
        ]

    def clean_authority(self) -> Authority:
        return Authority.objects.get(pk=self.cleaned_data["authority"])


class ObjectionFindForm(forms.Form):
    finding = forms.ChoiceField(
        label=_("认定结论"),
        choices=[
            (ObjectionStatus.UPHELD, _("异议成立（移出名单）")),
            (ObjectionStatus.DISMISSED, _("异议不成立")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("认定理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写认定理由，它将告知异议人并记入操作记录。")},
    )

    @property
    def upheld(self) -> bool:
        return self.cleaned_data["finding"] == ObjectionStatus.UPHELD


class ReportFindForm(ObjectionFindForm):
    """The finding on a resident's report: the same form as an objection's, other words."""

    finding = forms.ChoiceField(
        label=_("认定结论"),
        choices=[
            (ReportStatus.UPHELD, _("反映属实")),
            (ReportStatus.DISMISSED, _("反映不属实")),
        ],
        widget=forms.RadioSelect,
    )

    @property
    def upheld(self) -> bool:
        return self.cleaned_data["finding"] == ReportStatus.UPHELD


class ReportFilterForm(FilterForm):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部"))] + list(ReportStatus.choices)
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("回执编号或社区(村)")


class NamingDocumentForm(forms.Form):
    """The document that names a batch after its notice."""

    document_number = forms.CharField(label=_("文号"), max_length=60)
    designated_on = forms.DateField(
        label=_("命名日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=DATE_ERRORS,
    )


class NoticeFilterForm(FilterForm):
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部"))] + list(NoticeKind.choices)
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("标题")


class ObjectionFilterForm(FilterForm):
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("pending", _("待认定"))] + list(ObjectionStatus.choices),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("回执编号或对象")
