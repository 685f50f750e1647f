"""Passwords: reset by email without revealing who has an account, change when signed in, and
either one ends the account's other sessions and its API token."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from . import factories

pytestmark = pytest.mark.django_db

RESET_URL = "/accounts/password-reset/"
CHANGE_URL = "/accounts/password-change/"
NEW_PASSWORD = "Qiantang-river-tide-9"
# Any page that needs a login, and any API endpoint that does.
PRIVATE_PAGE = "/accounts/inbox/"
PRIVATE_API = "/api/v1/notifications/"


def ask_for_reset(client, email, **headers):
    return client.post(RESET_URL, {"email": email}, **headers)


def reset_link(message) -> str:
    return re.search(r"https?://\S+/accounts/password-reset/\S+/\S+/", message.body).group(0)


def signed_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get(PRIVATE_PAGE).status_code == 200
    return client


def api_token(user) -> str:
    client = Client()
    response = client.post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": factories.PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    return response.json()["token"]


def follow_reset_link(client, link: str):
    """The link redirects once to a URL without the token (Django keeps it in the session)."""
    path = link.split("://", 1)[1].split("/", 1)[1]
    return client.get("/" + path, follow=True)


class TestResetRequest:
    def test_the_page_is_in_the_portal_layout_in_both_languages(self, client):
        chinese = client.get(RESET_URL)
        assert chinese.status_code == 200
        assert 'id="main-nav"' in chinese.content.decode()
        assert "重置密码" in chinese.content.decode()
        english = client.get(RESET_URL, HTTP_ACCEPT_LANGUAGE="en")
        assert "Reset your password" in english.content.decode()

    def test_an_unknown_address_gets_the_same_answer_and_no_email(self, client):
        factories.provincial_official(email="known@example.org")
        known = ask_for_reset(client, "known@example.org")
        assert len(mail.outbox) == 1
        unknown = ask_for_reset(Client(), "nobody@example.org")
        assert len(mail.outbox) == 1
        assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
        assert known["Location"] == reverse("accounts:password_reset_done")
        done_known = client.get(known["Location"]).content.decode()
        done_unknown = Client().get(unknown["Location"]).content.decode()
        strip_tokens = re.compile(r'value="[^"]*"|"X-CSRFToken": "[^"]*"')
        assert strip_tokens.sub("", done_known) == strip_tokens.sub("", done_unknown)

    def test_an_inactive_account_gets_no_email_either(self, client):
        factories.provincial_official(email="gone@example.org", is_active=False)
        assert ask_for_reset(client, "gone@example.org").status_code == 302
        assert mail.outbox == []

    def test_the_link_points_at_the_portal_base_url_not_the_request_host(self, client, settings):
        settings.PORTAL_BASE_URL = "https://portal.example.gov.cn"
        settings.ALLOWED_HOSTS = ["127.0.0.1", "evil.example.com"]
        factories.provincial_official(email="official@example.org")
        ask_for_reset(client, "official@example.org", HTTP_HOST="evil.example.com")
        (message,) = mail.outbox
        assert reset_link(message).startswith(
            "https://portal.example.gov.cn/accounts/password-reset/"
        )
        assert "evil.example.com" not in message.body

    def test_the_email_is_in_the_recipients_language(self, client):
        factories.provincial_official(email="en@example.org", language="en")
        factories.provincial_official(email="zh@example.org", language="zh-hans")
        ask_for_reset(client, "en@example.org")
        ask_for_reset(client, "zh@example.org", HTTP_ACCEPT_LANGUAGE="en")
        english, chinese = mail.outbox
        assert "Choose a new password here" in english.body
        assert "请在此设置新密码" in chinese.body

    @pytest.mark.usefixtures("one_rate_window")
    def test_requests_are_rate_limited_per_client_address(self, client):
        answers = [ask_for_reset(client, f"someone{n}@example.org").status_code for n in range(21)]
        assert answers == [302] * 20 + [429]
        assert "请求过于频繁" in ask_for_reset(client, "x@example.org").content.decode()

    @pytest.mark.usefixtures("one_rate_window")
    def test_requests_are_rate_limited_per_email_address(self, client):
        def from_address(n):
            return ask_for_reset(client, "Target@Example.org ", REMOTE_ADDR=f"10.0.0.{n}")

        assert [from_address(n).status_code for n in range(4)] == [302] * 3 + [429]
        assert ask_for_reset(client, "other@example.org", REMOTE_ADDR="10.0.0.9").status_code == 302


class TestResetConfirm:
    def test_a_reset_ends_every_session_and_the_api_token(self, client):
        user = factories.provincial_official(email="official@example.org")
        elsewhere = signed_in_client(user)
        token = api_token(user)
        ask_for_reset(client, "official@example.org")
        form = follow_reset_link(client, reset_link(mail.outbox[0]))
        assert form.status_code == 200 and "new_password1" in form.content.decode()
        done = client.post(
            form.redirect_chain[-1][0],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert done["Location"] == reverse("accounts:password_reset_complete")
        # The old session now leads to the login page, and the old token is gone.
        assert elsewhere.get(PRIVATE_PAGE)["Location"].startswith(reverse("accounts:login"))
        assert not Token.objects.filter(key=token).exists()
        api = Client(HTTP_AUTHORIZATION=f"Token {token}").get(PRIVATE_API)
        assert api.status_code == 401
        # The resetting browser is not signed in either; the new password works.
        assert client.get(PRIVATE_PAGE).status_code == 302
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)

    def test_a_link_works_once(self, client):
        factories.provincial_official(email="official@example.org")
        ask_for_reset(client, "official@example.org")
        link = reset_link(mail.outbox[0])
        form = follow_reset_link(client, link)
        client.post(
            form.redirect_chain[-1][0],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        again = follow_reset_link(Client(), link)
        assert "链接已失效或已被使用" in again.content.decode()

    def test_the_validators_speak_chinese(self, client):
        user = factories.provincial_official(email="official@example.org", username="zhangwei")
        ask_for_reset(client, "official@example.org")
        form = follow_reset_link(client, reset_link(mail.outbox[0]))
        page = client.post(
            form.redirect_chain[-1][0], {"new_password1": "1234", "new_password2": "1234"}
        ).content.decode()
        assert "密码长度太短。密码必须包含至少 8 个字符。" in page
        assert "这个密码太常见了。" in page
        assert "密码只包含数字。" in page
        similar = client.post(
            form.redirect_chain[-1][0],
            {"new_password1": "zhangwei1", "new_password2": "zhangwei1"},
        ).content.decode()
        assert "密码跟 用户名 太相似了。" in similar
        user.refresh_from_db()
        assert user.check_password(factories.PASSWORD)


class TestChange:
    def test_a_change_keeps_this_session_and_ends_the_others_and_the_token(self):
        user = factories.provincial_official()
        here, elsewhere = signed_in_client(user), signed_in_client(user)
        token = api_token(user)
        done = here.post(
            CHANGE_URL,
            {
                "old_password": factories.PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
        assert done["Location"] == reverse("accounts:password_change_done")
        assert here.get(PRIVATE_PAGE).status_code == 200
        assert elsewhere.get(PRIVATE_PAGE).status_code == 302
        assert not Token.objects.filter(key=token).exists()

    def test_a_wrong_old_password_or_a_weak_new_one_is_refused_in_the_users_language(self):
        user = factories.provincial_official()
        client = signed_in_client(user)
        english = client.post(
            CHANGE_URL,
            {"old_password": "wrong", "new_password1": "123", "new_password2": "123"},
            HTTP_ACCEPT_LANGUAGE="en",
        ).content.decode()
        assert "Your old password was entered incorrectly" in english
        assert "This password is too short" in english
        chinese = client.post(
            CHANGE_URL,
            {"old_password": "wrong", "new_password1": "123", "new_password2": "123"},
        ).content.decode()
        assert "你的旧密码不正确。请重新输入。" in chinese
        user.refresh_from_db()
        assert user.check_password(factories.PASSWORD)

    def test_the_page_needs_a_login(self, client):
        assert client.get(CHANGE_URL)["Location"].startswith(reverse("accounts:login"))


def test_production_stores_argon2id_with_owasps_parameters_and_upgrades_older_hashes(settings):
    """Passwords are kept as Argon2id at 19 MiB, two passes, one lane (accounts/hashers.py);
    a PBKDF2 hash from before still signs in and is rewritten that way."""
    from django.contrib.auth.hashers import make_password

    import config.settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = factories.provincial_official()
    user.password = make_password(NEW_PASSWORD, hasher="pbkdf2_sha256")
    user.save()
    assert Client().post(
        "/accounts/login/", {"username": user.username, "password": NEW_PASSWORD}
    ).status_code == 302  # fmt: skip
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password(NEW_PASSWORD) and not user.check_password("Qiantang-river-tide-8")
