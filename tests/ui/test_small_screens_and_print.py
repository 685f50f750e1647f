"""At 375 px the results come before the filters and the report fits without sideways scrolling;
printed, the report, score and allocation pages show their content only, a section a page."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories
from tests.evaluation import factories as evaluation

pytestmark = pytest.mark.django_db

FILTERED_LISTS = [
    "complexes:directory",
    "services:catalogue",
    "services:requests",
    "services:enterprises",
    "services:verification",
    "evaluation:reports",
    "evaluation:rankings",
    "funding:table",
]
STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "portal.css"


@pytest.mark.parametrize("page", FILTERED_LISTS)
def test_filters_fold_behind_a_button_on_phones(client_as, page):
    html = client_as(factories.provincial_official()).get(reverse(page)).content.decode()
    form = re.search(r'<form class="([^"]*)" id="filters" method="get"', html)
    assert form and "collapse" in form.group(1).split()
    assert re.search(r'class="[^"]*d-md-none[^"]*"[^>]*data-bs-target="#filters"', html)


def test_the_stylesheet_shows_the_filters_from_768_px_and_stacks_the_report_below():
    css = STYLESHEET.read_text()
    assert re.search(r"@media \(min-width: 768px\) \{\s*\.filters\.collapse:not\(\.show\)", css)
    assert ".table-stack-sm td[data-label]::before" in css


def test_the_report_table_stacks_with_each_cell_named(client_as, yongkang_complex):
    evaluation.open_period(2025)
    report = evaluation.report(yongkang_complex, 2025, values_=evaluation.values())
    html = client_as(factories.operator_of(yongkang_complex)).get(
        reverse("evaluation:report", args=[report.pk])
    )
    html = html.content.decode()
    assert "table-stack-sm" in html
    assert 'data-label="上年"' in html and 'data-label="说明"' in html


@pytest.mark.parametrize(
    ("page", "kwargs"),
    [("evaluation:score", "complex"), ("funding:table", None), ("evaluation:report", "report")],
)
def test_printed_pages_break_between_sections(client_as, yongkang_complex, page, kwargs):
    evaluation.open_period(2025)
    report = evaluation.report(yongkang_complex, 2025, values_=evaluation.values())
    args = {"complex": [yongkang_complex.code], "report": [report.pk], None: []}[kwargs]
    html = client_as(factories.provincial_official()).get(reverse(page, args=args))
    assert '<body class="print-sections"' in html.content.decode()
    css = STYLESHEET.read_text()
    printed = css[css.index("@media print") :]
    assert "nav.navbar" in printed and "break-before: page" in printed
