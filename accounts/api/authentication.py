from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import TokenScheme
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from accounts.tokens import token_expired


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a token older than API_TOKEN_TTL."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise AuthenticationFailed(
                _("The token has expired. Ask for a new one: POST /api/v1/auth/token/.")
            )
        return user, token


class ExpiringTokenScheme(TokenScheme):
    target_class = "accounts.api.authentication.ExpiringTokenAuthentication"
    priority = 0

    def get_security_definition(self, auto_schema):
        return {
            **super().get_security_definition(auto_schema),
            "description": (
                "`Authorization: Token <token>`, the token from `POST /api/v1/auth/token/`. A "
                f"token stops working {settings.API_TOKEN_TTL.days} days after it was issued, "
                "when `DELETE /api/v1/auth/token/` revokes it, or when its user's password "
                "changes; a request with it then answers 401."
            ),
        }
