"""Issue 13, finding 8: input that used to be a 500 answers 400 with a message naming the field.

Numbers beyond what a column stores (``1e400``), Unicode digits (``²``), words where a number
belongs, a year of twenty digits, and JSON nested deeper than any body the portal reads.
"""

import io
import time
from datetime import date

import pytest
from openpyxl import Workbook

from evaluation.models import ReportValue
from portal.models import Job
from services.models import Voucher
from tests import factories
from tests.evaluation import factories as evaluation

from . import test_page_matrix as page_matrix
from .world import build_world

pytestmark = pytest.mark.django_db

YEAR = 2025
HUGE = "1e400"
DEEP_JSON = "[" * 50_000 + "]" * 50_000


@pytest.fixture
def report(yongkang_complex):
    evaluation.open_period(YEAR)
    return evaluation.report(yongkang_complex, YEAR)


@pytest.fixture
def scored(yongkang_complex):
    """A complex with a published-or-not evaluation, so its results pages have something."""
    evaluation.approved(yongkang_complex, YEAR)
    return yongkang_complex


# Report values: API, form and Excel share one parser --------------------------------------


@pytest.mark.parametrize("value", [HUGE, "-1e400", "1e17", "NaN", "Infinity"])
def test_a_report_value_beyond_its_column_is_refused_through_the_api(
    api_as, report, yongkang_complex, value
):
    response = api_as(factories.operator_of(yongkang_complex)).patch(
        f"/api/v1/reports/{report.pk}/",
        {"version": report.version, "values": {"cluster_rd_spend": value}},
        format="json",
    )
    assert response.status_code == 400
    assert "cluster_rd_spend" in response.json()
    assert not ReportValue.objects.filter(report=report).exists()


