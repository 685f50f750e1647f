"""``json_data``: Django's ``json_script`` with the characters written as they are (UTF-8)
rather than as ``\\uXXXX`` escapes, which cost six bytes a Chinese character: the maps' names
were most of the catalogue page at scale 10 (docs/PERFORMANCE.md)."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# What must not appear raw inside a <script> element, as json_script escapes it.
SCRIPT_ESCAPES = ((">", "\\u003E"), ("<", "\\u003C"), ("&", "\\u0026"))


@register.filter(is_safe=True)
def json_data(value, element_id: str):
    """``value`` as JSON in a ``<script type="application/json">`` with ``element_id``."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    # str.replace, not str.translate: translating text with Chinese in it takes the slow path
    # (10 ms for a map's 200 kB).
    for character, escape in SCRIPT_ESCAPES:
        text = text.replace(character, escape)
    return format_html(
        '<script id="{}" type="application/json">{}</script>', element_id, mark_safe(text)
    )
