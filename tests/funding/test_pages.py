"""Funding pages: the table with filters and totals, the Excel export, the what-if page, the
history on the complex page, and fixed query counts."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from funding.models import Allocation, RuleSet
from tests import factories

from .factories import YEAR, M, fund, rule_set

pytestmark = pytest.mark.django_db


def test_table_shows_rows_totals_and_city_rollup(client_as):
    fund(3)
    page = client_as(factories.provincial_official()).get(f"/funding/?year={YEAR}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "120000000.00" in html  # the total
    assert page.context["totals"]["complexes"] == 3
    assert page.context["totals"]["shortfalls"] == 1  # the first has no approved report
    assert [city["region_code"] for city in page.context["by_city"]] == [
        "330100",
        "330600",
        "330700",
    ]


def test_table_filters_by_compliance_and_county(client_as):
    complexes = fund(4)
    client = client_as(factories.provincial_official())
    rows = client.get(f"/funding/?year={YEAR}&compliant=false").context["page"].object_list
    assert [row.complex for row in rows] == [complexes[0], complexes[3]]
    rows = client.get(f"/funding/?year={YEAR}&county=330110").context["page"].object_list
    assert [row.complex for row in rows] == [complexes[1]]


def test_operators_see_their_own_row_enterprises_are_refused(client_as, client):
    complexes = fund(3)
    page = client_as(factories.operator_of(complexes[1])).get(f"/funding/?year={YEAR}")
    assert [row.complex for row in page.context["page"].object_list] == [complexes[1]]
    enterprise_user = factories.enterprise_user_of(factories.EnterpriseFactory())
    assert client_as(enterprise_user).get("/funding/").status_code == 403
    client.logout()
    assert client.get("/funding/").status_code == 302


def test_excel_export_has_every_filtered_row(client_as):
    fund(3)
    response = client_as(factories.provincial_official()).get(f"/funding/export.xlsx?year={YEAR}")
    assert response.status_code == 200
    # 资金分配-2025.xlsx, named as RFC 5987 asks for a name that is not ASCII.
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E8%B5%84%E9%87%91%E5%88%86%E9%85%8D-2025.xlsx"
    )
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4
    assert rows[0][0] == "编码"
    assert sum(Decimal(str(row[8])) for row in rows[1:]) == Decimal("120000000.00")
    assert rows[1][2] == "金华市" and rows[1][3] == "永康市"


def test_what_if_page_shows_amounts_beside_the_current_ones(client_as):
    fund(2)
    client = client_as(factories.provincial_official())
    before = Allocation.objects.count()
    page = client.get(f"/funding/simulate/?year={YEAR}&pool=100000000.00")
    simulation = page.context["simulation"]
    assert [row.amount for row in simulation.rows] == [
        Decimal("50167597.77"),
        Decimal("49832402.23"),
    ]
    # Now 80 M: 40 M floors and 40 M shared 90 : 89; what-if 100 M: 60 M shared the same way.
    assert [row.current for row in simulation.rows] == [
        Decimal("40111731.84"),
        Decimal("39888268.16"),
    ]
    assert simulation.total == Decimal("100000000.00")
    assert Allocation.objects.count() == before
    refused = client.get(f"/funding/simulate/?year={YEAR}&pool=1.00")
    assert refused.context["simulation"] is None and "pool" in refused.context["form"].errors
    assert (
        client_as(factories.regional_official("330700")).get("/funding/simulate/").status_code
        == 403
    )


def test_publish_page_flow_requires_a_reason_to_replace(client_as):
    fund(2, publish=False)
    client = client_as(factories.provincial_official())
    response = client.post("/funding/publish/", {"year": YEAR}, follow=True)
    assert Allocation.objects.published().count() == 2
    rule_set(YEAR, pool=90 * M)  # a larger pool: the recomputation is a real revision
    client.post("/funding/recompute/", {"year": YEAR})
    response = client.post("/funding/publish/", {"year": YEAR}, follow=True)
    assert "需要说明理由" in response.content.decode()
    assert Allocation.objects.drafts().count() == 2


def test_history_partial_on_the_complex_page(client_as, client):
    complexes = fund(2)
    url = f"/funding/history/{complexes[0].code}/"
    page = client_as(factories.operator_of(complexes[0])).get(url)
    assert [row.provincial_amount for row in page.context["history"]] == [Decimal("40111731.84")]
    decision = page.context["history"][0].decision
    assert f'href="/funding/decisions/{decision.pk}/document.pdf"' in page.content.decode()
    assert client_as(factories.operator_of(complexes[1])).get(url).status_code == 404
    # The complex's page loads the partial only for those who may see it.
    assert f'hx-get="{url}"' not in client.get(f"/complexes/{complexes[0].code}/").content.decode()
    client_as(factories.operator_of(complexes[0]))
    assert f'hx-get="{url}"' in client.get(f"/complexes/{complexes[0].code}/").content.decode()


def test_rules_page_adds_a_version(client_as):
    client = client_as(factories.provincial_official())
    assert client.get(f"/funding/rules/?year={YEAR}").status_code == 200
    form = {
        "year": YEAR,
        "pool": "3000000000.00",
        "eligible_levels": ["provincial"],
        "eligible_statuses": ["operating", "constructing"],
        "ex_ante_amount": "20000000.00",
        "floor": "20000000.00",
        "cap": "70000000.00",
        "multiplier_excellent": "1.30",
        "multiplier_good": "1.00",
        "multiplier_pass": "0.80",
        "multiplier_fail": "0.00",
        "local_match_ratio": "1.00",
        "host_investment_ratio": "1.00",
        "note": "提高优秀档系数",
    }
    assert client.post("/funding/rules/", form).status_code == 302
    created = RuleSet.objects.get(year=YEAR)
    assert (created.version, created.multiplier_excellent) == (1, Decimal("1.30"))
    assert (
        client_as(factories.regional_official("330700")).post("/funding/rules/", form).status_code
        == 403
    )


PAGES = [
    f"/funding/?year={YEAR}",
    f"/funding/?year={YEAR}&compliant=false&city=330700",
]
ENDPOINTS = [
    f"/api/v1/allocations/?year={YEAR}&page_size=200",
    f"/api/v1/allocations/?year={YEAR}&region=330700",
]


def query_counts(client, urls):
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[url] = len(queries)
    return counts


@pytest.mark.parametrize("size", [4, 24])
def test_pinned_query_counts_do_not_grow_with_the_data(client_as, api_as, size):
    fund(size)
    official = factories.provincial_official()
    pages = query_counts(client_as(official), PAGES)
    endpoints = query_counts(api_as(official), ENDPOINTS)
    # page: session, user, unread count, years (2) and the published ones, decision, its draft
    # revision, count, rows, totals, roll-up and its region names, the region menu (grouped by
    # city, one query), (+ the city filter's region); API: count + rows (+ the region).
    assert pages == {PAGES[0]: 14, PAGES[1]: 15}
    assert endpoints == {ENDPOINTS[0]: 2, ENDPOINTS[1]: 3}
