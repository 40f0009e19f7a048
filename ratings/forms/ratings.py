"""The assessor's findings and the certifying authorities' decisions."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from ..choices import Decision, ItemStatus, RatingMode
from ..models import (
    EvidenceFile,
    Region,
    StarItem,
    StarStandard,
)
from ..uploads import MAX_EVIDENCE_PER_ITEM
from ..workflow import Finding
from .fields import (
    EvidenceFilesMixin,
    ModelIdsField,
    MultipleFileField,
    ReasonedDecisionForm,
    VersionedPage,
)

MET_CHOICES = [("yes", _("达标")), ("no", _("未达标"))]
TAKE_CHOICES = [("mine", _("采用我填写的")), ("theirs", _("采用对方保存的"))]


class FindingForm(EvidenceFilesMixin):
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
        # Filled in when shown, so that it is read in the language of the request.
        help_text=lazy(
            lambda: (
                _("PDF、JPEG、PNG、DOCX、XLSX，单个不超过 10 MB，每项最多 %(max)s 个。")
                % {"max": MAX_EVIDENCE_PER_ITEM}
            ),
            str,
        )(),
    )
    # The district's review of an application: why it judges differently from the community.
    reason = forms.CharField(
        label=_("改判理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("结论与社区(村)自评不同时必填。"),
    )
    # After a save conflict: keep what this person typed, or the version saved meanwhile.
    take = forms.ChoiceField(
        label=_("保留哪个版本"), choices=TAKE_CHOICES, required=False, widget=forms.RadioSelect
    )

    def __init__(
        self,
        *args,
        standard: StarStandard,
        item: StarItem | None,
        raw_names: dict,
        own: bool = False,
        reusable: list[EvidenceFile] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.standard = standard
        self.item = item
        self.raw_names = raw_names
        self.own = own
        active = [e for e in item.evidence.all() if not e.is_withdrawn] if item else []
        self.offer_evidence(active, reusable)
        # The review compares with the community's answer; the self-assessment and the
        # assessor-led rating have nothing to compare with.
        self.reviews_application = bool(item and item.rating.application_led and not own)
        if not self.reviews_application:
            del self.fields["reason"]
        if own:
            self.fields["met"].label = _("自评是否达标")
            self.fields["note"].label = _("自评说明")
        if item is not None and not self.is_bound:
            met, note = (item.self_met, item.self_note) if own else (item.met, item.note)
            self.initial = {"met": {True: "yes", False: "no"}.get(met), "note": note}
            if self.reviews_application:
                self.initial["reason"] = item.review_reason

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.reviews_application:
            met = cleaned.get("met")
            if (
                met is not None
                and met != self.item.self_met
                and not cleaned.get("reason", "").strip()
            ):
                self.add_error("reason", _("结论与社区(村)自评不同，请填写改判理由。"))
        keeping = len(self.active_evidence) - len(cleaned.get("withdraw") or [])
        adding = len(cleaned.get("files") or []) + len(cleaned.get("reuse") or [])
        if keeping + adding > MAX_EVIDENCE_PER_ITEM:
            self.add_error(
                "files",
                _("每项最多保留 %(max)s 个证明材料，请先撤回不需要的文件。")
                % {"max": MAX_EVIDENCE_PER_ITEM},
            )
        return cleaned

    @property
    def decided(self) -> bool:
        """Whether the form, as shown, answers "met or not" (typed, else saved)."""
        value = self["met"].value()
        return value in ("yes", "no", True, False)

    @property
    def starts_open(self) -> bool:
        """Whether the item is shown unfolded on a phone: still to answer, in error, compared
        with the community's answer, or carrying a note to act on (the town's, a return's)."""
        item = self.item
        return bool(
            not self.decided
            or self.errors
            or self.reviews_application
            or (item and self.own and item.town_note)
            or (item and item.status == ItemStatus.RETURNED)
        )

    def differs_from_saved(self) -> bool:
        """Whether what was typed differs from the item as saved (after a conflict)."""
        typed_met = {"yes": True, "no": False}.get(self["met"].value())
        saved_met, saved_note = self._saved()
        return typed_met != saved_met or (self["note"].value() or "").strip() != saved_note

    def _saved(self) -> tuple[bool | None, str]:
        """The item's answer as saved: the community's own on its self-assessment."""
        if self.item is None:
            return None, ""
        if self.own:
            return self.item.self_met, self.item.self_note
        return self.item.met, self.item.note

    def finding(self, *, fill_met: bool = False) -> Finding:
        data = self.cleaned_data
        if data.get("take") == "theirs" and self.item is not None:
            # The version saved meanwhile, as it is: nothing typed here is applied.
            met, note = self._saved()
            return Finding(
                number=self.standard.number,
                met=met,
                note=note,
                reason=self.item.review_reason if self.reviews_application else "",
            )
        return Finding(
            number=self.standard.number,
            met=True if data["met"] is None and fill_met else data["met"],
            note=data["note"].strip(),
            uploads=data["files"],
            withdraw=data["withdraw"],
            reuse=data.get("reuse") or [],
            reason=data.get("reason", "").strip(),
        )


