"""Issue 15, item 9: every page opens on the latest year with results, not the calendar year
(which has none until the next spring), and the year pickers mark the published years."""

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation import selectors
from evaluation.models import Grade
from tests import factories
from tests.evaluation.factories import publish_by_hand
from tests.funding import factories as funding_factories

pytestmark = pytest.mark.django_db

YEAR = 2024


@pytest.fixture
def evaluated(yongkang_complex):
    """A result for 2024, published, while the calendar year is later."""
    assert timezone.localdate().year > YEAR
    result = funding_factories.evaluated(yongkang_complex, YEAR, "80.00", Grade.GOOD)
    publish_by_hand(YEAR)
    return result


def test_the_default_year_is_the_latest_with_results(evaluated):
    assert selectors.default_year() == YEAR


def test_without_results_the_default_year_is_the_calendar_year(db):
    assert selectors.default_year() == timezone.localdate().year


def test_the_dashboard_opens_on_the_latest_year_with_results_and_shows_them(client_as, evaluated):
    page = client_as(factories.provincial_official()).get(reverse("dashboard:overview"))
    assert page.status_code == 200
    assert page.context["year"] == YEAR
    ranked = [row for _label, rows in page.context["rankings"] for row in rows]
    assert [row.complex_id for row in ranked] == [evaluated.complex_id]
    published = [option.year for option in page.context["years"] if option.published]
    assert published == [YEAR]
    assert f'<option value="{YEAR}" selected>{YEAR} · ' in page.content.decode()


def test_the_dashboard_pdf_and_summary_default_to_the_year_with_results(
    client_as, api_as, evaluated
):
    province = factories.provincial_official()
    response = client_as(province).get(reverse("dashboard:summary_pdf"))
    assert response.status_code == 200
    assert str(YEAR) in response["Content-Disposition"]
    body = api_as(province).get("/api/v1/dashboard/summary/").json()
    assert body["year"] == YEAR


def test_the_rankings_open_on_the_latest_year_and_mark_published_years(
    client_as, evaluated, yongkang_complex
):
    # 2025 has a draft result only (its revision is not published): newest, so the default,
    # not marked.
    later = factories.ComplexFactory(region=factories.region("330784"))
    funding_factories.evaluated(later, YEAR + 1, "70.00", Grade.PASS)
    assert selectors.published_years() == [YEAR]
    page = client_as(factories.provincial_official()).get(reverse("evaluation:rankings"))
    assert page.context["year"] == YEAR + 1
    body = page.content.decode()
    assert f'<option value="{YEAR + 1}" selected>{YEAR + 1}</option>' in body
    assert f'<option value="{YEAR}">{YEAR} · ' in body


def test_the_funding_table_opens_on_the_latest_year_with_results(client_as, evaluated):
    page = client_as(factories.provincial_official()).get(reverse("funding:table"))
    assert page.context["year"] == YEAR
