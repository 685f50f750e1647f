"""Reads take the user and validated filters, never a request: every selector's signature, the
tables' rows functions, the 400 answer to a filter value a list refuses, and export jobs that
hold exactly the rows the page shows their owner under the same filters."""

import importlib
import inspect
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.urls import get_resolver
from openpyxl import load_workbook

from portal import export_jobs
from portal.exports import TableExport
from portal.models import Job, JobStatus
from tests import factories
from tests.test_exports import HANGZHOU, JINHUA, YEAR, side

ROOT = Path(settings.BASE_DIR)
SELECTOR_MODULES = sorted(
    f"{path.parent.name}.selectors"
    for path in ROOT.glob("*/selectors.py")
    if not path.parent.name.startswith(".")
)


def takes_a_request(function) -> bool:
    """Whether a read function takes a parameter named ``request`` or one annotated as an
    HttpRequest (the annotation as a class or, postponed, as text)."""
    for parameter in inspect.signature(function).parameters.values():
        annotation = parameter.annotation
        if parameter.name == "request" or annotation is HttpRequest:
            return True
        if isinstance(annotation, str) and "HttpRequest" in annotation:
            return True
    return False


def read_functions(module_name: str):
    module = importlib.import_module(module_name)
    return [
        (name, member)
        for name, member in inspect.getmembers(module, inspect.isfunction)
        if member.__module__ == module.__name__
    ]


def table_exports() -> dict[str, TableExport]:
    """Every table behind a download link of the portal, by the link's name."""
    tables = {}

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif getattr(pattern.callback, "table_export", None) is not None:
                tables[f"{namespace}{pattern.name}"] = pattern.callback.table_export

    walk(get_resolver().url_patterns)
    return tables


def test_every_app_with_reads_is_inspected():
    assert {"complexes.selectors", "services.selectors", "evaluation.selectors"} <= set(
        SELECTOR_MODULES
    )
    assert {"funding.selectors", "dashboard.selectors"} <= set(SELECTOR_MODULES)


def test_the_check_recognises_a_read_that_takes_a_request():
    def by_name(*, request, year): ...

    def by_annotation(incoming: HttpRequest): ...

    def by_postponed_annotation(incoming: "HttpRequest"): ...

    def by_user(*, user, filters): ...

    assert takes_a_request(by_name)
    assert takes_a_request(by_annotation)
    assert takes_a_request(by_postponed_annotation)
    assert not takes_a_request(by_user)


@pytest.mark.parametrize("module_name", SELECTOR_MODULES)
def test_no_selector_takes_a_request(module_name):
    offending = [
        name for name, function in read_functions(module_name) if takes_a_request(function)
    ]
    assert offending == []


def test_every_table_reads_its_rows_from_the_user_and_filters():
    """A table's rows come from a selector called with the user and validated filters (as the
    worker calls it), never from the request."""
    tables = table_exports()
    assert {
        "complexes:export",
        "services:requests_export",
        "services:enterprises_export",
        "services:vouchers_export",
        "services:settlements_export",
        "services:settlement_review_sheet",
        "evaluation:results_export",
        "evaluation:reports_export",
        "funding:export",
        "dashboard:regions_export",
        "dashboard:warnings_export",
    } == set(tables)
    for name, table in tables.items():
        for function in (table.rows, table.filter_form, table.label):
            assert not takes_a_request(function), (name, function)
        assert {"user", "filters"} <= set(inspect.signature(table.rows).parameters), name


# A filter value a list refuses ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/services/requests/?status=lost", "状态"),
        ("/services/requests/export.xlsx?status=lost", "状态"),
        ("/services/enterprises/?region=999999", "市 / 县"),
        ("/evaluation/results/?year=last", "年度"),
        ("/evaluation/reports/?category=none", "类别"),
        ("/funding/?year=last", "年度"),
        ("/funding/export.xlsx?grade=best", "等次"),
        ("/dashboard/?year=last", "年度"),
        ("/dashboard/regions.xlsx?measure=height", "指标"),
        ("/complexes/?level=top", "级别"),
        ("/services/?service_type=magic", "服务类型"),
    ],
)
def test_a_filter_value_the_list_refuses_answers_400_naming_the_field(client_as, url, field):
    response = client_as(factories.provincial_official()).get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "筛选条件无效" in page
    assert f"{field}:" in page


