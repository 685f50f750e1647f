"""Profiles: a person edits their own details and preferences; an enterprise's user edits the
enterprise's profile, on its page and through the API, and nobody else's."""

import pytest
from django.conf import settings
from django.urls import reverse

from services.models import Enterprise, EnterpriseEvent, EnterpriseSize

from . import factories

pytestmark = pytest.mark.django_db

PROFILE_URL = "/accounts/profile/"
EDIT_URL = "/services/my-enterprise/edit/"
CERTIFICATE = "GR202333001234"


def profile_form(**changes) -> dict:
    form = {
        "first_name": "伟",
        "last_name": "张",
        "email": "zhang.wei@example.org",
        "phone": "0579-87071234",
        "language": "en",
        "notify_by_email": "on",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


class TestOwnProfile:
    def test_a_person_edits_their_details_and_preferences(self, client_as):
        user = factories.provincial_official()
        client = client_as(user)
        response = client.post(PROFILE_URL, profile_form(notify_by_email=None))
        assert response["Location"] == reverse("accounts:profile")
        user.refresh_from_db()
        assert (user.first_name, user.last_name, user.email, user.phone) == (
            "伟",
            "张",
            "zhang.wei@example.org",
            "0579-87071234",
        )
        assert (user.language, user.notify_by_email) == ("en", False)

    def test_saving_a_language_switches_the_portal_to_it(self, client_as):
        client = client_as(factories.provincial_official())
        response = client.post(PROFILE_URL, profile_form(language="en"))
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        page = client.get(response["Location"]).content.decode()
        assert "Your profile has been saved." in page
        assert '<html lang="en">' in page

    def test_signing_in_switches_to_the_saved_language(self, client):
        user = factories.provincial_official(language="en")
        response = client.post(
            reverse("accounts:login"),
            {"username": user.username, "password": factories.PASSWORD},
        )
        assert response.status_code == 302
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        assert '<html lang="en">' in client.get("/").content.decode()

    def test_without_a_saved_language_signing_in_keeps_the_browsers(self, client):
        user = factories.provincial_official()
        response = client.post(
            reverse("accounts:login"),
            {"username": user.username, "password": factories.PASSWORD},
        )
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies

    def test_bad_input_is_named_in_the_persons_language(self, client_as):
        user = factories.provincial_official(email="old@example.org")
        client = client_as(user)
        page = client.post(PROFILE_URL, profile_form(email="not-an-address", language="xx"))
        assert page.status_code == 200
        errors = page.context["form"].errors
        assert set(errors) == {"email", "language"}
        assert "请输入合法的邮件地址" in errors["email"][0]
        user.refresh_from_db()
        assert user.email == "old@example.org"

    def test_the_page_needs_a_login(self, client):
        assert client.get(PROFILE_URL)["Location"].startswith(reverse("accounts:login"))


def enterprise_form(**changes) -> dict:
    form = {
        "name": "永康市新名称五金有限公司",
        "size": EnterpriseSize.MEDIUM,
        "address": "浙江省永康市五金城路 1 号",
        "contact_name": "李娜",
        "contact_phone": "0579-87070000",
        "contact_email": "li.na@example.org",
        "high_tech": "on",
        "high_tech_certificate": CERTIFICATE,
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


class TestEnterprisePage:
    def test_the_enterprise_edits_its_profile_and_the_edit_is_audited(self, client_as):
        enterprise = factories.EnterpriseFactory()
        user = factories.enterprise_user_of(enterprise)
        code = enterprise.credit_code
        client = client_as(user)
        assert (
            reverse("services:my_enterprise_edit")
            in client.get(reverse("services:my_enterprise")).content.decode()
        )
        response = client.post(EDIT_URL, enterprise_form(credit_code="91330784MA00000000"))
        assert response["Location"] == reverse("services:my_enterprise")
        enterprise.refresh_from_db()
        assert (enterprise.name, enterprise.size, enterprise.address) == (
            "永康市新名称五金有限公司",
            "medium",
            "浙江省永康市五金城路 1 号",
        )
        assert (enterprise.high_tech, enterprise.high_tech_certificate) == (True, CERTIFICATE)
        assert enterprise.contact_email == "li.na@example.org"
        assert enterprise.credit_code == code
        event = EnterpriseEvent.objects.get(pgh_obj=enterprise, pgh_label="update")
        assert (event.high_tech_certificate, event.size) == (CERTIFICATE, "medium")
        assert event.pgh_context.metadata["user"] == user.pk
        page = client.get(reverse("services:my_enterprise")).content.decode()
        assert CERTIFICATE in page and "浙江省永康市五金城路 1 号" in page

    def test_a_high_tech_enterprise_needs_a_valid_certificate_number(self, client_as):
        enterprise = factories.EnterpriseFactory()
        client = client_as(factories.enterprise_user_of(enterprise))
        missing = client.post(EDIT_URL, enterprise_form(high_tech_certificate=""))
        assert missing.status_code == 200
        assert list(missing.context["form"].errors) == ["high_tech_certificate"]
        wrong = client.post(
            EDIT_URL, enterprise_form(high_tech_certificate="AB12"), HTTP_ACCEPT_LANGUAGE="en"
        )
        assert "Enter the certificate number as printed" in wrong.content.decode()
        enterprise.refresh_from_db()
        assert not enterprise.high_tech and enterprise.address == ""

    def test_a_certificate_is_kept_only_with_the_high_tech_status(self, client_as):
        enterprise = factories.EnterpriseFactory(high_tech=True, high_tech_certificate=CERTIFICATE)
        client = client_as(factories.enterprise_user_of(enterprise))
        client.post(EDIT_URL, enterprise_form(high_tech=None))
        enterprise.refresh_from_db()
        assert (enterprise.high_tech, enterprise.high_tech_certificate) == (False, "")

    def test_other_roles_cannot_open_the_page(self, client_as, yongkang_complex):
        assert client_as(factories.operator_of(yongkang_complex)).get(EDIT_URL).status_code == 403


class TestEnterpriseApi:
    def url(self, enterprise) -> str:
        return f"/api/v1/enterprises/{enterprise.pk}/"

    def test_the_enterprise_patches_its_profile_but_not_its_credit_code(self, api_as):
        enterprise = factories.EnterpriseFactory()
        user = factories.enterprise_user_of(enterprise)
        code = enterprise.credit_code
        response = api_as(user).patch(
            self.url(enterprise),
            {
                "address": "永康市总部中心 8 楼",
                "high_tech": True,
                "high_tech_certificate": "gr202333001234",
                "credit_code": "91330784MA00000000",
            },
            format="json",
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["address"], body["high_tech"], body["high_tech_certificate"]) == (
            "永康市总部中心 8 楼",
            True,
            CERTIFICATE,
        )
        assert body["credit_code"] == code
        enterprise.refresh_from_db()
        assert enterprise.credit_code == code and enterprise.address == "永康市总部中心 8 楼"
        event = EnterpriseEvent.objects.get(pgh_obj=enterprise, pgh_label="update")
        assert event.pgh_context.metadata["user"] == user.pk

    def test_a_missing_certificate_is_a_400_naming_the_field(self, api_as):
        enterprise = factories.EnterpriseFactory()
        client = api_as(factories.enterprise_user_of(enterprise))
        response = client.patch(self.url(enterprise), {"high_tech": True}, format="json")
        assert response.status_code == 400
        assert list(response.json()) == ["high_tech_certificate"]
        wrong = client.patch(
            self.url(enterprise),
            {"high_tech": True, "high_tech_certificate": "GR1999"},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert wrong.status_code == 400
        assert "certificate number as printed" in wrong.json()["high_tech_certificate"][0]
        assert not Enterprise.objects.get(pk=enterprise.pk).high_tech

    def test_another_enterprise_answers_404(self, api_as):
        mine, theirs = factories.EnterpriseFactory(), factories.EnterpriseFactory()
        client = api_as(factories.enterprise_user_of(mine))
        response = client.patch(self.url(theirs), {"name": "抢注"}, format="json")
        assert response.status_code == 404
        assert Enterprise.objects.get(pk=theirs.pk).name != "抢注"

    def test_officials_do_not_edit_an_enterprises_profile(self, api_as):
        enterprise = factories.EnterpriseFactory()
        official = factories.regional_official("330784")
        response = api_as(official).patch(self.url(enterprise), {"name": "改"}, format="json")
        assert response.status_code == 403

    def test_put_is_not_offered(self, api_as):
        enterprise = factories.EnterpriseFactory()
        client = api_as(factories.enterprise_user_of(enterprise))
        assert client.put(self.url(enterprise), {"name": "x"}, format="json").status_code == 405
