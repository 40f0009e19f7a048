"""The ten creation domains: units, assessments, their review, namings."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ..choices import ReviewDecision
from ..models import (
    FAMILY_DOMAIN,
    AssessmentLine,
    Criterion,
    Domain,
    EvidenceFile,
    Region,
    Unit,
)
from ..services import UnitDetails
from ..workflow import LineInput, Naming
from .fields import (
    EvidenceFilesMixin,
    ModelIdsField,
    MultipleFileField,
    ReasonedDecisionForm,
    VersionedPage,
)


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


class LineForm(EvidenceFilesMixin):
    """Points, note and files for one criterion of an assessment: the assessor's, or the unit's
    own (`own`). Reviewing a unit's self-assessment, a changed score needs a reason."""

    points = forms.IntegerField(label=_("得分"), required=False, min_value=0)
    note = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    files = MultipleFileField(label=_("证明材料"), required=False)
    # Last year's points and note of the same line, for a line not scored yet.
    reuse_finding = forms.BooleanField(label=_("沿用上一年度得分和说明"), required=False)
    reason = forms.CharField(
        label=_("改分理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("得分与单位自评不同时必填。"),
    )

    def __init__(
        self,
        *args,
        criterion: Criterion,
        line: AssessmentLine | None,
        raw_names: dict,
        own: bool = False,
        unit_led: bool = False,
        previous: AssessmentLine | None = None,
        reusable: list[EvidenceFile] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.criterion, self.line, self.raw_names = criterion, line, raw_names
        self.own, self.previous = own, previous
        self.fields["points"].max_value = criterion.points
        self.fields["points"].validators.append(MaxValueValidator(criterion.points))
        self.fields["points"].widget.attrs.update({"min": 0, "max": criterion.points})
        self.offer_evidence(
            [e for e in line.evidence.all() if not e.is_withdrawn] if line else [], reusable
        )
        # The review compares with the unit's own answer; the unit's form and an assessor-led
        # assessment have nothing to compare with.
        self.reviews_unit = unit_led and not own
        if not self.reviews_unit:
            del self.fields["reason"]
        if previous is None or previous.points is None:
            del self.fields["reuse_finding"]
        if own:
            self.fields["points"].label = _("自评得分")
            self.fields["note"].label = _("自评说明")
        if line is not None and not self.is_bound:
            points, note = (line.self_points, line.self_note) if own else (line.points, line.note)
            self.initial = {"points": points, "note": note}
            if self.reviews_unit:
                self.initial["reason"] = line.review_reason

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("reuse_finding") and cleaned.get("points") is None:
            cleaned["points"] = self.previous.points
            cleaned["note"] = cleaned.get("note") or self.previous.note
        if self.reviews_unit and self.line is not None:
            points = cleaned.get("points")
            if (
                points is not None
                and points != self.line.self_points
                and not cleaned.get("reason", "").strip()
            ):
                self.add_error("reason", _("得分与单位自评不同，请填写改分理由。"))
        return cleaned

    def line_input(self) -> LineInput:
        data = self.cleaned_data
        return LineInput(
            criterion_id=self.criterion.pk,
            points=data["points"],
            note=data["note"].strip(),
            uploads=data["files"],
            withdraw=data["withdraw"],
            reuse=data.get("reuse") or [],
            reason=data.get("reason", "").strip(),
        )


class AssessmentEditForm(VersionedPage):
    """The whole assessment page: one line form per active criterion of the domain, with the
    same unit's line of last year (if any) offered for reuse."""

    def __init__(
        self,
        data=None,
        files=None,
        *,
        criteria,
        lines,
        version: int,
        raw_names=None,
        own: bool = False,
        unit_led: bool = False,
        reusable: tuple[dict, dict] = ({}, {}),
    ):
        super().__init__(version=version)
        self.data = data
        previous, evidence = reusable
        self.forms = [
            LineForm(
                data,
                files,
                prefix=f"c{criterion.pk}",
                criterion=criterion,
                line=lines.get(criterion.pk),
                raw_names=raw_names or {},
                own=own,
                unit_led=unit_led,
                previous=previous.get(criterion.pk),
                reusable=evidence.get(criterion.pk, []),
            )
            for criterion in criteria
        ]

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
