"""Indicators derived from service records, for the annual evaluation of complexes.

``derived_values`` is listed in ``settings.EVALUATION_DERIVED_SOURCES``; the evaluation reads
its rows as ``(complex_id, indicator_code, value)``. Every figure is one SQL aggregate over
the requests completed in the year, and can be traced on the request list filtered by complex,
completion year and status "completed".
"""

from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, Sum
from django.db.models.functions import Round

from .models import RequestStatus, ServiceRequest

CODES = ("services_delivered", "enterprises_served", "average_rating", "voucher_amount")


def completed_in(year: int):
    return ServiceRequest.objects.filter(status=RequestStatus.COMPLETED, completed_at__year=year)


def derived_values(*, year: int) -> list[tuple[int, str, Decimal]]:
    rows = (
        completed_in(year)
        .order_by("complex_id")
        .values("complex_id")
        .annotate(
            services_delivered=Count("id"),
            enterprises_served=Count("enterprise_id", distinct=True),
            average_rating=Round(
                Avg("rating", output_field=DecimalField(max_digits=6, decimal_places=4)),
                2,
                output_field=DecimalField(max_digits=4, decimal_places=2),
            ),
            voucher_amount=Sum("voucher_amount"),
        )
    )
    values = []
    for row in rows:
        for code in CODES:
            if row[code] is not None:
                values.append((row["complex_id"], code, Decimal(row[code])))
    return values
