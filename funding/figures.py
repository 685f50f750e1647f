"""Funding's contribution to the dashboard's regional figures (see ``portal.figures``)."""

from decimal import Decimal

from django.db.models import Case, DecimalField, F, Value, When

from portal.figures import figure_rows

from .models import Allocation, AllocationStatus

ONE = Value(Decimal(1))


def funding_figures(*, year: int) -> list:
    """The year's published allocations, or its drafts while nothing is published."""
    allocations = Allocation.objects.filter(year=year, status=AllocationStatus.PUBLISHED)
    if not allocations.exists():
        allocations = Allocation.objects.filter(year=year, status=AllocationStatus.DRAFT)
    compliant = Case(
        When(compliant=True, then=ONE), default=Value(Decimal(0)), output_field=DecimalField()
    )
    return [
        figure_rows(
            allocations,
            complex_id="complex_id",
            figures=[
                ("funding.allocated", F("provincial_amount")),
                ("funding.allocations", ONE),
                ("funding.compliant", compliant),
            ],
        )
    ]
