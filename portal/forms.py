import functools
import html

from django import forms
from django.forms.models import ModelChoiceIterator
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


def _escaped(text) -> str:
    """Django's ``conditional_escape`` without its lazy-string wrapping, for the hundreds of
    options of a menu."""
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


@functools.lru_cache(maxsize=8192)
def _plain_option(value: int | str, label: str) -> str:
    """An option not selected, of a plain text label: the menus of the province's complexes
    and regions come back on every list page, and escaping their names again cost a few ms."""
    return f'\n  <option value="{html.escape(str(value))}">{html.escape(label)}</option>\n'


class QuickSelectMixin:
    """Renders a select and its options in Python, to the same HTML as Django's templates.

    Django renders every option through a template of its own, after building a dict of
    attributes for each: the filter forms of the lists (102 regions, up to 1,680 complexes at
    scale 10) spent most of a page's time there (docs/PERFORMANCE.md). The options are written
    straight from the choices, selected as Django selects them (``ChoiceWidget.optgroups``)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        chosen = widget["value"]
        has_selected = False

        def option(value, label) -> str:
            nonlocal has_selected
            selected = (not has_selected or self.allow_multiple_selected) and str(value) in chosen
            has_selected |= selected
            if not selected and type(label) is str and type(value) in (int, str):
                return _plain_option(value, label)
            return (
                f'\n  <option value="{_escaped(value)}"{" selected" if selected else ""}>'
                f"{_escaped(label)}</option>\n"  # the option template's own last line break
            )

        parts = [
            f'<select name="{_escaped(widget["name"])}"',
            html_attributes(widget["attrs"]),
            ">",
        ]
        for choice_value, choice_label in self.choices:
            if choice_value is None:
                choice_value = ""
            if isinstance(choice_label, (list, tuple)):
                parts.append(f'\n  <optgroup label="{_escaped(choice_value)}">')
                parts.extend(option(*choice) for choice in choice_label)
                parts.append("\n  </optgroup>")
            else:
                parts.append(option(choice_value, choice_label))
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


class ValuesChoiceIterator(ModelChoiceIterator):
    """A model menu's options read as plain (value, label) pairs, the label from the field's
    ``label_field`` column: a menu of the province's 1,680 complexes built as model instances
    took most of a list page's time at scale 10 (docs/PERFORMANCE.md)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list(
            self.field.to_field_name or "pk", self.field.label_field
        )


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
