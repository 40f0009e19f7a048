"""The shortcuts the staff lists render with give what Django's own way gives."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import engines
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from ratings.forms.filters import QueueFilterForm, WorkFilterForm
from ratings.forms.renderer import FormRenderer
from ratings.models import StarStandard

pytestmark = pytest.mark.django_db


def _selects():
    for data in ({}, {"status": "submitted", "stars": "3"}, {"stars": "0"}, {"stars": "x"}):
        form = WorkFilterForm(data)
        for name in ("status", "stars"):
            yield (
                form[name].field.widget,
                form[name].html_name,
                form[name].value(),
                form[name].auto_id,
            )
    standards = list(StarStandard.objects.all()[:3])
    form = QueueFilterForm({"standard": "2"}, standards=standards)
    yield form["standard"].field.widget, "standard", form["standard"].value(), "id_standard"
    choices = [
        ("", "—"),
        ("a&b", mark_safe("<b>x</b>")),
        (1, "1 < 2"),
        ("group", [(3, "three"), (datetime.date(2020, 1, 2), "d")]),
        (None, 'q"uote'),
    ]
    attrs = {"class": "a<b", "data-x": True, "disabled": False, "n": 3}
    for widget in (
        forms.Select(choices=choices, attrs=attrs),
        forms.SelectMultiple(choices=choices),
    ):
        for value in (None, "", "a&b", 1, ["1", "3"]):
            yield widget, "na<me", value, "id_x"
    for value in (None, "True", "false"):
        yield forms.NullBooleanSelect(), "flag", value, "id_flag"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_form_renderer_builds_selects_as_the_templates_do(language):
    templates, python = DjangoTemplates(), FormRenderer()
    with translation.override(language):
        for widget, name, value, auto_id in _selects():
            expected = widget.render(name, value, attrs={"id": auto_id}, renderer=templates)
            assert widget.render(name, value, attrs={"id": auto_id}, renderer=python) == expected


def _render(text: str, **context) -> str:
    return engines["django"].from_string("{% load portal %}" + text).render(context)


def test_url_pattern_fills_what_url_reverses():
    assert _render(
        "{% url_pattern 'rating_detail' 2026 None as u %}{{ u|url_fill:code }}",
        code="150303104707",
    ) == reverse("rating_detail", args=[2026, "150303104707"])
    assert _render(
        "{% url_pattern 'assessment_detail' None 2026 as u %}{{ u|url_fill:7 }}|{{ u|url_fill:12345 }}"
    ) == "|".join(reverse("assessment_detail", args=[pk, 2026]) for pk in (7, 12345))
    assert _render(
        "{% url_row 'item_decide' 2026 code 8 vary=2 %}", code="150303104707"
    ) == reverse("item_decide", args=[2026, "150303104707", 8])
    # A value its converter refuses fails as {% url %} would.
    with pytest.raises(NoReverseMatch):
        _render("{% url_pattern 'rating_detail' 2026 None as u %}{{ u|url_fill:'12' }}")


def test_badge_reads_label_then_status_then_the_empty_label():
    assert _render("{% badge status='certified' %}") == (
        '<span class="badge badge-certified">已认定</span>\n'
    )
    assert _render("{% badge status=s label=label %}", s="draft", label="<x>") == (
        '<span class="badge badge-draft">&lt;x&gt;</span>\n'
    )
    assert _render("{% badge status=s empty_label='未开始' %}", s=None) == (
        '<span class="badge badge-none">未开始</span>\n'
    )
