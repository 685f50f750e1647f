from django import forms

from portal import credit_code


class BootstrapFormMixin:
    """Gives every widget Bootstrap's classes, marking the ones with errors as invalid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
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


class CreditCodeField(forms.CharField):
    """A unified social credit code as people paste it: spaces, hyphens and lower case are taken
    out before the code is checked, so that the check speaks of the code itself."""

    default_validators = [credit_code.validate_credit_code]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", credit_code.PASTED_MAX_LENGTH)
        super().__init__(**kwargs)

    def to_python(self, value):
        return credit_code.normalise(super().to_python(value))