class RatingEditForm(VersionedPage):
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
        own: bool = False,
        reusable: dict[int, list[EvidenceFile]] | None = None,
    ) -> None:
        super().__init__(version=version)
        self.data = data
        # "全部达标": the items not yet answered are saved as met; answers stay as they are.
        self.fill_met = bool(data) and data.get("all_met") == "yes"
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
                    own=own,
                    reusable=(reusable or {}).get(standard.number, []),
                )
            self.rows.append({"standard": standard, "item": item, "form": form})

    @property
    def forms(self) -> list[FindingForm]:
        return [row["form"] for row in self.rows if row["form"] is not None]

    def findings(self) -> list[Finding]:
        return [form.finding(fill_met=self.fill_met) for form in self.forms]

    @property
    def decided_count(self) -> int:
        """How many standards are answered, as the page shows them (the progress bar)."""
        return sum(
            1
            for row in self.rows
            if (row["form"].decided if row["form"] else row["item"].met is not None)
        )

    def mark_conflicts(self) -> int:
        """After a conflict (the forms bound to what was typed, the items read afresh): mark
        the rows where the two versions differ, for the page to show side by side."""
        count = 0
        for row in self.rows:
            form = row["form"]
            row["conflict"] = form is not None and form.differs_from_saved()
            count += row["conflict"]
        return count


class DecisionForm(ReasonedDecisionForm):
    favourable, refusal = Decision.ENDORSE, Decision.REJECT
    refusal_message = _("不予认可时必须填写理由。")

    decision = forms.ChoiceField(
        label=_("认定结果"),
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择认定结果：认可、不予认可或退回补充。")},
    )
    reason = forms.CharField(
        label=_("理由或需补充的内容"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不予认可、退回补充时必填。"),
    )


class BulkDecisionForm(DecisionForm):
    """The queue's bulk decision: the ticked rows, or every item matching the queue's filters
    (`all_matching`). For the latter, the confirmation page fixes the moment `as_of`: the
    decision applies to the matching items that were waiting then, and to no item that
    arrived after the certifier saw the count."""

    items = ModelIdsField(
        queryset=StarItem.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": _("勾选的项目中有已不在待认定队列中的，请刷新后重试。"),
            "invalid_pk_value": _("勾选的项目中有已不在待认定队列中的，请刷新后重试。"),
        },
    )
    all_matching = forms.BooleanField(required=False)
    as_of = forms.DateTimeField(required=False)
    shown = forms.IntegerField(required=False, min_value=0, max_value=10**9)

    def __init__(self, *args, queue: QuerySet[StarItem], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = queue

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            not cleaned.get("all_matching")
            and not cleaned.get("items")
            and "items" not in self.errors
        ):
            raise forms.ValidationError(_("请至少勾选一项，或选择全部符合筛选条件的事项。"))
        return cleaned


class PrereviewForm(forms.Form):
    """The town's pre-review of an application: forward it, or return it with a note on the
    whole and/or on single items."""

    FORWARD, RETURN = "forward", "return"

    decision = forms.ChoiceField(
        label=_("初审结果"),
        choices=[(FORWARD, _("通过，报区复核")), (RETURN, _("退回社区(村)修改"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("初审意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回时，整体意见和逐项意见至少填写一处。"),
    )

    def __init__(self, *args, standards: list[StarStandard], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.standards = standards
        for standard in standards:
            self.fields[f"item_{standard.number}"] = forms.CharField(
                label=_("第 %(number)s 项意见") % {"number": standard.number},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 1}),
            )

    @property
    def item_fields(self) -> list:
        return [(standard, self[f"item_{standard.number}"]) for standard in self.standards]

    def item_notes(self) -> dict[int, str]:
        return {
            standard.number: self.cleaned_data[f"item_{standard.number}"].strip()
            for standard in self.standards
            if self.cleaned_data.get(f"item_{standard.number}", "").strip()
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            cleaned.get("decision") == self.RETURN
            and not cleaned.get("note", "").strip()
            and not self.item_notes()
        ):
            self.add_error("note", _("退回时必须说明需要社区(村)修改或补充什么（整体或逐项）。"))
        return cleaned


class DistrictModeForm(forms.Form):
    """The administrator's choice of how one district runs a year."""

    district = forms.ModelChoiceField(
        label=_("区(县)"),
        queryset=Region.objects.none(),
        error_messages={"invalid_choice": _("请选择一个区(县)。")},
    )
    mode = forms.ChoiceField(label=_("评星方式"), choices=RatingMode.choices)

    def __init__(self, *args, districts, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
