"""Selects are rendered in Python (``portal.forms.QuickSelectMixin``) to exactly the HTML of
Django's own templates, whatever the choices: groups, a chosen value, several, none, values
that need escaping, lazy and safe labels, model menus read as values."""

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from complexes.models import Complex
from portal.forms import quick_select
from services.filters import ComplexChoiceField
from tests import factories

CHOICES = [
    ("", "---------"),
    (None, "nothing"),
    ("a&b", 'A & "B" <c>'),
    (3, _("Status")),
    ("safe", mark_safe("<b>safe</b>")),
    ("Group & co", [("g1", "one"), ("g2", "two"), (3, "three again")]),
]


def both(widget: forms.Select, name: str, value, attrs=None) -> tuple[str, str]:
    django = widget.render(name, value, attrs)
    quick_select(widget)
    return django, widget.render(name, value, attrs)


@pytest.mark.parametrize("value", [None, "", "a&b", 3, "3", "g2", "missing"])
def test_a_select_renders_as_djangos(value):
    django, quick = both(forms.Select(choices=CHOICES), "field", value, {"id": "id_field"})
    assert quick == django


@pytest.mark.parametrize("value", [[], ["a&b", "g2"], [3, "g1", "3"]])
def test_a_multiple_select_renders_as_djangos(value):
    widget = forms.SelectMultiple(choices=CHOICES, attrs={"class": "form-select", "required": True})
    django, quick = both(widget, "many", value)
    assert quick == django


@pytest.mark.django_db
def test_a_menu_of_complexes_read_as_values_renders_as_the_instances_did():
    complexes = [factories.ComplexFactory(name=f"综合体 <{n}> & co") for n in range(3)]
    chosen = complexes[1].pk
    by_instances = forms.ModelChoiceField(Complex.objects.order_by("code"), required=False)
    by_values = ComplexChoiceField(Complex.objects.order_by("code"), required=False)
    django = by_instances.widget.render("complex", chosen)
    quick_select(by_values.widget)
    assert by_values.widget.render("complex", chosen) == django
    assert by_values.clean(str(chosen)) == complexes[1]


def test_a_kept_plain_option_never_stands_for_a_safe_label_of_the_same_text():
    """Plain options are kept once rendered (``portal.forms._plain_option``); a safe label equal
    to a plain one kept before is still written unescaped, and the plain one escaped."""
    text = "<b>综合体</b>"
    for label in (text, mark_safe(text), text):
        django, quick = both(forms.Select(choices=[(1, label)]), "field", None)
        assert quick == django
