"""Fifty simultaneous edits of one object, each from its own connection: exactly one applies,
the others are refused, nothing is lost and no row is duplicated."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from celery import current_app

from accounts.models import Notification, User
from complexes.figures import end_of_year
from complexes.models import ComplexStatusChange
from dashboard.figures import figures_for
from dashboard.models import RegionFigure
from dashboard.tasks import refresh_figures
from evaluation import recompute
from evaluation import services as evaluation_services
from evaluation.models import (
    AnnualReport,
    JobKind,
    ReportReminder,
    ReportValue,
)
from evaluation.reminders import reminders_send
from portal.exceptions import DomainError, InvalidTransition, StaleVersion
from portal.export_jobs import export_job_start
from portal.models import Job, JobStatus
from services import services as request_services
from services.models import RequestStatus, ServiceRequest, ServiceRequestEvent

from . import factories
from .concurrency import THREADS, run_at_once
from .evaluation.factories import open_period, report
from .evaluation.locks import recompute_lock_held_elsewhere
from .services.factories import OfferingFactory, ServiceRequestFactory, VoucherFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
INDICATOR = "st_projects"


def test_fifty_saves_of_the_same_report_version_keep_exactly_one(yongkang_complex):
    annual_report = report(yongkang_complex, 2024)
    operator = factories.operator_of(yongkang_complex)

    def save(n):
        try:
            evaluation_services.report_update(
                report=AnnualReport.objects.get(pk=annual_report.pk),
                version=1,
                actor=operator,
                values={INDICATOR: str(n)},
            )
        except StaleVersion:
            return None
        return n

    results = run_at_once(save, range(1, THREADS + 1))
    winners = [n for n in results if n is not None]
    assert len(winners) == 1
    annual_report.refresh_from_db()
    assert annual_report.version == 2
    stored = ReportValue.objects.filter(report=annual_report, indicator__code=INDICATOR)
    assert list(stored.values_list("value", flat=True)) == [Decimal(winners[0])]
    assert annual_report.changes.filter(pgh_label="update").count() == 1


def test_fifty_accepts_of_the_same_request_apply_once(yongkang_complex):
    enterprise = factories.EnterpriseFactory()
    voucher = VoucherFactory(enterprise=enterprise, amount=Decimal("10000.00"))
    service_request = ServiceRequestFactory(
        offering=OfferingFactory(complex=yongkang_complex),
        enterprise=enterprise,
        voucher=voucher,
        voucher_amount=Decimal("700.00"),
    )
    operator = factories.operator_of(yongkang_complex)

    def accept(_n):
        try:
            request_services.service_request_accept(
                service_request=ServiceRequest.objects.get(pk=service_request.pk), actor=operator
            )
        except InvalidTransition:
            return "refused"
        except DomainError:
            return "error"
        return "accepted"

    results = run_at_once(accept, range(THREADS))
    assert results.count("accepted") == 1 and results.count("refused") == THREADS - 1
    service_request.refresh_from_db()
    assert service_request.status == RequestStatus.ACCEPTED
    moves = ServiceRequestEvent.objects.filter(request=service_request, to_status="accepted")
    assert moves.count() == 1
    voucher.refresh_from_db()
    assert (voucher.balance, voucher.held) == (Decimal("9300.00"), Decimal("700.00"))
    assert voucher.entries.filter(kind="hold").count() == 1


# The races found in review (issue 14) -------------------------------------------------------


@pytest.fixture
def broker_in_memory():
    """Tasks are published (to an in-process broker nobody consumes), not run on the spot: the
    jobs stay pending for as long as the test looks at them."""
    conf = current_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, "memory://"
    current_app._pool = current_app.amqp._producer_pool = None
    yield
    conf.task_always_eager, conf.broker_url = saved
    current_app._pool = current_app.amqp._producer_pool = None


def test_fifty_simultaneous_clicks_on_one_export_record_one_job(yongkang_complex, broker_in_memory):
    owner = factories.regional_official("330700")

    def start(_n):
        return export_job_start(
            owner=User.objects.get(pk=owner.pk),
            export="services:requests_export",
            filters={"status": "submitted"},
            title="服务请求",
            language="zh-hans",
        ).pk

    job_ids = run_at_once(start, range(THREADS))
    assert len(set(job_ids)) == 1
    assert list(Job.objects.values_list("pk", "status")) == [(job_ids[0], "queued")]


def test_two_simultaneous_reminder_runs_remind_each_operator_once(
    yongkang_complex, hangzhou_complex
):
    deadline = date(2026, 3, 31)
    open_period(2025, deadline)
    operators = [factories.operator_of(yongkang_complex), factories.operator_of(hangzhou_complex)]

    sent = run_at_once(lambda _n: reminders_send(today=deadline - timedelta(days=3)), range(10))
    assert sum(sent) == 2
    for operator in operators:
        assert Notification.objects.filter(recipient=operator).count() == 1
    assert ReportReminder.objects.count() == 2


RECOMPUTE_YEAR = 2025
step_entered, step_may_finish = threading.Event(), threading.Event()


def step_waiting_for_the_test(*, year, job):
    """A recomputation step that holds its run until the test lets it finish."""
    step_entered.set()
    assert step_may_finish.wait(timeout=30)


def test_fifty_simultaneous_recomputation_starts_record_one_job(broker_in_memory):
    # As several web servers would receive the province's clicks at the same moment.
    province = factories.provincial_official()
    started = run_at_once(
        lambda _: (
            recompute.job_start(
                kind=JobKind.RECOMPUTE, actor=province, parameters={"year": RECOMPUTE_YEAR}
            ).pk
        ),
        range(THREADS),
    )
    assert len(set(started)) == 1
    assert Job.objects.filter(kind=JobKind.RECOMPUTE).count() == 1
    # Once it has finished, a new start is a new job.
    Job.objects.filter(pk=started[0]).update(status=JobStatus.SUCCEEDED)
    again = recompute.job_start(
        kind=JobKind.RECOMPUTE, actor=province, parameters={"year": RECOMPUTE_YEAR}
    )
    assert again.pk != started[0]


def test_a_redelivered_recomputation_leaves_the_running_delivery_alone(yongkang_complex, settings):
    settings.EVALUATION_RECOMPUTE_STEPS = ["tests.test_concurrency.step_waiting_for_the_test"]
    step_entered.clear(), step_may_finish.clear()
    job = Job.objects.create(kind=JobKind.RECOMPUTE, parameters={"year": RECOMPUTE_YEAR})

    def deliver(delivery):
        if delivery == "redelivery":
            assert step_entered.wait(timeout=30)
            try:
                return recompute.job_run(job_id=job.pk).status
            finally:
                step_may_finish.set()
        return recompute.job_run(job_id=job.pk).status

    first, redelivered = run_at_once(deliver, ["first", "redelivery"])
    # The redelivery found its own job running and changed nothing; the first delivery finished.
    assert (first, redelivered) == (JobStatus.SUCCEEDED, JobStatus.RUNNING)
    job.refresh_from_db()
    assert (job.status, job.error, job.progress) == (JobStatus.SUCCEEDED, "", 100)


def test_the_figures_refresh_waits_while_a_recomputation_runs(yongkang_complex):
    ComplexStatusChange.objects.create(
        complex=yongkang_complex, to_status="operating", reason="验收", changed_at=end_of_year(2020)
    )
    with recompute_lock_held_elsewhere():
        with pytest.raises(recompute.AlreadyRunning):
            refresh_figures(2021)  # called directly, the task's retry raises what it retries on
        assert not RegionFigure.objects.exists()
    assert refresh_figures(2021) > 0
    assert figures_for(year=2021, region_code="330784")["complexes.status.operating"] == 1
