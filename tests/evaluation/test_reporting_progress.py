"""The completeness board and its API: who has reported, per region and in scope; overdue
reports marked; reminding the late ones once a day; approving several pre-reviewed reports
at once, all or none (issue 18)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from complexes.models import Level, Status
from evaluation import progress, services
from evaluation.models import (
    AnnualReport,
    Recommendation,
    ReportAction,
    ReportEvent,
    ReportReminder,
    ReportStatus,
)
from evaluation.reminders import late_reminders_send
from portal.exceptions import InvalidTransition, NotPermitted
from tests import factories

from . import factories as evaluation

pytestmark = pytest.mark.django_db

YEAR = 2025
COUNTED = ("expected", "draft", "submitted", "pre_reviewed", "returned", "approved", "overdue")


def today():
    return timezone.localdate()


@pytest.fixture
def scene(db):
    """Jinhua (永康 330784, 义乌 330782) and Hangzhou (余杭 330110) complexes in every state of a
    year whose deadline passed five days ago (not yet locked)."""
    period = evaluation.open_period(YEAR, today() - timedelta(days=5))

    def complex_(code, report_status=None, recommendation="", **kwargs):
        made = factories.ComplexFactory(region=factories.region(code), **kwargs)
        if report_status is not None:
            report = evaluation.report(made, YEAR, report_status)
            if recommendation:
                AnnualReport.objects.filter(pk=report.pk).update(recommendation=recommendation)
        return made

    complexes = {
        "draft": complex_("330784", ReportStatus.DRAFT),
        "returned": complex_("330784", ReportStatus.RETURNED),
        "approved": complex_("330784", ReportStatus.APPROVED),
        "submitted": complex_("330782", ReportStatus.SUBMITTED),
        "pre_reviewed": complex_(
            "330782", ReportStatus.SUBMITTED, recommendation=Recommendation.RECOMMEND
        ),
        "missing": complex_("330110"),
        "pre_reviewed_hz": complex_(
            "330110", ReportStatus.SUBMITTED, recommendation=Recommendation.NOT_RECOMMEND
        ),
        # Not expected: neither a constructing nor a city-level complex reports to the province.
        "constructing": complex_("330784", ReportStatus.DRAFT, status=Status.CONSTRUCTING),
        "city_level": complex_("330784", ReportStatus.DRAFT, level=Level.CITY),
    }
    return {"period": period, "complexes": complexes, "province": factories.provincial_official()}


def counts(rows, code):
    (row,) = [row for row in rows if row.code == code]
    return {name: row.counts[name] for name in COUNTED}


def test_counts_per_region_sum_up_to_cities_and_the_province(scene, django_assert_num_queries):
    with django_assert_num_queries(2):  # one aggregate per region, one for the regions' names
        rows = progress.progress_by_region(user=scene["province"], period=scene["period"])
    assert [row.code for row in rows] == [
        "330000",
        "330100",
        "330110",
        "330700",
        "330782",
        "330784",
    ]
    # Returned after the deadline is overdue, approved is not; constructing and city-level
    # complexes are not expected.
    assert counts(rows, "330784") == dict(
        expected=3, draft=1, submitted=0, pre_reviewed=0, returned=1, approved=1, overdue=2
    )
    assert counts(rows, "330782") == dict(
        expected=2, draft=0, submitted=1, pre_reviewed=1, returned=0, approved=0, overdue=0
    )
    assert counts(rows, "330700") == dict(
        expected=5, draft=1, submitted=1, pre_reviewed=1, returned=1, approved=1, overdue=2
    )
    # A complex without any report counts as a draft, and as overdue.
    assert counts(rows, "330100") == dict(
        expected=2, draft=1, submitted=0, pre_reviewed=1, returned=0, approved=0, overdue=1
    )
    assert counts(rows, "330000")["expected"] == 7
    assert counts(rows, "330000")["overdue"] == 3
    (jinhua,) = [row for row in rows if row.code == "330700"]
    assert (jinhua.level, jinhua.parent) == ("city", "330000")


def test_nothing_is_overdue_before_the_deadline(scene):
    scene["period"].deadline = today()
    scene["period"].save()
    rows = progress.progress_by_region(user=scene["province"], period=scene["period"])
    assert counts(rows, "330000")["overdue"] == 0
    assert counts(rows, "330000")["draft"] == 2


def test_the_query_count_stays_put_with_more_complexes(scene, django_assert_num_queries):
    for code in ("330102", "330281", "331002"):
        evaluation.report(factories.ComplexFactory(region=factories.region(code)), YEAR)
    with django_assert_num_queries(2):
        rows = progress.progress_by_region(user=scene["province"], period=scene["period"])
    assert counts(rows, "330000")["expected"] == 10


def test_a_city_official_sees_its_subtree_and_a_county_official_its_county(scene):
    city = progress.progress_by_region(
        user=factories.regional_official("330700"), period=scene["period"]
    )
    assert [row.code for row in city] == ["330700", "330782", "330784"]
    county = progress.progress_by_region(
        user=factories.regional_official("330784"), period=scene["period"]
    )
    assert [row.code for row in county] == ["330784"]
    assert counts(county, "330784")["expected"] == 3


def test_operators_may_not_read_the_progress(scene):
    with pytest.raises(NotPermitted):
        progress.progress_by_region(
            user=factories.operator_of(scene["complexes"]["draft"]), period=scene["period"]
        )


# The API --------------------------------------------------------------------------------------


def test_the_api_answers_the_counts_per_region(scene, api_as, django_assert_max_num_queries):
    api = api_as(scene["province"])
    with django_assert_max_num_queries(6):  # session-less: the period, the aggregate, regions
        response = api.get("/api/v1/reporting-progress/", {"year": YEAR})
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == YEAR
    assert body["lock_date"] == (scene["period"].deadline + timedelta(days=15)).isoformat()
    (yongkang,) = [row for row in body["regions"] if row["code"] == "330784"]
    assert yongkang == {
        "code": "330784",
        "name": yongkang["name"],
        "level": "county",
        "parent": "330700",
        "expected": 3,
        "draft": 1,
        "submitted": 0,
        "pre_reviewed": 0,
        "returned": 1,
        "approved": 1,
        "overdue": 2,
    }


@pytest.mark.parametrize("query", [{}, {"year": "abc"}, {"year": 1999}, {"year": 2031}])
def test_the_api_names_year_when_it_is_wrong(scene, api_as, query):
    response = api_as(scene["province"]).get("/api/v1/reporting-progress/", query)
    assert response.status_code == 400
    assert "year" in response.json()


def test_the_api_is_for_officials_in_scope(scene, api_as):
    operator = factories.operator_of(scene["complexes"]["draft"])
    assert api_as(operator).get("/api/v1/reporting-progress/", {"year": YEAR}).status_code == 403
    assert api_as(None).get("/api/v1/reporting-progress/", {"year": YEAR}).status_code in (401, 403)
    hangzhou = api_as(factories.regional_official("330100")).get(
        "/api/v1/reporting-progress/", {"year": YEAR}
    )
    assert [row["code"] for row in hangzhou.json()["regions"]] == ["330100", "330110"]


def test_the_reports_endpoint_marks_overdue_reports(scene, api_as):
    rows = api_as(scene["province"]).get("/api/v1/reports/", {"year": YEAR}).json()["results"]
    overdue = {row["complex"] for row in rows if row["overdue"]}
    assert overdue == {
        scene["complexes"]["draft"].pk,
        scene["complexes"]["returned"].pk,
        # A constructing complex's draft is overdue too, though the board does not expect it.
        scene["complexes"]["constructing"].pk,
        scene["complexes"]["city_level"].pk,
    }


# The board's pages ----------------------------------------------------------------------------


def test_the_board_drills_down_from_cities_to_counties_to_complexes(scene, client_as):
    client = client_as(scene["province"])
    url = reverse("evaluation:progress")
    cities = client.get(url, {"year": YEAR})
    assert cities.status_code == 200
    assert [row.code for row in cities.context["rows"]] == ["330100", "330700"]
    counties = client.get(url, {"year": YEAR, "region": "330700"})
    assert [row.code for row in counties.context["rows"]] == ["330782", "330784"]
    county = client.get(url, {"year": YEAR, "region": "330784"})
    listed = {row.pk: row for row in county.context["complexes"]}
    assert set(listed) == {scene["complexes"][key].pk for key in ("draft", "returned", "approved")}
    assert listed[scene["complexes"]["returned"].pk].is_overdue
    assert not listed[scene["complexes"]["approved"].pk].is_overdue
    report = AnnualReport.objects.get(complex=scene["complexes"]["draft"])
    assert reverse("evaluation:report", args=[report.pk]) in county.content.decode()


def test_the_board_refuses_a_region_out_of_scope_and_operators(scene, client_as):
    url = reverse("evaluation:progress")
    jinhua = client_as(factories.regional_official("330700"))
    assert jinhua.get(url, {"year": YEAR, "region": "330110"}).status_code == 404
    assert jinhua.get(url, {"year": YEAR}).context["rows"][0].code == "330782"
    operator = client_as(factories.operator_of(scene["complexes"]["draft"]))
    assert operator.get(url).status_code == 403


def test_the_county_list_takes_a_constant_number_of_queries(
    scene, client_as, django_assert_max_num_queries
):
    client = client_as(scene["province"])
    url = reverse("evaluation:progress")
    client.get(url, {"year": YEAR, "region": "330784"})
    with django_assert_max_num_queries(12) as few:
        client.get(url, {"year": YEAR, "region": "330784"})
    for _n in range(4):
        evaluation.report(factories.ComplexFactory(region=factories.region("330784")), YEAR)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"year": YEAR, "region": "330784"})
    assert len(response.context["complexes"]) == 7


# Reminding the late ones ---------------------------------------------------------------------


def subjects(user):
    return list(Notification.objects.filter(recipient=user).values_list("subject", flat=True))


def test_the_late_ones_are_reminded_once_a_day(scene):
    late = factories.operator_of(scene["complexes"]["draft"])
    missing = factories.operator_of(scene["complexes"]["missing"])
    on_time = factories.operator_of(scene["complexes"]["pre_reviewed"])
    assert late_reminders_send(period=scene["period"], actor=scene["province"]) == 3
    assert subjects(late) == ["您的2025年度报告已逾期"]
    assert len(subjects(missing)) == 1
    assert subjects(on_time) == []
    assert late_reminders_send(period=scene["period"], actor=scene["province"]) == 0
    assert len(subjects(late)) == 1
    tomorrow = today() + timedelta(days=1)
    assert late_reminders_send(period=scene["period"], actor=scene["province"], today=tomorrow) == 3
    assert ReportReminder.objects.filter(kind="late").count() == 6


def test_a_city_reminds_its_own_late_ones_only(scene):
    jinhua = factories.regional_official("330700")
    assert late_reminders_send(period=scene["period"], actor=jinhua) == 2
    assert subjects(factories.operator_of(scene["complexes"]["missing"])) == []


def test_the_scheduled_overdue_reminder_still_goes_once(scene):
    from evaluation.reminders import reminders_send

    late_reminders_send(period=scene["period"], actor=scene["province"])
    sent = reminders_send(today=today())
    assert sent >= 2
    assert reminders_send(today=today()) == 0


def test_the_board_reminds_in_one_action(scene, client_as):
    client = client_as(scene["province"])
    response = client.post(
        reverse("evaluation:progress_remind"), {"year": YEAR, "region": "330700"}, follow=True
    )
    assert response.status_code == 200
    assert ReportReminder.objects.filter(kind="late").count() == 3
    assert response.redirect_chain[-1][0].endswith("?year=2025&region=330700")
    operator = client_as(factories.operator_of(scene["complexes"]["draft"]))
    assert operator.post(reverse("evaluation:progress_remind"), {"year": YEAR}).status_code == 403


# Approving several at once ---------------------------------------------------------------------


def report_of(scene, key):
    return AnnualReport.objects.get(complex=scene["complexes"][key], year=YEAR)


def test_several_pre_reviewed_reports_are_approved_together(scene):
    chosen = [report_of(scene, "pre_reviewed"), report_of(scene, "pre_reviewed_hz")]
    approved = services.reports_approve_many(
        report_ids=[report.pk for report in chosen], actor=scene["province"]
    )
    assert {report.status for report in approved} == {ReportStatus.APPROVED}
    assert ReportEvent.objects.filter(action=ReportAction.APPROVE).count() == 2


def test_one_report_not_pre_reviewed_approves_none(scene):
    chosen = [report_of(scene, "pre_reviewed"), report_of(scene, "submitted")]
    with pytest.raises(InvalidTransition) as refusal:
        services.reports_approve_many(
            report_ids=[report.pk for report in chosen], actor=scene["province"]
        )
    assert scene["complexes"]["submitted"].name in str(refusal.value.message)
    assert report_of(scene, "pre_reviewed").status == ReportStatus.SUBMITTED
    assert not ReportEvent.objects.filter(action=ReportAction.APPROVE).exists()


def test_only_the_province_approves_together(scene):
    with pytest.raises(NotPermitted):
        services.reports_approve_many(
            report_ids=[report_of(scene, "pre_reviewed").pk],
            actor=factories.regional_official("330700"),
        )


def test_the_board_asks_for_confirmation_before_approving(scene, client_as):
    client = client_as(scene["province"])
    ids = [report_of(scene, "pre_reviewed").pk, report_of(scene, "pre_reviewed_hz").pk]
    url = reverse("evaluation:progress_approve")
    confirm = client.post(url, {"report": ids, "year": YEAR})
    assert confirm.status_code == 200
    assert len(confirm.context["reports"]) == 2
    assert report_of(scene, "pre_reviewed").status == ReportStatus.SUBMITTED
    done = client.post(url, {"report": ids, "year": YEAR, "confirm": "1"}, follow=True)
    assert done.status_code == 200
    assert report_of(scene, "pre_reviewed").status == ReportStatus.APPROVED
    assert report_of(scene, "pre_reviewed_hz").status == ReportStatus.APPROVED


def test_the_board_refuses_a_mixed_batch_with_a_message(scene, client_as):
    client = client_as(scene["province"])
    ids = [report_of(scene, "pre_reviewed").pk, report_of(scene, "draft").pk]
    response = client.post(
        reverse("evaluation:progress_approve"),
        {"report": ids, "year": YEAR, "confirm": "1"},
        follow=True,
    )
    assert "预审" in response.content.decode()
    assert report_of(scene, "pre_reviewed").status == ReportStatus.SUBMITTED


def test_the_board_offers_checkboxes_to_the_province_only(scene, client_as):
    url = reverse("evaluation:progress")
    query = {"year": YEAR, "region": "330782"}
    assert 'name="report"' in client_as(scene["province"]).get(url, query).content.decode()
    city = client_as(factories.regional_official("330700")).get(url, query)
    assert 'name="report"' not in city.content.decode()
