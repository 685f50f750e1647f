"""The service requests as CSV: COPY streamed through the list's scope and filters, the same
values as the workbook."""

import csv
from io import StringIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation.models import Evaluation, Grade, RevisionStatus
from funding import services as funding_services
from funding.models import Allocation, AllocationStatus
from tests import factories
from tests.evaluation.factories import publish_by_hand
from tests.funding.factories import M, evaluated, rule_set
from tests.services.factories import ServiceRequestFactory
from tests.test_exports import HANGZHOU, JINHUA, YEAR, province, workbook_rows  # noqa: F401

pytestmark = pytest.mark.django_db

CSV = "/services/requests/export.csv"


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeff")  # Excel reads it as UTF-8
    return list(csv.reader(StringIO(text.removeprefix("\ufeff"))))


def as_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):  # Excel keeps money as a number; the CSV writes it exact
        return f"{value:.2f}"
    return str(value)


def test_the_csv_holds_what_the_workbook_holds(province, client_as):  # noqa: F811
    client = client_as(factories.provincial_official())
    workbook = workbook_rows(client.get("/services/requests/export.xlsx"))
    table = csv_rows(client.get(CSV))
    assert table[0] == list(workbook[0])
    assert table[1:] == [[as_text(value) for value in row] for row in workbook[1:]]
    assert {row[3] for row in table[1:]} == {JINHUA, HANGZHOU}
    # Money exact, labels translated, times on the wall clock.
    assert {row[-2] for row in table[1:]} == {"1500.00"}
    assert {row[10] for row in table[1:]} == {"已提交"}


def test_the_csv_keeps_the_scope_and_the_filters(province, client_as):  # noqa: F811
    jinhua = client_as(factories.regional_official("330700"))
    table = csv_rows(jinhua.get(CSV))
    assert [row[3] for row in table[1:]] == [JINHUA]
    province_client = client_as(factories.provincial_official())
    assert len(csv_rows(province_client.get(CSV + "?status=completed"))) == 1
    assert province_client.get(CSV + "?status=nonsense").status_code == 400
    assert province_client.get(CSV + "?year=2025%27;--").status_code == 400


def test_the_csv_is_for_those_who_see_the_list(province, client, client_as):  # noqa: F811
    assert client.get(CSV).status_code == 302
    enterprise_user = client_as(factories.enterprise_user_of(factories.EnterpriseFactory()))
    assert len(csv_rows(enterprise_user.get(CSV))) == 1  # the header: none of its requests
    assert client_as(factories.provincial_official()).post(CSV).status_code == 405


def test_the_csv_speaks_the_language_of_the_request(province, client_as):  # noqa: F811
    response = client_as(factories.provincial_official()).get(
        CSV, headers={"accept-language": "en"}
    )
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="Service requests-'
        + (response["Content-Disposition"].split("-", 1)[1])
    )
    table = csv_rows(response)
    assert table[0][:2] == ["No.", "Submitted at"]
    assert {row[10] for row in table[1:]} == {"Submitted"}


def test_the_csv_reads_the_same_queries_for_more_rows(province, client_as):  # noqa: F811
    client = client_as(factories.provincial_official())

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            b"".join(client.get(CSV).streaming_content)
        return len(queries)

    few = count()
    for complex_ in province:
        factories.ComplexFactory(region=complex_.region)
    ServiceRequestFactory.create_batch(5)
    # Session, user, and the COPY (which the query log does not see: psycopg2 runs it).
    assert count() == few == 2


def test_a_user_who_sees_no_requests_gets_the_header(province, client_as):  # noqa: F811
    staff = factories.UserFactory(is_staff=True)
    assert len(csv_rows(client_as(staff).get(CSV))) == 1


# Open data -------------------------------------------------------------------------------------


