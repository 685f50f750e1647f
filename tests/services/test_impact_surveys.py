"""The impact follow-up: an invitation exactly once, twelve months after completion; expiry; the
answer whole and validated; scope; the per-complex aggregate with its response rate beside the
complex's reported growth."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from dashboard.impact import impact_table
from portal.exceptions import InvalidTransition, NotPermitted
from services import tasks
from services.impact import impact_survey_answer, impact_surveys_expire, impact_surveys_send
from services.models import ImpactSurvey, RequestStatus, SurveyStatus
from services.selectors import impact_by_complex
from tests import factories
from tests.evaluation import factories as evaluation_factories

from .factories import OfferingFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db

ZONE = timezone.get_fixed_timezone(8 * 60)
COMPLETED = datetime(2025, 3, 10, 15, 0, tzinfo=ZONE)
ANSWER = {
    "revenue_change": Decimal("8.50"),
    "new_products": 2,
    "jobs_created": 3,
    "rd_spend_change": Decimal("12.00"),
    "recommend_score": 9,
}


def completed_request(complex_, enterprise, completed_at=COMPLETED):
    return ServiceRequestFactory(
        offering=OfferingFactory(complex=complex_),
        enterprise=enterprise,
        status=RequestStatus.COMPLETED,
        rating=5,
        completed_at=completed_at,
    )


def survey_of(complex_, enterprise, **fields):
    service_request = completed_request(complex_, enterprise)
    return ImpactSurvey.objects.create(
        request=service_request,
        complex=complex_,
        enterprise=enterprise,
        expires_on=fields.pop("expires_on", timezone.localdate() + timedelta(days=60)),
        **fields,
    )


@pytest.fixture
def scene(yongkang_complex):
    enterprise = factories.EnterpriseFactory()
    other = factories.EnterpriseFactory(region=factories.region("330110"))
    return {
        "complex": yongkang_complex,
        "enterprise": enterprise,
        "user": factories.enterprise_user_of(enterprise, email="boss@example.org"),
        "other_enterprise": other,
        "other_user": factories.enterprise_user_of(other),
        "operator": factories.operator_of(yongkang_complex),
        "county": factories.regional_official("330784"),
        "outsider": factories.regional_official("330100"),
        "province": factories.provincial_official(),
    }


# --- the invitation ------------------------------------------------------------------------------


def test_invited_exactly_once_at_twelve_months_not_before(
    scene, django_capture_on_commit_callbacks
):
    service_request = completed_request(scene["complex"], scene["enterprise"])
    a_year_on = COMPLETED + relativedelta(months=12)
    assert impact_surveys_send(now=a_year_on - timedelta(minutes=1)) == 0
    assert not ImpactSurvey.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert impact_surveys_send(now=a_year_on) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert impact_surveys_send(now=a_year_on) == 0
        assert impact_surveys_send(now=a_year_on + timedelta(days=1)) == 0
    survey = ImpactSurvey.objects.get()
    assert (survey.request, survey.complex, survey.enterprise) == (
        service_request,
        scene["complex"],
        scene["enterprise"],
    )
    assert survey.status == SurveyStatus.SENT
    assert survey.expires_on == timezone.localdate(a_year_on) + timedelta(days=60)
    assert Notification.objects.filter(recipient=scene["user"]).count() == 1
    assert [message.to for message in mail.outbox] == [["boss@example.org"]]
    assert reverse("services:impact_surveys") in mail.outbox[0].body


def test_one_message_per_enterprise_however_many_services(scene):
    for _n in range(3):
        completed_request(scene["complex"], scene["enterprise"])
    completed_request(scene["complex"], scene["other_enterprise"])
    assert impact_surveys_send(now=COMPLETED + relativedelta(months=12, days=1)) == 4
    assert Notification.objects.filter(recipient=scene["user"]).count() == 1
    assert Notification.objects.filter(recipient=scene["other_user"]).count() == 1


def test_only_completed_requests_within_the_catch_up_window(scene):
    completed_request(scene["complex"], scene["enterprise"], COMPLETED - timedelta(days=31))
    ServiceRequestFactory(
        offering=OfferingFactory(complex=scene["complex"]),
        enterprise=scene["enterprise"],
        status=RequestStatus.CANCELLED,
    )
    assert impact_surveys_send(now=COMPLETED + relativedelta(months=12)) == 0


def test_finding_the_due_requests_is_one_query(scene):
    def run(count, day):
        for _n in range(count):
            completed_request(scene["complex"], scene["enterprise"], COMPLETED + day)
        with CaptureQueriesContext(connection) as captured:
            assert impact_surveys_send(now=COMPLETED + day + relativedelta(months=12)) == count
        sqls = [query["sql"] for query in captured.captured_queries]
        assert len([sql for sql in sqls if 'FROM "services_servicerequest"' in sql]) == 1
        return len(sqls)

    # Lock, expire, find, insert, then the enterprise's one message: as many for four as one.
    assert run(1, timedelta(0)) == run(4, timedelta(days=1)) == 10
    assert ImpactSurvey.objects.count() == 5


def test_the_nightly_task_is_on_the_beat_schedule(scene):
    entry = settings.CELERY_BEAT_SCHEDULE["services-impact-surveys"]
    assert entry["task"] == tasks.send_impact_surveys.name == "services.tasks.send_impact_surveys"
    completed_request(
        scene["complex"], scene["enterprise"], timezone.now() - relativedelta(months=12, days=2)
    )
    assert tasks.send_impact_surveys() == 1
    assert tasks.send_impact_surveys() == 0


def test_a_survey_per_request_is_enforced_by_the_database(scene):
    survey = survey_of(scene["complex"], scene["enterprise"])
    with pytest.raises(IntegrityError), transaction.atomic():
        ImpactSurvey.objects.create(
            request=survey.request,
            complex=scene["complex"],
            enterprise=scene["enterprise"],
            expires_on=survey.expires_on,
        )


# --- expiry ---------------------------------------------------------------------------------------


def test_unanswered_surveys_expire_after_their_day(scene):
    day = timezone.localdate()
    survey = survey_of(scene["complex"], scene["enterprise"], expires_on=day)
    answered = survey_of(scene["complex"], scene["enterprise"], expires_on=day - timedelta(days=5))
    ImpactSurvey.objects.filter(pk=answered.pk).update(
        status=SurveyStatus.ANSWERED, answered_at=timezone.now(), **ANSWER
    )
    assert impact_surveys_expire(today=day) == 0
    assert impact_surveys_expire(today=day + timedelta(days=1)) == 1
    survey.refresh_from_db()
    answered.refresh_from_db()
    assert (survey.status, answered.status) == (SurveyStatus.EXPIRED, SurveyStatus.ANSWERED)
    with pytest.raises(InvalidTransition):
        impact_survey_answer(survey=survey, actor=scene["user"], **ANSWER)


def test_a_survey_past_its_day_refuses_an_answer_before_the_night_expires_it(scene):
    survey = survey_of(
        scene["complex"], scene["enterprise"], expires_on=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(InvalidTransition):
        impact_survey_answer(survey=survey, actor=scene["user"], **ANSWER)


# --- the answer -----------------------------------------------------------------------------------


def test_the_answer_is_recorded_once(scene):
    survey = survey_of(scene["complex"], scene["enterprise"])
    impact_survey_answer(survey=survey, actor=scene["user"], **ANSWER)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.ANSWERED
    assert survey.answered_by == scene["user"]
    assert {name: getattr(survey, name) for name in ANSWER} == ANSWER
    with pytest.raises(InvalidTransition):
        impact_survey_answer(survey=survey, actor=scene["user"], **ANSWER)


def test_only_the_enterprise_answers(scene):
    survey = survey_of(scene["complex"], scene["enterprise"])
    for actor in (scene["other_user"], scene["operator"], scene["province"]):
        with pytest.raises(NotPermitted):
            impact_survey_answer(survey=survey, actor=actor, **ANSWER)


def test_half_an_answer_cannot_be_stored(scene):
    survey = survey_of(scene["complex"], scene["enterprise"])
    with pytest.raises(IntegrityError), transaction.atomic():
        ImpactSurvey.objects.filter(pk=survey.pk).update(
            status=SurveyStatus.ANSWERED, answered_at=timezone.now(), revenue_change=5
        )


def page_answer(client, survey, language="zh-hans", **changes):
    return client.post(
        reverse("services:impact_survey_detail", args=[survey.pk]),
        {**ANSWER, **changes},
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("revenue_change", "-100.01", "“营业收入变化”须在-100到1000之间。"),
        ("rd_spend_change", "1000.5", "“研发投入变化”须在-100到1000之间。"),
        ("new_products", "-1", "“新产品”须在0到100000之间。"),
        ("jobs_created", "2.5", "“新增就业”须为整数。"),
        ("recommend_score", "11", "“推荐意愿”须在0到10之间。"),
        ("revenue_change", "", "请回答“营业收入变化”。"),
    ],
)
def test_the_page_refuses_a_wrong_answer_naming_the_field(client, scene, field, value, message):
    survey = survey_of(scene["complex"], scene["enterprise"])
    client.force_login(scene["user"])
    response = page_answer(client, survey, **{field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SENT and survey.revenue_change is None


def test_the_page_records_the_answer_then_shows_it_read_only(client, scene):
    survey = survey_of(scene["complex"], scene["enterprise"])
    client.force_login(scene["user"])
    response = page_answer(client, survey)
    assert response.status_code == 302
    page = client.get(reverse("services:impact_survey_detail", args=[survey.pk])).content.decode()
    assert '<form method="post" class="card' not in page
    assert "8.50 %" in page
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.ANSWERED


def test_pending_surveys_show_on_the_enterprise_pages(client, scene):
    survey = survey_of(scene["complex"], scene["enterprise"])
    client.force_login(scene["user"])
    link = reverse("services:impact_survey_detail", args=[survey.pk])
    assert link in client.get(reverse("services:my_enterprise")).content.decode()
    assert (
        link
        in client.get(reverse("services:request_detail", args=[survey.request_id])).content.decode()
    )


# --- scope ----------------------------------------------------------------------------------------


def test_another_enterprises_survey_is_not_found(client, scene):
    survey = survey_of(scene["complex"], scene["enterprise"])
    client.force_login(scene["other_user"])
    assert client.get(reverse("services:impact_survey_detail", args=[survey.pk])).status_code == 404
    assert page_answer(client, survey).status_code == 404
    api = f"/api/v1/impact-surveys/{survey.pk}/"
    assert client.get(api).status_code == 404
    assert client.post(f"{api}answer/", ANSWER, content_type="application/json").status_code == 404


def test_the_operator_reads_aggregates_not_answers(client, scene):
    survey = survey_of(scene["complex"], scene["enterprise"])
    client.force_login(scene["operator"])
    assert client.get(reverse("services:impact_survey_detail", args=[survey.pk])).status_code == 404
    assert client.get("/api/v1/impact-surveys/").status_code == 403
    rows = client.get("/api/v1/impact-surveys/by-complex/").json()
    assert [row["complex"] for row in rows] == [scene["complex"].pk]


def test_officials_read_their_region(client, scene):
    survey = survey_of(scene["complex"], scene["enterprise"])
    client.force_login(scene["county"])
    assert [row["id"] for row in client.get("/api/v1/impact-surveys/").json()["results"]] == [
        survey.pk
    ]
    client.force_login(scene["outsider"])
    assert client.get("/api/v1/impact-surveys/").json()["results"] == []
    assert client.get(f"/api/v1/impact-surveys/{survey.pk}/").status_code == 404
    assert client.get("/api/v1/impact-surveys/by-complex/").json() == []


def test_the_api_answer_validates_naming_the_field(client, scene):
    survey = survey_of(scene["complex"], scene["enterprise"])
    client.force_login(scene["user"])
    url = f"/api/v1/impact-surveys/{survey.pk}/answer/"
    wrong = client.post(
        url, {**ANSWER, "recommend_score": 12}, content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert wrong.status_code == 400
    assert wrong.json() == {"recommend_score": ["“Would recommend” must be between 0 and 10."]}
    partial = client.post(url, {"revenue_change": "5"}, content_type="application/json")
    assert partial.status_code == 400 and set(partial.json()) == set(ANSWER) - {"revenue_change"}
    answered = client.post(url, ANSWER, content_type="application/json")
    assert answered.status_code == 200
    assert answered.json()["status"] == "answered"
    assert answered.json()["revenue_change"] == "8.50"
    assert client.post(url, ANSWER, content_type="application/json").status_code == 409


# --- the aggregate --------------------------------------------------------------------------------


def answered(complex_, enterprise, **answer):
    survey = survey_of(complex_, enterprise)
    ImpactSurvey.objects.filter(pk=survey.pk).update(
        status=SurveyStatus.ANSWERED, answered_at=timezone.now(), **{**ANSWER, **answer}
    )
    return survey


def test_aggregate_and_response_rate_per_complex(scene):
    complex_, enterprise = scene["complex"], scene["enterprise"]
    answered(complex_, enterprise, revenue_change=Decimal("10"), jobs_created=4, recommend_score=8)
    answered(complex_, enterprise, revenue_change=Decimal("-2"), jobs_created=1, recommend_score=7)
    survey_of(complex_, enterprise)
    survey_of(complex_, enterprise, status=SurveyStatus.EXPIRED)
    other = factories.ComplexFactory(region=factories.region("330110"))
    answered(other, scene["other_enterprise"])
    rows = impact_by_complex(user=scene["province"])
    row = rows[complex_.pk]
    assert (row["invited"], row["answered"], row["response_rate"]) == (4, 2, Decimal(50))
    assert row["revenue_change"] == Decimal("4")
    assert row["jobs_created"] == 5
    assert row["recommend_score"] == Decimal("7.5")
    assert rows[other.pk]["response_rate"] == Decimal(100)
    assert set(impact_by_complex(user=scene["county"])) == {complex_.pk}
    assert set(impact_by_complex(user=scene["outsider"])) == {other.pk}  # Hangzhou's


def test_the_table_sets_the_survey_beside_the_reported_growth(scene, django_assert_num_queries):
    complex_ = scene["complex"]
    evaluation_factories.report(
        complex_, 2024, "approved", {"cluster_revenue": "1000000", "cluster_rd_spend": "20000"}
    )
    evaluation_factories.report(
        complex_, 2025, "approved", {"cluster_revenue": "1150000", "cluster_rd_spend": "25000"}
    )
    evaluation_factories.report(complex_, 2026, "draft", {"cluster_revenue": "9000000"})
    answered(complex_, scene["enterprise"], revenue_change=Decimal("10"))
    with django_assert_num_queries(3):
        table = impact_table(user=scene["province"])
    (row,) = table["rows"]
    assert row["reported"] == {
        "year": 2025,
        "revenue_change": Decimal("15"),
        "rd_spend_change": Decimal("25"),
    }
    assert row["revenue_change"] == Decimal("10")
    assert table["totals"] == {"invited": 1, "answered": 1, "response_rate": Decimal(100)}


def test_the_table_page_has_a_constant_number_of_queries(client, scene):
    client.force_login(scene["province"])
    url = reverse("dashboard:impact")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    answered(scene["complex"], scene["enterprise"])
    few = queries()
    for _n in range(3):
        other = factories.ComplexFactory(region=factories.region("330110"))
        answered(other, scene["other_enterprise"])
        survey_of(other, scene["other_enterprise"])
    assert queries() == few


def test_the_table_is_for_officials(client, scene):
    url = reverse("dashboard:impact")
    for role, status in (("operator", 403), ("user", 403), ("county", 200), ("province", 200)):
        client.force_login(scene[role])
        assert client.get(url).status_code == status, role


def test_the_complex_page_shows_the_aggregate_to_those_in_scope(client, scene):
    answered(scene["complex"], scene["enterprise"])
    url = reverse("complexes:detail", args=[scene["complex"].code])
    for role, shown in (("operator", True), ("county", True), ("outsider", False), ("user", False)):
        client.force_login(scene[role])
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert ("Surveyed impact" in page) is shown, role
