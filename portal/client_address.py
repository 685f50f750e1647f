"""The client's address, as every limiter of the portal counts it.

Without a proxy (``DJANGO_BEHIND_PROXY`` off) it is the connection's address: an
``X-Forwarded-For`` header then comes from the client itself and is ignored, so rotating it
does not escape a limit. Behind ``TRUSTED_PROXY_COUNT`` proxies, each of which appends the
address it received the request from, the client is the entry that many places from the right;
whatever the client put in front of it is ignored.

django-axes (``AXES_CLIENT_IP_CALLABLE``) and django-ratelimit (``RATELIMIT_IP_META_KEY``) call
this function, and so do the REST framework's throttles (``portal.api.throttling``). An entry
that is no address (a forged header, a test client without one) never reaches a limiter.
"""

import ipaddress

from django.conf import settings

# What a request without a readable address counts as (a test client, a malformed header):
# such requests share one limit rather than escaping it or failing the limiter.
UNKNOWN_ADDRESS = "0.0.0.0"


def client_address(request) -> str:
    remote_address = _address_or_none(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded_for = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded_for:
        hops = [hop.strip() for hop in forwarded_for.split(",")]
        forwarded = _address_or_none(hops[-min(proxies, len(hops))])
        if forwarded:
            return forwarded
    return remote_address or UNKNOWN_ADDRESS


def _address_or_none(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None
