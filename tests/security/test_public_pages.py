"""The public pages show no person's contact: the complex page names its contact person, their
phone and e-mail, and who changed its status, only to its operator and the officials of its
region; the API's status history likewise."""

import pytest
from rest_framework.test import APIClient

from complexes.models import ComplexStatusChange
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("anonymous", False),
        ("enterprise", False),
        ("other_operator", False),
        ("other_county", False),
        ("operator", True),
        ("county", True),
        ("province", True),
    ],
)
def test_the_complex_page_shows_contacts_only_in_scope(client, who, shown):
    complex_ = factories.ComplexFactory(
        region=factories.region("330784"),
        contact_name="王建国",
        contact_phone="13905791234",
        contact_email="wang@example.org",
    )
    users = {
        "anonymous": lambda: None,
        "enterprise": lambda: factories.enterprise_user_of(factories.EnterpriseFactory()),
        "other_operator": lambda: factories.operator_of(factories.ComplexFactory()),
        "other_county": lambda: factories.regional_official("330782"),
        "operator": lambda: factories.operator_of(complex_),
        "county": lambda: factories.regional_official("330784"),
        "province": factories.provincial_official,
    }
    ComplexStatusChange.objects.create(
        complex=complex_,
        from_status="constructing",
        to_status="operating",
        reason="通过验收",
        changed_by=factories.provincial_official(username="zhang-official"),
    )
    user = users[who]()
    api = APIClient()
    if user is not None:
        client.force_login(user)
        api.force_login(user)
    html = client.get(f"/complexes/{complex_.code}/").content.decode()
    for person in ("王建国", "13905791234", "wang@example.org", "zhang-official"):
        assert (person in html) is shown, person
    (change,) = api.get(f"/api/v1/complexes/{complex_.pk}/").json()["status_history"]
    assert change["reason"] == "通过验收"
    assert change["changed_by"] == ("zhang-official" if shown else None)
    directory = client.get("/complexes/", {"q": complex_.name}).content.decode()
    assert complex_.name in directory and "13905791234" not in directory
