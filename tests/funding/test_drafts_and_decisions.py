"""Issue 15, the funding side: drafts never shown as money allocated, one draft revision at
most beside a published year, the numbered decision document, and a simulation that says at
once why it refuses."""

import re
import subprocess
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from dashboard.figures import figures_refresh
from funding import services
from funding.models import Allocation, AllocationDecision, AllocationStatus
from tests import factories
from tests.concurrency import run_at_once

from .factories import YEAR, M, evaluated, fund, rule_set

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()


def amounts(status) -> dict[int, Decimal]:
    return dict(
        Allocation.objects.filter(year=YEAR, status=status).values_list(
            "complex_id", "provincial_amount"
        )
    )


# Drafts are not money allocated -------------------------------------------------------------


def test_while_everything_is_a_draft_the_kpi_shows_no_money_allocated(client_as):
    fund(3, publish=False)
    figures_refresh(year=YEAR)
    page = client_as(factories.provincial_official()).get("/dashboard/", {"year": YEAR})
    headline = {row["key"]: row for row in page.context["headline"]}
    assert headline["funds"]["value"] is None  # nothing published: "—", not 12000 万元
    assert headline["funds_draft"]["value"] == Decimal(12_000)
    assert headline["funds_draft"]["draft"] is True
    html = page.content.decode()
    assert '<span class="badge text-bg-warning">草稿</span> 省级资金草稿（未发布，万元）' in html


def test_once_published_the_draft_kpi_is_gone(client_as):
    fund(3)
    figures_refresh(year=YEAR)
    page = client_as(factories.provincial_official()).get("/dashboard/", {"year": YEAR})
    headline = {row["key"]: row for row in page.context["headline"]}
    assert headline["funds"]["value"] == Decimal(12_000)
    assert "funds_draft" not in headline


def test_summary_api_gives_published_and_draft_totals_apart(api_as):
    fund(3, publish=False)
    figures_refresh(year=YEAR)
    client = api_as(factories.provincial_official())
    funding = client.get("/api/v1/dashboard/summary/", {"year": YEAR}).json()["funding"]
    assert funding == {
        "allocated": "0.00",
        "allocations": "0.00",
        "compliant": "0.00",
        "published": "0.00",
        "draft": "120000000.00",
        "draft_allocations": "3.00",
    }
    services.allocations_publish(year=YEAR, actor=factories.provincial_official())
    figures_refresh(year=YEAR)
    funding = client.get("/api/v1/dashboard/summary/", {"year": YEAR}).json()["funding"]
    assert (funding["allocated"], funding["published"], funding["allocations"]) == (
        "120000000.00",
        "120000000.00",
        "3.00",
    )
    assert (funding["draft"], funding["draft_allocations"]) == ("0.00", "0.00")


def test_summary_pdf_labels_the_draft_money(client_as):
    fund(3, publish=False)
    figures_refresh(year=YEAR)
    text = pdf_text(
        client_as(factories.provincial_official()).get("/dashboard/summary.pdf", {"year": YEAR})
    )
    # pdftotext wraps the labels of the narrow column: the first line of each is enough.
    published = re.search(r"已发布省级资金\s+(\S+)", text)
    assert published and published.group(1) == "0.00万元"
    draft = re.search(r"草稿 省级资金草\s+(\S+)", text)
    assert draft and draft.group(1) == "12,000.00万元"


def test_the_table_and_its_export_say_draft(client_as):
    fund(2, publish=False)
    client = client_as(factories.provincial_official())
    html = client.get("/funding/", {"year": YEAR}).content.decode()
    assert "尚未发布：以下金额为草稿。" in html
    assert '<span class="badge text-bg-warning">草稿</span> 省级资金草稿' in html
    export = client.get("/funding/export.xlsx", {"year": YEAR})
    assert "2025-%E8%8D%89%E7%A8%BF.xlsx" in export["Content-Disposition"]  # 2025-草稿


# One draft revision at most beside a published year -----------------------------------------


