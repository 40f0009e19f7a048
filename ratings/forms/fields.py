"""Fields and parsing shared by the forms: files, ticked ids, a form's version."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..uploads import inspect_evidence

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


class EvidenceFilesMixin(forms.Form):
    """The files of one finding or line. The form declares `files`: each upload is judged by its
    content (see `uploads.inspect_evidence`); cleaned, the field holds (upload, kind) pairs.
    Here: the files attached now, to withdraw, and last year's files of the same item or line,
    to link again rather than upload (沿用); `offer_evidence` fills in their choices."""

    withdraw = forms.TypedMultipleChoiceField(
        label=_("撤回材料"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    reuse = forms.TypedMultipleChoiceField(
        label=_("沿用上一年度材料"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    reuse_all = forms.BooleanField(label=_("沿用全部"), required=False)

    def offer_evidence(self, active: list, reusable) -> None:
        """`active`: the files attached now; `reusable`: last year's of the same item or line
        (those already linked here are not offered again)."""
        self.active_evidence = active
        self.fields["withdraw"].choices = [(e.pk, e.original_name) for e in active]
        linked = {e.reused_from_id for e in active}
        self.fields["reuse"].choices = [
            (
                e.pk,
                gettext("沿用%(year)s年度材料：%(name)s")
                % {"year": e.year, "name": e.original_name},
            )
            for e in reusable
            if e.pk not in linked
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("reuse_all"):
            cleaned["reuse"] = [pk for pk, _label in self.fields["reuse"].choices]
        return cleaned

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


class VersionedPage:
    """A page of many forms saved at once (a rating's findings, an assessment's lines), with
    the version of the record it was loaded at. Subclasses set `data` and `forms`."""

    data = None
    forms: list = []

    def __init__(self, *, version: int) -> None:
        self.version = version
        self.errors: list[str] = []

    def is_valid(self) -> bool:
        valid = all([form.is_valid() for form in self.forms])
        version = clean_version(self.data)
        if version is None:
            self.errors.append(str(_("表单缺少版本信息，请重新加载页面。")))
            return False
        self.version = version
        return valid
