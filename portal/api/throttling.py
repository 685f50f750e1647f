from rest_framework.throttling import ScopedRateThrottle

from portal.client_address import client_address


class ScopedClientRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, counting the client's address as every other limiter of the
    portal does (``portal.client_address``), malformed forwarded addresses included."""

    def get_ident(self, request):
        return client_address(request)