@pytest.mark.django_db
def test_the_400_page_speaks_english_too(client_as):
    response = client_as(factories.provincial_official()).get(
        "/services/requests/?status=lost", headers={"accept-language": "en"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "These filters are not valid" in page and "Status:" in page
    assert "Select a valid choice." in page


# Export jobs: the rows of the page --------------------------------------------------------


@pytest.fixture
def province(yongkang_complex, hangzhou_complex):
    """Three complexes in Jinhua (two in Yongkang, one in Wucheng) and one in Hangzhou, each
    with a result, funding, reports, an enterprise with a voucher and a request."""
    from funding import services as funding_services
    from tests.funding.factories import M, rule_set

    side(yongkang_complex, "永康市金工五金制品有限公司", "330784", score="87.60", rank=1)
    side(hangzhou_complex, "杭州余杭锦纺织有限公司", "330110", score="81.25", rank=2)
    for rank, code in ((3, "330784"), (4, "330702")):
        side(
            factories.ComplexFactory(region=factories.region(code)),
            f"金华第{rank}家企业有限公司",
            code,
            score=f"{80 - rank}.00",
            rank=rank,
        )
    rule_set(YEAR, pool=80 * M)
    funding_services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    funding_services.allocations_publish(year=YEAR, actor=factories.provincial_official())
    return yongkang_complex, hangzhou_complex


def _page_objects(response):
    return list(response.context["page"].object_list)


# (page, export link, what identifies a row on the page, the sheet's column holding it)
PAGES_AND_TABLES = [
    (
        "/services/requests/?status=submitted",
        "/services/requests/export.xlsx?status=submitted",
        lambda response: {request.pk for request in _page_objects(response)},
        0,
    ),
    (
        "/services/enterprises/?region=330784",
        "/services/enterprises/export.xlsx?region=330784",
        lambda response: {enterprise.name for enterprise in _page_objects(response)},
        0,
    ),
    (
        f"/evaluation/reports/?year={YEAR + 1}",
        f"/evaluation/reports/export.xlsx?year={YEAR + 1}",
        lambda response: {report.complex.code for report in _page_objects(response)},
        1,
    ),
    (
        f"/evaluation/results/?year={YEAR}&region=330784",
        f"/evaluation/results/export.xlsx?year={YEAR}&region=330784",
        lambda response: {
            evaluation.complex.code for _, rows in response.context["tables"] for evaluation in rows
        },
        3,
    ),
    (
        "/evaluation/results/",
        "/evaluation/results/export.xlsx",
        lambda response: {
            evaluation.complex.code for _, rows in response.context["tables"] for evaluation in rows
        },
        3,
    ),
    (
        f"/funding/?year={YEAR}&category=traditional",
        f"/funding/export.xlsx?year={YEAR}&category=traditional",
        lambda response: {allocation.complex.code for allocation in _page_objects(response)},
        0,
    ),
    (
        "/services/vouchers/",
        "/services/vouchers/export.xlsx",
        lambda response: {voucher.pk for voucher in _page_objects(response)},
        0,
    ),
    (
        "/services/settlements/",
        "/services/settlements/export.xlsx",
        lambda response: {settlement.complex.code for settlement in response.context["settled"]},
        1,
    ),
    (
        "/complexes/?region=330784",
        "/complexes/export.xlsx?region=330784",
        lambda response: {complex_.code for complex_ in _page_objects(response)},
        0,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page_url", "export_url", "shown", "column"),
    PAGES_AND_TABLES,
    # Named by the export link alone: xdist's workers must collect the same ids.
    ids=[export_url for _page, export_url, _shown, _column in PAGES_AND_TABLES],
)
def test_a_city_officials_export_job_holds_the_rows_the_page_shows(
    province,
    client_as,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
    page_url,
    export_url,
    shown,
    column,
):
    settings.MEDIA_ROOT, settings.EXPORT_INLINE_ROW_LIMIT = tmp_path, 0
    official = factories.regional_official("330700")
    client = client_as(official)
    page = client.get(page_url)
    assert page.status_code == 200
    on_the_page = shown(page)
    assert on_the_page  # the comparison means something

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(export_url).status_code == 302
    job = Job.objects.get()
    assert (job.owner, job.status) == (official, JobStatus.SUCCEEDED)
    sheet = load_workbook(BytesIO(default_storage.open(job.file.name).read())).active
    in_the_file = [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(in_the_file) == len(on_the_page) == job.rows
    assert set(in_the_file) == on_the_page


@pytest.mark.django_db
def test_a_job_stores_the_validated_filters_as_json(
    province, client_as, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Objects as their keys (a region as its code), numbers as text, the defaulted year of
    the results included: the worker validates them again with the page's form."""
    settings.MEDIA_ROOT, settings.EXPORT_INLINE_ROW_LIMIT = tmp_path, 0
    client = client_as(factories.regional_official("330700"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/evaluation/results/export.xlsx?region=330784&grade=&page=2")
    job = Job.objects.get()
    assert job.filters == {"year": str(YEAR), "region": "330784"}
    assert job.link == f"/evaluation/results/export.xlsx?year={YEAR}&region=330784"
    assert job.filename == f"评价结果-{YEAR}.xlsx"
    sheet = load_workbook(BytesIO(default_storage.open(job.file.name).read())).active
    names = {row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert JINHUA in names and HANGZHOU not in names


@pytest.mark.django_db
def test_a_job_whose_filters_no_longer_validate_fails_and_says_so(
    province, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    official = factories.regional_official("330700")
    with django_capture_on_commit_callbacks(execute=True):
        job = export_jobs.export_job_start(
            owner=official,
            export="services:enterprises_export",
            filters={"region": "339999"},
            title="企业",
            language="zh-hans",
        )
    job.refresh_from_db()
    assert (job.status, job.error, job.file.name) == (
        JobStatus.FAILED,
        str(export_jobs.FILTERS_NO_LONGER_VALID),
        "",
    )


# The API reads the same lists ---------------------------------------------------------------

# (page, API list, what identifies a row on the page, the same in the API's answer)
PAGES_AND_ENDPOINTS = [
    (
        "/services/requests/?status=submitted",
        "/api/v1/service-requests/?status=submitted",
        lambda response: {request.pk for request in _page_objects(response)},
        lambda row: row["id"],
    ),
    (
        "/services/enterprises/?region=330784",
        "/api/v1/enterprises/?region=330784",
        lambda response: {enterprise.credit_code for enterprise in _page_objects(response)},
        lambda row: row["credit_code"],
    ),
    (
        f"/evaluation/reports/?year={YEAR + 1}&region=330784",
        f"/api/v1/reports/?year={YEAR + 1}&region=330784",
        lambda response: {report.pk for report in _page_objects(response)},
        lambda row: row["id"],
    ),
    (
        f"/funding/?year={YEAR}&county=330784",
        f"/api/v1/allocations/?year={YEAR}&county=330784",
        lambda response: {allocation.pk for allocation in _page_objects(response)},
        lambda row: row["id"],
    ),
    (
        "/complexes/?region=330784&level=provincial",
        "/api/v1/complexes/?region=330784&level=provincial",
        lambda response: {complex_.code for complex_ in _page_objects(response)},
        lambda row: row["code"],
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page_url", "api_url", "shown", "key"),
    PAGES_AND_ENDPOINTS,
    ids=[api_url for _page, api_url, _shown, _key in PAGES_AND_ENDPOINTS],
)
def test_the_api_lists_what_the_page_shows_under_the_same_filters(
    province, client_as, api_as, page_url, api_url, shown, key
):
    official = factories.regional_official("330700")
    page = client_as(official).get(page_url)
    assert page.status_code == 200
    on_the_page = shown(page)
    assert on_the_page
    answer = api_as(official).get(api_url)
    assert answer.status_code == 200
    rows = answer.json()["results"]
    assert {key(row) for row in rows} == on_the_page
    assert len(rows) == len(on_the_page)


@pytest.mark.django_db
def test_the_api_refuses_a_filter_value_naming_the_field(api_as):
    answer = api_as(factories.provincial_official()).get("/api/v1/service-requests/?status=lost")
    assert answer.status_code == 400
    assert list(answer.json()) == ["status"]


@pytest.mark.django_db
def test_the_download_command_validates_the_links_filters(tmp_path):
    factories.provincial_official(username="province")
    with pytest.raises(CommandError, match="status"):
        call_command(
            "export_download",
            "/services/requests/export.xlsx?status=lost",
            user="province",
            output=str(tmp_path / "requests.xlsx"),
            stdout=StringIO(),
        )
    assert not (tmp_path / "requests.xlsx").exists()