def test_the_open_data_page_describes_every_field_of_every_dataset(province, client):  # noqa: F811
    page = client.get("/open-data/")
    assert page.status_code == 200
    text = page.content.decode()
    for slug in ("complexes", "service-catalogue", "evaluation-results", "funding-allocations"):
        assert f"/open-data/{slug}.csv" in text
    assert "单位：元" not in text  # types are words, not units glued to headers
    assert "金额（元），两位小数" in text
    assert "设区市" in text


def test_the_directory_as_open_data_is_the_directory(province, client):  # noqa: F811
    workbook = workbook_rows(client.get("/complexes/export.xlsx"))
    table = csv_rows(client.get("/open-data/complexes.csv"))
    assert table[0] == list(workbook[0])
    assert table[1:] == [[as_text(value) for value in row] for row in workbook[1:]]
    assert [
        row[1] for row in csv_rows(client.get("/open-data/complexes.csv?region=330700"))[1:]
    ] == [JINHUA]


def test_the_catalogue_as_open_data(province, client):  # noqa: F811
    from services.models import Offering

    on_quotation = Offering.objects.filter(active=True).first()
    on_quotation.price = None
    on_quotation.save(update_fields=["price"])
    table = csv_rows(client.get("/open-data/service-catalogue.csv"))
    assert table[0][:3] == ["编号", "服务项目", "服务类型"]
    rows = {int(row[0]): row for row in table[1:]}
    assert set(rows) == set(Offering.objects.filter(active=True).values_list("pk", flat=True))
    assert rows[on_quotation.pk][table[0].index("价格（元）")] == ""
    english = client.get("/open-data/service-catalogue.csv", headers={"accept-language": "en"})
    assert csv_rows(english)[0][:3] == ["No.", "Offering", "Service type"]


def test_open_data_answers_unknown_datasets_and_bad_filters(province, client):  # noqa: F811
    assert client.get("/open-data/nothing.csv").status_code == 404
    assert client.get("/open-data/complexes.csv?region=nowhere").status_code == 400
    assert client.post("/open-data/complexes.csv").status_code == 405


def test_open_results_are_the_published_revisions_only(province, client):  # noqa: F811
    """The year's results are a draft (the page would show it while nothing is published): the
    open dataset holds none of them until the province publishes, and never a later draft."""
    assert Evaluation.objects.shown().filter(status=RevisionStatus.DRAFT).count() == 2
    assert len(csv_rows(client.get("/open-data/evaluation-results.csv"))) == 1
    publish_by_hand(YEAR)
    evaluated(province[0], YEAR + 1, "55.00", Grade.FAIL)  # next year's draft
    table = csv_rows(client.get("/open-data/evaluation-results.csv"))
    assert table[0][:3] == ["年度", "类别", "排名"]
    assert [(row[0], row[2], row[4], row[8], row[9]) for row in table[1:]] == [
        (str(YEAR), "1", JINHUA, "87.60", "良好"),
        (str(YEAR), "2", HANGZHOU, "81.25", "良好"),
    ]
    english = csv_rows(
        client.get("/open-data/evaluation-results.csv", headers={"accept-language": "en"})
    )
    assert english[0][:3] == ["Year", "Category", "Rank"]
    assert {row[9] for row in english[1:]} == {"Good"}


def test_open_allocations_are_the_published_rows_only(province, client):  # noqa: F811
    """A draft revision beside the published allocation (a bigger pool) never shows."""
    published = dict(
        Allocation.objects.filter(status=AllocationStatus.PUBLISHED).values_list(
            "complex__name", "provincial_amount"
        )
    )
    rule_set(YEAR, pool=120 * M)
    funding_services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    assert Allocation.objects.filter(status=AllocationStatus.DRAFT).count() == 2
    table = csv_rows(client.get("/open-data/funding-allocations.csv"))
    amount = table[0].index("省级资金（元）")
    assert {row[2]: row[amount] for row in table[1:]} == {
        name: f"{value:.2f}" for name, value in published.items()
    }
    assert set(published) == {JINHUA, HANGZHOU}
    assert {row[0] for row in table[1:]} == {str(YEAR)}
