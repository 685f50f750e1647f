"""Excel exports of the tables and the PDF reports: they open, hold the page's rows in Chinese,
obey scope and filters, and read a fixed number of queries whatever the number of rows."""

import html
import subprocess
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
import xlsxwriter
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from dashboard.figures import figures_refresh
from evaluation.models import Grade, ReportStatus
from funding import services as funding_services
from portal import exports
from portal.exports import MONEY, Column, TableExport
from services.models import VoucherSettlement
from tests import factories
from tests.evaluation import factories as evaluation_factories
from tests.funding.factories import M, approved_report, evaluated, rule_set
from tests.services.factories import OfferingFactory, ServiceRequestFactory, VoucherFactory

pytestmark = pytest.mark.django_db

YEAR = 2025
JINHUA, HANGZHOU = "永康五金产业创新服务综合体", "余杭家纺产业创新服务综合体"
JINHUA_ENTERPRISE, HANGZHOU_ENTERPRISE = "永康市金工五金制品有限公司", "杭州余杭锦纺织有限公司"
BREAKDOWN = [
    {
        "indicator": "services_to_enterprises",
        "value": "6400",
        "normalized": "0.8000",
        "weight": "20",
        "points": "17.6000",
    },
    {
        "indicator": "high_tech_enterprises",
        "value": "48",
        "normalized": "1.0000",
        "weight": "10",
        "points": "10.0000",
    },
]


def side(complex_, enterprise_name: str, region_code: str, *, score: str, rank: int):
    evaluation = evaluated(complex_, YEAR, score, Grade.GOOD, rank=rank)
    evaluation.breakdown = BREAKDOWN
    evaluation.save(update_fields=["breakdown"])
    approved_report(complex_, YEAR, local=80 * M, host=160 * M)
    evaluation_factories.report(complex_, YEAR + 1, ReportStatus.SUBMITTED)
    enterprise = factories.EnterpriseFactory(
        name=enterprise_name, region=factories.region(region_code)
    )
    ServiceRequestFactory(
        offering=OfferingFactory(complex=complex_),
        enterprise=enterprise,
        voucher=VoucherFactory(enterprise=enterprise),
        voucher_amount=Decimal("1500.00"),
    )
    VoucherSettlement.objects.create(
        complex=complex_, month=f"{YEAR}-06-01", amount=Decimal("1234.50")
    )


@pytest.fixture
def province(yongkang_complex, hangzhou_complex):
    """Yongkang (Jinhua) and Yuhang (Hangzhou), each with a result, funding, a report, an
    enterprise with a voucher and a service request, and a settlement."""
    side(yongkang_complex, JINHUA_ENTERPRISE, "330784", score="87.60", rank=1)
    side(hangzhou_complex, HANGZHOU_ENTERPRISE, "330110", score="81.25", rank=2)
    rule_set(YEAR, pool=80 * M)
    funding_services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    funding_services.allocations_publish(year=YEAR, actor=factories.provincial_official())
    return yongkang_complex, hangzhou_complex


def workbook_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))


def texts(rows) -> set[str]:
    return {str(value) for row in rows for value in row if value is not None}


# (url, first headers, the Jinhua side's text, the Hangzhou side's text)
TABLES = [
    (f"/evaluation/results/export.xlsx?year={YEAR}", ("年度", "类别", "排名"), JINHUA, HANGZHOU),
    (f"/evaluation/reports/export.xlsx?year={YEAR + 1}", ("年度", "编码"), JINHUA, HANGZHOU),
    (f"/funding/export.xlsx?year={YEAR}", ("编码", "综合体"), JINHUA, HANGZHOU),
    ("/services/requests/export.xlsx", ("编号", "提交时间"), JINHUA, HANGZHOU),
    (
        "/services/enterprises/export.xlsx",
        ("名称", "信用代码"),
        JINHUA_ENTERPRISE,
        HANGZHOU_ENTERPRISE,
    ),
    ("/services/vouchers/export.xlsx", ("编号", "企业"), JINHUA_ENTERPRISE, HANGZHOU_ENTERPRISE),
    ("/services/settlements/export.xlsx", ("月份", "编码"), JINHUA, HANGZHOU),
]


@pytest.mark.parametrize(("url", "headers", "ours", "theirs"), TABLES, ids=lambda v: str(v)[:30])
def test_a_jinhua_official_exports_jinhua_rows_only(
    province, client_as, url, headers, ours, theirs
):
    rows = workbook_rows(client_as(factories.regional_official("330700")).get(url))
    assert rows[0][: len(headers)] == headers
    assert ours in texts(rows)
    assert theirs not in texts(rows)
    assert len(rows) == 2


