"""API tokens: each lasts API_TOKEN_TTL, and ends sooner when its holder revokes it or changes
their password (User.save)."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token


def expiry_cutoff() -> datetime:
    """A token created at or before this moment has expired."""
    return timezone.now() - settings.API_TOKEN_TTL


def token_expired(token: Token) -> bool:
    return token.created <= expiry_cutoff()


@transaction.atomic
def token_issue(*, user) -> Token:
    """The user's token; a new one when theirs has expired (one token per user)."""
    Token.objects.filter(user=user, created__lte=expiry_cutoff()).delete()
    token, _created = Token.objects.get_or_create(user=user)
    return token


def token_revoke(*, user) -> None:
    Token.objects.filter(user=user).delete()
