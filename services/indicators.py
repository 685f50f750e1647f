"""Indicators derived from service records, for the annual evaluation of complexes.

``derived_values`` is listed in ``settings.EVALUATION_DERIVED_SOURCES``; the evaluation reads
its rows as ``(complex_id, indicator_code, value)``. Every figure is one SQL aggregate over
the requests completed in the year. The one rule for zero and missing (docs/EVALUATION.md):
every complex that is not removed gets its counts and amounts, zero when it completed nothing;
the average rating of a complex that completed nothing is missing (there is nothing to
average), not zero. ``counted_records`` lists the requests behind one value.
"""

from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, Sum
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

from complexes.models import Complex, Status
from portal.derived import CountedRecords, CountingSource

from .models import RequestStatus, ServiceRequest

# Zero when no request was completed in the year.
TOTALS = ("services_delivered", "enterprises_served", "voucher_amount")
# Missing when no request was completed in the year (a completed request is always rated).
AVERAGES = ("average_rating",)
CODES = (*TOTALS, *AVERAGES)

DEFINITIONS = {
    "services_delivered": _(
        "The service requests to the complex that were completed (confirmed by the "
        "enterprise) during the year."
    ),
    "enterprises_served": _(
        "The different enterprises whose service requests to the complex were completed "
        "during the year."
    ),
    "average_rating": _(
        "The average rating (1–5) the enterprises gave the requests completed during the "
        "year, to 2 places; missing when none was completed."
    ),
    "voucher_amount": _(
        "The innovation-voucher amount paid on the requests completed during the year (CNY)."
    ),
}


def completed_in(year: int):
    return ServiceRequest.objects.filter(status=RequestStatus.COMPLETED, completed_at__year=year)


def derived_values(*, year: int) -> list[tuple[int, str, Decimal]]:
    complex_ids = list(
        Complex.objects.exclude(status=Status.REMOVED).order_by("pk").values_list("pk", flat=True)
    )
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
    found = {row["complex_id"]: row for row in rows}
    values = []
    for complex_id in complex_ids:
        row = found.get(complex_id, {})
        for code in TOTALS:
            values.append((complex_id, code, Decimal(row.get(code) or 0)))
        for code in AVERAGES:
            if row.get(code) is not None:
                values.append((complex_id, code, Decimal(row[code])))
    return values


def counted_records(*, code: str, complex_id: int, year: int) -> CountedRecords:
    """The requests ``derived_values`` counts for one complex, indicator and year."""
    if code not in CODES:
        raise KeyError(code)
    requests = (
        completed_in(year).filter(complex_id=complex_id).select_related("offering", "enterprise")
    )
    return CountedRecords(
        columns=(_("Offering"), _("Enterprise"), _("Completed at"), _("Rating"), _("Voucher")),
        rows=[
            (
                request.offering.title,
                request.enterprise.name,
                request.completed_at,
                request.rating,
                request.voucher_amount,
            )
            for request in requests.order_by("completed_at", "pk")
        ],
    )


COUNTING_SOURCE = CountingSource(definitions=DEFINITIONS, records=counted_records)