@pytest.mark.parametrize(("url", "headers", "ours", "theirs"), TABLES, ids=lambda v: str(v)[:30])
def test_the_province_exports_both_cities(province, client_as, url, headers, ours, theirs):
    rows = workbook_rows(client_as(factories.provincial_official()).get(url))
    assert {ours, theirs} <= texts(rows)
    assert len(rows) == 3


def test_ranking_export_has_the_rows_of_the_page(province, client_as):
    rows = workbook_rows(
        client_as(factories.provincial_official()).get(
            f"/evaluation/results/export.xlsx?year={YEAR}"
        )
    )
    assert rows[0] == (
        "年度", "类别", "排名", "编码", "综合体", "设区市", "县（市、区）", "级别", "得分",
        "等次", "状态",
    )  # fmt: skip
    assert [row[2:] for row in rows[1:]] == [
        (1, province[0].code, JINHUA, "金华市", "永康市", "省级", 87.6, "良好", "已验收运营"),
        (2, province[1].code, HANGZHOU, "杭州市", "余杭区", "省级", 81.25, "良好", "已验收运营"),
    ]


def test_money_is_a_number_with_two_decimals(province, client_as):
    response = client_as(factories.provincial_official()).get(f"/funding/export.xlsx?year={YEAR}")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("省级资金（元）") + 1
    amounts = [sheet.cell(row=row, column=column) for row in (2, 3)]
    assert all(amount.number_format == MONEY for amount in amounts)
    assert sum(Decimal(str(amount.value)) for amount in amounts) == 80 * M


def test_exports_follow_the_page_filters(province, client_as):
    client = client_as(factories.provincial_official())
    rows = workbook_rows(client.get("/services/requests/export.xlsx?status=completed"))
    assert len(rows) == 1
    rows = workbook_rows(client.get(f"/evaluation/reports/export.xlsx?region=330100&year={YEAR}"))
    assert [row[2] for row in rows[1:]] == [HANGZHOU]


def test_the_directory_export_is_as_public_as_the_directory(province, client):
    rows = workbook_rows(client.get("/complexes/export.xlsx?region=330700"))
    assert [row[1] for row in rows[1:]] == [JINHUA]


def test_the_file_is_named_in_the_language_of_the_request(province, client_as):
    client = client_as(factories.provincial_official())
    chinese = client.get(f"/evaluation/results/export.xlsx?year={YEAR}")
    # 评价结果-2025.xlsx
    assert chinese["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E8%AF%84%E4%BB%B7%E7%BB%93%E6%9E%9C-2025.xlsx"
    )
    english = client.get(
        f"/evaluation/results/export.xlsx?year={YEAR}", headers={"accept-language": "en"}
    )
    assert english["Content-Disposition"] == 'attachment; filename="Evaluation results-2025.xlsx"'
    assert workbook_rows(english)[0][:3] == ("Year", "Category", "Rank")


def test_anonymous_and_unentitled_users_get_no_export(province, client, client_as):
    assert client.get("/services/requests/export.xlsx").status_code == 302
    operator = client_as(factories.operator_of(province[0]))
    assert operator.get("/services/enterprises/export.xlsx").status_code == 403
    assert operator.get("/evaluation/results/export.xlsx").status_code == 403


# Session, user, a count of the rows that stops at the inline limit, and the rows through one
# server-side cursor; the dashboard's tables (lists) need no count but read the region (for the
# rows and again for the file name), the default year when none is asked for (once, in the
# filter form) and their figures; the funding file's name says whether the year is published
# (its decision).
PINNED_EXPORT_QUERIES = {
    f"/evaluation/results/export.xlsx?year={YEAR}": 4,
    f"/evaluation/reports/export.xlsx?year={YEAR + 1}": 4,
    f"/funding/export.xlsx?year={YEAR}": 5,
    "/services/requests/export.xlsx": 4,
    "/services/enterprises/export.xlsx": 4,
    "/services/vouchers/export.xlsx": 4,
    "/services/settlements/export.xlsx": 4,
    "/complexes/export.xlsx": 4,
    f"/dashboard/warnings.xlsx?year={YEAR + 1}": 5,
    "/dashboard/regions.xlsx": 7,
}


def test_an_export_reads_the_same_number_of_queries_for_more_rows(province, client_as):
    client = client_as(factories.provincial_official())
    urls = [url for url, *_ in TABLES] + [
        "/complexes/export.xlsx",
        f"/dashboard/warnings.xlsx?year={YEAR + 1}",
        "/dashboard/regions.xlsx",
    ]

    def counts():
        measured = {}
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
                b"".join(response.streaming_content)
            measured[url] = len(queries)
        return measured

    few = counts()
    for _ in range(6):
        for complex_ in province:
            side(
                factories.ComplexFactory(region=complex_.region),
                "又一家企业有限公司",
                complex_.region.code,
                score="70.00",
                rank=3,
            )
    assert counts() == few
    assert few == PINNED_EXPORT_QUERIES


