"""Free text has a bound, the same through the API as on the pages: a longer text answers 400
with a translated message under the field's name, and nothing is written."""

import pytest

from evaluation.models import AnnualReport
from portal.limits import COMMENT_MAX_LENGTH, DESCRIPTION_MAX_LENGTH, REASON_MAX_LENGTH
from services.models import Offering, RequestStatus, ServiceRequest
from tests import factories
from tests.evaluation import factories as evaluation
from tests.services.factories import OfferingFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db


def test_report_comments_are_capped_as_on_the_form(api_as, yongkang_complex):
    evaluation.open_period(2025)
    api = api_as(factories.operator_of(yongkang_complex))
    report = api.post("/api/v1/reports/", {"complex": yongkang_complex.pk, "year": 2025}).json()
    url = f"/api/v1/reports/{report['id']}/"
    huge = api.patch(
        url, {"version": 1, "comments": {"st_projects": "x" * 2_000_000}}, format="json"
    )
    assert huge.status_code == 400
    assert "1000" in huge.json()["comments"]["st_projects"][0]
    over = api.patch(
        url,
        {"version": 1, "comments": {"st_projects": "x" * (COMMENT_MAX_LENGTH + 1)}},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert over.json() == {
        "comments": {"st_projects": ["Ensure this field has no more than 1000 characters."]}
    }
    assert AnnualReport.objects.get(pk=report["id"]).version == 1
    at_limit = api.patch(
        url, {"version": 1, "comments": {"st_projects": "x" * COMMENT_MAX_LENGTH}}, format="json"
    )
    assert at_limit.status_code == 200, at_limit.json()


def test_action_reasons_and_descriptions_are_capped(api_as, yongkang_complex):
    operator = factories.operator_of(yongkang_complex)
    offering = OfferingFactory(complex=yongkang_complex)
    request = ServiceRequestFactory(offering=offering, status=RequestStatus.SUBMITTED)
    api = api_as(operator)
    rejected = api.post(
        f"/api/v1/service-requests/{request.pk}/reject/",
        {"reason": "x" * (REASON_MAX_LENGTH + 1)},
        format="json",
    )
    assert rejected.status_code == 400 and list(rejected.json()) == ["reason"]
    assert ServiceRequest.objects.get(pk=request.pk).status == RequestStatus.SUBMITTED
    described = api.patch(
        f"/api/v1/offerings/{offering.pk}/",
        {"description": "x" * (DESCRIPTION_MAX_LENGTH + 1)},
        format="json",
    )
    assert described.status_code == 400 and list(described.json()) == ["description"]
    assert len(Offering.objects.get(pk=offering.pk).description) < DESCRIPTION_MAX_LENGTH
    enterprise_user = factories.enterprise_user_of(factories.EnterpriseFactory())
    need = api_as(enterprise_user).post(
        "/api/v1/service-requests/",
        {"offering": offering.pk, "description": "x" * (DESCRIPTION_MAX_LENGTH + 1)},
        format="json",
    )
    assert need.status_code == 400 and list(need.json()) == ["description"]
