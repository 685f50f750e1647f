"""The Excel template and its import: a good file saves every value; a bad cell or a wrong
template saves nothing and says which cell is wrong."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from evaluation.excel import FIRST_ROW, VALUE
from evaluation.models import ReportValue
from tests import factories

from . import factories as evaluation

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def scene(yongkang_complex):
    evaluation.approved(yongkang_complex, YEAR - 1)
    report = evaluation.report(yongkang_complex, YEAR, values_={"st_projects": 3})
    return report, factories.operator_of(yongkang_complex)


def download(client, report):
    response = client.get(f"/evaluation/reports/{report.pk}/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(response.content))


def upload(client, report, book):
    content = BytesIO()
    book.save(content)
    file = SimpleUploadedFile("report.xlsx", content.getvalue())
    return client.post(f"/evaluation/reports/{report.pk}/upload/", {"file": file}, follow=True)


def rows_by_code(sheet):
    return {
        sheet.cell(row=row, column=1).value: row
        for row in range(FIRST_ROW, sheet.max_row + 1)
        if sheet.cell(row=row, column=1).value
    }


def saved_values(report):
    return dict(ReportValue.objects.filter(report=report).values_list("indicator__code", "value"))


def test_template_carries_last_years_values_units_and_current_values(client_as, scene):
    report, operator = scene
    sheet = download(client_as(operator), report)["report"]
    rows = rows_by_code(sheet)
    assert len(rows) == 17
    row = rows["cluster_rd_spend"]
    assert [sheet.cell(row=row, column=c).value for c in (2, 3, 4, 5)] == [
        "产业集群研发投入",
        "元",
        600_000_000,
        None,
    ]
    assert sheet.cell(row=rows["st_projects"], column=VALUE).value == 3


def test_good_file_imports_every_value(client_as, scene):
    report, operator = scene
    client = client_as(operator)
    book = download(client, report)
    sheet = book["report"]
    for code, row in rows_by_code(sheet).items():
        sheet.cell(row=row, column=VALUE, value=int(evaluation.TYPICAL_VALUES[code]))
    sheet.cell(row=rows_by_code(sheet)["problems_solved"], column=6, value="新平台投运")
    response = upload(client, report, book)
    assert "工作簿已导入。" in response.content.decode()
    assert saved_values(report) == {
        code: Decimal(value) for code, value in evaluation.TYPICAL_VALUES.items()
    }
    assert (
        ReportValue.objects.get(report=report, indicator__code="problems_solved").comment
        == "新平台投运"
    )
    report.refresh_from_db()
    assert report.version == 2


def test_bad_cells_are_named_and_nothing_is_saved(client_as, scene):
    report, operator = scene
    client = client_as(operator)
    book = download(client, report)
    sheet = book["report"]
    rows = rows_by_code(sheet)
    for code, row in rows.items():
        sheet.cell(row=row, column=VALUE, value=int(evaluation.TYPICAL_VALUES[code]))
    sheet.cell(row=rows["tech_smes"], column=VALUE, value="一百")
    sheet.cell(row=rows["key_technologies"], column=VALUE, value=-4)
    response = upload(client, report, book)
    page = response.content.decode()
    assert f"单元格E{rows['tech_smes']}（科技型中小企业数）：请输入数字。" in page
    assert f"单元格E{rows['key_technologies']}（攻克关键核心技术数）：数值不能为负。" in page
    assert saved_values(report) == {"st_projects": Decimal(3)}
    report.refresh_from_db()
    assert report.version == 1


def test_wrong_template_is_refused(client_as, scene, hangzhou_complex):
    report, operator = scene
    client = client_as(operator)
    stranger = Workbook()
    stranger.active["A1"] = "some other spreadsheet"
    assert "这不是本平台的年度报告模板。" in upload(client, report, stranger).content.decode()
    other = evaluation.report(hangzhou_complex, YEAR)
    foreign = download(client_as(factories.operator_of(hangzhou_complex)), other)
    client = client_as(operator)
    assert "该模板属于另一个综合体或年度" in upload(client, report, foreign).content.decode()
    not_excel = SimpleUploadedFile("report.xlsx", b"not a workbook")
    response = client.post(
        f"/evaluation/reports/{report.pk}/upload/", {"file": not_excel}, follow=True
    )
    assert "这不是 Excel 工作簿（.xlsx）。" in response.content.decode()
    assert saved_values(report) == {"st_projects": Decimal(3)}
