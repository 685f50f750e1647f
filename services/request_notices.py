"""Notices of the request journey (quotes, deliveries, clocks): who is told, and how.

Subjects and bodies are lazy translatable strings; the notifier renders them. They are rendered
in the portal's language, as every notice of this app: the reader is not the person acting.
"""

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from portal.notifications import notify

from .models import ServiceRequest, ServiceRequestNotice


def enterprise_users(service_request: ServiceRequest):
    return User.objects.users_of_enterprise(service_request.enterprise_id)


def operators(service_request: ServiceRequest):
    return User.objects.operators_of(service_request.complex_id)


def officials_over(service_request: ServiceRequest):
    """The city and county officials whose region holds the request's complex."""
    return User.objects.regional_officials_over(service_request.complex.region_id)


def tell(recipients, service_request: ServiceRequest, *, subject, body="") -> None:
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients=recipients,
            subject=subject,
            body=body,
            url=reverse("services:request_detail", args=[service_request.pk]),
        )


def record_sent(kind: str, deadlines: dict[int, object]) -> set[int]:
    """Record that ``kind`` was sent about each request (id → its deadline) and answer the
    requests this call recorded: a concurrent or repeated run gets none of them back, so every
    notice goes out once per deadline."""
    if not deadlines:
        return set()
    ids = sorted(deadlines)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {ServiceRequestNotice._meta.db_table} (request_id, kind, deadline, sent_at)
            SELECT due.request_id, %s, due.deadline, %s
            FROM unnest(%s::bigint[], %s::timestamptz[]) AS due (request_id, deadline)
            ON CONFLICT (request_id, kind, deadline) DO NOTHING
            RETURNING request_id
            """,
            [kind, timezone.now(), ids, [deadlines[pk] for pk in ids]],
        )
        return {request_id for (request_id,) in cursor.fetchall()}