def test_the_command_saves_the_same_download(province, tmp_path):
    factories.provincial_official(username="province")
    target = tmp_path / "requests.xlsx"
    call_command(
        "export_download",
        "/services/requests/export.xlsx?status=submitted",
        user="province",
        output=str(target),
        stdout=StringIO(),
    )
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert len(rows) == 3 and {JINHUA, HANGZHOU} <= texts(rows)


# PDF reports ------------------------------------------------------------------------------------


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=response.content,
        capture_output=True,
        check=True,
    ).stdout.decode()


def test_complex_report_pdf_holds_its_chinese_name_and_figures(province, client_as):
    response = client_as(factories.provincial_official()).get(
        f"/evaluation/results/{province[0].code}/report.pdf?year={YEAR}"
    )
    text = pdf_text(response)
    for expected in (JINHUA, "2025", "87.60", "良好", "金华市", "服务成效", "17.60", "次", "是"):
        assert expected in text, expected
    assert "1/2" in text.replace(" ", "")  # rank 1 of the category's 2
    assert "40752146.88" in text  # the provincial amount
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_complex_report_pdf_obeys_scope(province, client, client_as):
    url = f"/evaluation/results/{province[1].code}/report.pdf"
    assert client.get(url).status_code == 302
    assert client_as(factories.regional_official("330700")).get(url).status_code == 404
    assert client_as(factories.operator_of(province[0])).get(url).status_code == 404
    own = client_as(factories.operator_of(province[1])).get(url)
    assert HANGZHOU in pdf_text(own)
    enterprise_user = factories.enterprise_user_of(factories.EnterpriseFactory())
    assert client_as(enterprise_user).get(url).status_code == 403


def test_summary_pdf_is_one_page_with_the_top_of_the_ranking(province, client_as):
    figures_refresh(year=YEAR)
    response = client_as(factories.provincial_official()).get(f"/dashboard/summary.pdf?year={YEAR}")
    text = pdf_text(response)
    assert text.count("\f") == 1  # pdftotext ends every page with a form feed
    for expected in ("浙江省", "2025", JINHUA, HANGZHOU, "87.60", "8,000.00万元"):
        assert expected in text, expected


def test_summary_pdf_of_a_city_official_stays_in_the_city(province, client, client_as):
    jinhua = client_as(factories.regional_official("330700"))
    text = pdf_text(jinhua.get(f"/dashboard/summary.pdf?year={YEAR}"))
    assert "金华市" in text and JINHUA in text and HANGZHOU not in text
    assert jinhua.get("/dashboard/summary.pdf?region=330100").status_code == 404
    client.logout()
    assert client.get("/dashboard/summary.pdf").status_code == 302


def test_summary_pdf_in_english(province, client_as):
    response = client_as(factories.provincial_official()).get(
        f"/dashboard/summary.pdf?year={YEAR}", headers={"accept-language": "en"}
    )
    text = pdf_text(response)
    assert "Zhejiang" in text and "Top of the ranking" in text


def test_the_dashboard_ranking_exports_the_year_and_region_it_shows(province, client_as):
    client = client_as(factories.regional_official("330700"))
    page = client.get(f"/dashboard/?year={YEAR}").content.decode()
    link = f"/evaluation/results/export.xlsx?year={YEAR}&amp;region=330700"
    assert link in page
    rows = workbook_rows(client.get(html.unescape(link)))
    assert [row[4] for row in rows[1:]] == [JINHUA]
    results_page = client.get(f"/evaluation/results/?year={YEAR}").content.decode()
    # One ranking table for both pages: the same header cells, each row linked its own way.
    for text in ('<th scope="col">排名</th>', JINHUA):
        assert text in page and text in results_page
    assert f"/complexes/{province[0].code}/" in page
    assert f"/evaluation/results/{province[0].code}/?year={YEAR}" in results_page


def test_a_table_longer_than_a_sheet_goes_on_in_another_sheet(monkeypatch, tmp_path):
    monkeypatch.setattr(exports, "SHEET_ROWS", 3)  # Excel's 1,048,576, made small
    table = TableExport(
        title="长表",
        columns=[Column("编号", lambda row: row[0]), Column("公式", lambda row: row[1])],
        rows=list,
    )
    target = tmp_path / "long.xlsx"
    with open(target, "wb") as handle:
        assert table.write([(n, f"=A{n}+1") for n in range(1, 6)], handle) == 5
    book = load_workbook(target)
    assert book.sheetnames == ["长表", "长表 (2)", "长表 (3)"]
    assert [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets] == [
        [("编号", "公式"), (1, "=A1+1"), (2, "=A2+1")],
        [("编号", "公式"), (3, "=A3+1"), (4, "=A4+1")],
        [("编号", "公式"), (5, "=A5+1")],
    ]
    # Text that looks like a formula stays text.
    assert book.worksheets[0]["B2"].data_type == "s"


