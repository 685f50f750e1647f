"""Error pages under production settings: in the portal's layout and the person's language, with
a way back; under /api/ the same errors answer JSON.

This module is also the URLconf of its tests: the portal's routes plus views that fail on
purpose, with the portal's error handlers.
"""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse

from config import urls as portal_urls

from . import factories


def _fail(request):
    raise RuntimeError("a bug")


def _deny(request):
    raise PermissionDenied


urlpatterns = [
    path("broken/", _fail),
    path("api/v1/broken/", _fail),
    path("api/v1/denied/", _deny),
    *portal_urls.urlpatterns,
]
handler400 = portal_urls.handler400
handler403 = portal_urls.handler403
handler404 = portal_urls.handler404
handler500 = portal_urls.handler500

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls(__name__),
    pytest.mark.usefixtures("production"),
]

LAYOUT = 'id="main-nav"'
HOME_LINK = 'class="btn btn-outline-primary" href="/"'
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def production():
    with override_settings(DEBUG=False):
        yield


def english_by_cookie() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page(response, status: int) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert LAYOUT in html and f'data-error-status="{status}"' in html and HOME_LINK in html
    return html


def json_detail(response, status: int) -> str:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    return response.json()["detail"]


class TestNotFound:
    def test_a_page_in_both_languages(self, client):
        assert "页面不存在" in page(client.get("/no-such-page/"), 404)
        assert "Page not found" in page(client.get("/no-such-page/", **ENGLISH), 404)
        assert "Page not found" in page(english_by_cookie().get("/no-such-page/"), 404)

    def test_an_object_outside_the_scope_is_a_404_page(self, client_as):
        operator = factories.operator_of(factories.ComplexFactory())
        other = factories.ComplexFactory()
        response = client_as(operator).get(reverse("complexes:edit", args=[other.code]))
        assert "页面不存在" in page(response, 404)

    def test_the_api_answers_json(self, client):
        assert json_detail(client.get("/api/v1/no-such-thing/"), 404) == "未找到。"
        assert json_detail(client.get("/api/v1/no-such-thing/", **ENGLISH), 404) == "Not found."


class TestWayBack:
    def test_the_previous_page_of_this_portal_is_offered(self, client):
        html = page(client.get("/no-such-page/", HTTP_REFERER="http://testserver/complexes/"), 404)
        assert 'href="http://testserver/complexes/"' in html
        assert "返回上一页" in html

    def test_a_page_elsewhere_is_not(self, client):
        html = page(client.get("/no-such-page/", HTTP_REFERER="https://evil.example.com/"), 404)
        assert "evil.example.com" not in html and "返回上一页" not in html


class TestPermissionDenied:
    def test_a_page_in_both_languages(self, client_as, yongkang_complex):
        client = client_as(factories.operator_of(yongkang_complex))
        url = reverse("services:my_enterprise")
        assert "无权访问" in page(client.get(url), 403)
        assert "Access denied" in page(client.get(url, **ENGLISH), 403)

    def test_the_api_answers_json(self, client, api_as):
        assert json_detail(client.get("/api/v1/denied/", **ENGLISH), 403) == (
            "You do not have permission to perform this action."
        )
        assert json_detail(client.get("/api/v1/denied/"), 403) == "您没有执行该操作的权限。"
        official = factories.regional_official("330784")
        enterprise = factories.EnterpriseFactory()
        refused = api_as(official).patch(
            f"/api/v1/enterprises/{enterprise.pk}/", {"name": "x"}, format="json"
        )
        assert refused.status_code == 403 and refused.json()["detail"] == "您没有执行该操作的权限。"


class TestServerError:
    def test_a_page_in_both_languages_that_reads_no_database(self):
        client = Client(raise_request_exception=False)
        with CaptureQueriesContext(connection) as queries:
            chinese = client.get("/broken/")
        assert len(queries) == 0
        assert "服务器错误" in page(chinese, 500)
        assert "Server error" in page(client.get("/broken/", **ENGLISH), 500)

    def test_the_api_answers_json(self):
        client = Client(raise_request_exception=False)
        assert "Something went wrong" in json_detail(client.get("/api/v1/broken/", **ENGLISH), 500)


class TestBadRequest:
    def test_a_forged_host_gets_a_page_in_both_languages(self, client):
        assert "无法理解" in page(client.get("/", HTTP_HOST="evil.example.com"), 400)
        english = client.get("/", HTTP_HOST="evil.example.com", **ENGLISH)
        assert "Bad request" in page(english, 400)

    def test_a_parameter_the_portal_cannot_read_is_named_on_the_page(self, client_as):
        complex_ = factories.ComplexFactory()
        client = client_as(factories.provincial_official())
        url = reverse("evaluation:score", args=[complex_.code])
        html = page(client.get(url, {"year": "abc"}, **ENGLISH), 400)
        assert "Bad request" in html and "“year” must be a whole number" in html
        assert "请求有误" in page(client.get(url, {"year": "abc"}), 400)

    def test_the_api_answers_json(self, client):
        response = client.get("/api/v1/complexes/", HTTP_HOST="evil.example.com", **ENGLISH)
        assert json_detail(response, 400) == "The request could not be understood."


class TestCsrfFailure:
    def test_a_form_without_its_token_gets_a_page_in_both_languages(self):
        client = Client(enforce_csrf_checks=True)
        login = reverse("accounts:login")
        chinese = client.post(login, {"username": "x", "password": "y"})
        assert "表单已过期" in page(chinese, 403)
        english = client.post(login, {"username": "x", "password": "y"}, **ENGLISH)
        assert "The form has expired" in page(english, 403)

    def test_the_api_answers_json(self, client_as):
        client = Client(enforce_csrf_checks=True)
        client.force_login(factories.provincial_official())
        response = client.post("/api/v1/notifications/1/read/", **ENGLISH)
        assert "CSRF" in json_detail(response, 403)


class TestTooMany:
    def test_a_lockout_is_a_page_in_both_languages(self, client):
        user = factories.provincial_official()
        login = reverse("accounts:login")
        for _ in range(4):
            client.post(login, {"username": user.username, "password": "wrong"})
        chinese = client.post(login, {"username": user.username, "password": "wrong"})
        assert "登录失败次数过多" in page(chinese, 429)
        english = client.post(login, {"username": user.username, "password": "wrong"}, **ENGLISH)
        assert "Too many failed logins" in page(english, 429)

    def test_the_rate_limit_is_a_page_in_both_languages(self, client):
        for n in range(30):
            client.post(reverse("accounts:login"), {"username": f"u{n}", "password": "x"})
        limited = client.post(reverse("accounts:login"), {"username": "u", "password": "x"})
        assert "请求过于频繁" in page(limited, 429)
        english = english_by_cookie()
        for n in range(31):
            response = english.post(
                reverse("accounts:login"),
                {"username": f"u{n}", "password": "x"},
                REMOTE_ADDR="10.1.1.1",
            )
        assert "Too many requests" in page(response, 429)

    def test_the_api_answers_json(self, api_client):
        user = factories.provincial_official()
        for _ in range(5):
            response = api_client.post(
                "/api/v1/auth/token/",
                {"username": user.username, "password": "x"},
                format="json",
                **ENGLISH,
            )
        assert "Too many failed logins" in json_detail(response, 429)