def test_recomputing_a_published_year_keeps_its_rows_and_at_most_one_draft_set(client_as):
    fund(3)
    province = factories.provincial_official()
    published = amounts(AllocationStatus.PUBLISHED)
    # Nothing changed: the recomputation decides what is published, and keeps no drafts.
    services.allocations_recompute(year=YEAR, actor=province)
    services.allocations_after_evaluation(year=YEAR)
    assert amounts(AllocationStatus.DRAFT) == {}
    # Other rules: one draft revision, replaced (not added to) by every recomputation.
    rule_set(YEAR, pool=150 * M)
    for _ in range(3):
        services.allocations_recompute(year=YEAR, actor=province)
        services.allocations_after_evaluation(year=YEAR)
    drafts = amounts(AllocationStatus.DRAFT)
    assert set(drafts) == set(published) and sum(drafts.values()) == 150 * M
    assert amounts(AllocationStatus.PUBLISHED) == published
    assert Allocation.objects.filter(year=YEAR).count() == 2 * len(published)
    # The table shows the published rows, and the revision only as a notice and on request.
    client = client_as(province)
    page = client.get("/funding/", {"year": YEAR})
    assert {row.status for row in page.context["page"].object_list} == {"published"}
    assert page.context["revision"] == {
        "complexes": 3,
        "total": Decimal("150000000.00"),
        "changed": 3,
    }
    assert "存在一份草稿修订" in page.content.decode()
    revision = client.get("/funding/", {"year": YEAR, "status": "draft"})
    assert {row.status for row in revision.context["page"].object_list} == {"draft"}
    assert "草稿修订：这些金额尚未发布" in revision.content.decode()
    # Back to the published rules: the revision disappears.
    rule_set(YEAR, pool=120 * M)
    response = client.post("/funding/recompute/", {"year": YEAR}, follow=True)
    assert amounts(AllocationStatus.DRAFT) == {}
    assert "不保留草稿修订" in response.content.decode()


# The decision document ----------------------------------------------------------------------

MONEY = r"\d[\d,]*\.\d{2}"


