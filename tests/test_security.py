"""Lockout, rate limits and the audit history."""

import pytest
from django.db import InternalError, connection
from django.urls import reverse

from complexes.models import Complex, ComplexEvent

from . import factories

pytestmark = pytest.mark.django_db


def login_page_post(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_five_failed_logins_lock_the_account_with_a_clear_message(client):
    user = factories.provincial_official()
    for _ in range(4):
        assert login_page_post(client, user.username, "wrong").status_code == 200
    locked = login_page_post(client, user.username, "wrong")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    # The right password does not get through while locked; another account still logs in.
    assert login_page_post(client, user.username, factories.PASSWORD).status_code == 429
    other = factories.provincial_official()
    assert login_page_post(client, other.username, factories.PASSWORD).status_code == 302


def test_token_endpoint_locks_out_too_and_answers_json(api_client):
    user = factories.provincial_official()
    url = "/api/v1/auth/token/"
    for _ in range(4):
        response = api_client.post(url, {"username": user.username, "password": "x"}, format="json")
        assert response.status_code == 400
    response = api_client.post(
        url, {"username": user.username, "password": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 429
    assert "Too many failed logins" in response.json()["detail"]


def test_token_endpoint_is_rate_limited(api_client, settings):
    user = factories.provincial_official()
    url = "/api/v1/auth/token/"
    answers = [
        api_client.post(
            url, {"username": user.username, "password": factories.PASSWORD}, format="json"
        ).status_code
        for _ in range(21)
    ]
    assert answers[:20] == [200] * 20
    assert answers[20] == 429


@pytest.mark.usefixtures("one_rate_window")
def test_login_page_is_rate_limited_per_address(client):
    answers = [login_page_post(client, f"nobody{n}", "wrong").status_code for n in range(31)]
    assert answers[:30] == [200] * 30
    assert answers[30] == 429
    assert "请求过于频繁" in login_page_post(client, "nobody", "wrong").content.decode()


TOKEN_URL = "/api/v1/auth/token/"


def token_post(api_client, user, **headers):
    return api_client.post(
        TOKEN_URL, {"username": user.username, "password": factories.PASSWORD}, format="json",
        **headers,
    ).status_code  # fmt: skip


@pytest.fixture
def behind_one_proxy(settings):
    """DJANGO_BEHIND_PROXY=true with the default DJANGO_PROXY_COUNT of 1, as the settings
    derive it."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


@pytest.mark.usefixtures("one_rate_window")
class TestClientAddress:
    """Every limiter counts per client address, and a client cannot choose its address."""

    def test_token_throttle_ignores_a_forwarded_for_header_without_a_proxy(self, api_client):
        user = factories.provincial_official()
        answers = [
            token_post(api_client, user, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}") for n in range(30)
        ]
        assert answers[:20] == [200] * 20
        assert answers[20:] == [429] * 10

    def test_token_throttle_behind_a_proxy_counts_the_address_the_proxy_saw(
        self, api_client, behind_one_proxy
    ):
        user = factories.provincial_official()
        # The client rotates what it sends; the proxy appends the address it really has.
        answers = [
            token_post(api_client, user, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7")
            for n in range(30)
        ]
        assert answers[:20] == [200] * 20
        assert answers[20:] == [429] * 10
        # Another client behind the same proxy has a budget of its own.
        assert token_post(api_client, user, HTTP_X_FORWARDED_FOR="203.0.113.8") == 200

    def test_admin_login_is_rate_limited_per_address(self, client):
        answers = [
            client.post(
                "/admin/login/",
                {"username": f"nobody{n}", "password": "wrong"},
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            ).status_code
            for n in range(35)
        ]
        assert answers[:30] == [200] * 30
        assert answers[30:] == [429] * 5

    def test_the_login_forms_share_one_budget_per_address(self, client):
        for n in range(30):
            assert login_page_post(client, f"nobody{n}", "wrong").status_code == 200
        admin_answer = client.post("/admin/login/", {"username": "admin", "password": "wrong"})
        assert admin_answer.status_code == 429

    def test_login_page_ignores_a_forwarded_for_header_without_a_proxy(self, client):
        answers = [
            client.post(
                reverse("accounts:login"),
                {"username": f"nobody{n}", "password": "wrong"},
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            ).status_code
            for n in range(31)
        ]
        assert answers[30] == 429

    def test_login_page_behind_a_proxy_counts_each_client_apart(self, client, behind_one_proxy):
        def attempt(n, address):
            return client.post(
                reverse("accounts:login"),
                {"username": f"nobody{n}", "password": "wrong"},
                HTTP_X_FORWARDED_FOR=address,
            ).status_code

        assert [attempt(n, f"10.0.0.{n}, 203.0.113.7") for n in range(31)][30] == 429
        assert attempt(31, "203.0.113.8") == 200

    def test_lockout_behind_a_proxy_is_per_client(self, client, behind_one_proxy):
        """django-axes locks a user name per address: failures from another client behind the
        same proxy do not add up, and a forged header does not reset the count."""
        user = factories.provincial_official()

        def attempt(forwarded_for, password="wrong"):
            return client.post(
                reverse("accounts:login"),
                {"username": user.username, "password": password},
                HTTP_X_FORWARDED_FOR=forwarded_for,
            ).status_code

        for n in range(4):
            assert attempt(f"10.0.0.{n}, 203.0.113.7") == 200
        for _ in range(4):
            assert attempt("203.0.113.8") == 200
        assert attempt("10.9.9.9, 203.0.113.7") == 429
        assert attempt("203.0.113.9", factories.PASSWORD) == 302

    @pytest.mark.parametrize("proxies", [0, 1, 2])
    @pytest.mark.parametrize(
        "forwarded_for", [None, "203.0.113.7", "198.51.100.1, 203.0.113.7", "a, b ,c"]
    )
    def test_drf_throttles_agree_with_the_other_limiters(self, settings, proxies, forwarded_for):
        from django.test import RequestFactory

        from accounts.api.views import TokenView

        settings.TRUSTED_PROXY_COUNT = proxies
        headers = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
        request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", **headers)
        expected = {
            (0, "198.51.100.1, 203.0.113.7"): "192.0.2.1",
            (1, "198.51.100.1, 203.0.113.7"): "203.0.113.7",
            (2, "198.51.100.1, 203.0.113.7"): "198.51.100.1",
            (1, "203.0.113.7"): "203.0.113.7",
            (2, "203.0.113.7"): "203.0.113.7",
        }.get((proxies, forwarded_for), "192.0.2.1")
        for throttle in TokenView.throttle_classes:
            assert throttle().get_ident(request) == expected


class TestAudit:
    def test_api_edit_is_recorded_with_the_acting_user(self, api_as, yongkang_complex):
        operator = factories.operator_of(yongkang_complex)
        response = api_as(operator).patch(
            f"/api/v1/complexes/{yongkang_complex.pk}/", {"contact_name": "王明"}, format="json"
        )
        assert response.status_code == 200
        event = ComplexEvent.objects.filter(pgh_obj=yongkang_complex, pgh_label="update").get()
        assert event.contact_name == "王明"
        assert event.pgh_context.metadata["user"] == operator.pk

    def test_bulk_updates_are_recorded(self, yongkang_complex, hangzhou_complex):
        Complex.objects.update(status="rectifying")
        updates = ComplexEvent.objects.filter(pgh_label="update", status="rectifying")
        assert set(updates.values_list("pgh_obj_id", flat=True)) == {
            yongkang_complex.pk,
            hangzhou_complex.pk,
        }

    def test_history_cannot_be_edited_or_deleted(self, yongkang_complex):
        event = ComplexEvent.objects.filter(pgh_obj=yongkang_complex).first()
        with pytest.raises(InternalError), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ComplexEvent._meta.db_table} SET name = 'x' WHERE pgh_id = %s", [event.pk]
            )

    def test_role_changes_are_recorded_but_logins_are_not(self, client):
        user = factories.regional_official("330700")
        user.region_id = "330100"
        user.save()
        login_page_post(client, user.username, factories.PASSWORD)
        events = list(user.events.order_by("pgh_id").values_list("pgh_label", "region_id"))
        assert events == [("insert", "330700"), ("update", "330100")]

    def test_history_page_for_officials_in_scope(self, client_as, yongkang_complex):
        operator = factories.operator_of(yongkang_complex)
        api_member = factories.InstitutionFactory(complex=yongkang_complex, name="审计测试机构")
        url = reverse("complexes:history", args=[yongkang_complex.code])
        html = client_as(factories.regional_official("330700")).get(url).content.decode()
        assert "审计测试机构" in html and "成员机构" in html
        assert client_as(operator).get(url).status_code == 200
        assert client_as(factories.regional_official("330100")).get(url).status_code == 404
        assert api_member.pk


def test_unmatched_api_paths_answer_json_and_pages_html(client):
    api = client.get("/api/v1/vouchers/0.5/ledger/")
    assert api.status_code == 404 and api.json() == {"detail": "未找到。"}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
