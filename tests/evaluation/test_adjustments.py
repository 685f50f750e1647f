"""Issue 15, item 5: bonus and penalty items (加减分) as a workflow. Cities and counties
propose (item, reason, evidence), the province approves or rejects with a note, the proposer or
the province withdraws until the year is published; listed per year; audited; only approved
items count (tests/evaluation/test_recompute.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complexes.models import Category
from evaluation import services
from evaluation.models import Adjustment, AdjustmentStatus, Grade, Publication
from portal.exceptions import DomainError, InvalidTransition, NotPermitted
from tests import factories
from tests.evaluation.factories import publish_by_hand
from tests.funding import factories as funding_factories

pytestmark = pytest.mark.django_db

YEAR = 2025
PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def evaluated(yongkang_complex):
    """Yongkang's 2025 result, not yet published (the recomputation has not run)."""
    evaluation = funding_factories.evaluated(yongkang_complex, YEAR, "80.00", Grade.GOOD)
    Publication.objects.filter(year=YEAR).delete()
    return evaluation


@pytest.fixture
def county():
    return factories.regional_official("330784")


def propose(complex_, actor, item_code="national_award", **extra):
    return services.adjustment_propose(
        complex_=complex_,
        year=YEAR,
        item_code=item_code,
        reason="获国家级表彰",
        actor=actor,
        **extra,
    )


def test_the_county_proposes_with_evidence_and_the_province_rejects_with_a_note(
    client_as, evaluated, yongkang_complex, county
):
    client = client_as(county)
    client.post(
        reverse("evaluation:adjust", args=[yongkang_complex.code, YEAR]),
        {
            "item_code": "national_award",
            "reason": "获国家级表彰",
            "evidence": SimpleUploadedFile("表彰文件.pdf", PDF, "application/pdf"),
        },
    )
    item = Adjustment.objects.get()
    assert (item.status, item.proposed_by, item.evidence_name) == (
        AdjustmentStatus.PROPOSED,
        county,
        "表彰文件.pdf",
    )
    assert not item.evidence.name.endswith("表彰文件.pdf")  # stored under a generated name
    download = client.get(reverse("evaluation:adjustment_evidence", args=[item.pk]))
    assert b"".join(download.streaming_content) == PDF
    province = factories.provincial_official()
    client_as(province).post(
        reverse("evaluation:adjustment_action", args=[item.pk, "reject"]), {"note": "级别不符"}
    )
    item.refresh_from_db()
    assert (item.status, item.decided_by, item.decision_note) == (
        AdjustmentStatus.REJECTED,
        province,
        "级别不符",
    )
    # Every step is in the item's history: proposed, then decided.
    assert [event.status for event in item.events.order_by("pgh_id")] == [
        AdjustmentStatus.PROPOSED,
        AdjustmentStatus.REJECTED,
    ]


@pytest.mark.parametrize(
    ("name", "content", "field"),
    [("evidence.exe", b"MZ\x90\x00", "evidence"), ("evidence.pdf", b"<html>", "evidence")],
    ids=["wrong-type", "forged-pdf"],
)
def test_a_bad_evidence_file_is_refused_and_nothing_is_saved(
    evaluated, yongkang_complex, county, name, content, field
):
    with pytest.raises(DomainError) as error:
        propose(yongkang_complex, county, evidence=SimpleUploadedFile(name, content))
    assert error.value.field == field
    assert not Adjustment.objects.exists()


def test_an_item_not_in_the_scheme_or_twice_open_is_refused(evaluated, yongkang_complex, county):
    with pytest.raises(DomainError) as error:
        propose(yongkang_complex, county, item_code="made_up")
    assert error.value.field == "item_code"
    propose(yongkang_complex, county)
    with pytest.raises(DomainError) as error:
        propose(yongkang_complex, county)
    assert error.value.field == "item_code"
    assert Adjustment.objects.count() == 1


@pytest.mark.parametrize("role", ["operator", "other_city", "province", "staff"], ids=str)
def test_the_wrong_people_cannot_propose(evaluated, yongkang_complex, role):
    actor = {
        "operator": lambda: factories.operator_of(yongkang_complex),
        "other_city": lambda: factories.regional_official("330100"),
        "province": factories.provincial_official,
        "staff": lambda: factories.UserFactory(is_staff=True),
    }[role]()
    with pytest.raises(NotPermitted):
        propose(yongkang_complex, actor)
    assert not Adjustment.objects.exists()


