"""The change history as a person reads it: the forms' labels, related records and indicators
by name, choices by label, amounts formatted, local time, a creation as one entry, and who."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pghistory
import pytest
from django.urls import reverse
from django.utils import translation
from pghistory.models import MiddlewareEvents

from evaluation.models import Indicator, ReportValue
from portal.audit import history_entries, unaudited

from . import factories
from .evaluation.factories import report, values
from .services.factories import OfferingFactory

pytestmark = pytest.mark.django_db


def _entries(subject):
    events = MiddlewareEvents.objects.references(subject).select_related("user")
    return history_entries(events.order_by("-pgh_created_at", "-pgh_id"), subject)


def _lines(entry):
    return [
        (change.label, change.before, change.after) if change.has_before
        else (change.label, change.after)
        for change in entry.changes
    ]  # fmt: skip


def test_an_edit_reads_with_labels_names_choices_and_money(yongkang_complex):
    operator = factories.operator_of(yongkang_complex, first_name="明", last_name="李")
    with translation.override("en"), pghistory.context(user=operator.pk):
        offering = OfferingFactory(complex=yongkang_complex, service_type="rd_design", price=None)
        type(offering).objects.filter(pk=offering.pk).update(
            service_type="testing", price=Decimal("46000000.00")
        )
        changed, created = _entries(offering)
    assert (changed.who, changed.action, changed.what) == (operator, "changed", "service offering")
    assert _lines(changed) == [
        ("price (CNY)", None, "¥46,000,000.00"),
        ("service type", "R&D and design", "Testing and inspection"),
    ]
    assert created.action == "created"
    creation = dict(_lines(created))
    assert creation["complex"] == "永康五金产业创新服务综合体"  # not complex_id: 7
    assert creation["service type"] == "R&D and design"
    assert "price (CNY)" not in creation and "id" not in creation


def test_a_reported_value_reads_by_its_indicator(yongkang_complex):
    annual_report = report(yongkang_complex, 2024, values_=values())
    indicator = Indicator.objects.get(code=next(iter(values())))
    row = ReportValue.objects.get(report=annual_report, indicator=indicator)
    operator = factories.operator_of(yongkang_complex)
    with translation.override("en"), pghistory.context(user=operator.pk):
        ReportValue.objects.filter(pk=row.pk).update(value=Decimal("46000000"))
        # (One test transaction: every event has the same time, so pick the change.)
        (latest,) = [entry for entry in _entries(annual_report) if entry.action == "changed"]
        assert latest.what == f"reported value · {indicator}"
    assert f"#{row.pk}" not in latest.what
    (change,) = latest.changes
    assert change.label == "value" and change.after == "46,000,000"


def test_the_first_recorded_edit_of_a_row_loaded_without_history_shows_no_fake_before(
    yongkang_complex,
):
    with unaudited():
        offering = OfferingFactory(complex=yongkang_complex, title="旧名称")
    with translation.override("en"), pghistory.context(user=factories.provincial_official().pk):
        type(offering).objects.filter(pk=offering.pk).update(title="新名称")
        (entry,) = _entries(offering)
    assert all(not change.has_before for change in entry.changes)  # no "— → value"
    assert ("title", "新名称") in _lines(entry)


def test_times_are_in_shanghai_time_on_the_page(client_as, yongkang_complex):
    offering = OfferingFactory(complex=yongkang_complex)
    (entry,) = _entries(offering)
    recorded = MiddlewareEvents.objects.references(offering).get().pgh_created_at
    assert entry.when == recorded and entry.when.utcoffset() == timedelta(hours=8)
    shanghai = recorded.astimezone(UTC) + timedelta(hours=8)
    page = client_as(factories.regional_official("330700")).get(
        reverse("history", args=["offering", offering.pk])
    )
    html = page.content.decode()
    assert f"{shanghai:%Y-%m-%d %H:%M:%S}" in html
    assert "complex_id" not in html and "service_type" not in html


def test_a_moment_in_a_change_reads_in_shanghai_time(yongkang_complex):
    from services.models import ServiceRequest

    from .services.factories import ServiceRequestFactory

    service_request = ServiceRequestFactory(offering=OfferingFactory(complex=yongkang_complex))
    with (
        translation.override("en"),
        pghistory.context(user=factories.operator_of(yongkang_complex).pk),
    ):
        ServiceRequest.objects.filter(pk=service_request.pk).update(
            accepted_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
        )
        (latest,) = [entry for entry in _entries(service_request) if entry.action == "changed"]
    assert _lines(latest) == [("accepted at", None, "2026-03-02 07:30")]  # — → the moment


def test_a_report_created_with_its_values_is_one_created_entry(yongkang_complex):
    operator = factories.operator_of(yongkang_complex)
    with translation.override("en"), pghistory.context(user=operator.pk):
        annual_report = report(yongkang_complex, 2024, values_=values())
        (creation,) = _entries(annual_report)
        indicator = Indicator.objects.get(code=next(iter(values())))
        assert (creation.action, creation.who, creation.what) == (
            "created",
            operator,
            "annual report",
        )
        lines = {change.label: change.after for change in creation.changes}
        assert f"reported value · {indicator}" in lines
    assert len(creation.changes) >= len(values())
    assert "report" not in lines  # the values' link to the report itself is not repeated
