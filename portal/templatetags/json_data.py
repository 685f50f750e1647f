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


class ScriptJSON(str):
    """A value already written by ``script_json`` (kept so in a cache): ``json_data`` puts it
    into the data as it is, instead of decoding and writing it again."""


def script_json(value) -> ScriptJSON:
    """``value`` as JSON fit to stand inside a ``<script>`` element."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    # str.replace, not str.translate: translating text with Chinese in it takes the slow path
    # (10 ms for a map's 200 kB).
    for character, escape in SCRIPT_ESCAPES:
        text = text.replace(character, escape)
    return ScriptJSON(text)


@register.filter(is_safe=True)
def json_data(value, element_id: str):
    """``value`` as JSON in a ``<script type="application/json">`` with ``element_id``; in a
    dict, a ``ScriptJSON`` value goes in as written."""
    written = {}
    if isinstance(value, dict):
        written = {key: item for key, item in value.items() if isinstance(item, ScriptJSON)}
        value = {key: item for key, item in value.items() if key not in written}
    text = script_json(value)
    if written:
        members = "".join(f",{script_json(key)}:{item}" for key, item in written.items())
        text = f"{text[:-1]}{members}}}" if len(text) > 2 else f"{{{members[1:]}}}"
    return format_html(
        '<script id="{}" type="application/json">{}</script>', element_id, mark_safe(text)
    )