def test_the_message_says_how_many_digits_fit(api_as, report, yongkang_complex):
    response = api_as(factories.operator_of(yongkang_complex)).patch(
        f"/api/v1/reports/{report.pk}/",
        {"version": report.version, "values": {"st_projects": HUGE}},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["st_projects"] == [
        "Enter a number with at most 16 digits before the decimal point."
    ]


def test_a_report_value_beyond_its_column_is_refused_in_the_form(
    client_as, report, yongkang_complex
):
    response = client_as(factories.operator_of(yongkang_complex)).post(
        f"/evaluation/reports/{report.pk}/",
        {"version": report.version, "value_cluster_rd_spend": HUGE},
    )
    assert response.status_code == 200
    assert 'id="id_value_cluster_rd_spend_errors"' in response.content.decode()
    assert not ReportValue.objects.filter(report=report).exists()


def test_a_report_value_beyond_its_column_is_refused_in_the_workbook(
    client_as, report, yongkang_complex
):
    from io import BytesIO

    from openpyxl import load_workbook

    from evaluation.excel import FIRST_ROW, VALUE

    client = client_as(factories.operator_of(yongkang_complex))
    template = client.get(f"/evaluation/reports/{report.pk}/template.xlsx")
    book = load_workbook(BytesIO(template.content))
    book["report"].cell(row=FIRST_ROW, column=VALUE, value=HUGE)
    content = BytesIO()
    book.save(content)
    content.seek(0)
    content.name = "report.xlsx"
    page = client.post(
        f"/evaluation/reports/{report.pk}/upload/",
        {"file": content},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 200
    assert f"Cell E{FIRST_ROW}" in page.content.decode()
    assert "at most 16 digits before the decimal point" in page.content.decode()
    assert not ReportValue.objects.filter(report=report).exists()


# Query parameters and form fields read as numbers -----------------------------------------


@pytest.mark.parametrize("year", ["²", "abc", "99999999999999999999", "١٢"])
@pytest.mark.parametrize(
    "path",
    [
        "/evaluation/results/",
        "/evaluation/results/{code}/",
        "/evaluation/results/{code}/report.pdf",
    ],
)
def test_a_year_that_is_not_one_answers_400_on_the_results_pages(client_as, scored, path, year):
    response = client_as(factories.provincial_official()).get(
        path.format(code=scored.code), {"year": year}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    page = response.content.decode()
    # A parameter read alone names itself in its message; a list's filter form puts its label
    # before it.
    assert (
        "“year” must be a whole number from 2000 to 2100." in page
        or "Year: Enter a whole number from 2000 to 2100." in page
    )
    assert "<nav" in page  # the portal's layout, not a bare error


@pytest.mark.parametrize("year", ["²", "99999999999999999999", "1999"])
def test_a_recompute_year_out_of_range_starts_no_job(client_as, year):
    response = client_as(factories.provincial_official()).post(
        "/evaluation/jobs/recompute/", {"year": year}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "“year” must be a whole number" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize("number", ["abc", "²", "99999999999999999999"])
def test_a_version_number_that_is_not_one_answers_400(client_as, report, yongkang_complex, number):
    response = client_as(factories.operator_of(yongkang_complex)).get(
        f"/evaluation/reports/{report.pk}/versions/", {"number": number}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "“number” must be a whole number" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"complex": "abc", "month": "2026-01-01"}, "complex"),
        ({"complex": "²", "month": "2026-01-01"}, "complex"),
        ({"complex": "{pk}", "month": "01/2026"}, "month"),
        ({"complex": "{pk}", "month": "99999-01-01"}, "month"),
    ],
)
def test_the_settlement_form_refuses_what_is_not_a_complex_or_a_month(
    client_as, yongkang_complex, data, field
):
    data = {key: value.format(pk=yongkang_complex.pk) for key, value in data.items()}
    response = client_as(factories.provincial_official()).post(
        "/services/settlements/", data, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert f"“{field}” must be" in response.content.decode()


@pytest.mark.parametrize("path", ["/dashboard/", "/funding/"])
def test_the_dashboard_and_funding_pages_refuse_a_year_beyond_the_range(client_as, path):
    response = client_as(factories.provincial_official()).get(
        path, {"year": "99999999999999999999"}
    )
    assert response.status_code == 400


# Voucher import ---------------------------------------------------------------------------


def voucher_sheet(rows) -> io.BytesIO:
    workbook = Workbook()
    workbook.active.append(["统一社会信用代码", "金额", "生效日期", "到期日期"])
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "vouchers.xlsx"
    return buffer


@pytest.mark.parametrize("amount", [99999999999999, HUGE, "100.001"])
def test_a_voucher_amount_beyond_the_column_is_a_message_not_a_database_error(api_as, amount):
    enterprise = factories.EnterpriseFactory()
    response = api_as(factories.provincial_official()).post(
        "/api/v1/vouchers/import/",
        {
            "file": voucher_sheet(
                [[enterprise.credit_code, amount, date(2026, 1, 1), date(2026, 12, 31)]]
            )
        },
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    (message,) = response.json()["file"]
    assert message.startswith("Row 2, column B")
    assert not Voucher.objects.exists()


# JSON nested deeper than anything the portal reads ----------------------------------------


def test_deep_json_to_the_anonymous_token_endpoint_is_a_400(api_client):
    response = api_client.generic(
        "POST", "/api/v1/auth/token/", DEEP_JSON, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "请求正文的嵌套层级超过64层。"}


def test_deep_json_to_an_endpoint_is_a_400(api_as, report, yongkang_complex):
    nested = '{"version": 1, "values": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}"
    response = api_as(factories.operator_of(yongkang_complex)).generic(
        "PATCH", f"/api/v1/reports/{report.pk}/", nested, content_type="application/json"
    )
    assert response.status_code == 400


def test_json_as_deep_as_allowed_is_read(api_client):
    """64 levels are read (the login then fails on its fields, not on the body)."""
    body = '{"username": ' + "[" * 62 + "]" * 62 + "}"
    response = api_client.generic(
        "POST", "/api/v1/auth/token/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "username" in response.json()


def test_a_json_body_above_the_upload_limit_is_refused(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"username": "' + "x" * 2000 + '", "password": "p"}'
    response = api_client.generic(
        "POST", "/api/v1/auth/token/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "请求正文超过1000字节。"}


# Found by the hostile examples of tests/security/test_schema_fuzz.py ------------------------


def test_a_json_number_beyond_a_float_is_a_400(api_as, yongkang_complex):
    """1e400 is valid JSON and was read as infinity: echoed back by the strict renderer, or
    stored, it was a 500."""
    response = api_as(factories.operator_of(yongkang_complex)).generic(
        "POST",
        "/api/v1/institutions/",
        '{"complex": 1e400, "name": 1e400, "type": 1e400, "credit_code": 1e400}',
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "A number in the request body is too large: 1e400."}


def test_an_over_long_username_is_a_400_not_a_database_error(api_client):
    """django-axes records a failed login's username in a column of the username's length."""
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "长" * 300, "password": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "username" in response.json()


# Every page, every parameter it might read -------------------------------------------------

# The names pages read from the query string or a form (a superset: unread names are ignored).
PAGE_PARAMETERS = (
    "year",
    "number",
    "page",
    "page_size",
    "complex",
    "month",
    "region",
    "category",
    "status",
    "grade",
    "level",
    "measure",
    "revision",
    "q",
    "service_type",
    "voucher_eligible",
    "mountain_26",
    "pool",
    "floor",
    "cap",
    "amount",
    "version",
    "rating",
    "deadline",
)
HOSTILE_PARAMETER_VALUES = ("²", "99999999999999999999", "1e400")


@pytest.mark.parametrize("operation", page_matrix.operations(), ids=" ".join)
def test_hostile_parameters_on_every_page_get_no_server_error(operation):
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    method, name = operation
    users, side_a, _side_b = build_world()
    arguments = page_matrix.ARGUMENTS.get(name)
    url = reverse(name, kwargs=arguments(side_a) if arguments else None)
    server_errors = []
    for role in ("province", "operator", "enterprise"):
        client = Client(raise_request_exception=False)
        client.force_login(users[role])
        for value in HOSTILE_PARAMETER_VALUES:
            with transaction.atomic():
                response = getattr(client, method.lower())(
                    url, dict.fromkeys(PAGE_PARAMETERS, value)
                )
                transaction.set_rollback(True)
            if response.status_code >= 500:
                server_errors.append((role, value, response.status_code))
    assert server_errors == []


def test_the_400_page_speaks_the_portals_default_language(client_as, report, yongkang_complex):
    response = client_as(factories.operator_of(yongkang_complex)).get(
        f"/evaluation/reports/{report.pk}/versions/", {"number": "²"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "请求有误" in page
    assert "“number”须为1至2147483647之间的整数。" in page


@pytest.mark.parametrize(
    "body",
    ['["' + '\\"' * 100_000, '"\\"' * 100_000, "[]," * 100_000],
    ids=["open-string-of-escapes", "many-strings", "many-brackets"],
)
def test_the_nesting_scan_reads_each_character_once(body):
    """Bodies shaped to make a backtracking pattern quadratic (minutes at this size) are
    scanned in a fraction of a second."""
    from portal.api.parsers import MAX_DEPTH, nesting_depth_exceeds

    started = time.monotonic()
    assert nesting_depth_exceeds(body, MAX_DEPTH) is False
    assert time.monotonic() - started < 2
