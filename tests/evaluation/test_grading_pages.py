"""The grading rules page, the re-check on the results page, and the API of dynamic
management: hearings, re-checks, confirming a removal and applying again."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from complexes.models import Complex, Status
from evaluation import services
from evaluation.models import (
    EvaluationScheme,
    Grade,
    ManagementDecision,
    ManagementKind,
    ProposalStatus,
    RecheckOutcome,
)
from evaluation.selectors import scheme_for
from tests import factories
from tests.funding.factories import evaluated

pytestmark = pytest.mark.django_db

YEAR = 2025
RULES = "/evaluation/schemes/grading/?year=2025&category=traditional"


def test_the_province_edits_the_grading_rules_and_the_weights_stay(client_as):
    before = scheme_for(year=YEAR, category="traditional")
    weights = {w.indicator.code: w.weight for w in before.weights.all()}
    client = client_as(factories.provincial_official())
    assert "excellent_quota_percent" in client.get(RULES).content.decode()
    rules = {
        "excellent_from": "88",
        "good_from": "76",
        "pass_from": "60",
        "excellent_quota_percent": "20",
        "rectification_days": "90",
    }
    wrong = client.post(RULES, {**rules, "good_from": "95"})
    assert wrong.status_code == 200
    assert client.post(RULES, rules).status_code == 302
    scheme = scheme_for(year=YEAR, category="traditional")
    assert (scheme.excellent_from, scheme.excellent_quota_percent, scheme.rectification_days) == (
        Decimal(88),
        Decimal(20),
        90,
    )
    assert {w.indicator.code: w.weight for w in scheme.weights.all()} == weights
    # A blank quota is no quota; blank days are the portal's default.
    client.post(RULES, {**rules, "excellent_quota_percent": "", "rectification_days": ""})
    scheme.refresh_from_db()
    assert (scheme.excellent_quota_percent, scheme.rectification_days) == (None, None)


def test_a_published_schemes_rules_change_in_a_new_version(client_as):
    published = scheme_for(year=YEAR, category="traditional")
    EvaluationScheme.objects.filter(pk=published.pk).update(published_at=timezone.now())
    client = client_as(factories.provincial_official())
    client.post(
        RULES,
        {
            "excellent_from": "90",
            "good_from": "75",
            "pass_from": "60",
            "excellent_quota_percent": "10",
            "rectification_days": "",
        },
    )
    published.refresh_from_db()
    assert published.excellent_from == Decimal(85)
    current = scheme_for(year=YEAR, category="traditional")
    assert current.pk != published.pk and current.excellent_quota_percent == Decimal(10)


def test_a_city_reads_the_rules_without_a_form(client_as):
    city = client_as(factories.regional_official("330700"))
    page = city.get(RULES)
    assert page.status_code == 200 and '<form method="post"' not in page.content.decode()
    assert city.post(RULES, {"excellent_from": "90"}).status_code == 403


def test_the_results_page_lists_overdue_rechecks_and_records_one(client_as, yongkang_complex):
    evaluated(yongkang_complex, YEAR, "50.00", Grade.FAIL)
    (decision,) = services.dynamic_management_apply(year=YEAR)
    ManagementDecision.objects.filter(pk=decision.pk).update(
        deadline=timezone.localdate() - timedelta(days=3)
    )
    client = client_as(factories.provincial_official())
    page = client.get("/evaluation/results/").content.decode()
    assert f"/evaluation/decisions/{decision.pk}/recheck/" in page
    assert "text-bg-danger" in page  # overdue
    city_page = client_as(factories.regional_official("330700")).get("/evaluation/results/")
    assert f"/evaluation/decisions/{decision.pk}/recheck/" not in city_page.content.decode()
    client = client_as(factories.provincial_official())
    client.post(
        f"/evaluation/decisions/{decision.pk}/recheck/",
        {"passed": "false", "checked_on": timezone.localdate().isoformat(), "note": "未整改"},
    )
    decision.refresh_from_db()
    assert decision.recheck_outcome == RecheckOutcome.FAILED
    assert ManagementDecision.objects.filter(
        kind=ManagementKind.PROPOSE_REMOVAL, proposal_status=ProposalStatus.PENDING
    ).exists()


def test_the_api_refuses_a_removal_before_the_hearing(api_as, yongkang_complex):
    evaluated(yongkang_complex, YEAR - 1, "50.00", Grade.FAIL)
    evaluated(yongkang_complex, YEAR, "50.00", Grade.FAIL)
    (proposal,) = services.dynamic_management_apply(year=YEAR)
    county = api_as(factories.regional_official("330784"))
    listed = county.get("/api/v1/management-decisions/").json()
    assert [row["id"] for row in listed["results"]] == [proposal.pk]
    assert county.post(f"/api/v1/management-decisions/{proposal.pk}/confirm/").status_code == 403
    assert (
        county.post(
            f"/api/v1/complexes/{yongkang_complex.pk}/hearing/",
            {"held_on": "2026-01-05", "outcome": "陈述"},
            format="json",
        ).status_code
        == 403
    )
    province = api_as(factories.provincial_official())
    refused = province.post(f"/api/v1/management-decisions/{proposal.pk}/confirm/")
    assert refused.status_code == 400
    heard = province.post(
        f"/api/v1/complexes/{yongkang_complex.pk}/hearing/",
        {"held_on": timezone.localdate().isoformat(), "outcome": "运营方陈述"},
        format="json",
    )
    assert heard.status_code == 201 and heard.json()["outcome"] == "运营方陈述"
    confirmed = province.post(f"/api/v1/management-decisions/{proposal.pk}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["proposal_status"] == "confirmed"
    assert Complex.objects.get(pk=yongkang_complex.pk).status == Status.REMOVED

    applied = province.post(
        f"/api/v1/complexes/{yongkang_complex.pk}/reapply/",
        {"code": "ZJ33078499", "reason": "重新申报"},
        format="json",
    )
    assert applied.status_code == 201
    assert applied.json()["predecessor"] == yongkang_complex.pk
    detail = province.get(f"/api/v1/complexes/{yongkang_complex.pk}/").json()
    assert detail["successor"] == applied.json()["id"]


def test_both_pages_show_the_link_and_the_button_is_the_provinces(client_as, yongkang_complex):
    Complex.objects.filter(pk=yongkang_complex.pk).update(status=Status.REMOVED)
    province = client_as(factories.provincial_official())
    page = province.get(f"/complexes/{yongkang_complex.code}/").content.decode()
    assert f"/complexes/{yongkang_complex.code}/reapply/" in page
    response = province.post(
        f"/complexes/{yongkang_complex.code}/reapply/", {"code": "ZJ33078499", "reason": "重新申报"}
    )
    assert response.status_code == 302 and response["Location"] == "/complexes/ZJ33078499/"
    new_page = province.get("/complexes/ZJ33078499/").content.decode()
    assert f"/complexes/{yongkang_complex.code}/" in new_page
    old_page = province.get(f"/complexes/{yongkang_complex.code}/").content.decode()
    assert "/complexes/ZJ33078499/" in old_page
    assert f"/complexes/{yongkang_complex.code}/reapply/" not in old_page
    county = client_as(factories.regional_official("330784"))
    assert "/reapply/" not in county.get("/complexes/ZJ33078499/").content.decode()


def test_a_removed_complex_offers_no_status_change_to_the_province_or_its_city(
    client_as, yongkang_complex
):
    """Removed is final: the page shows no button leading to a page that can change nothing."""
    Complex.objects.filter(pk=yongkang_complex.pk).update(status=Status.REMOVED)
    status_page = f"/complexes/{yongkang_complex.code}/status/"
    for official in (factories.provincial_official(), factories.regional_official("330700")):
        detail = client_as(official).get(f"/complexes/{yongkang_complex.code}/")
        assert detail.context["can_change_status"] is False
        assert detail.context["can_propose_status"] is False
        assert status_page not in detail.content.decode()


def test_the_results_pages_work_lists_come_in_pages_with_their_totals(client_as):
    """At scale 10 the province had 300 removals and re-checks, each with its forms, above the
    ranking (400 kB, most of the page's time): each list shows ten at a time, its total in the
    heading, and pages of its own that keep the filters and the other list's page."""
    deadline = timezone.localdate() + timedelta(days=30)
    for number in range(12):
        complex_ = factories.ComplexFactory(
            code=f"ZJ3307840{number:02d}",
            region=factories.region("330784"),
            status=Status.RECTIFYING,
        )
        ManagementDecision.objects.create(
            complex=complex_,
            year=YEAR,
            kind=ManagementKind.RECTIFY,
            reason="整改",
            deadline=deadline + timedelta(days=number),
        )
    client = client_as(factories.provincial_official())
    first = client.get("/evaluation/results/?year=2025").content.decode()
    assert first.count("/recheck/") == 10
    assert '<span class="badge bg-warning text-dark">12</span>' in first
    assert "year=2025&amp;rechecks_page=2" in first
    second = client.get("/evaluation/results/?year=2025&rechecks_page=2").content.decode()
    assert second.count("/recheck/") == 2
    assert "ZJ330784011" in second and "ZJ330784011" not in first
