"""Funding's contribution to the dashboard's regional figures (see ``dashboard.figures``)."""

from decimal import Decimal

from .models import Allocation, AllocationStatus

ONE = Decimal(1)


def funding_figures(*, year: int) -> list[tuple[int, str, Decimal]]:
    """The year's published allocations, or its drafts while nothing is published."""
    allocations = Allocation.objects.filter(year=year, status=AllocationStatus.PUBLISHED)
    if not allocations.exists():
        allocations = Allocation.objects.filter(year=year, status=AllocationStatus.DRAFT)
    rows: list[tuple[int, str, Decimal]] = []
    for complex_id, amount, compliant in allocations.values_list(
        "complex_id", "provincial_amount", "compliant"
    ):
        rows += [
            (complex_id, "funding.allocated", amount),
            (complex_id, "funding.allocations", ONE),
            (complex_id, "funding.compliant", ONE if compliant else Decimal(0)),
        ]
    return rows
