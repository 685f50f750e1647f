"""The audit history of every audited model family: bulk writes are caught with the acting
user, the history cannot be edited, and officials read it per object within their scope."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pghistory
import pytest
from django.db import InternalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pghistory.models import MiddlewareEvents

from evaluation.models import EvaluationScheme, SchemeWeight
from funding.models import Allocation, AllocationDecision, AllocationKind, RuleSet
from portal.audit import HISTORY_KINDS
from services.models import VoucherApplication, VoucherSettlement

from . import factories
from .evaluation.factories import report, values
from .services.factories import OfferingFactory, ServiceRequestFactory, VoucherFactory

pytestmark = pytest.mark.django_db


def _enterprise(complex_):
    unverified = factories.EnterpriseFactory(verified=False, verified_at=None)
    return unverified, {"verification_rejected_reason": "营业执照模糊"}


def _offering(complex_):
    return OfferingFactory(complex=complex_), {"title": "审计后的服务名称"}


def _service_request(complex_):
    return ServiceRequestFactory(offering=OfferingFactory(complex=complex_)), {
        "description": "改过的需求"
    }


def _voucher(complex_):
    return VoucherFactory(), {"expires_on": date(2099, 12, 31)}


def _voucher_entry(complex_):
    return VoucherFactory().entries.get(), {"at": datetime(2025, 1, 2, 8, tzinfo=UTC)}


def _voucher_application(complex_):
    application = VoucherApplication.objects.create(
        enterprise=factories.EnterpriseFactory(), year=2026, amount=Decimal("50000.00"),
        purpose="新品检测",
    )  # fmt: skip
    return application, {"status": "rejected", "rejection_reason": "额度已满"}


def _settlement(complex_):
    settlement = VoucherSettlement.objects.create(
        complex=complex_, month=date(2025, 1, 1), amount=Decimal("100.00")
    )
    return settlement, {"amount": Decimal("120.00")}


def _report(complex_):
    return report(complex_, 2024), {"return_reason": "数据有误"}


def _report_value(complex_):
    return report(complex_, 2024, values_=values()).values.first(), {"value": Decimal("7")}


def _scheme(complex_):
    return EvaluationScheme.objects.first(), {"notes": "权重说明"}


def _scheme_weight(complex_):
    return SchemeWeight.objects.first(), {"weight": Decimal("42.50")}


def _rule_set(complex_):
    return RuleSet.objects.first(), {"note": "新规则说明"}


def _allocation(complex_):
    allocation = Allocation.objects.create(
        complex=complex_,
        year=2024,
        rule_set=RuleSet.objects.first(),
        kind=AllocationKind.NONE,
        provincial_amount=Decimal("0"),
        required_local_match=Decimal("0"),
        required_host_investment=Decimal("0"),
    )
    return allocation, {"compliant": True}


def _decision(complex_):
    decision = AllocationDecision.objects.create(
        year=2024,
        rule_set=RuleSet.objects.first(),
        pool=Decimal("1.00"),
        total=Decimal("1.00"),
        unallocated=Decimal("0.00"),
        number=f"浙科发〔2025〕{complex_.pk}号",
        sequence=complex_.pk,
    )
    return decision, {"reason": "复核"}


FAMILIES = [
    _enterprise,
    _offering,
    _service_request,
    _voucher,
    _voucher_entry,
    _voucher_application,
    _settlement,
    _report,
    _report_value,
    _scheme,
    _scheme_weight,
    _rule_set,
    _allocation,
    _decision,
]


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.__name__.strip("_"))
def test_bulk_update_is_recorded_with_the_acting_user(family, yongkang_complex):
    obj, changes = family(yongkang_complex)
    actor = factories.provincial_official()
    with pghistory.context(user=actor.pk):
        type(obj).objects.filter(pk=obj.pk).update(**changes)

    event = type(obj).pgh_event_model.objects.get(pgh_obj_id=obj.pk, pgh_label="update")
    assert event.pgh_context.metadata["user"] == actor.pk
    assert {field: getattr(event, field) for field in changes} == changes
    assert MiddlewareEvents.objects.tracks(obj).get(pgh_label="update").user == actor


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.__name__.strip("_"))
def test_history_refuses_update_and_delete(family, yongkang_complex):
    obj, changes = family(yongkang_complex)
    type(obj).objects.filter(pk=obj.pk).update(**changes)
    event_model = type(obj).pgh_event_model
    table = event_model._meta.db_table
    pk = event_model.objects.get(pgh_obj_id=obj.pk, pgh_label="update").pk
    for statement in (
        f"UPDATE {table} SET pgh_label = 'forged' WHERE pgh_id = %s",
        f"DELETE FROM {table} WHERE pgh_id = %s",
    ):
        with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [pk])
    assert event_model.objects.filter(pgh_id=pk, pgh_label="update").exists()


# What each kind's page answers: province, Jinhua official, Hangzhou official, operator of
# the object's complex, an enterprise user. Province-wide rules have no operator.
READERS = ("province", "jinhua", "hangzhou", "operator", "enterprise")
PAGE_ANSWERS = {
    "enterprise": (_enterprise, "200 200 404 404 404"),
    "offering": (_offering, "200 200 404 200 404"),
    "request": (_service_request, "200 200 404 200 404"),
    "voucher": (_voucher, "200 200 404 404 404"),
    "voucher_application": (_voucher_application, "200 200 404 404 404"),
    "settlement": (_settlement, "200 200 404 200 404"),
    "report": (_report, "200 200 404 200 404"),
    "scheme": (_scheme, "200 200 200 404 404"),
    "ruleset": (_rule_set, "200 200 200 404 404"),
    "allocation": (_allocation, "200 200 404 200 404"),
}


def test_every_history_kind_has_its_answers_pinned():
    assert set(PAGE_ANSWERS) == set(HISTORY_KINDS) - {"complex"}


@pytest.mark.parametrize("kind", sorted(PAGE_ANSWERS))
def test_history_page_answers_within_scope(kind, client_as, client, yongkang_complex):
    family, expected = PAGE_ANSWERS[kind]
    obj, _changes = family(yongkang_complex)
    readers = {
        "province": factories.provincial_official(),
        "jinhua": factories.regional_official("330700"),
        "hangzhou": factories.regional_official("330100"),
        "operator": factories.operator_of(yongkang_complex),
        "enterprise": factories.enterprise_user_of(factories.EnterpriseFactory()),
    }
    url = reverse("history", args=[kind, obj.pk])
    answers = " ".join(str(client_as(readers[who]).get(url).status_code) for who in READERS)
    assert answers == expected
    client.logout()
    assert client.get(url).status_code == 302


def test_unknown_kind_is_not_found(client_as):
    url = reverse("history", args=["user", 1])
    assert client_as(factories.provincial_official()).get(url).status_code == 404


def test_report_page_links_to_a_history_with_actor_and_field_changes(client_as, yongkang_complex):
    annual_report = report(yongkang_complex, 2024, values_=values())
    operator = factories.operator_of(yongkang_complex, first_name="", last_name="", username="op7")
    with pghistory.context(user=operator.pk):
        type(annual_report).objects.filter(pk=annual_report.pk).update(return_reason="数据有误")
    official = client_as(factories.regional_official("330700"))
    url = reverse("history", args=["report", annual_report.pk])

    assert (
        url in official.get(reverse("evaluation:report", args=[annual_report.pk])).content.decode()
    )
    html = official.get(url).content.decode()
    assert "op7" in html and "数据有误" in html
    # The field by the label its form shows, never by its column.
    assert "return_reason" not in html and "退回原因" in html
    assert "填报值" in html  # the values belong to the report: their creation is listed too


def test_history_names_fields_and_choices_as_people_read_them(client_as, yongkang_complex):
    with pghistory.context(user=factories.provincial_official().pk):
        type(yongkang_complex).objects.filter(pk=yongkang_complex.pk).update(status="rectifying")
    url = reverse("history", args=["complex", yongkang_complex.pk])
    html = client_as(factories.provincial_official()).get(url).content.decode()
    assert "整改" in html and "rectifying" not in html and "region_id" not in html


def test_request_page_links_to_history_only_for_those_who_may_read_it(client_as, yongkang_complex):
    service_request, _changes = _service_request(yongkang_complex)
    page = reverse("services:request_detail", args=[service_request.pk])
    url = reverse("history", args=["request", service_request.pk])
    assert url in client_as(factories.operator_of(yongkang_complex)).get(page).content.decode()
    enterprise_user = factories.enterprise_user_of(service_request.enterprise)
    assert url not in client_as(enterprise_user).get(page).content.decode()


def test_history_page_makes_the_same_queries_whatever_the_amount_of_history(
    client_as, yongkang_complex
):
    offering = OfferingFactory(complex=yongkang_complex)
    client = client_as(factories.regional_official("330700"))
    url = reverse("history", args=["offering", offering.pk])

    def count_after(edits: int) -> int:
        for n in range(edits):
            with pghistory.context(user=factories.provincial_official().pk):
                type(offering).objects.filter(pk=offering.pk).update(title=f"服务 {n}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    # session + user + unread notifications, the offering in scope, count + page of events,
    # the names of the records the events point at (its complex, its institution).
    assert count_after(2) == count_after(20) == 8