def test_cells_read_back_as_written_whatever_they_hold(tmp_path):
    """The rows are written as SpreadsheetML text apart from XlsxWriter (portal.sheet_rows):
    markup, control characters, Excel's own escapes, edge spaces, over-long text, numbers, yes/no,
    dates and gaps read back as the cells were given, in the columns' number formats."""
    long_text = "检" * 40_000
    given = [
        ('a & b <c> "d"', Decimal("1234.50"), datetime(2025, 3, 1, 8, 30), True, "甲"),
        ("bell\x07 and tab\tend", 7, date(2025, 12, 31), False, None),
        ("_x0041_ stays literal", 2.5, None, None, "  edge spaces  "),
        (long_text, None, None, None, "乙"),
    ]
    table = TableExport(
        title="单元格",
        columns=[
            Column("文字", lambda row: row[0]),
            Column("金额", lambda row: row[1], number_format=MONEY),
            Column("时间", lambda row: row[2], number_format=exports.DATE_TIME),
            Column("是否", lambda row: row[3]),
            Column("备注", lambda row: row[4]),
        ],
        rows=list,
    )
    target = tmp_path / "cells.xlsx"
    with open(target, "wb") as handle:
        assert table.write(given, handle) == 4
    # The sheet's stated extent, which readers that stream a sheet trust.
    assert load_workbook(target, read_only=True).active.calculate_dimension() == "A1:E5"
    sheet = load_workbook(target).active
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == ["文字", "金额", "时间", "是否", "备注"]
    # Text is stored as XlsxWriter stores inline text through its API (a control character and a
    # literal "_xHHHH_" as Excel's escapes, which Excel shows as given and openpyxl does not undo).
    reference_file = tmp_path / "reference.xlsx"
    reference = xlsxwriter.Workbook(str(reference_file), {"constant_memory": True})
    reference_sheet = reference.add_worksheet()
    for line, (text, *_rest) in enumerate(given):
        reference_sheet.write_string(line, 0, text)
    reference.close()
    expected = load_workbook(reference_file).active
    assert [sheet.cell(line + 2, 1).value for line in range(4)] == [
        expected.cell(line + 1, 1).value for line in range(4)
    ]
    assert sheet["A2"].value == 'a & b <c> "d"'
    assert sheet["A5"].value == "检" * 32_767  # Excel's limit for a cell's text
    assert sheet["E4"].value == "  edge spaces  "
    assert (sheet["B2"].value, sheet["B2"].number_format) == (Decimal("1234.5"), MONEY)
    assert (sheet["B3"].value, sheet["B4"].value, sheet["B5"].value) == (7, 2.5, None)
    assert sheet["C2"].value == datetime(2025, 3, 1, 8, 30)
    assert sheet["C2"].number_format == exports.DATE_TIME
    assert sheet["C3"].value == datetime(2025, 12, 31)
    assert (sheet["D2"].value, sheet["D3"].value, sheet["E3"].value) == (True, False, None)
    assert sheet["A2"].font.b is False and sheet["A1"].font.b is True


def test_an_empty_table_is_a_sheet_with_its_header(tmp_path):
    table = TableExport(title="空表", columns=[Column("编号", lambda row: row)], rows=list)
    target = tmp_path / "empty.xlsx"
    with open(target, "wb") as handle:
        assert table.write([], handle) == 0
    assert list(load_workbook(target).active.iter_rows(values_only=True)) == [("编号",)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_table_the_database_formats_holds_what_the_accessors_give(province, tmp_path, language):
    """A queryset whose columns all say how the database computes them is written from those
    expressions (labels, region names, wall-clock moments as Excel serials); the same rows
    through the columns' accessors make the same workbook."""
    from django.utils import timezone, translation

    from services.exports import SERVICE_REQUESTS

    now = timezone.now()
    ServiceRequestFactory(status="completed", rating=Decimal("4.50"), completed_at=now, due_at=now)
    user = factories.provincial_official()
    with translation.override(language):
        rows = SERVICE_REQUESTS.rows(user=user, filters={})
        books = []
        for name, given in (("database", rows), ("accessors", list(rows))):
            with open(tmp_path / f"{name}.xlsx", "wb") as handle:
                assert SERVICE_REQUESTS.write(given, handle) == rows.count()
            books.append(
                list(load_workbook(tmp_path / f"{name}.xlsx").active.iter_rows(values_only=True))
            )

    def to_the_minute(table):
        return [
            [value.replace(second=0, microsecond=0) if hasattr(value, "second") else value
             for value in row]
            for row in table
        ]  # fmt: skip

    database, accessors = books
    assert to_the_minute(database) == to_the_minute(accessors)
    assert any(hasattr(value, "second") for value in database[1])  # moments are dates in Excel
