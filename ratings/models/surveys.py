"""Satisfaction survey results (群众安全感满意度): per community and year, how many residents
were asked and how many said they were satisfied."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..choices import RegionLevel
from .regions import Region

# The 95% point of the standard normal distribution.
Z_95 = 1.96


@dataclass(frozen=True)
class Rate:
    """A satisfaction rate with its 95% margin of error, by the normal approximation to the
    binomial (Wald interval): p ± 1.96·√(p(1−p)/n). Both as fractions of 1."""

    satisfied: int
    sample: int

    @property
    def rate(self) -> float:
        return self.satisfied / self.sample if self.sample else 0.0

    @property
    def margin(self) -> float:
        if not self.sample:
            return 0.0
        p = self.rate
        return Z_95 * math.sqrt(p * (1 - p) / self.sample)

    @property
    def percent(self) -> str:
        return f"{self.rate * 100:.1f}%"

    @property
    def margin_percent(self) -> str:
        return f"±{self.margin * 100:.1f}"


class SurveyResult(models.Model):
    """One community's satisfaction survey of one year, as imported."""

    community = models.ForeignKey(
        Region, verbose_name=_("社区(村)"), on_delete=models.PROTECT, related_name="surveys"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    sample_size = models.PositiveIntegerField(_("样本量"))
    satisfied = models.PositiveIntegerField(_("满意人数"))

    class Meta:
        verbose_name = _("群众安全感满意度")
        verbose_name_plural = _("群众安全感满意度")
        ordering = ["-year", "community_id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "year"], name="one_survey_per_year"),
            models.CheckConstraint(
                condition=Q(sample_size__gte=1) & Q(satisfied__lte=F("sample_size")),
                name="survey_satisfied_within_sample",
            ),
        ]
        indexes = [models.Index(fields=["year", "community"], name="survey_year_community")]

    def __str__(self) -> str:
        return f"{self.year} {self.community_id}"

    def clean(self) -> None:
        errors = {}
        if self.community_id and self.community.level != RegionLevel.VILLAGE:
            errors["community"] = _("“%(name)s”不是社区(村)。") % {"name": self.community.name}
        if self.sample_size is not None and self.satisfied is not None:
            if self.satisfied > self.sample_size:
                errors["satisfied"] = _("满意人数（%(satisfied)s）不能多于样本量（%(size)s）。") % {
                    "satisfied": self.satisfied,
                    "size": self.sample_size,
                }
        if errors:
            raise ValidationError(errors)

    @property
    def result(self) -> Rate:
        return Rate(self.satisfied, self.sample_size)
