"""API tokens expire, can be revoked by their holder, and end when the password changes."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token

from . import factories

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
# Any endpoint that needs a login.
PROTECTED_URL = "/api/v1/notifications/"


def obtain_token(api_client, user, password=factories.PASSWORD) -> str:
    response = api_client.post(
        TOKEN_URL, {"username": user.username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(api_client, key):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api_client


def issued_ago(key: str, age: timedelta) -> None:
    """The token as if issued ``age`` before now."""
    Token.objects.filter(key=key).update(created=timezone.now() - age)


class TestExpiry:
    def test_a_token_works_until_its_lifetime_is_over(self, api_client):
        key = obtain_token(api_client, factories.provincial_official())
        issued_ago(key, timedelta(days=30) - timedelta(minutes=1))
        assert with_token(api_client, key).get(PROTECTED_URL).status_code == 200

    def test_an_expired_token_answers_401_with_a_translated_reason(self, api_client):
        key = obtain_token(api_client, factories.provincial_official())
        issued_ago(key, timedelta(days=30, seconds=1))
        client = with_token(api_client, key)
        chinese = client.get(PROTECTED_URL)
        assert chinese.status_code == 401
        assert chinese["WWW-Authenticate"] == "Token"
        assert chinese.json() == {"detail": "令牌已过期，请重新获取：POST /api/v1/auth/token/。"}
        english = client.get(PROTECTED_URL, HTTP_ACCEPT_LANGUAGE="en")
        assert english.json() == {
            "detail": "The token has expired. Ask for a new one: POST /api/v1/auth/token/."
        }

    def test_the_lifetime_is_configurable(self, api_client, settings):
        settings.API_TOKEN_TTL = timedelta(days=1)
        key = obtain_token(api_client, factories.provincial_official())
        issued_ago(key, timedelta(days=1, seconds=1))
        assert with_token(api_client, key).get(PROTECTED_URL).status_code == 401

    def test_the_same_token_until_it_expires_then_a_fresh_one(self, api_client):
        user = factories.provincial_official()
        key = obtain_token(api_client, user)
        assert obtain_token(api_client, user) == key
        issued_ago(key, timedelta(days=31))
        fresh = obtain_token(api_client, user)
        assert fresh != key
        assert list(Token.objects.filter(user=user).values_list("key", flat=True)) == [fresh]
        assert with_token(api_client, fresh).get(PROTECTED_URL).status_code == 200


class TestRevocation:
    def test_delete_revokes_the_callers_token(self, api_client):
        user = factories.provincial_official()
        key = obtain_token(api_client, user)
        other_key = obtain_token(api_client, factories.provincial_official())
        client = with_token(api_client, key)
        assert client.delete(TOKEN_URL).status_code == 204
        assert client.get(PROTECTED_URL).status_code == 401
        assert not Token.objects.filter(user=user).exists()
        # Only the caller's: another user's token still works; the next login issues a new one.
        assert with_token(api_client, other_key).get(PROTECTED_URL).status_code == 200
        api_client.credentials()
        assert obtain_token(api_client, user) != key

    def test_delete_without_a_token_answers_401(self, api_client):
        answer = api_client.delete(TOKEN_URL, HTTP_ACCEPT_LANGUAGE="en")
        assert answer.status_code == 401
        assert answer.json() == {"detail": "Send the token to revoke in the Authorization header."}

    def test_a_browser_session_has_no_token_to_revoke(self, client):
        user = factories.provincial_official()
        Token.objects.create(user=user)
        client.force_login(user)
        assert client.delete(TOKEN_URL).status_code == 401
        assert Token.objects.filter(user=user).exists()


class TestPasswordChange:
    def test_set_password_and_save_revokes_the_token(self, api_client):
        user = factories.provincial_official()
        key = obtain_token(api_client, user)
        user.set_password("another-pass-2026")
        user.save()
        assert with_token(api_client, key).get(PROTECTED_URL).status_code == 401

    def test_a_change_in_the_admin_revokes_the_token(self, api_client, client):
        user = factories.provincial_official()
        key = obtain_token(api_client, user)
        client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
        answer = client.post(
            f"/admin/accounts/user/{user.pk}/password/",
            {"password1": "another-pass-2026", "password2": "another-pass-2026"},
        )
        assert answer.status_code == 302
        assert not Token.objects.filter(key=key).exists()

    def test_changepassword_command_revokes_the_token(self, api_client, monkeypatch):
        user = factories.provincial_official()
        key = obtain_token(api_client, user)
        monkeypatch.setattr("getpass.getpass", lambda prompt="": "another-pass-2026")
        call_command("changepassword", user.username, stdout=io.StringIO())
        assert not Token.objects.filter(key=key).exists()

    def test_other_saves_keep_the_token(self, api_client, client):
        user = factories.provincial_official()
        key = obtain_token(api_client, user)
        user.first_name = "明"
        user.save()
        # A login saves last_login.
        assert client.post(
            "/accounts/login/", {"username": user.username, "password": factories.PASSWORD}
        ).status_code == 302  # fmt: skip
        assert Token.objects.filter(key=key).exists()

    def test_a_password_hash_upgrade_is_not_a_change(self, api_client, settings):
        """Django re-hashes a password with the preferred hasher when it checks it."""
        user = factories.provincial_official()  # hashed with MD5, the test suite's hasher
        key = obtain_token(api_client, user)
        settings.PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
            *settings.PASSWORD_HASHERS,
        ]
        assert obtain_token(api_client, user) == key
        user.refresh_from_db()
        assert user.password.startswith("pbkdf2_sha256$")
