from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from portal import credit_code

SELECT_TEMPLATES = ("django/forms/widgets/select.html", "django/forms/widgets/select_option.html")


def html_attributes(attrs: dict) -> str:
    """Django's ``attrs.html`` in Python: `` name="value"``, a bare name for True, nothing for
    False."""
    return "".join(
        ""
        if value is False
        else f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
    )


class QuickSelectMixin:
    """Renders a select and its options in Python, to the same HTML as Django's templates.

    Django renders every option through a template of its own: the filter forms of the lists
    (102 regions, up to 1,680 complexes at scale 10) spent most of a page's time there
    (docs/PERFORMANCE.md)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"']
        parts.append(html_attributes(widget["attrs"]) + ">")
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{conditional_escape(option["value"])}"'
                    f"{html_attributes(option['attrs'])}>{conditional_escape(option['label'])}"
                    "</option>\n"  # the option template's own last line break
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


_QUICK_SELECTS: dict[type, type] = {}


def quick_select(widget: forms.Select) -> None:
    """Give a select rendered by Django's own templates the quick rendering (in place)."""
    kind = type(widget)
    if (kind.template_name, kind.option_template_name) != SELECT_TEMPLATES:
        return
    if kind not in _QUICK_SELECTS:
        _QUICK_SELECTS[kind] = type(f"Quick{kind.__name__}", (QuickSelectMixin, kind), {})
    widget.__class__ = _QUICK_SELECTS[kind]


class BootstrapFormMixin:
    """Gives every widget Bootstrap's classes, marking the ones with errors as invalid; selects
    render in Python (``QuickSelectMixin``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                quick_select(widget)
            if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                    widget.attrs["aria-describedby"] = f"{self.auto_id % name}_errors"


class FilterForm(BootstrapFormMixin, forms.Form):
    """The form class of the portal's filter sets."""


def offer_years(field: forms.Field, options) -> None:
    """Show a year field as a picker of ``options`` (each with a ``year`` and a ``label``, such
    as one marking the years whose results are published); the field still validates the
    year typed into a query string."""
    field.widget = forms.Select(
        choices=[("", "—"), *((option.year, option.label) for option in options)],
        attrs={"class": "form-select"},
    )
    quick_select(field.widget)


class CreditCodeField(forms.CharField):
    """A unified social credit code as people paste it: spaces, hyphens and lower case are taken
    out before the code is checked, so that the check speaks of the code itself."""

    default_validators = [credit_code.validate_credit_code]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", credit_code.PASTED_MAX_LENGTH)
        super().__init__(**kwargs)

    def to_python(self, value):
        return credit_code.normalise(super().to_python(value))
