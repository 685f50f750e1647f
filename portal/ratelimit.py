"""Counting requests per client address for django-ratelimit."""

import ipaddress


def client_address(group, request) -> str:
    """The address a client's requests are counted by: an IPv6 client by its /64 (one host
    holds them all), like django-ratelimit's own "ip" key; a server that reports no address
    (some test harnesses, a misconfigured socket) counts all such requests together rather
    than failing."""
    address = request.META.get("REMOTE_ADDR") or ""
    if not address:
        return "unknown"
    prefix = 64 if ":" in address else 32
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)
