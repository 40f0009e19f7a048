"""The form renderer: Django's, with the select box built in Python.

Django renders a `<select>` through its widget templates, one `{% include %}` of the option
template (which includes the attributes template) per option: the two filter selects of the
work list (25 options) cost about a third of that page's template time. `FormRenderer` builds
the same markup, character for character, from the same widget context (the templates
`django/forms/widgets/select.html`, `select_option.html` and `attrs.html`); any other template,
or an option with a template of its own, goes through the templates as before.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.utils.safestring import SafeData, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
# What a widget template's variables are rendered with: autoescaping on, the settings' l10n
# and time zone (the renderer's templates get a plain Context).
_CONTEXT = SimpleNamespace(autoescape=True, use_l10n=None, use_tz=None)


def _value(value) -> str:
    """`{{ value }}` in a widget template."""
    return render_value_in_context(value, _CONTEXT)


def _string(value) -> str:
    """`{{ value|stringformat:'s' }}`."""
    text = str(value)  # what "%s" % value gives (a tuple is made a string first)
    return _value(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(" " + _value(name))
            if value is not True:
                parts.append('="' + _string(value) + '"')
    return "".join(parts)


def render_select(widget: dict) -> str | None:
    """django/forms/widgets/select.html for this widget context, or None when an option
    has a template other than Django's."""
    parts = ['<select name="', _value(widget["name"]), '"', _attrs(widget["attrs"]), ">"]
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts += ['\n  <optgroup label="', _value(group_name), '">']
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            parts += [
                '\n  <option value="',
                _string(option["value"]),
                '"',
                _attrs(option["attrs"]),
                ">",
                _value(option["label"]),
                "</option>\n",
            ]
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            rendered = render_select(context["widget"])
            if rendered is not None:
                return rendered
        return super().render(template_name, context, request=request)
