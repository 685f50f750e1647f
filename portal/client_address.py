"""The client's address, as every limiter of the portal counts it.

Without a proxy (``DJANGO_BEHIND_PROXY`` off) it is the connection's address: an
``X-Forwarded-For`` header then comes from the client itself and is ignored, so rotating it
does not escape a limit. Behind ``TRUSTED_PROXY_COUNT`` proxies, each of which appends the
address it received the request from, the client is the entry that many places from the right;
whatever the client put in front of it is ignored.

django-axes (``AXES_CLIENT_IP_CALLABLE``) and django-ratelimit (``RATELIMIT_IP_META_KEY``) call
this function; DRF's throttles apply the same rule through ``NUM_PROXIES``
(``BaseThrottle.get_ident``), which a test keeps in agreement with it.
"""

from django.conf import settings


def client_address(request) -> str:
    remote_address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded_for = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not proxies or not forwarded_for:
        return remote_address
    hops = [hop.strip() for hop in forwarded_for.split(",")]
    return hops[-min(proxies, len(hops))]
