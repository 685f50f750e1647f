"""The deadline lock (issue 18): drafts and returned reports lock after the deadline plus the
grace period; the province reopens one with a reason and a new date; a report missing at the
lock is a fail for the year when the scheme says so."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from complexes.models import Status
from evaluation import recompute, services
from evaluation.models import (
    Evaluation,
    Grade,
    ManagementDecision,
    ManagementKind,
    ReportAction,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
)
from evaluation.selectors import scheme_for
from portal.exceptions import DomainError, InvalidTransition, NotPermitted
from tests import factories

from . import factories as evaluation

pytestmark = pytest.mark.django_db

YEAR = 2025
GRACE = 15


def today():
    return timezone.localdate()


def period_locked_since(days: int) -> ReportingPeriod:
    """The year's period, whose lock date (deadline + grace) was ``days`` ago (0: today, the
    last day drafts may still be edited)."""
    deadline = today() - timedelta(days=GRACE + days)
    return ReportingPeriod.objects.create(year=YEAR, deadline=deadline, grace_days=GRACE)


@pytest.fixture
def draft(yongkang_complex):
    return evaluation.report(yongkang_complex, YEAR, values_=evaluation.values())


@pytest.fixture
def operator(yongkang_complex):
    return factories.operator_of(yongkang_complex)


def edit(report, operator):
    report.refresh_from_db()
    return services.report_update(
        report=report, version=report.version, actor=operator, values={"st_projects": "40"}
    )


def test_the_grace_period_defaults_to_the_setting(settings):
    settings.REPORT_LOCK_GRACE_DAYS = 9
    period = evaluation.open_period(YEAR)
    assert period.grace_days == 9


def test_a_draft_can_be_edited_and_submitted_until_the_lock_date(draft, operator):
    period_locked_since(0)
    edit(draft, operator)
    submitted = services.report_submit(report=draft, actor=operator)
    assert submitted.status == ReportStatus.SUBMITTED


@pytest.mark.parametrize("status", [ReportStatus.DRAFT, ReportStatus.RETURNED])
def test_after_the_lock_date_edits_and_submissions_are_refused(draft, operator, status):
    period_locked_since(1)
    draft.status = status
    draft.save()
    with pytest.raises(InvalidTransition) as refused:
        edit(draft, operator)
    assert "2025" in str(refused.value.message)
    with pytest.raises(InvalidTransition):
        services.report_submit(report=draft, actor=operator)
    draft.refresh_from_db()
    assert draft.status == status


def test_a_submitted_report_is_still_reviewed_after_the_lock(draft):
    period_locked_since(10)
    draft.status = ReportStatus.SUBMITTED
    draft.save()
    approved = services.report_approve(report=draft, actor=factories.provincial_official())
    assert approved.status == ReportStatus.APPROVED


def test_the_api_answers_409_on_a_locked_report(draft, operator, api_as):
    period_locked_since(1)
    response = api_as(operator).post(f"/api/v1/reports/{draft.pk}/submit/")
    assert response.status_code == 409


def test_the_page_shows_a_locked_report_without_edit_buttons(draft, operator, client_as):
    period_locked_since(1)
    response = client_as(operator).get(reverse("evaluation:report", args=[draft.pk]))
    assert response.context["lock"]["locked"]
    assert not response.context["can_edit"]
    page = response.content.decode()
    assert 'name="save"' not in page
    assert "锁定" in page


def test_the_reports_list_marks_overdue_reports(draft, operator, client_as):
    period_locked_since(-5)  # the deadline has passed, the lock has not
    response = client_as(operator).get(reverse("evaluation:reports"))
    (row,) = response.context["page"].object_list
    assert row.is_overdue
    assert "逾期" in response.content.decode()


# Reopening --------------------------------------------------------------------------------------


def test_the_province_reopens_with_a_reason_and_a_new_date(draft, operator, client_as):
    period_locked_since(3)
    province = factories.provincial_official()
    page = client_as(province).get(reverse("evaluation:report", args=[draft.pk]))
    assert page.context["can_reopen"]
    until = today() + timedelta(days=7)
    reopened = services.report_reopen(
        report=draft, actor=province, reason="系统故障导致未能提交", until=until
    )
    assert reopened.reopened_until == until
    event = ReportEvent.objects.get(report=draft, action=ReportAction.REOPEN)
    assert event.actor == province
    assert "系统故障导致未能提交" in event.comment and until.isoformat() in event.comment
    assert Notification.objects.filter(recipient=operator, subject__contains="重新开放").exists()
    assert draft.changes.filter(reopened_until=until).exists()  # audited
    edit(draft, operator)
    assert services.report_submit(report=draft, actor=operator).status == ReportStatus.SUBMITTED


def test_after_the_new_date_the_report_locks_again_and_can_be_reopened_again(draft, operator):
    period_locked_since(30)
    province = factories.provincial_official()
    services.report_reopen(report=draft, actor=province, reason="一", until=today() + timedelta(1))
    draft.refresh_from_db()
    draft.reopened_until = today() - timedelta(days=1)  # the new date has passed
    draft.save()
    with pytest.raises(InvalidTransition):
        edit(draft, operator)
    services.report_reopen(report=draft, actor=province, reason="二", until=today() + timedelta(3))
    edit(draft, operator)
    assert ReportEvent.objects.filter(report=draft, action=ReportAction.REOPEN).count() == 2


def test_reopening_is_refused_before_the_lock_without_a_reason_or_a_later_date(draft):
    province = factories.provincial_official()
    period = period_locked_since(-1)
    with pytest.raises(InvalidTransition):
        services.report_reopen(
            report=draft, actor=province, reason="x", until=today() + timedelta(3)
        )
    period.deadline -= timedelta(days=10)
    period.save()
    with pytest.raises(DomainError) as no_reason:
        services.report_reopen(
            report=draft, actor=province, reason=" ", until=today() + timedelta(3)
        )
    assert no_reason.value.field == "reason"
    with pytest.raises(DomainError) as past:
        services.report_reopen(report=draft, actor=province, reason="x", until=today())
    assert past.value.field == "until"
    with pytest.raises(NotPermitted):
        services.report_reopen(
            report=draft,
            actor=factories.regional_official("330700"),
            reason="x",
            until=today() + timedelta(3),
        )


def test_reopening_from_the_page(draft, client_as):
    period_locked_since(3)
    until = today() + timedelta(days=5)
    client_as(factories.provincial_official()).post(
        reverse("evaluation:report_action", args=[draft.pk, "reopen"]),
        {"reason": "补交", "until": until.isoformat()},
    )
    draft.refresh_from_db()
    assert draft.reopened_until == until


# A missing report is a fail ---------------------------------------------------------------------


@pytest.fixture
def year_without_some_reports(db):
    complexes = {
        "reported": factories.ComplexFactory(region=factories.region("330784")),
        "draft": factories.ComplexFactory(region=factories.region("330782")),
        "none": factories.ComplexFactory(region=factories.region("330110")),
        "constructing": factories.ComplexFactory(status=Status.CONSTRUCTING),
    }
    evaluation.approved(complexes["reported"], YEAR)
    evaluation.report(complexes["draft"], YEAR)
    evaluation.report(complexes["constructing"], YEAR)
    return complexes


def results():
    return {
        row.complex_id: row for row in Evaluation.objects.filter(year=YEAR).select_related("run")
    }


def test_a_report_missing_at_the_lock_is_a_fail(year_without_some_reports):
    complexes = year_without_some_reports
    period = period_locked_since(1)
    recompute.evaluation_recompute(year=YEAR)
    rows = results()
    assert set(rows) == {complexes[key].pk for key in ("reported", "draft", "none")}
    for key in ("draft", "none"):
        row = rows[complexes[key].pk]
        assert (row.score, row.grade, row.rank) == (Decimal(0), Grade.FAIL, 2)
        assert row.missing_report_by == period.deadline + timedelta(days=GRACE)
        assert "未在锁定日期" in row.missing_report_reason
    assert rows[complexes["reported"].pk].missing_report_by is None
    # Dynamic management treats it as any fail.
    decision = ManagementDecision.objects.get(complex=complexes["draft"], year=YEAR)
    assert decision.kind == ManagementKind.RECTIFY


def test_the_fail_is_stable_and_goes_once_the_report_is_approved(year_without_some_reports):
    complexes = year_without_some_reports
    period_locked_since(1)
    recompute.evaluation_compute(year=YEAR)
    first = {pk: (row.score, row.rank, row.grade) for pk, row in results().items()}
    recompute.evaluation_compute(year=YEAR)
    assert {pk: (row.score, row.rank, row.grade) for pk, row in results().items()} == first
    late = complexes["draft"].reports.get(year=YEAR)
    late.delete()
    evaluation.approved(complexes["draft"], YEAR)
    recompute.evaluation_compute(year=YEAR)
    row = results()[complexes["draft"].pk]
    assert row.missing_report_by is None and row.score > 0


def test_no_fail_before_the_lock_while_reopened_or_when_the_scheme_says_no(
    year_without_some_reports,
):
    complexes = year_without_some_reports
    period = period_locked_since(-1)
    recompute.evaluation_compute(year=YEAR)
    assert set(results()) == {complexes["reported"].pk}

    period.deadline -= timedelta(days=5)
    period.save()
    draft = complexes["draft"].reports.get(year=YEAR)
    draft.reopened_until = today() + timedelta(days=2)
    draft.save()
    recompute.evaluation_compute(year=YEAR)
    assert set(results()) == {complexes["reported"].pk, complexes["none"].pk}

    scheme = scheme_for(year=YEAR, category=complexes["none"].category)
    scheme.missing_report_fails = False
    scheme.save()
    recompute.evaluation_compute(year=YEAR)
    assert set(results()) == {complexes["reported"].pk}


def test_the_reason_shows_on_the_results_the_score_page_and_the_api(
    year_without_some_reports, client_as, api_as
):
    complexes = year_without_some_reports
    period_locked_since(1)
    recompute.evaluation_compute(year=YEAR)
    province = factories.provincial_official()
    rankings = client_as(province).get(reverse("evaluation:rankings"), {"year": YEAR})
    assert "未在锁定日期" in rankings.content.decode()
    score = client_as(province).get(
        reverse("evaluation:score", args=[complexes["none"].code]), {"year": YEAR}
    )
    assert "未在锁定日期" in score.content.decode()
    rows = api_as(province).get("/api/v1/evaluations/", {"year": YEAR}).json()["results"]
    (missing,) = [row for row in rows if row["complex"] == complexes["none"].pk]
    assert missing["grade"] == "fail" and missing["missing_report_by"]
    assert missing["missing_report_reason"]