def money(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def test_publishing_numbers_the_decision_and_its_document_adds_up_to_the_fen(client_as):
    complexes = fund(3)
    decision = AllocationDecision.objects.get()
    assert decision.sequence == 1
    assert re.fullmatch(r"浙科发〔\d{4}〕1号", decision.number)
    client = client_as(factories.provincial_official())
    page = client.get("/funding/", {"year": YEAR}).content.decode()
    assert f'href="/funding/decisions/{decision.pk}/document.pdf"' in page
    text = pdf_text(client.get(f"/funding/decisions/{decision.pk}/document.pdf"))
    assert "浙江省科学技术厅" in text and decision.number in text
    assert "关于2025年度产业创新服务综合体省级资金分配的决定" in text
    assert f"{decision.approver_name}" in text and "2025 v1" in text
    assert all(complex_.code in text for complex_ in complexes)
    # A row's line: its score, then the provincial amount and the two requirements.
    rows = [
        [money(figure) for figure in re.findall(MONEY, line)[-3:]]
        for line in text.splitlines()
        if len(re.findall(MONEY, line)) == 4
    ]
    (totals_line,) = [line for line in text.splitlines() if "合计" in line]
    totals = [money(figure) for figure in re.findall(MONEY, totals_line)]
    assert len(rows) == 3
    assert totals == [sum(row[column] for row in rows) for column in range(3)]
    assert totals[0] == decision.total == Decimal("120000000.00")
    assert totals[1] == sum(row.required_local_match for row in Allocation.objects.all())


def test_decision_numbers_follow_the_configured_pattern_in_sequence(client_as):
    fund(2)
    province = factories.provincial_official()
    rule_set(YEAR, pool=90 * M)
    services.allocations_recompute(year=YEAR, actor=province)
    with override_settings(
        FUNDING_DECISION_NUMBER_PATTERN="浙科字〔{year}〕{seq}号-{allocation_year}"
    ):
        replacing = services.allocations_publish(year=YEAR, actor=province, reason="更正资金池")
    assert replacing.sequence == 2
    assert replacing.number.startswith("浙科字〔") and replacing.number.endswith("〕2号-2025")
    text = pdf_text(client_as(province).get(f"/funding/decisions/{replacing.pk}/document.pdf"))
    assert AllocationDecision.objects.get(replaced_by=replacing).number in text
    assert "更正资金池" in text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_decisions_published_at_once_never_share_a_number():
    province = factories.provincial_official()
    years = [2021, 2022, 2023, 2024]
    for year in years:
        evaluated(factories.ComplexFactory(), year, "80.00", "good")
        rule_set(year, pool=40 * M)
        services.allocations_recompute(year=year, actor=province)
    decisions = run_at_once(
        lambda year: services.allocations_publish(year=year, actor=province), years
    )
    assert sorted(decision.sequence for decision in decisions) == [1, 2, 3, 4]
    assert len({decision.number for decision in decisions}) == 4


def test_the_decision_document_obeys_the_policy_and_scope(client, client_as):
    complexes = fund(3)  # in Jinhua (330784), Hangzhou (330110) and Shaoxing (330681)
    url = f"/funding/decisions/{AllocationDecision.objects.get().pk}/document.pdf"
    assert client.get(url).status_code == 302
    enterprise_user = factories.enterprise_user_of(factories.EnterpriseFactory())
    assert client_as(enterprise_user).get(url).status_code == 403
    assert client_as(factories.regional_official("331100")).get(url).status_code == 404
    assert (
        client_as(factories.provincial_official())
        .get("/funding/decisions/999999/document.pdf")
        .status_code
        == 404
    )
    extract = pdf_text(client_as(factories.regional_official("330700")).get(url))
    assert "摘录" in extract and complexes[0].code in extract
    assert complexes[1].code not in extract and "省级资金池" not in extract
    own = pdf_text(client_as(factories.operator_of(complexes[2])).get(url))
    assert complexes[2].code in own and complexes[0].code not in own


def test_the_publish_api_answers_the_number_and_the_document(api_as):
    fund(2, publish=False)
    response = api_as(factories.provincial_official()).post(
        "/api/v1/allocations/publish/", {"year": YEAR}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    decision = AllocationDecision.objects.get()
    assert body["number"] == decision.number
    assert body["document"] == f"/funding/decisions/{decision.pk}/document.pdf"


# The simulation -----------------------------------------------------------------------------


def test_a_refused_simulation_says_why_in_the_htmx_answer(client_as):
    fund(2)  # two floors of 20 M are needed
    response = client_as(factories.provincial_official()).get(
        "/funding/simulate/", {"year": YEAR, "pool": "1.00"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # the fragment, not a page to reload
    assert 'id="simulation-refused"' in html
    for figure in ("1.00", "39,999,999.00", "40,000,000.00"):
        assert figure in html, figure


def test_the_simulation_compares_with_the_current_draft(client_as):
    fund(2)
    province = factories.provincial_official()
    rule_set(YEAR, pool=90 * M)
    services.allocations_recompute(year=YEAR, actor=province)
    drafts, published = amounts(AllocationStatus.DRAFT), amounts(AllocationStatus.PUBLISHED)
    page = client_as(province).get(
        "/funding/simulate/", {"year": YEAR, "pool": "100000000.00"}, HTTP_HX_REQUEST="true"
    )
    simulation = page.context["simulation"]
    assert simulation.current_status == "draft"
    assert {row.complex.pk: row.current for row in simulation.rows} == drafts
    assert {row.complex.pk: row.published for row in simulation.rows} == published
    assert [row.difference for row in simulation.rows] == [
        row.amount - drafts[row.complex.pk] for row in simulation.rows
    ]
    assert simulation.current_total == Decimal("90000000.00")
    assert "与当前草稿的差额" in page.content.decode()


# Pinned query counts ------------------------------------------------------------------------


def query_count(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **headers).status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("size", [4, 24])
def test_pinned_query_counts_of_the_decision_and_the_simulation(client_as, size):
    fund(size)
    client = client_as(factories.provincial_official())
    decision = AllocationDecision.objects.get()
    simulate = f"/funding/simulate/?year={YEAR}&pool={50 * size}000000.00"  # 50 M each
    query_count(client, simulate)  # the caches filled once
    counts = (
        query_count(client, f"/funding/decisions/{decision.pk}/document.pdf"),
        query_count(client, simulate),
        query_count(client, simulate, HTTP_HX_REQUEST="true"),
    )
    # document: session, user, decision, totals, rows (the unread count is counted only where a
    # page shows it, and the PDF has no navigation); simulation: session, user, rule set (2),
    # results (2), eligible complexes, their detail, the current amounts, unread count (the
    # fragment: no unread count).
    assert counts == (5, 10, 9)
