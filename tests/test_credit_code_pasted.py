"""Credit codes pasted with spaces, hyphens or in lower case are normalised before they are
checked, wherever a code is typed: registration (page and API), voucher issue (form and
sheet), institutions (form and API) and the enterprise filters."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from complexes.forms import InstitutionForm
from complexes.models import Institution
from portal import credit_code
from portal.forms import CreditCodeField
from services.forms import RegistrationForm, VoucherIssueForm
from services.models import Enterprise, Voucher
from tests import factories

CODE = "91350100M000100Y43"  # the worked example of GB 32100-2015
PASTED = {
    "groups separated by spaces": "9135 0100 M000 100Y 43",
    "lower case with hyphens": "913501-00m000-100y43",
    "full-width characters of a Chinese input method": "９１３５０１００Ｍ０００１００Ｙ４３",
    "an ideographic space and a tab": "913501\u300000M000100\tY43 ",
}


@pytest.mark.parametrize("pasted", PASTED.values(), ids=PASTED.keys())
def test_normalise_keeps_only_the_code(pasted):
    assert credit_code.normalise(pasted) == CODE


@pytest.mark.parametrize("pasted", PASTED.values(), ids=PASTED.keys())
def test_the_form_field_checks_the_normalised_code(pasted):
    assert CreditCodeField().clean(pasted) == CODE


def test_the_form_field_lets_a_spaced_code_be_pasted_whole():
    # The browser cuts what is pasted at the input's maxlength: 18 cut a spaced code short.
    attrs = CreditCodeField().widget_attrs(CreditCodeField().widget)
    assert int(attrs["maxlength"]) >= len(PASTED["groups separated by spaces"])


def test_a_short_code_is_told_its_own_length():
    field = RegistrationForm().fields["credit_code"]
    with pytest.raises(ValidationError) as refused:
        field.clean("9135 0100 M000 100Y 4")
    assert refused.value.error_list[0].code == "length"


@pytest.mark.django_db
def test_the_registration_page_accepts_a_pasted_code(client):
    response = client.post(
        "/services/register/",
        {
            "username": "hengda", "password": "Yongkang-Tools-2026",
            "password_again": "Yongkang-Tools-2026", "credit_code": PASTED["lower case with hyphens"],
            "name": "永康市恒达工具有限公司", "region": "330784", "size": "small",
            "contact_name": "王伟", "contact_phone": "13800000000", "email": "wang@hengda.example",
            "business_licence": SimpleUploadedFile("营业执照.pdf", b"%PDF-1.7\n%%EOF\n"),
        },
    )  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    assert Enterprise.objects.get().credit_code == CODE


@pytest.mark.django_db
def test_the_registration_api_accepts_a_pasted_code(api_client):
    response = api_client.post(
        "/api/v1/enterprises/",
        {"username": "hengda", "password": "Yongkang-Tools-2026",
         "credit_code": PASTED["groups separated by spaces"], "name": "永康市恒达工具有限公司",
         "region": "330784", "size": "small"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    assert response.json()["credit_code"] == CODE


@pytest.mark.django_db
def test_the_registration_api_names_the_length_of_the_normalised_code(api_client):
    response = api_client.post(
        "/api/v1/enterprises/",
        {"username": "hengda", "password": "Yongkang-Tools-2026",
         "credit_code": "9135 0100 M000 100Y 4", "name": "永康市恒达工具有限公司",
         "region": "330784", "size": "small"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["credit_code"] == ["统一社会信用代码应为18位，当前为17位。"]


@pytest.mark.django_db
def test_the_voucher_form_finds_the_enterprise_of_a_pasted_code():
    enterprise = factories.EnterpriseFactory(credit_code=CODE)
    form = VoucherIssueForm(
        {"credit_code": PASTED["groups separated by spaces"], "amount": "5000",
         "valid_from": "2027-01-01", "expires_on": "2027-12-31"}
    )  # fmt: skip
    assert form.is_valid(), form.errors
    assert form.enterprise == enterprise


@pytest.mark.django_db
def test_the_voucher_sheet_reads_a_pasted_code(api_as):
    enterprise = factories.EnterpriseFactory(credit_code=CODE)
    workbook = Workbook()
    workbook.active.append(["统一社会信用代码", "金额", "生效日期", "到期日期"])
    workbook.active.append(
        [PASTED["lower case with hyphens"], 20000, date(2027, 1, 1), date(2027, 12, 31)]
    )
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = "vouchers.xlsx"
    response = api_as(factories.provincial_official()).post(
        "/api/v1/vouchers/import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert Voucher.objects.get().enterprise == enterprise


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["api", "page"])
def test_the_enterprise_filters_find_a_pasted_code(api_as, client_as, who):
    enterprise = factories.EnterpriseFactory(credit_code=CODE, name="恒达工具")
    factories.EnterpriseFactory(name="另一家企业")
    province = factories.provincial_official()
    pasted = PASTED["groups separated by spaces"]
    if who == "api":
        rows = api_as(province).get("/api/v1/enterprises/", {"q": pasted}).json()["results"]
        assert [row["id"] for row in rows] == [enterprise.pk]
    else:
        page = client_as(province).get("/services/enterprises/", {"q": pasted})
        assert list(page.context["page"].object_list) == [enterprise]


def spaced(code: str) -> str:
    """A code as printed on a licence, in groups of four, in lower case."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4)).lower()


@pytest.mark.django_db
def test_an_institution_keeps_the_normalised_code(api_as, yongkang_complex):
    form = InstitutionForm(
        {
            "name": "永康五金检测中心",
            "type": "testing",
            "credit_code": PASTED["lower case with hyphens"],
            "joined_year": 2024,
        },
        instance=Institution(complex=yongkang_complex),
    )
    assert form.is_valid(), form.errors
    assert form.save().credit_code == CODE
    other_code = factories.valid_credit_code(12345678)
    response = api_as(factories.operator_of(yongkang_complex)).post(
        "/api/v1/institutions/",
        {"complex": yongkang_complex.pk, "name": "永康五金研究院", "type": "testing",
         "credit_code": spaced(other_code)},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    assert response.json()["credit_code"] == other_code
