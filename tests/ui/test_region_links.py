"""The dashboard's roll-ups link every region they name down to that region's own overview."""

import re
from datetime import date

import pytest
from django.urls import reverse

from tests import factories
from tests.evaluation import factories as evaluation

pytestmark = pytest.mark.django_db

YEAR = 2025


def region_link(code: str) -> re.Pattern:
    return re.compile(rf'href="\?year={YEAR}&amp;measure=[a-z_.]+&amp;region={code}">[^<]+</a>')


def test_warnings_and_regions_link_down_to_the_region(client_as, yongkang_complex):
    # A report overdue after the deadline: an early warning naming Yongkang.
    evaluation.open_period(YEAR, deadline=date(YEAR, 3, 31))
    evaluation.report(yongkang_complex, YEAR)
    province = client_as(factories.provincial_official())
    html = province.get(reverse("dashboard:overview"), {"year": YEAR}).content.decode()
    warnings = html[html.index('id="warnings-heading"') :]
    assert region_link("330784").search(warnings)
    regions = html[html.index('id="children-heading"') : html.index('id="distribution-heading"')]
    assert len(region_link(r"33\d\d00").findall(regions)) == 11  # the eleven cities