def test_only_the_proposer_or_the_province_withdraws(
    client_as, evaluated, yongkang_complex, county
):
    item = propose(yongkang_complex, county)
    city = factories.regional_official("330700")
    # The city holds the complex in scope, but the proposal is the county's: no button, 403.
    page = client_as(city).get(reverse("evaluation:adjustments"), {"year": YEAR})
    withdraw = reverse("evaluation:adjustment_action", args=[item.pk, "withdraw"])
    assert withdraw not in page.content.decode()
    assert client_as(city).post(withdraw).status_code == 403
    with pytest.raises(NotPermitted):
        services.adjustment_withdraw(adjustment=item, actor=city)
    page = client_as(county).get(reverse("evaluation:adjustments"), {"year": YEAR})
    assert withdraw in page.content.decode()
    services.adjustment_withdraw(adjustment=item, actor=county)
    item.refresh_from_db()
    assert (item.status, item.withdrawn_by) == (AdjustmentStatus.WITHDRAWN, county)
    # Once withdrawn, the item may be proposed again.
    propose(yongkang_complex, county)


def test_withdrawing_after_the_year_is_published_is_refused(
    client_as, evaluated, yongkang_complex, county
):
    item = propose(yongkang_complex, county)
    province = factories.provincial_official()
    services.adjustment_decide(adjustment=item, approve=True, actor=province)
    funding_factories.evaluated(
        factories.ComplexFactory(region=factories.region("330782")), YEAR, "70.00", Grade.PASS
    )
    publish_by_hand(YEAR)
    for actor in (county, province):
        page = client_as(actor).get(reverse("evaluation:score", args=[yongkang_complex.code]))
        withdraw = reverse("evaluation:adjustment_action", args=[item.pk, "withdraw"])
        assert withdraw not in page.content.decode()
        with pytest.raises(InvalidTransition):
            services.adjustment_withdraw(adjustment=item, actor=actor)
    client_as(county).post(withdraw)
    item.refresh_from_db()
    assert item.status == AdjustmentStatus.APPROVED


def test_a_decided_item_cannot_be_decided_again(evaluated, yongkang_complex, county):
    item = propose(yongkang_complex, county)
    province = factories.provincial_official()
    services.adjustment_decide(adjustment=item, approve=False, actor=province)
    with pytest.raises(InvalidTransition):
        services.adjustment_decide(adjustment=item, approve=True, actor=province)


def test_the_list_filters_by_status_and_region_and_keeps_its_query_count(
    client_as, evaluated, yongkang_complex, county, django_assert_num_queries
):
    propose(yongkang_complex, county)
    hangzhou = factories.ComplexFactory(region=factories.region("330106"))
    funding_factories.evaluated(hangzhou, YEAR, "70.00", Grade.PASS)
    rejected = propose(hangzhou, factories.regional_official("330100"), item_code="reform_pilot")
    province = factories.provincial_official()
    services.adjustment_decide(adjustment=rejected, approve=False, actor=province)
    client = client_as(province)
    url = reverse("evaluation:adjustments")
    page = client.get(url, {"year": YEAR, "status": "rejected"})
    assert [row[0] for row in page.context["rows"]] == [rejected]
    page = client.get(url, {"year": YEAR, "region": "330700"})
    assert [row[0].complex for row in page.context["rows"]] == [yongkang_complex]
    # The county sees its own subtree only.
    page = client_as(county).get(url, {"year": YEAR})
    assert [row[0].complex for row in page.context["rows"]] == [yongkang_complex]
    # session, user, inbox count, region choices, count, rows, result years, published years,
    # the schemes in force and their items.
    with django_assert_num_queries(10):
        client.get(url, {"year": YEAR})
    for code in ("330106", "330110", "330782"):
        other = factories.ComplexFactory(region=factories.region(code))
        funding_factories.evaluated(other, YEAR, "60.00", Grade.PASS)
        propose(other, factories.regional_official(code[:4] + "00"))
    emerging = factories.ComplexFactory(
        region=factories.region("330106"), category=Category.EMERGING
    )
    propose(emerging, factories.regional_official("330100"))
    with django_assert_num_queries(10):
        client.get(url, {"year": YEAR})


def test_an_operator_does_not_see_the_list_or_the_evidence(
    client_as, evaluated, yongkang_complex, county
):
    item = propose(yongkang_complex, county, evidence=SimpleUploadedFile("e.pdf", PDF))
    operator = client_as(factories.operator_of(yongkang_complex))
    assert operator.get(reverse("evaluation:adjustments")).status_code == 403
    evidence = reverse("evaluation:adjustment_evidence", args=[item.pk])
    assert operator.get(evidence).status_code == 404
    assert client_as(factories.regional_official("330100")).get(evidence).status_code == 404
