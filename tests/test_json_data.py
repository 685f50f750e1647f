"""``json_data`` embeds data as ``json_script`` does, with its characters as they are."""

import json
import re
from decimal import Decimal

from django.template import Context, Template
from django.utils.html import json_script

VALUE = {
    "name": "永康五金产业创新服务综合体",
    "closing": "</script><script>alert(1)</script> & <b>",
    "amount": Decimal("12.50"),
    "points": [[120.05, 28.9, 3]],
}


def embedded(html: str):
    return json.loads(
        re.fullmatch(r'<script id="data" type="application/json">(.*)</script>', html, re.S).group(
            1
        )
    )


def test_the_data_reads_back_as_json_scripts_does_and_nothing_closes_the_element():
    html = Template('{% load json_data %}{{ value|json_data:"data" }}').render(
        Context({"value": VALUE})
    )
    assert embedded(html) == embedded(json_script(VALUE, "data"))
    assert html.count("</script>") == 1 and "<b>" not in html and " & " not in html
    # Chinese as UTF-8: a third of the \uXXXX escapes' bytes.
    assert "永康五金" in html
    assert len(html.encode()) < len(json_script(VALUE, "data").encode())


def test_a_value_kept_as_written_json_goes_in_as_the_rest_would():
    """A map's points are cached as their written JSON (``ScriptJSON``) and spliced into the
    page's data: the same data as if written with the rest, escaped alike."""
    from portal.templatetags.json_data import script_json

    template = Template('{% load json_data %}{{ value|json_data:"data" }}')
    rest = {key: item for key, item in VALUE.items() if key != "closing"}
    spliced = {**rest, "closing": script_json(VALUE["closing"])}
    html = template.render(Context({"value": spliced}))
    assert embedded(html) == embedded(json_script(VALUE, "data"))
    assert html.count("</script>") == 1 and "<b>" not in html
    alone = template.render(Context({"value": {"points": script_json(VALUE["points"])}}))
    assert embedded(alone) == {"points": [[120.05, 28.9, 3]]}
